"""How the whole run's time and memory grow with the corpus: 250, 500, 1,000, 4,000 articles.

    .venv/bin/python bench/bench_scaling.py [--sizes 250,500,1000,4000] [--out DIR]

Each size is a corpus built from the benchmark corpus (every k-th article; past its
1,000 articles, the corpus again with new doc_ids, "-r1", "-r2" ...). Repeated
articles repeat their sentences, so the runs keep repeats (`[parse] keep_duplicates`)
and every stage measures as many sentences as distinct articles would give; the
texts themselves are never copied into this repository. Each run is the whole pipeline
from nothing, in its own process. Reports per stage the seconds per 1,000 articles,
the whole run against the parse stage, and the peak memory of the process tree
against the smallest size: its RSS, and its PSS (forked workers share their parent's
pages, which RSS counts once in every process that maps them; PSS splits them). Writes bench/results/bench_scaling.json (git-ignored).
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_parse import PY, measured_memory  # noqa: E402


def scaled_corpus(corpus: Path, n: int, dest: Path) -> Path:
    """n articles: every k-th of ``corpus`` (all of them, repeated with new ids, past its
    size), copied to ``dest`` (a temporary folder)."""
    with (corpus / "manifest.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if n <= len(rows):
        chosen = [dict(r) for r in rows[::max(1, len(rows) // n)][:n]]
    else:
        chosen = [{**r, "doc_id": r["doc_id"] + (f"-r{k}" if k else "")}
                  for k in range(-(-n // len(rows))) for r in rows][:n]
    dest.mkdir(parents=True)
    for r in chosen:  # a temporary folder's copy: repeats share one file
        target = dest / r["path"]
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(corpus / r["path"], target)
    with (dest / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["doc_id", "path", "category"])
        for r in chosen:
            writer.writerow([r["doc_id"], r["path"], r["category"]])
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=HERE.parent.parent / "shared" /
                        "bench-corpus")
    parser.add_argument("--sizes", default="250,500,1000,4000")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--results", type=Path, default=HERE / "results")
    args = parser.parse_args()
    root = args.out or Path(tempfile.mkdtemp(prefix="framing-bench-scaling-"))
    config = root / "scaling.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('compare = ["business", "tech"]\n[corpus]\ngroup_column = "category"\n'
                      "[parse]\nkeep_duplicates = true\n")
    results: dict = {"corpus": str(args.corpus), "sizes": {}}
    for n in (int(s) for s in args.sizes.split(",")):
        corpus = scaled_corpus(args.corpus, n, root / f"corpus-{n}")
        out = root / f"out-{n}"
        wall, peak, pss, _ = measured_memory([PY, "-m", "pipeline", "run", "--quiet",
                                              "--corpus", str(corpus), "--config", str(config),
                                              "--out", str(out)])
        stages = {s["name"]: s["seconds"] for s in
                  json.loads((out / "run.json").read_text())["stages"]}
        results["sizes"][n] = {"wall_seconds": round(wall, 1), "peak_mb": round(peak),
                               "peak_pss_mb": round(pss),
                               "stages": stages,
                               "whole_over_parse": round(sum(stages.values()) / stages["parse"], 2)}
        later = sum(v for k, v in stages.items() if k not in ("ingest", "parse"))
        print(f"{n:>6} articles: whole {sum(stages.values()):7.1f} s (parse {stages['parse']:.1f}, "
              f"later {later:.1f} = {1000 * later / n:.1f} s per 1,000), "
              f"whole/parse {results['sizes'][n]['whole_over_parse']:.2f}, peak {peak:,.0f} MB "
              f"RSS, {pss:,.0f} MB PSS", flush=True)
    first = min(results["sizes"])
    for n, r in results["sizes"].items():
        r["peak_over_smallest"] = round(r["peak_mb"] / results["sizes"][first]["peak_mb"], 2)
        r["pss_over_smallest"] = round(r["peak_pss_mb"] / results["sizes"][first]["peak_pss_mb"],
                                       2)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "bench_scaling.json").write_text(json.dumps(results, indent=2) + "\n")
    for n, r in results["sizes"].items():
        print(f"{n:>6}: peak {r['peak_over_smallest']:.2f} x (RSS), {r['pss_over_smallest']:.2f} x "
              f"(PSS) the {first}-article run; per stage "
              + ", ".join(f"{k} {1000 * v / n:.1f}" for k, v in r["stages"].items())
              + " s per 1,000 articles")


if __name__ == "__main__":
    main()
