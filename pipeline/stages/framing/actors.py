"""Actors and agency per document: how often each actor acts or is acted upon.

The role of each mention comes from :mod:`pipeline.nlp.roles`. Agency is the
share of agent roles among agent and patient roles, given only when there are
at least ``[framing] agency_min_roles`` of them; predicates ("Japan is a
partner") count for neither.
"""

from __future__ import annotations

import pandas as pd

from pipeline.nlp.roles import AGENT, PATIENT, PREDICATE
from pipeline.stages.framing.units import BODY


def _verb_lists(r: pd.DataFrame, role: str) -> pd.Series:
    """'verb (n), ...' per document and actor, most frequent first."""
    v = r[(r["role"] == role) & (r["verb"] != "")]
    if v.empty:
        return pd.Series(dtype=str)
    n = v.groupby(["doc_id", "actor", "verb"]).size().rename("n").reset_index() \
        .sort_values(["doc_id", "actor", "n", "verb"], ascending=[True, True, False, True])
    n["item"] = n["verb"] + " (" + n["n"].astype(str) + ")"
    return n.groupby(["doc_id", "actor"])["item"].agg(", ".join)


def actor_table(roles: pd.DataFrame, tone: pd.DataFrame, sentences: pd.DataFrame,
                min_roles: int = 1) -> pd.DataFrame:
    """Per document and actor: mentions, roles, verbs in each role, mean tone; agency only
    with at least ``min_roles`` agent and patient roles."""
    columns = ["doc_id", "group", "actor", "label", "mentions", "agent", "patient", "predicate",
               "other", "agency", "agent_verbs", "patient_verbs", "mean_tone", "first_start_char",
               "first_end_char"]
    body = sentences[sentences["scope"] == BODY][["doc_id", "sentence_id", "group"]]
    r = roles.merge(body, on=["doc_id", "sentence_id"]).merge(
        tone[["doc_id", "sentence_id", "compound"]], on=["doc_id", "sentence_id"])
    if r.empty:
        return pd.DataFrame(columns=columns)
    r = r.sort_values(["doc_id", "start_char"]).assign(
        is_agent=lambda d: d["role"] == AGENT, is_patient=lambda d: d["role"] == PATIENT,
        is_predicate=lambda d: d["role"] == PREDICATE)
    key = ["doc_id", "actor"]
    out = r.groupby(key).agg(group=("group", "first"), mentions=("role", "size"),
                             agent=("is_agent", "sum"), patient=("is_patient", "sum"),
                             predicate=("is_predicate", "sum"),
                             first_start_char=("start_char", "first"),
                             first_end_char=("end_char", "first"))
    labels = r.groupby([*key, "label"]).size().rename("n").reset_index() \
        .sort_values([*key, "n", "label"], ascending=[True, True, False, True]) \
        .drop_duplicates(key).set_index(key)["label"]
    out["label"] = labels
    out["other"] = out["mentions"] - out["agent"] - out["patient"] - out["predicate"]
    acted = out["agent"] + out["patient"]
    out["agency"] = (out["agent"] / acted.where(acted >= max(1, min_roles))).round(4)
    out["agent_verbs"] = _verb_lists(r, AGENT)
    out["patient_verbs"] = _verb_lists(r, PATIENT)
    out["mean_tone"] = r.drop_duplicates([*key, "sentence_id"]).groupby(key)["compound"] \
        .mean().round(4)
    return out.reset_index()[columns]

