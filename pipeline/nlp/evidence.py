"""Evidence cells: the sentences behind a finding, written and read as ``doc:start-end`` lists.

The one writer (:func:`evidence_text`) and the one reader (:func:`evidence_spans`)
of the format, side by side.
"""

from __future__ import annotations

import pandas as pd


def evidence_text(rows: pd.DataFrame, n: int) -> str:
    """The first ``n`` rows' ``doc_id:start_char-end_char``, joined by `` | ``."""
    rows = rows.head(n)
    return " | ".join(f"{d}:{a}-{b}" for d, a, b in zip(rows["doc_id"], rows["start_char"],
                                                        rows["end_char"], strict=True))


def evidence_spans(evidence: str) -> list[tuple[str, int, int]]:
    """The (doc_id, start_char, end_char) spans of an ``evidence`` cell.

    >>> evidence_spans("doc-1:0-54 | doc-2:60-219")
    [('doc-1', 0, 54), ('doc-2', 60, 219)]
    """
    spans = []
    for item in (evidence if isinstance(evidence, str) else "").split(" | "):
        if item:
            doc_id, _, span = item.rpartition(":")
            start, end = span.split("-")
            spans.append((doc_id, int(start), int(end)))
    return spans
