"""Build a corpus folder of the articles a gold file refers to, for evaluating on it.

    .venv/bin/python bench/dev_corpus.py tests/data/gold_entities_bbc.jsonl /tmp/entdev

Copies each file the gold names (``articles/<name>.txt`` from ../shared/bench-corpus/,
other names from ../shared/source-articles/) into the new folder, with a
manifest.csv whose group is the BBC category (or ``bundled``). The gold's
offsets then point into the copies, and ``python -m pipeline run --corpus
/tmp/entdev`` followed by ``evaluate-entities`` (or any stage) works on it.
The BBC texts stay outside the repository.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--shared", type=Path, default=SHARED)
    args = parser.parse_args()
    files = sorted({json.loads(line)["file"] for line in
                    args.gold.read_text(encoding="utf-8").splitlines() if line.strip()})
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in files:
        if name.startswith("articles/"):
            source = args.shared / "bench-corpus" / name
            group = Path(name).stem.split("_")[0]
        else:
            source = args.shared / "source-articles" / name
            group = "bundled"
        (args.out / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, args.out / name)
        rows.append({"doc_id": Path(name).stem, "path": name, "group": group})
    with (args.out / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["doc_id", "path", "group"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} documents in {args.out}")


if __name__ == "__main__":
    main()
