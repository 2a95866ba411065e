"""Time of the repeated-sentence check on one long document, against comparing all pairs.

    .venv/bin/python bench/bench_repeats.py [--corpus ../shared/bench-corpus] [--mb 0.5,1,2]

Builds one "document" of N MB by joining the benchmark articles' sentences (split on
". "), in corpus order, and times ``mark_duplicates`` on it. The all-pairs version (the
rule as first written, every sentence against every earlier one) is timed on the first
3,000 sentences and projected quadratically to the whole document. Both must mark the
same sentences on those 3,000. Prints a table; writes nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from pipeline.config import ParseSettings  # noqa: E402
from pipeline.stages.parse.shards import mark_duplicates  # noqa: E402

# the quadratic rule as first written, kept once, beside the test that checks against it
from tests.test_parse import _all_pairs  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=HERE.parent.parent / "shared" / "bench-corpus")
    parser.add_argument("--mb", default="0.5,1,2",
                        help="document sizes in MB, comma-separated, at most the corpus size")
    args = parser.parse_args()
    text = " ".join(p.read_text(encoding="utf-8")
                    for p in sorted((args.corpus / "articles").rglob("*.txt")))
    settings = ParseSettings()
    sample = [s.strip() for s in text.replace("\n", " ").split(". ") if s.strip()][:3000]
    began = time.perf_counter()
    reference = _all_pairs(sample, ["body"] * len(sample), settings)
    pair_seconds = time.perf_counter() - began
    assert mark_duplicates(sample, ["body"] * len(sample), settings) == reference
    print(f"{'MB':>5} {'sentences':>10} {'indexed s':>10} {'all pairs s (projected)':>24}")
    for mb in (float(x) for x in args.mb.split(",")):
        size = int(mb * 1_000_000)
        doc = (text * (size // len(text) + 1))[:size]
        sentences = [s.strip() for s in doc.replace("\n", " ").split(". ") if s.strip()]
        began = time.perf_counter()
        marks = mark_duplicates(sentences, ["body"] * len(sentences), settings)
        seconds = time.perf_counter() - began
        projected = pair_seconds * (len(sentences) / len(sample)) ** 2
        print(f"{mb:>5g} {len(sentences):>10,} {seconds:>10.2f} {projected:>24,.0f}"
              f"   ({sum(m is not None for m in marks):,} repeats)")


if __name__ == "__main__":
    main()
