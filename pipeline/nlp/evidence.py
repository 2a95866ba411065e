"""Evidence cells: the sentences behind a finding, as a JSON list of spans.

A cell is ``[["doc-1", 0, 54], ["doc-2", 60, 219]]``: one ``[doc_id, start_char,
end_char]`` per sentence, offsets into the original file. JSON rather than a
delimited string, so that a ``doc_id`` may hold any character (``|``, ``:``, a
comma, quotes) and still be read back exactly. The one writer
(:func:`evidence_text`) and the one reader (:func:`evidence_spans`) of the format
stand side by side.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pandas as pd


def evidence_cell(spans: Iterable[tuple[str, int, int]]) -> str:
    """The cell for ``(doc_id, start_char, end_char)`` spans.

    >>> evidence_cell([("a | b:c", 0, 5)])
    '[["a | b:c", 0, 5]]'
    """
    return json.dumps([[str(d), int(a), int(b)] for d, a, b in spans], ensure_ascii=False)


def evidence_text(rows: pd.DataFrame, n: int) -> str:
    """The cell for the first ``n`` rows' ``doc_id``, ``start_char`` and ``end_char``."""
    rows = rows.head(n)
    return evidence_cell(zip(rows["doc_id"], rows["start_char"], rows["end_char"], strict=True))


def evidence_spans(evidence: object) -> list[tuple[str, int, int]]:
    """The (doc_id, start_char, end_char) spans of an ``evidence`` cell (none when empty).

    >>> evidence_spans('[["doc-1", 0, 54], ["doc-2", 60, 219]]')
    [('doc-1', 0, 54), ('doc-2', 60, 219)]
    """
    if not isinstance(evidence, str) or not evidence.strip():
        return []
    return [(str(d), int(a), int(b)) for d, a, b in json.loads(evidence)]
