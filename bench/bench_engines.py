"""The parse stage on the local engine and on Dask (a LocalCluster the run starts).

    .venv/bin/python bench/bench_engines.py [--workers 2] [--out DIR]

Ingests the benchmark corpus once, then parses it with each engine (--force, each
run in its own process) and reports the stage's own time (run.json), the whole
command's wall time (the LocalCluster's start included) and the peak memory of the
process tree (the Dask workers are children of the run, so they count). Checks that
both engines wrote the same tables, byte for byte. Writes
bench/results/bench_engines.json (git-ignored) and prints a table.
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
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--results", type=Path, default=HERE / "results")
    args = parser.parse_args()
    root = args.out or Path(tempfile.mkdtemp(prefix="framing-bench-engines-"))
    results: dict = {"corpus": str(args.corpus), "workers": args.workers, "engines": {}}
    tables = {}
    for engine in ("local", "dask"):
        out = root / engine
        config = root / f"{engine}.toml"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text('compare = ["business", "tech"]\n[corpus]\ngroup_column = "category"\n'
                          f'[model]\nn_process = {args.workers}\n'
                          f'[engine]\nname = "{engine}"\nworkers = {args.workers}\n')
        cmd = [PY, "-m", "pipeline", "run", "--quiet", "--corpus", str(args.corpus),
               "--config", str(config), "--out", str(out)]
        measured([*cmd, "--stage", "ingest"])
        wall, peak, _ = measured([*cmd, "--stage", "parse", "--force"])
        record = json.loads((out / "run.json").read_text())
        seconds = next(s["seconds"] for s in record["stages"] if s["name"] == "parse")
        results["engines"][engine] = {"parse_seconds": seconds, "wall_seconds": round(wall, 1),
                                      "peak_mb": round(peak)}
        tables[engine] = {p.name: p.read_bytes() for p in (out / "tables").glob("*.csv")}
        print(f"  {engine:<6} parse {seconds:>7.1f} s   command {wall:>7.1f} s   "
              f"{peak:>7,.0f} MB peak")
    results["same_tables"] = tables["local"] == tables["dask"]
    ratio = results["engines"]["dask"]["parse_seconds"] / results["engines"]["local"]["parse_seconds"]
    results["dask_over_local"] = round(ratio, 3)
    print(f"same tables: {results['same_tables']}; dask / local parse time: {ratio:.2f}")
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "bench_engines.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
