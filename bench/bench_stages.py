"""Time and peak memory of the stages after parse, on the benchmark corpus.

    .venv/bin/python bench/bench_stages.py [--stages topics] [--repeat 1] [--out DIR]

Runs the whole pipeline once (into --out, or a temporary folder; an existing
--out is reused, so later calls only re-time the stages), then reruns each
named stage with --force, each run in its own process. The stage time is the
runner's own (run.json); peak memory is that of the whole process tree,
loading the spaCy vocabulary and the parsed docs included. Writes
bench/results/bench_stages.json (git-ignored) and prints a table.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_parse import PY, measured  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=HERE.parent.parent / "shared" /
                        "bench-corpus")
    parser.add_argument("--stages", default="topics", help="comma-separated stage names")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--results", type=Path, default=HERE / "results")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="framing-bench-stages-")) / "out"
    config = out.parent / "bench-stages.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('compare = ["business", "tech"]\n[corpus]\ngroup_column = "category"\n')
    cmd = [PY, "-m", "pipeline", "run", "--quiet", "--corpus", str(args.corpus), "--config",
           str(config), "--out", str(out)]
    wall, peak, _ = measured(cmd)
    documents = json.loads((out / "run.json").read_text())
    print(f"whole run (stages not up to date): {wall:.1f} s, {peak:,.0f} MB peak")
    results: dict = {"corpus": str(args.corpus), "whole_run_seconds": round(wall, 1),
                     "whole_run_peak_mb": round(peak), "stages": {}}
    for name in args.stages.split(","):
        runs = []
        for _ in range(args.repeat):
            _, stage_peak, _ = measured([*cmd, "--stage", name, "--force"])
            record = json.loads((out / "run.json").read_text())
            seconds = next(s["seconds"] for s in record["stages"] if s["name"] == name)
            runs.append((seconds, stage_peak))
        seconds, stage_peak = min(runs)
        results["stages"][name] = {"seconds": seconds, "peak_mb": round(stage_peak)}
        print(f"  {name:<12} {seconds:>8.1f} s  {stage_peak:>7,.0f} MB peak")
    results["versions"] = documents.get("versions", {})
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "bench_stages.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
