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

from spacy.tokens import Span, Token

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
