"""Corpus-level corrections of the mentions, applied in order by :func:`correct_mentions`.

Each step is a general rule over all mentions of the corpus (none names a word
of a particular text): the other half of a hyphenated compound of names,
abbreviations defined in the text, support from the body for entities in
headings, partial person names linked to the one full name they belong to,
one label per name and document, capitals and plurals, and one spelling per
name. The module docstring of :mod:`.mentions` describes each.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import replace

from pipeline.config import EntitySettings
from pipeline.corpus.entity_lexicon import NAME_LABELS, LexiconEntry
from pipeline.stages.entities.abbreviations import find_abbreviations
from pipeline.stages.entities.ruler import HEAD_NOUN, sentence_at, word_pattern
from pipeline.stages.entities.spans import Mention

HEADING_PARTS = ("title", "heading")
# Labels the heading check applies to: names the model guesses from capitals.
_GUESSED_FROM_CASE = {"PERSON", "ORG", "WORK_OF_ART", "PRODUCT", "EVENT", "FAC", "LAW", "NORP"}


def with_demonym_countries(mentions: list[Mention], table: dict[str, str]) -> list[Mention]:
    """A NORP mention that is a nationality word ("Japanese", "Pakistanis") refers to its
    country, unless it already refers to something."""
    out = []
    for m in mentions:
        if m.label == "NORP" and not m.refers_to:
            country = table.get(m.text) or (table.get(m.text[:-1]) if m.text.endswith("s")
                                            else None)
            if country:
                m = replace(m, refers_to=country)
        out.append(m)
    return out



_COMPOUND_LABELS = {"GPE", "NORP", "LOC", "ORG"}
_AFTER = re.compile(r"[-–‑]([A-Z][\w.]*)")
_BEFORE = re.compile(r"([A-Z][\w.]*)[-–‑]$")


def compound_partners(mentions: list[Mention], texts: dict[str, str]) -> list[Mention]:
    """Name the other half of a hyphenated compound of names ("Pak-Japan relations").

    When a place, nationality or organisation mention is joined by a hyphen to a
    capitalised word that the same document names elsewhere as an entity, that
    word is a mention too, with that entity's label and canonical name (source
    ``compound``).
    """
    known: dict[tuple[str, str], Mention] = {}
    for m in mentions:
        known.setdefault((m.doc_id, m.text), m)
    added: list[Mention] = []
    taken = {(m.doc_id, m.start_char) for m in mentions}
    for m in mentions:
        if m.label not in _COMPOUND_LABELS:
            continue
        text = texts[m.doc_id]
        after = _AFTER.match(text, m.end_char)
        before = _BEFORE.search(text, max(0, m.start_char - 40), m.start_char)
        for match in (after, before):
            if match is None:
                continue
            start, end = match.span(1)
            other = known.get((m.doc_id, match.group(1)))
            if other is None or (m.doc_id, start) in taken or other.label not in _COMPOUND_LABELS:
                continue
            taken.add((m.doc_id, start))
            added.append(replace(other, part=m.part, sentence_id=m.sentence_id,
                                 start_char=start, end_char=end, source="compound"))
    return mentions + added



def _overlaps(mentions: list[Mention], start: int, end: int) -> bool:
    """Whether any of one document's ``mentions`` overlaps [start, end)."""
    return any(m.start_char < end and start < m.end_char for m in mentions)



def _by_document(mentions: list[Mention]) -> dict[str, list[Mention]]:
    out: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        out[m.doc_id].append(m)
    return out



def abbreviation_mentions(mentions: list[Mention], segments, texts: dict[str, str]) -> list[Mention]:
    """Short forms defined in the text take their long form's canonical name and label."""
    by_doc = _by_document(mentions)
    for doc_id, segs in segments.items():
        out = by_doc.get(doc_id, [])  # this document's mentions
        for _, seg_start, seg_text, _ in segs:
            for abbr in find_abbreviations(seg_text):
                long_start = seg_start + abbr.long_start
                long_end = seg_start + abbr.long_end
                long = next((m for m in out if m.start_char <= long_start + 4 and
                             m.end_char >= long_end - 1 and m.end_char > long_start), None)
                if long is None:
                    continue
                canonical, label = abbr.long, long.label
                out = [replace(m, canonical=canonical, label=label, source="abbreviation")
                       if m.text == abbr.short else
                       replace(m, canonical=canonical) if m is long or m.text == abbr.long
                       else m for m in out]
                pattern = word_pattern(abbr.short)
                for part, s_start, s_text, index in segs:
                    for match in pattern.finditer(s_text):
                        start, end = s_start + match.start(), s_start + match.end()
                        if texts[doc_id][start:end] != abbr.short or _overlaps(out, start, end):
                            continue
                        out.append(Mention(doc_id, part, sentence_at(index, match.start()),
                                           start, end, abbr.short, label, canonical, "",
                                           "abbreviation"))
        by_doc[doc_id] = out
    return [m for doc_mentions in by_doc.values() for m in doc_mentions]



def heading_support(mentions: list[Mention], segments, texts: dict[str, str],
                     entries: list[LexiconEntry]) -> list[Mention]:
    """Drop unsupported model entities in headings; find body entities in headings."""
    out = []
    body: dict[str, dict[str, Mention]] = defaultdict(dict)
    for m in mentions:
        if m.part not in HEADING_PARTS:
            body[m.doc_id].setdefault(m.text, m)
    known = {a for e in entries for a in e.aliases}
    for m in mentions:
        if m.part in HEADING_PARTS and m.source == "model" and m.label in _GUESSED_FROM_CASE \
                and m.text not in body[m.doc_id] and m.text not in known:
            continue
        out.append(m)
    by_doc = _by_document(out)
    for doc_id, segs in segments.items():
        here = by_doc[doc_id]
        for part, seg_start, seg_text, index in segs:
            if part not in HEADING_PARTS:
                continue
            for text, example in sorted(body[doc_id].items(), key=lambda kv: -len(kv[0])):
                for match in word_pattern(text).finditer(seg_text):
                    start, end = seg_start + match.start(), seg_start + match.end()
                    if texts[doc_id][start:end] == text and not _overlaps(here, start, end):
                        found = replace(example, part=part,
                                        sentence_id=sentence_at(index, match.start()),
                                        start_char=start, end_char=end, source="propagated")
                        out.append(found)
                        here.append(found)
    return out



def _person_like(name: str, not_person: set[str]) -> bool:
    """Whether a multi-word PERSON mention can own partial names: no acronym ("BBC",
    "MPs") and no word the corpus names on its own, at least three times and mostly, as
    something else ("Labour")."""
    for word in name.split():
        letters = word.rstrip("s") if word.endswith("s") else word
        if len(letters) >= 2 and letters.isupper():
            return False
        if word in not_person:
            return False
    return True



def alias_persons(mentions: list[Mention], *, corpus_wide: bool) -> list[Mention]:
    """Give partial person names the one full name they belong to.

    A full name is a PERSON mention of two or more words that looks like a
    person's name (:func:`_person_like`). A partial PERSON mention takes the one
    full name that holds it, in its document or (``corpus_wide``) in the corpus;
    a one-word ORG, PRODUCT or WORK_OF_ART mention becomes that PERSON only when
    the full name is in the same document.
    """
    votes: dict[str, Counter] = defaultdict(Counter)
    for m in mentions:
        if " " not in m.text:
            votes[m.text][m.label == "PERSON"] += 1
    # a word named 3+ times on its own, mostly not as a person ("Labour" ORG)
    not_person = {w for w, c in votes.items() if c[False] >= 3 and c[False] > c[True]}
    # scope (a doc_id, or "*" for the corpus) -> word -> full names holding that word
    full: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for m in mentions:
        if m.label == "PERSON" and len(m.canonical.split()) >= 2 \
                and _person_like(m.canonical, not_person):
            for word in m.canonical.split():
                full[m.doc_id][word].add(m.canonical)
                full["*"][word].add(m.canonical)

    def owner(words: list[str], scope: str) -> str | None:
        if not words:
            return None
        candidates = full[scope].get(words[0], ()) if scope in full else ()
        hits = {name for name in candidates if _contains(name.split(), words)}
        # prefer the longest names: drop any name contained in another one
        hits = {h for h in hits if not any(h != o and _contains(o.split(), h.split())
                                           for o in hits)}
        return next(iter(hits)) if len(hits) == 1 else None

    out = []
    for m in mentions:
        words = m.canonical.split()
        name = None
        if m.label == "PERSON":
            name = owner(words, m.doc_id) or (owner(words, "*") if corpus_wide else None)
        elif len(words) == 1 and m.label in {"ORG", "PRODUCT", "WORK_OF_ART"}:
            name = owner(words, m.doc_id)
        if name and (name != m.canonical or m.label != "PERSON"):
            m = replace(m, canonical=name, label="PERSON", source="alias")
        out.append(m)
    return out



def organisations_by_head_noun(mentions: list[Mention]) -> list[Mention]:
    """A name the text calls an organisation once ("oil giant Yukos": source ``head_noun``)
    is an ORG in all of that document's model mentions of it ("the sale of Yukos")."""
    named = {(m.doc_id, m.text) for m in mentions if m.source == HEAD_NOUN}
    return [replace(m, label="ORG") if m.source == "model" and (m.doc_id, m.text) in named
            else m for m in mentions]


def one_label_per_document(mentions: list[Mention]) -> list[Mention]:
    """The same name within one document is one kind of entity: mentions of a text that
    the model labels differently in one document take the label most of them have there
    (one sense per discourse, Gale, Church & Yarowsky 1992); ties are left alone."""
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for m in mentions:
        if m.label in NAME_LABELS and m.source in ("model", HEAD_NOUN):
            votes[(m.doc_id, m.text)][m.label] += 1
    out = []
    for m in mentions:
        counts = votes.get((m.doc_id, m.text))
        if m.source == "model" and counts and len(counts) > 1:
            (top, n), (_, n2) = counts.most_common(2)
            if n > n2 and m.label != top:
                m = replace(m, label=top)
        out.append(m)
    return out



def label_agreement(mentions: list[Mention]) -> list[Mention]:
    """Names need a capital letter; a plural of a nationality word is a nationality.

    "democratic" tagged NORP is dropped (English names are capitalised); a
    one-word ORG or PERSON mention like "Pakistanis" becomes NORP when its
    singular ("Pakistani") is a NORP mention in the corpus.
    """
    norp = {m.text for m in mentions if m.label == "NORP"}
    mentions = one_label_per_document(organisations_by_head_noun(mentions))
    out = []
    for m in mentions:
        if m.label in NAME_LABELS and not any(c.isupper() for c in m.text):
            continue
        singular = m.text[:-1] if m.text.endswith("s") else ""
        if m.label in {"ORG", "PERSON"} and " " not in m.text and singular in norp:
            m = replace(m, label="NORP", canonical=singular, source="alias")
        out.append(m)
    return out



_SPELLING_GAPS = re.compile(r"[\s\-–‑]+")


def one_spelling(mentions: list[Mention]) -> list[Mention]:
    """Canonical names of one label that differ only in hyphens, spaces or case
    ("Middle-East", "Middle East") are one entity: all take the spelling most
    mentions have (the first in corpus order on a tie)."""
    def key(m: Mention) -> tuple[str, str]:
        return m.label, _SPELLING_GAPS.sub(" ", m.canonical).casefold()

    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for m in mentions:
        counts[key(m)][m.canonical] += 1
    spelling = {k: c.most_common(1)[0][0] for k, c in counts.items() if len(c) > 1}
    return [replace(m, canonical=spelling[key(m)]) if key(m) in spelling else m
            for m in mentions]



def _contains(name: list[str], part: list[str]) -> bool:
    n = len(part)
    return any(name[i:i + n] == part for i in range(len(name) - n + 1))



def correct_mentions(mentions: list[Mention], segments, texts: dict[str, str],
                     entries: list[LexiconEntry], settings: EntitySettings) -> list[Mention]:
    """All corrections, in order; the result sorted by document and offsets."""
    mentions = compound_partners(mentions, texts)
    mentions = abbreviation_mentions(mentions, segments, texts)
    if settings.headings_need_support:
        mentions = heading_support(mentions, segments, texts, entries)
    if settings.person_aliasing != "off":
        mentions = alias_persons(mentions, corpus_wide=settings.person_aliasing == "corpus")
    mentions = label_agreement(mentions)
    return one_spelling(sorted(mentions, key=lambda m: (m.doc_id, m.start_char, m.end_char)))
