"""What a rate is counted over: the scopes of sentences, and shares with their intervals.

Every sentence of the framing stage is in one scope: ``body`` (the article's
text), ``heading`` (its title, headings and list labels: ``[framing]
heading_parts``) or ``comment`` (reader comments). Rates of sentences (frames,
tone, stance, relationship, agency) and distinctive vocabulary are over the
body sentences of the compared groups; headings are reported on their own
(``headline_frames.csv``); per-document rows are given for every scope.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.config import FramingSettings
from pipeline.stats.streams import measure_stream
from pipeline.stats.uncertainty import bootstrap_intervals

BODY, HEADING, COMMENT = "body", "heading", "comment"


def share_rows(sentences: pd.DataFrame, column: str, categories: list[str], compare: tuple,
                settings: FramingSettings, extra: dict[str, pd.Series] | None = None
                ) -> list[tuple]:
    """Share of sentences per category, per group and per document, with bootstrap intervals
    (one random stream per unit, so categories added or removed change no other row)."""
    rows = []
    units = [("group", g, "", sentences[sentences["group"] == g]) for g in compare]
    units += [("document", g, d, part) for (g, d), part in
              sentences.groupby(["group", "doc_id"], sort=True)]
    for level, group, doc_id, part in units:
        if part.empty:
            continue
        flags = {c: (part[column] == c).to_numpy(float) for c in categories}
        for name, series in (extra or {}).items():
            flags[name] = series.loc[part.index].to_numpy(float)
        matrix = np.column_stack(list(flags.values()))
        rng = measure_stream(settings.random_state, "share", column, level, group, doc_id)
        low, high = bootstrap_intervals(matrix, settings.bootstrap, rng)
        for j, category in enumerate(flags):
            num = matrix[:, j]
            rows.append((level, group, doc_id, category, int(num.sum()), len(part),
                         round(num.sum() / len(part), 6), rounded(low[j]), rounded(high[j])))
    return rows


def rounded(value: float) -> float:
    return round(value, 6) if value == value else value
