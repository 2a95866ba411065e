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
# "a year", "a decade": in a period "a" is a number, and OntoNotes keeps it in the span
_QUANTIFIED = {"DATE", "TIME", "QUANTITY"}
# words before an amount that bound it, not part of it ("less than $10bn", "at least £1bn")
_BOUNDS = (("less", "than"), ("more", "than"), ("fewer", "than"), ("at", "least"),
           ("at", "most"), ("up", "to"), ("about",), ("around",), ("nearly",), ("almost",),
           ("over",), ("under",), ("some",), ("roughly",), ("approximately",), ("just",),
           ("only",), ("as", "much", "as"), ("as", "little", "as"))
# a period named by its unit alone ("over the years", "within days", "the present day")
_VAGUE_PERIOD = {"year", "years", "day", "days", "week", "weeks", "month", "months", "decade",
                 "decades", "century", "centuries", "time", "times", "era", "present",
                 "moment", "period", "recent", "past", "coming", "future"}


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
        if span.label_ in _QUANTIFIED and doc[start].lower_ in _INDEFINITE:
            break
        start += 1
    if span.label_ == "MONEY":
        for bound in _BOUNDS:
            words = [t.lower_ for t in doc[start:min(end, start + len(bound))]]
            if tuple(words) == bound and end - start > len(bound):
                start += len(bound)
                break
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


def vague_period(span: Span) -> bool:
    """"years", "within days", "the present day": a DATE with no number, name or "a" in it
    is a vague period, not a date (the gold conventions, tests/data/README.md)."""
    if span.label_ != "DATE":
        return False
    words = [t.lower_ for t in span if not (t.is_punct or t.is_space)]
    return bool(words) and all(w in _VAGUE_PERIOD or w in ("the", "these", "those")
                               for w in words)


def after_a_title(span: Span, titles: frozenset[str]) -> Span:
    """"Mr [Camus]" tagged NORP: a name written right after a person's title is a PERSON."""
    if span.label_ in ("PERSON", "DATE", "MONEY") or span.start == 0:
        return span
    before = span.doc[span.start - 1].text.rstrip(".")
    if before in titles and all(t.text[:1].isupper() for t in span if t.is_alpha):
        return Span(span.doc, span.start, span.end, label="PERSON")
    return span


_CALLED = {"called", "named", "like", "as", "including"}


def named_as_organisation(span: Span, heads: frozenset[str]) -> bool:
    """Whether the text calls this name an organisation: "oil giant Yukos", "a firm called
    Baikal", "companies such as Yukos", "the Kommersant newspaper" (``heads``: the
    lexicon's ``organisation_heads``, lemmas)."""
    doc = span.doc
    i = span.start - 1
    steps = 0
    while i >= 0 and doc[i].lower_ in _CALLED and steps < 2:  # "firms like", "such as"
        i, steps = i - 1, steps + 1
    if i >= 0 and doc[i].lower_ == "such":
        i -= 1
    if i >= 0 and doc[i].pos_ == "NOUN" and doc[i].lemma_.lower() in heads:
        return True
    after = doc[span.end] if span.end < len(doc) else None
    return (after is not None and after.pos_ == "NOUN" and after.lemma_.lower() in heads
            and after.i == span.root.head.i and span.root.pos_ == "PROPN"
            and span.root.dep_ in ("compound", "amod", "nmod"))


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
