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
    # units numbered in sorted (doc_id, segment_id) order, by integer codes (a pandas
    # groupby per call cost more than the bootstrap itself on a thousand documents)
    _, codes = np.unique(part["doc_id"].to_numpy().astype(str), return_inverse=True)
    codes = codes.astype(np.int64).ravel()
    if unit == "paragraph" and len(codes):
        segments = part["segment_id"].to_numpy().astype(np.int64)
        low = segments.min()
        codes = codes * (int(segments.max() - low) + 1) + (segments - low)
        _, codes = np.unique(codes, return_inverse=True)
        codes = codes.ravel()
    n_units = int(codes.max()) + 1 if len(codes) else 0
    sums = np.zeros((n_units, values.shape[1]))
    np.add.at(sums, codes, values)
    return sums, np.bincount(codes, minlength=n_units).astype(float)


def share_rows(sentences: pd.DataFrame, column: str, categories: list[str], compare: tuple,
               settings: FramingSettings, extra: dict[str, pd.Series] | None = None,
               levels: tuple[str, ...] = ("group", "document")) -> list[tuple]:
    """Share of sentences per category, per group and per document, with bootstrap intervals
    over the resampling unit (one random stream per unit, so categories added or removed
    change no other row). The unit is the last field of each row. ``levels``: which rows;
    a document's rows depend on its own sentences alone (the framing stage's map makes
    them shard by shard)."""
    rows = []
    fewest = min((sentences.loc[sentences["group"] == g, "doc_id"].nunique() for g in compare),
                 default=0)
    # every flag column computed once over all sentences, then sliced by position
    values = sentences[column].to_numpy()
    flags = {c: (values == c).astype(float) for c in categories}
    for name, series in (extra or {}).items():
        flags[name] = series.loc[sentences.index].to_numpy(float)
    names = list(flags)
    matrix_all = np.column_stack(list(flags.values())) if flags else \
        np.zeros((len(sentences), 0))
    groups = sentences["group"].to_numpy()
    units = ([("group", g, "", np.flatnonzero(groups == g)) for g in compare]
             if "group" in levels else [])
    if "document" in levels:
        by_document = sentences.groupby(["group", "doc_id"], sort=True).indices
        units += [("document", g, d, by_document[(g, d)]) for g, d in sorted(by_document)]
    for level, group, doc_id, positions in units:
        if not len(positions):
            continue
        part = sentences.iloc[positions]
        matrix = matrix_all[positions]
        unit = resampling_unit(settings, fewest, level)
        nums, den = unit_sums(part, matrix, unit)
        rng = measure_stream(settings.random_state, "share", column, level, group, doc_id)
        low, high = ratio_intervals(nums, den, settings.bootstrap, rng)
        totals = matrix.sum(axis=0)
        for j, category in enumerate(names):
            rows.append((level, group, doc_id, category, int(totals[j]), len(part),
                         round(totals[j] / len(part), 6), rounded(low[j]), rounded(high[j]),
                         unit))
    return rows


def rounded(value: float) -> float:
    return round(value, 6) if value == value else value
