"""What a rate is counted over: the scopes of sentences, and shares with their intervals.

Every sentence of the framing stage is in one scope: ``body`` (the article's
text), ``heading`` (its title, headings and list labels: ``[framing]
heading_parts``) or ``comment`` (reader comments). Rates of sentences (frames,
tone, stance, relationship, agency) and distinctive vocabulary are over the
body sentences of the compared groups; headings are reported on their own
(``headline_frames.csv``); per-document rows are given for every scope.

Intervals resample the same units as the findings (:func:`resampling_unit`):
whole documents when each compared group has enough of them, else paragraphs,
so that the sentences of one paragraph, which are not independent, stay
together; the unit is written in every row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.config import FramingSettings
from pipeline.stats.streams import measure_stream
from pipeline.stats.uncertainty import ratio_intervals

BODY, HEADING, COMMENT = "body", "heading", "comment"


def resampling_unit(settings: FramingSettings, documents: int, level: str = "group") -> str:
    """What a bootstrap or permutation resamples: the configured ``resample_unit``, or with
    ``auto`` whole documents when the smaller compared group has at least
    ``resample_min_documents`` documents, else paragraphs. Within one document (``level``
    ``document``) documents cannot be resampled: paragraphs then.

    >>> from types import SimpleNamespace as S
    >>> auto = S(resample_unit="auto", resample_min_documents=5)
    >>> resampling_unit(auto, 40), resampling_unit(auto, 1), resampling_unit(auto, 40, "document")
    ('document', 'paragraph', 'paragraph')
    """
    chosen = settings.resample_unit
    if chosen == "auto":
        chosen = "document" if documents >= settings.resample_min_documents else "paragraph"
    if level == "document" and chosen == "document":
        return "paragraph"
    return chosen


def unit_sums(part: pd.DataFrame, values: np.ndarray, unit: str
              ) -> tuple[np.ndarray, np.ndarray]:
    """Per resampling unit: the column sums of ``values`` (rows: the sentences of ``part``)
    and the number of sentences. ``paragraph`` needs a ``segment_id`` column; without one
    each sentence is its own unit."""
    if unit == "sentence" or (unit == "paragraph" and "segment_id" not in part):
        return values, np.ones(len(part))
    keys = [part["doc_id"].to_numpy()]
    if unit == "paragraph":
        keys.append(part["segment_id"].to_numpy())
    frame = pd.DataFrame({f"k{i}": k for i, k in enumerate(keys)})
    codes = frame.groupby(list(frame.columns), sort=True, dropna=False).ngroup().to_numpy()
    n_units = int(codes.max()) + 1 if len(codes) else 0
    sums = np.zeros((n_units, values.shape[1]))
    np.add.at(sums, codes, values)
    return sums, np.bincount(codes, minlength=n_units).astype(float)


def share_rows(sentences: pd.DataFrame, column: str, categories: list[str], compare: tuple,
               settings: FramingSettings, extra: dict[str, pd.Series] | None = None
               ) -> list[tuple]:
    """Share of sentences per category, per group and per document, with bootstrap intervals
    over the resampling unit (one random stream per unit, so categories added or removed
    change no other row). The unit is the last field of each row."""
    rows = []
    fewest = min((sentences.loc[sentences["group"] == g, "doc_id"].nunique() for g in compare),
                 default=0)
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
        unit = resampling_unit(settings, fewest, level)
        nums, den = unit_sums(part, matrix, unit)
        rng = measure_stream(settings.random_state, "share", column, level, group, doc_id)
        low, high = ratio_intervals(nums, den, settings.bootstrap, rng)
        for j, category in enumerate(flags):
            num = matrix[:, j]
            rows.append((level, group, doc_id, category, int(num.sum()), len(part),
                         round(num.sum() / len(part), 6), rounded(low[j]), rounded(high[j]),
                         unit))
    return rows


def rounded(value: float) -> float:
    return round(value, 6) if value == value else value
