"""Entity F1 per article: the statistical NER alone ("stock") against the corrected mentions.

    .venv/bin/python bench/entity_articles.py tests/data/gold_entities_bbc.jsonl

Builds a corpus of the gold's articles (bench/dev_corpus.py), runs the
pipeline up to the entities stage twice (``[entities] corrections = false`` and
the defaults) in a temporary folder, and prints precision, recall and F1 per
article and overall for both, with the change. The corrections must make no
article worse.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable


def run(corpus: Path, out: Path, config: Path) -> None:
    subprocess.run([PY, "-m", "pipeline", "run", "--quiet", "--corpus", str(corpus), "--out",
                    str(out), "--config", str(config), "--stage", "ingest"], check=True)
    for stage in ("parse", "entities"):
        subprocess.run([PY, "-m", "pipeline", "run", "--quiet", "--corpus", str(corpus),
                        "--out", str(out), "--config", str(config), "--stage", stage],
                       check=True)


def scores(corpus: Path, out: Path, config: Path, gold_path: Path) -> dict[str, tuple]:
    from pipeline.config import load_config
    from pipeline.corpus.manifest import load_corpus
    from pipeline.engine.catalog import read_table
    from pipeline.stages.entities.evaluation import (
        EntityScores,
        gold_mentions,
        read_gold,
        scopes,
        score_mentions,
    )

    cfg = load_config(config)
    docs = load_corpus(corpus, cfg.corpus)
    path_of = {d.doc_id: d.path for d in docs.documents}
    table = read_table(out / "tables" / "entities.csv")
    body = table[table["part"].isin(cfg.parse.body_parts)]
    predicted = [(path_of[r.doc_id], int(r.start_char), int(r.end_char), r.label)
                 for r in body.itertuples()]
    records = read_gold(gold_path)
    result = score_mentions(predicted, gold_mentions(records), scopes(records),
                            cfg.entities.labels)
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for i, keys in enumerate((result.true_positives, result.false_positives,
                              result.false_negatives)):
        for key in keys:
            per[key[0]][i] += 1
    out_rows = {name: EntityScores.prf(*c) + tuple(c) for name, c in sorted(per.items())}
    out_rows["overall"] = EntityScores.prf(*result.overall) + tuple(result.overall)
    return out_rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="entity-articles-"))
    corpus = work / "corpus"
    subprocess.run([PY, str(HERE / "dev_corpus.py"), str(args.gold), str(corpus)], check=True,
                   stdout=subprocess.DEVNULL)
    groups = sorted({line.split(",")[2] for line in
                     (corpus / "manifest.csv").read_text(encoding="utf-8").splitlines()[1:]})
    compare = f'compare = ["{groups[0]}", "{groups[-1]}"]\n'
    results = {}
    for name, extra in (("stock", "[entities]\ncorrections = false\n"), ("corrected", "")):
        config = work / f"{name}.toml"
        config.write_text(compare + extra, encoding="utf-8")
        run(corpus, work / name, config)
        results[name] = scores(corpus, work / name, config, args.gold)
    print(f"{'article':<28} {'stock F1':>8} {'corrected F1':>12} {'change':>7}   "
          f"corrected P / R (TP FP FN)")
    worse = 0
    for name in results["corrected"]:
        s, c = results["stock"].get(name, (0, 0, 0)), results["corrected"][name]
        change = c[2] - s[2]
        worse += name != "overall" and change < 0
        print(f"{name:<28} {s[2]:>8.3f} {c[2]:>12.3f} {change:>+7.3f}   "
              f"{c[0]:.3f} / {c[1]:.3f} ({c[3]} {c[4]} {c[5]})")
    print(f"articles worse with the corrections: {worse}")


if __name__ == "__main__":
    main()
