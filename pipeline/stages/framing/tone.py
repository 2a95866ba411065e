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


def tone_summary(tone: pd.DataFrame, sent: pd.DataFrame, compare: tuple[str, str],
                 settings: FramingSettings) -> pd.DataFrame:
    """Mean tone and shares of positive and negative sentences per segment, document and
    scope, and group (body), with bootstrap intervals of the mean above segment level."""
    columns = ["level", "group", "doc_id", "part", "segment_id", "sentences", "mean_compound",
               "mean_low", "mean_high", "resampling_unit", "positive_share", "negative_share", "start_char",
               "end_char"]
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
    groups = summarise(body, ["group"]).assign(level="group", doc_id="", scope=BODY,
                                               start_char=None, end_char=None)
    groups = groups.set_index("group").reindex([g for g in compare if g in set(groups["group"])]) \
        .reset_index()
    docs = summarise(t, ["group", "doc_id", "scope"]).assign(level="document")
    segments = summarise(t, ["group", "doc_id", "scope", "segment_id"]).assign(level="segment")
    fewest = min((body.loc[body["group"] == g, "doc_id"].nunique() for g in compare),
                 default=0)
    by_group = {(g,): part for g, part in body.groupby("group")}
    by_doc = {key: part for key, part in t.groupby(["group", "doc_id", "scope"], sort=True)}
    for level, table, values in (("group", groups, [(g,) for g in groups["group"]]),
                                 ("document", docs, list(by_doc))):
        source = by_group if level == "group" else by_doc
        unit = resampling_unit(settings, fewest, level)
        bounds = []
        for key in values:
            part = source[key]
            nums, den = unit_sums(part, part[["compound"]].to_numpy(float), unit)
            bounds.append(ratio_intervals(nums, den, settings.bootstrap, measure_stream(
                settings.random_state, "tone_summary", level, *key)))
        table["mean_low"] = [rounded(float(lo[0])) for lo, _ in bounds]
        table["mean_high"] = [rounded(float(hi[0])) for _, hi in bounds]
        table["resampling_unit"] = unit
    segments["mean_low"] = segments["mean_high"] = float("nan")
    segments["resampling_unit"] = ""
    out = pd.concat([groups, docs, segments], ignore_index=True).rename(columns={"scope": "part"})
    out["segment_id"] = out["segment_id"].astype("Int64") if "segment_id" in out else None
    for c in ("mean_compound", "positive_share", "negative_share"):
        out[c] = out[c].astype(float).round(4)
    for c in ("start_char", "end_char"):
        out[c] = out[c].astype("Int64")
    return out[columns]
