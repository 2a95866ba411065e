"""Finding mentions in one parsed segment: lexicon aliases first, then the statistical NER.

Aliases of the entity lexicons are matched token by token; where they differ
from the model's entities, the NER is run again with the lexicon's spans fixed,
so it labels the rest around them. Model spans are cleaned by the span rules
of :mod:`.spans`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.corpus.entity_lexicon import LexiconEntry
from pipeline.nlp.docs import file_offsets, sentences_of
from pipeline.stages.entities.spans import (
    Mention,
    a_type_not_a_title,
    after_a_title,
    clean_span,
    compound_part,
    merge_adjacent_persons,
    named_as_organisation,
    vague_period,
    without_generic_head,
    without_title,
)

HEAD_NOUN = "head_noun"  # source of a name the text calls an organisation ("oil giant X")
# labels the model gives company and media names by mistake; not NORP: "Israeli firms"
_NOT_ORG_YET = {"PERSON", "GPE", "PRODUCT", "WORK_OF_ART", "FAC", "LOC"}


class LexiconRuler:
    """Lexicon aliases matched on token text, and the entry behind each match."""

    def __init__(self, nlp: Language, entries: list[LexiconEntry]) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.entries: dict[str, LexiconEntry] = {}
        for entry in entries:
            key = entry.aliases[0]
            self.entries[key] = entry
            self.matcher.add(key, [nlp.make_doc(entry.aliases[0])])
        self.vocab = nlp.vocab

    def spans(self, doc: Doc) -> list[Span]:
        found = [Span(doc, s, e, label=self.entries[self.vocab.strings[k]].label)
                 for k, s, e in self.matcher(doc)]
        return filter_spans(found)

    def entry(self, span: Span) -> LexiconEntry | None:
        return self.entries.get(span.text)



def segment_mentions(doc: Doc, ruler: LexiconRuler, nlp: Language, labels: set[str],
                      titles: frozenset[str] = frozenset(),
                      heads: frozenset[str] = frozenset(),
                      org_heads: frozenset[str] = frozenset()) -> list[tuple[Span, str]]:
    """Corrected entity spans of one segment doc, each with its source.

    A lexicon match inside a longer model entity yields to it ("Washington" in
    "Washington Post"), unless it is joined to the rest by a hyphen: then the
    entity is a compound of names ("Pak-Japan relations") and each name is a
    mention of its own.
    """
    model = list(doc.ents)
    ruled = [r for r in ruler.spans(doc)
             if not any(m.start <= r.start and r.end <= m.end and len(m) > len(r)
                        and not compound_part(r, m) for m in model)]
    current = {(e.start, e.end, e.label_) for e in model}
    if any((r.start, r.end, r.label_) not in current for r in ruled):
        doc.set_ents(ruled, default="missing")
        doc = nlp.get_pipe("ner")(doc)
    ruled_keys = {(r.start, r.end) for r in ruled}
    spans = []
    for ent in doc.ents:
        if ent.label_ not in labels:
            continue
        source = "ruler" if (ent.start, ent.end) in ruled_keys else "model"
        if source == "model" and a_type_not_a_title(ent):
            continue
        cleaned = ent if source == "ruler" else clean_span(ent)
        if cleaned is not None and source == "model":
            cleaned = after_a_title(without_generic_head(without_title(cleaned, titles),
                                                         heads), titles)
            if vague_period(cleaned):
                continue
        if cleaned is not None:
            spans.append((cleaned, source))
    merged = merge_adjacent_persons([s for s, src in spans if src == "model"])
    out = []
    for span in merged:
        if span.label_ in _NOT_ORG_YET and named_as_organisation(span, org_heads):
            out.append((Span(span.doc, span.start, span.end, label="ORG"), HEAD_NOUN))
        else:
            out.append((span, "model"))
    return out + [(s, src) for s, src in spans if src == "ruler"]



def word_pattern(text: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + re.escape(text) + r"(?![\w-]|['’]\w\w)")



def sentence_index(doc: Doc) -> list[tuple[int, int, int]]:
    base = doc.user_data.get("first_sentence_id", 0)
    return [(s.start_char, s.end_char, base + k) for k, s in enumerate(sentences_of(doc))]



def sentence_at(index: list[tuple[int, int, int]], char: int) -> int:
    for start, end, sid in index:
        if start <= char < end:
            return sid
    return index[-1][2] if index else -1



def model_mentions(docs: Iterable[Doc], labels: set[str]) -> list[Mention]:
    """The statistical NER's mentions, uncorrected."""
    out = []
    for doc in docs:
        index = sentence_index(doc)
        for ent in doc.ents:
            if ent.label_ in labels:
                start, end = file_offsets(doc, ent.start_char, ent.end_char)
                out.append(Mention(doc.user_data["doc_id"], doc.user_data["part"],
                                   sentence_at(index, ent.start_char), start, end, ent.text,
                                   ent.label_, ent.text, "", "model"))
    return out

