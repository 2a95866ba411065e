"""Span rules: where an entity mention starts and ends, whatever found it.

Minimal spans as the MUC and OntoNotes guidelines draw them: no leading
determiner, no possessive, no title before a name, no lower-case generic word
after a place name; an amount keeps the currency sign and magnitude written
against it. Each function takes a spaCy span and returns the corrected span.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span

PLACE_LABELS = {"GPE", "LOC"}


_LEADING = {"the", "a", "an", "The", "A", "An"}


_POSSESSIVE = {"'s", "’s", "'", "’"}


_TITLED_LABELS = {"WORK_OF_ART", "LAW"}


_INDEFINITE = {"a", "an"}


# Abbreviations of thousand, million, billion and trillion written against a number
# ("£6m", "$1.1bn", "5k"), as news style guides use them (e.g. BBC, The Economist).
_MAGNITUDES = {"k", "m", "mn", "bn", "b", "tn", "trn"}


@dataclass(frozen=True)
class Mention:
    """One entity mention; offsets are into the original file."""

    doc_id: str
    part: str
    sentence_id: int
    start_char: int
    end_char: int
    text: str
    label: str
    canonical: str
    refers_to: str
    source: str


def without_title(span: Span, titles: frozenset[str]) -> Span:
    """"Dr Nielsen" (any label) -> PERSON "Nielsen"; other spans unchanged."""
    doc = span.doc
    start = span.start
    while start < span.end - 1 and doc[start].text.rstrip(".") in titles:
        start += 1
        if start < span.end - 1 and doc[start].text == ".":
            start += 1
    if start == span.start or not doc[start].text[:1].isupper():
        return span
    return Span(doc, start, span.end, label="PERSON")


def clean_span(span: Span) -> Span | None:
    """The span without leading determiners, trailing possessives, stray punctuation."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].text in _LEADING or doc[start].is_punct
                           or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].text in _POSSESSIVE or doc[end - 1].tag_ == "POS"
                           or doc[end - 1].is_space
                           or (doc[end - 1].is_punct and doc[end - 1].text not in ")].")
                           or (doc[end - 1].text == "." and end - 1 > start
                               and not doc[end - 2].text.endswith("."))):
        end -= 1
    text = doc[start:end].text if end > start else ""
    if text.count("(") > text.count(")"):  # "Understanding (MoU": cut at the parenthesis
        cut = next(i for i in range(start, end) if doc[i].text == "(")
        end = cut
        while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
            end -= 1
    if end <= start:
        return None
    # an amount keeps the currency sign written against it ("$2bn", "£1.1bn"): the model's
    # span often starts after the sign
    while span.label_ == "MONEY" and start > 0 and doc[start - 1].is_currency \
            and not doc[start - 1].whitespace_:
        start -= 1
    # ... and the magnitude written against it ("£6m": the tokenizer splits off the "m")
    while span.label_ == "MONEY" and end < len(doc) and not doc[end - 1].whitespace_ \
            and doc[end - 1].like_num and doc[end].lower_ in _MAGNITUDES:
        end += 1
    return Span(doc, start, end, label=span.label_)


def merge_adjacent_persons(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        prev = out[-1] if out else None
        if prev is not None and prev.label_ == span.label_ == "PERSON" and prev.end == span.start:
            out[-1] = Span(span.doc, prev.start, span.end, label="PERSON")
        else:
            out.append(span)
    return out


_HYPHENS = {"-", "–", "‑"}


def compound_part(part: Span, whole: Span) -> bool:
    """Whether ``part`` is joined to the rest of ``whole`` by a hyphen ("Pak" in "Pak-Japan")."""
    doc = part.doc
    return ((part.start > whole.start and doc[part.start - 1].text in _HYPHENS)
            or (part.end < whole.end and doc[part.end].text in _HYPHENS))


def a_type_not_a_title(span: Span) -> bool:
    """"a Memorandum of Understanding": a title or law named with "a"/"an" is a kind of
    document, not a name (names of works and laws take "the" or no article)."""
    if span.label_ not in _TITLED_LABELS:
        return False
    doc = span.doc
    if span[0].text in _INDEFINITE:  # a capital "A" opens titles ("A Room With A View")
        return True
    before = doc[span.start - 1] if span.start > 0 else None
    return (before is not None and before.text in _INDEFINITE
            and span.start <= before.head.i < span.end)


def without_generic_head(span: Span, heads: frozenset[str]) -> Span:
    """"Asia-Pacific region" -> "Asia-Pacific": a lower-case generic word after a place
    name is not part of the name (MUC-6 named entity task definition, A.1.4)."""
    if (span.label_ in PLACE_LABELS and len(span) > 1 and span[-1].text in heads
            and span[0].text[:1].isupper()):
        return Span(span.doc, span.start, span.end - 1, label=span.label_)
    return span
