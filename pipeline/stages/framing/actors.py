"""Actors and agency: is an entity the one who acts, or the one acted upon?

For each mention of a person, country or organisation (entities stage), the
head token of the mention is followed through the dependency parse:

* apposition ("the minister, Bilawal, ...") and coordination ("Pakistan and
  Japan agreed": "Japan" is a conjunct of the subject) take the role of the
  word they attach to;
* a possessor ("Japan's support was welcomed") takes the role of what it
  possesses, marked ``via = possessive``;
* subject of an active verb (nsubj) -> ``agent``; agent of a passive ("by
  Japan") -> ``agent``; passive subject (nsubjpass), direct or indirect object
  -> ``patient``; anything else (object of a preposition, compound modifier,
  ...) -> ``other``.

The verb is the lemma of the governing verb (for clausal subjects and
objects, their head).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from spacy.tokens import Span, Token

from pipeline.stages.framing.units import BODY

AGENT, PATIENT, OTHER = "agent", "patient", "other"
_SUBJECT = {"nsubj", "csubj"}
_PASSIVE_SUBJECT = {"nsubjpass", "csubjpass"}
_OBJECT = {"dobj", "iobj", "dative"}


@dataclass(frozen=True)
class Role:
    """The grammatical role of one mention."""

    role: str
    verb: str
    voice: str  # active, passive or ""
    via: str  # direct, coordination, apposition, possessive


def _climb(token: Token) -> tuple[Token, str]:
    via = "direct"
    for _ in range(10):
        if token.dep_ == "appos":
            token, via = token.head, "apposition"
        elif token.dep_ == "conj" and token.head.pos_ in ("PROPN", "NOUN", "PRON"):
            token, via = token.head, "coordination"
        else:
            break
    return token, via


def mention_role(span: Span) -> Role:
    """Role of an entity mention in its sentence."""
    token, via = _climb(span.root)
    if token.dep_ == "poss":
        token, _ = _climb(token.head)
        via = "possessive"
    dep, head = token.dep_, token.head
    if dep in _SUBJECT:
        return Role(AGENT, head.lemma_.lower(), "active", via)
    if dep in _PASSIVE_SUBJECT:
        return Role(PATIENT, head.lemma_.lower(), "passive", via)
    if dep == "pobj" and head.dep_ == "agent":
        return Role(AGENT, head.head.lemma_.lower(), "passive", via)
    if dep in _OBJECT:
        return Role(PATIENT, head.lemma_.lower(), "active", via)
    if dep == "pobj" and head.head.pos_ in ("VERB", "AUX"):
        head = head.head  # "travelled to Japan": the verb of the prepositional phrase
    return Role(OTHER, head.lemma_.lower() if head.pos_ in ("VERB", "AUX") else "", "", via)


def _verb_lists(r: pd.DataFrame, role: str) -> pd.Series:
    """'verb (n), ...' per document and actor, most frequent first."""
    v = r[(r["role"] == role) & (r["verb"] != "")]
    if v.empty:
        return pd.Series(dtype=str)
    n = v.groupby(["doc_id", "actor", "verb"]).size().rename("n").reset_index() \
        .sort_values(["doc_id", "actor", "n", "verb"], ascending=[True, True, False, True])
    n["item"] = n["verb"] + " (" + n["n"].astype(str) + ")"
    return n.groupby(["doc_id", "actor"])["item"].agg(", ".join)


def actor_table(roles: pd.DataFrame, tone: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Per document and actor: mentions, roles, verbs in each role, mean tone."""
    columns = ["doc_id", "group", "actor", "label", "mentions", "agent", "patient", "other",
               "agency", "agent_verbs", "patient_verbs", "mean_tone", "first_start_char",
               "first_end_char"]
    body = sentences[sentences["scope"] == BODY][["doc_id", "sentence_id", "group"]]
    r = roles.merge(body, on=["doc_id", "sentence_id"]).merge(
        tone[["doc_id", "sentence_id", "compound"]], on=["doc_id", "sentence_id"])
    if r.empty:
        return pd.DataFrame(columns=columns)
    r = r.sort_values(["doc_id", "start_char"]).assign(
        is_agent=lambda d: d["role"] == AGENT, is_patient=lambda d: d["role"] == PATIENT)
    key = ["doc_id", "actor"]
    out = r.groupby(key).agg(group=("group", "first"), mentions=("role", "size"),
                             agent=("is_agent", "sum"), patient=("is_patient", "sum"),
                             first_start_char=("start_char", "first"),
                             first_end_char=("end_char", "first"))
    labels = r.groupby([*key, "label"]).size().rename("n").reset_index() \
        .sort_values([*key, "n", "label"], ascending=[True, True, False, True]) \
        .drop_duplicates(key).set_index(key)["label"]
    out["label"] = labels
    out["other"] = out["mentions"] - out["agent"] - out["patient"]
    acted = out["agent"] + out["patient"]
    out["agency"] = (out["agent"] / acted.where(acted > 0)).round(4)
    out["agent_verbs"] = _verb_lists(r, AGENT)
    out["patient_verbs"] = _verb_lists(r, PATIENT)
    out["mean_tone"] = r.drop_duplicates([*key, "sentence_id"]).groupby(key)["compound"] \
        .mean().round(4)
    return out.reset_index()[columns]

