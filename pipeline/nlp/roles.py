"""Grammatical roles of entity mentions: does the entity act, or is it acted upon?

Shared by the entities stage (a capital stands for its government only when it
acts) and the framing stage (agency of actors). The head token of a mention is
followed through the dependency parse:

* apposition ("the minister, Bilawal, ...") and coordination ("Pakistan and
  Japan agreed": "Japan" is a conjunct of the subject) take the role of the
  word they attach to;
* a possessor ("Japan's support was welcomed") takes the role of what it
  possesses, marked ``via = possessive``;
* subject of an active verb (nsubj) -> ``agent``; agent of a passive ("by
  Japan") -> ``agent``; passive subject (nsubjpass), direct or indirect object
  -> ``patient``;
* subject of a copula or of an adjectival or nominal predicate ("Japan is a
  partner", "Pakistan remains important") -> ``predicate``: the parse says
  what the entity is, not what it does, so it counts neither as agent nor as
  patient;
* anything else (object of a preposition, compound modifier, ...) -> ``other``.

The verb is the lemma of the governing verb (for clausal subjects and
objects, their head).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from pipeline.corpus.entity_lexicon import PlaceCues
from pipeline.nlp.lemmas import token_lemma

AGENT, PATIENT, PREDICATE, OTHER = "agent", "patient", "predicate", "other"
_PREDICATIVE = {"acomp", "attr", "oprd"}
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
    if dep in _SUBJECT and (token_lemma(head) == "be"
                            or any(c.dep_ in _PREDICATIVE for c in head.children)):
        return Role(PREDICATE, token_lemma(head), "", via)
    if dep in _SUBJECT:
        return Role(AGENT, token_lemma(head), "active", via)
    if dep in _PASSIVE_SUBJECT:
        return Role(PATIENT, token_lemma(head), "passive", via)
    if dep == "pobj" and head.dep_ == "agent":
        return Role(AGENT, token_lemma(head.head), "passive", via)
    if dep in _OBJECT:
        return Role(PATIENT, token_lemma(head), "active", via)
    if dep == "pobj" and head.head.pos_ in ("VERB", "AUX"):
        head = head.head  # "travelled to Japan": the verb of the prepositional phrase
    return Role(OTHER, token_lemma(head) if head.pos_ in ("VERB", "AUX") else "", "", via)


def names_the_place(span: Span, cues: PlaceCues) -> bool:
    """Whether a place name that can stand for its government names the place here.

    A place: object of a place preposition ("talks in Tokyo"), modifier of a noun
    ("the Tokyo summit"), subject or object of a hosting or visiting verb ("Tokyo
    hosted the summit"), patient of harm ("Kyiv was shelled", "strikes on Kyiv").
    Otherwise, as an agent, possessor, experiencer or partner ("Tokyo announced",
    "Beijing's influence", "ties with Islamabad"), it stands for its government.
    """
    token, _ = _climb(span.root)
    head = token.head
    if token.dep_ in ("compound", "nmod") and head.pos_ in ("NOUN", "PROPN"):
        return True
    if token.dep_ == "pobj":
        word = head.lower_
        if word in cues.prepositions:
            return True
        if word in cues.verb_prepositions and head.head.pos_ in ("VERB", "AUX"):
            return True
        if token_lemma(head.head) in cues.harm_verbs:
            return True
    role = mention_role(span)
    if role.verb in cues.host_verbs and role.role in (AGENT, PATIENT):
        return True
    return role.verb in cues.harm_verbs and role.role == PATIENT
