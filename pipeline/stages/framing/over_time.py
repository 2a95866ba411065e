"""``over_time.csv``: frame shares, tone and stance per compared group per period.

A document's period comes from the manifest's ``date`` (ISO 8601 at day, month or
year precision: ``2023-07-26``, ``2023-07``, ``2023``) and ``[framing] period``
(``month``, ``quarter`` or ``year``). A document without a date, or whose date is
less precise than the period (a bare year when periods are months), is in no
period: it is counted apart (the ``documents without a period`` rows) and in no
other row.

Each row is one measure in one group and period, over the body sentences of that
period's documents: the share of sentences whose primary frame is a frame, the
mean VADER compound score, or a stance category's markers per 1,000 words (in the
``[framing] stance_voice`` voice). The interval is a 95% percentile bootstrap over
the period's documents (the unit the sentences belong to), NaN with one document.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.config import FramingSettings
from pipeline.corpus.dates import NO_PERIOD
from pipeline.stages.framing.units import rounded
from pipeline.stats.streams import measure_stream
from pipeline.stats.uncertainty import ratio_intervals

OVER_TIME_COLUMNS = ["measure", "category", "group", "period", "value", "ci_low", "ci_high",
                     "documents", "sentences", "words", "unit"]


def _cell_rows(measure: str, categories: list[str], group: str, period: str,
               nums: np.ndarray, den: np.ndarray, sentences: int, words: int, scale: float,
               settings: FramingSettings) -> list[tuple]:
    rng = measure_stream(settings.random_state, "over_time", measure, group, period)
    low, high = ratio_intervals(nums, den, settings.bootstrap, rng)
    total = den.sum()
    rows = []
    for j, category in enumerate(categories):
        value = nums[:, j].sum() / total * scale if total else float("nan")
        rows.append((measure, category, group, period, rounded(value), rounded(low[j] * scale),
                     rounded(high[j] * scale), len(den), sentences, words, "document"))
    return rows


def over_time_table(body_frames: pd.DataFrame, tone: pd.DataFrame, stance: pd.DataFrame,
                    periods: dict[str, str | None], groups: dict[str, str],
                    compare: tuple[str, str],
                    frame_names: list[str], stance_categories: list[str],
                    settings: FramingSettings) -> pd.DataFrame:
    """The rows of ``over_time.csv``. ``body_frames``: body sentences with ``group`` and
    ``primary_frame``; ``tone``: tone.csv; ``stance``: stance.csv; ``periods``: doc_id ->
    period label or None; ``groups``: doc_id -> group."""
    rows: list[tuple] = []
    frames = body_frames.assign(period=body_frames["doc_id"].map(periods))
    frames = frames[frames["group"].isin(compare) & frames["period"].notna()]
    body_tone = tone[tone["scope"] == "body"].set_index(["doc_id", "sentence_id"])["compound"]
    doc_stance = stance[(stance["level"] == "document") & (stance["part"] == "body")
                        & (stance["voice"] == settings.stance_voice)]
    for (group, period), cell in frames.groupby(["group", "period"], sort=True):
        docs = sorted(cell["doc_id"].unique())
        n_sent = cell.groupby("doc_id", sort=True).size().reindex(docs).to_numpy(float)
        counts = pd.crosstab(cell["doc_id"], cell["primary_frame"]).reindex(
            index=docs, columns=frame_names, fill_value=0).to_numpy(float)
        marks = doc_stance[doc_stance["doc_id"].isin(docs)]
        words = marks.groupby("doc_id")["words"].max().reindex(docs).to_numpy(float)
        n_words = int(np.nansum(words))
        rows += _cell_rows("frame share", frame_names, group, period, counts, n_sent,
                           len(cell), n_words, 1.0, settings)
        compound = body_tone.reindex(list(zip(cell["doc_id"], cell["sentence_id"],
                                              strict=True))).to_numpy(float)
        sums = pd.Series(np.nan_to_num(compound), index=cell["doc_id"].to_numpy()) \
            .groupby(level=0, sort=True).sum().to_numpy(float)[:, None]
        rows += _cell_rows("tone", ["compound"], group, period, sums, n_sent, len(cell),
                           n_words, 1.0, settings)
        if len(marks) and stance_categories:
            table = marks.pivot_table(index="doc_id", columns="marker", values="count",
                                      aggfunc="sum").reindex(index=docs,
                                                             columns=stance_categories)
            rows += _cell_rows("stance", stance_categories, group, period,
                               np.nan_to_num(table.to_numpy(float)), np.nan_to_num(words),
                               len(cell), n_words, 1000.0, settings)
    for group in compare:  # the documents counted apart, one row per group
        apart = sum(1 for d, g in groups.items() if g == group and periods.get(d) is None)
        rows.append((NO_PERIOD, "documents", group, "", apart, float("nan"), float("nan"),
                     apart, 0, 0, ""))
    return pd.DataFrame(rows, columns=OVER_TIME_COLUMNS)
