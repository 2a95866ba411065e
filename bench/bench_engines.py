"""The whole run on the local engine and on Dask (a LocalCluster the run starts).

    .venv/bin/python bench/bench_engines.py [--workers 2] [--out DIR]

Ingests the benchmark corpus once, then runs every later stage with each engine
(--from parse --force, each run in its own process): the parse stage's shards, the
later stages' per-document map work and the topic fits go to the engine. Reports
the parse stage's and the later stages' own times (run.json), the whole command's
wall time (the LocalCluster's start included) and the peak memory of the process
tree (the Dask workers are children of the run, so they count). Checks that both
engines wrote the same tables, byte for byte. Writes bench/results/bench_engines.json
(git-ignored) and prints a table.
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
        wall, peak, _ = measured([*cmd, "--from", "parse", "--force"])
        record = json.loads((out / "run.json").read_text())
        stages = {s["name"]: s["seconds"] for s in record["stages"] if s["status"] == "ran"}
        parse = stages.pop("parse")
        later = round(sum(stages.values()), 1)
        results["engines"][engine] = {"parse_seconds": parse, "later_seconds": later,
                                      "stages": stages, "wall_seconds": round(wall, 1),
                                      "peak_mb": round(peak)}
        tables[engine] = {p.name: p.read_bytes() for p in (out / "tables").glob("*.csv")}
        print(f"  {engine:<6} parse {parse:>7.1f} s   later stages {later:>7.1f} s   "
              f"command {wall:>7.1f} s   {peak:>7,.0f} MB peak")
    results["same_tables"] = tables["local"] == tables["dask"]
    local, dask = results["engines"]["local"], results["engines"]["dask"]
    results["dask_over_local"] = round(dask["parse_seconds"] / local["parse_seconds"], 3)
    results["dask_over_local_whole"] = round(dask["wall_seconds"] / local["wall_seconds"], 3)
    print(f"same tables: {results['same_tables']}; dask / local: parse "
          f"{results['dask_over_local']:.2f}, whole command {results['dask_over_local_whole']:.2f}")
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "bench_engines.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
