"""Tone of sentences and its summaries per segment, document and group.

The per-sentence score is VADER's (:mod:`pipeline.nlp.tone`); this module turns
the scores into the ``tone`` table and the ``tone_summary`` table.
"""

from __future__ import annotations

import math

import pandas as pd

from pipeline.config import FramingSettings
from pipeline.nlp.tone import sentence_tone, tone_class
from pipeline.stages.framing.units import BODY, resampling_unit, rounded, unit_sums
from pipeline.stats.streams import measure_stream
from pipeline.stats.uncertainty import ratio_intervals


def tone_table(sent: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """VADER scores and tone class of every sentence, with its offsets and position."""
    key = ["doc_id", "sentence_id"]
    tone = sent[key + ["part", "scope", "start_char", "end_char"]].copy()
    scores = pd.DataFrame(sentence_tone(sent["text"].tolist()),
                          columns=["compound", "pos", "neu", "neg"])
    tone = pd.concat([tone.reset_index(drop=True), scores.round(4)], axis=1)
    tone["tone"] = [tone_class(c, threshold) for c in tone["compound"]]
    tone["position"] = sent["position"].to_numpy()
    return tone


TONE_SUMMARY_COLUMNS = ["level", "group", "doc_id", "part", "segment_id", "sentences",
                        "mean_compound", "mean_low", "mean_high", "resampling_unit",
                        "positive_share", "negative_share", "start_char", "end_char"]


def tone_summary_rows(tone: pd.DataFrame, sent: pd.DataFrame, compare: tuple[str, ...],
                      settings: FramingSettings,
                      levels: tuple[str, ...] = ("group", "document", "segment")
                      ) -> pd.DataFrame:
    """Mean tone and shares of positive and negative sentences per segment, document and
    scope, and group (body), with bootstrap intervals of the mean above segment level:
    the rows of ``levels``, before their final types (:func:`finished_tone_summary`). Rows of a
    document and its segments depend on its own sentences alone (the framing stage's map
    makes them shard by shard; :func:`merged_tone_summary` puts them in order)."""
    t = tone.merge(sent[["doc_id", "sentence_id", "group", "segment_id"]],
                   on=["doc_id", "sentence_id"]).assign(
        positive=lambda d: d["tone"] == "positive", negative=lambda d: d["tone"] == "negative")

    def summarise(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
        # fsum: the mean does not depend on the summation order of the installed numpy/pandas
        return frame.groupby(key, sort=True).agg(
            sentences=("compound", "size"),
            mean_compound=("compound", lambda v: math.fsum(v) / len(v)),
            positive_share=("positive", "mean"), negative_share=("negative", "mean"),
            start_char=("start_char", "min"), end_char=("end_char", "max")).reset_index()

    body = t[(t["scope"] == BODY) & t["group"].isin(compare)]
    fewest = min((body.loc[body["group"] == g, "doc_id"].nunique() for g in compare),
                 default=0)
    parts = []
    for level in ("group", "document"):
        if level not in levels:
            continue
        if level == "group":
            table = summarise(body, ["group"]).assign(level="group", doc_id="", scope=BODY,
                                                      start_char=None, end_char=None)
            table = table.set_index("group").reindex(
                [g for g in compare if g in set(table["group"])]).reset_index()
            source = {(g,): part for g, part in body.groupby("group")}
            keys = [(g,) for g in table["group"]]
        else:
            table = summarise(t, ["group", "doc_id", "scope"]).assign(level="document")
            source = {key: part for key, part in t.groupby(["group", "doc_id", "scope"],
                                                           sort=True)}
            keys = list(source)
        unit = resampling_unit(settings, fewest, level)
        bounds = []
        for key in keys:
            part = source[key]
            nums, den = unit_sums(part, part[["compound"]].to_numpy(float), unit)
            bounds.append(ratio_intervals(nums, den, settings.bootstrap, measure_stream(
                settings.random_state, "tone_summary", level, *key)))
        table["mean_low"] = [rounded(float(lo[0])) for lo, _ in bounds]
        table["mean_high"] = [rounded(float(hi[0])) for _, hi in bounds]
        table["resampling_unit"] = unit
        parts.append(table)
    if "segment" in levels:
        segments = summarise(t, ["group", "doc_id", "scope", "segment_id"]).assign(
            level="segment")
        segments["mean_low"] = segments["mean_high"] = float("nan")
        segments["resampling_unit"] = ""
        parts.append(segments)
    return pd.concat(parts, ignore_index=True)


def merged_tone_summary(group_rows: pd.DataFrame, document_rows: pd.DataFrame) -> pd.DataFrame:
    """The tone summary table from its group rows and the document and segment rows made
    document by document (in any order of documents)."""
    level = document_rows["level"]
    docs = document_rows[level == "document"].sort_values(["group", "doc_id", "scope"],
                                                          kind="stable")
    segments = document_rows[level == "segment"].sort_values(
        ["group", "doc_id", "scope", "segment_id"], kind="stable")
    return finished_tone_summary(pd.concat([group_rows, docs, segments], ignore_index=True))


def finished_tone_summary(out: pd.DataFrame) -> pd.DataFrame:
    out = out.rename(columns={"scope": "part"})
    out["segment_id"] = out["segment_id"].astype("Int64") if "segment_id" in out else None
    for c in ("mean_compound", "positive_share", "negative_share"):
        out[c] = out[c].astype(float).round(4)
    for c in ("start_char", "end_char"):
        out[c] = out[c].astype("Int64")
    return out[TONE_SUMMARY_COLUMNS]
