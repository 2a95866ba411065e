"""Stage ``entities``: named-entity mentions with one canonical name each.

Mentions are found per segment (:mod:`.ruler`: step 1, with the span rules of
:mod:`.spans`: step 2), corrected across the corpus (:mod:`.corrections`:
steps 3-7) and tabulated (:mod:`.tables`). The statistical NER's mentions are
corrected by general mechanisms, in order:

1. **Lexicon first.** Aliases from the entity lexicons (``lexicon:entities.toml``)
   are matched token by token; where they differ from the model's entities, the
   NER is run again with the lexicon's spans fixed, so it labels the rest around
   them. A lexicon match inside a longer model entity ("Washington Post") yields,
   unless a hyphen joins it to the rest ("Pak-Japan"): a compound of names is
   split, and its other name is a mention where the document names it elsewhere.
2. **Span clean-up.** No leading determiner, no trailing possessive ('s, ’s),
   no stray punctuation, no unbalanced parenthesis; adjacent PERSON spans are
   one name ("Bilawal Bhutto" + "Zardari"); a mention that starts
   with a title from the lexicons' ``person_titles`` ("Dr Nielsen") is a PERSON
   without it; a place name ends before a generic word from ``generic_heads``
   ("Asia-Pacific" in "the Asia-Pacific region"); a title or law named with
   "a"/"an" ("a Memorandum of Understanding") is a kind of document, not a name.
3. **Headings.** In titles and headings, model entities stand only when the
   document's body has the same text as an entity; body entities are found in
   the headings too (title case fools the model).
4. **Abbreviations** defined in the text ("Japan International Cooperation Agency
   (JICA)", Schwartz & Hearst 2003) share the long form as canonical name; later
   bare uses of the short form are found as mentions.
5. **Person aliasing.** A partial name ("Zardari", "Bhutto Zardari", a
   "Bilawal" the model called ORG) that is part of exactly one full PERSON name
   takes that name as canonical, within the document or across the corpus.
6. **One spelling.** Canonical names that differ only in hyphens, spaces or
   case ("Middle-East", "Middle East") become the most used spelling.
7. **Metonyms.** A lexicon entry may say what its mention ``refers_to``
   ("Tokyo" -> "Japan"); the mention keeps its own text and label. It stands
   for that only where it acts; used as a place ("talks in Tokyo", the
   ``[metonyms]`` cues of entities.toml) its ``refers_to`` is empty. A
   nationality word from the lexicons' ``[demonyms]`` ("Japanese") refers to
   its country the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.config import EntitySettings
from pipeline.corpus.entity_lexicon import (
    LexiconEntry,
    PlaceCues,
    demonyms,
    generic_heads,
    lexicon_entries,
    organisation_heads,
    person_titles,
    place_cues,
)
from pipeline.corpus.groups import contrasts, relabelled, stacked
from pipeline.corpus.lexicons import Lexicon
from pipeline.corpus.manifest import Corpus
from pipeline.nlp.docs import file_offsets, with_original_text
from pipeline.nlp.roles import names_the_place
from pipeline.stages.entities.corrections import correct_mentions, with_demonym_countries
from pipeline.stages.entities.ruler import (
    LexiconRuler,
    model_mentions,
    segment_mentions,
    sentence_at,
    sentence_index,
)
from pipeline.stages.entities.spans import Mention
from pipeline.stages.entities.tables import (
    cooccurrence_table,
    counted_mentions,
    entity_comparison,
    entity_summary,
    entity_table,
)

MENTION_FIELDS = list(Mention.__dataclass_fields__)
SEGMENT_COLUMNS = ["doc_id", "part", "start_char", "text", "sentences"]


def segment_pass(docs: Iterable[Doc], entries: list[LexiconEntry], *, nlp: Language,
                 settings: EntitySettings, titles: frozenset[str] = frozenset(),
                 generic_heads: frozenset[str] = frozenset(), places: PlaceCues | None = None,
                 org_heads: frozenset[str] = frozenset(), ruler: LexiconRuler | None = None
                 ) -> tuple[list[Mention], dict[str, list[tuple[str, int, str, list]]]]:
    """Steps 1 and 2, segment by segment: the mentions of these docs, and per document
    its segments (part, offset, text, sentence bounds) for the corrections."""
    labels = set(settings.labels)
    segments: dict[str, list[tuple[str, int, str, list]]] = defaultdict(list)
    if not settings.corrections:
        return model_mentions(docs, labels), segments
    ruler = ruler or LexiconRuler(nlp, entries)
    mentions: list[Mention] = []
    for doc in docs:
        info = doc.user_data
        doc_id, part = info["doc_id"], info["part"]
        index = sentence_index(doc)
        seg_start = info["start_char"]
        segments[doc_id].append((part, seg_start, doc.text, index))
        for span, source in segment_mentions(doc, ruler, nlp, labels, titles, generic_heads,
                                             org_heads):
            start, end = file_offsets(doc, span.start_char, span.end_char)
            entry = ruler.entry(span) if source == "ruler" else None
            refers_to = entry.refers_to if entry else ""
            if refers_to and names_the_place(span, places or PlaceCues()):
                refers_to = ""  # "talks in Tokyo": the city, not its government
            mentions.append(Mention(
                doc_id, part, sentence_at(index, span.start_char), start, end, span.text,
                span.label_, entry.canonical if entry else " ".join(span.text.split()),
                refers_to, source))
    return mentions, segments


# Per process: the lexicon's entries, word lists and ruler for the lexicons a run gives
# (built once per worker, not once per shard).
_TOOLS: dict[str, tuple] = {}


def _entity_tools(entities_lexicon: list[Lexicon], settings: EntitySettings, nlp: Language
                  ) -> tuple:
    key = repr((id(nlp), settings.use_general_lexicon,
                [(x.origin, x.data) for x in entities_lexicon]))
    if key not in _TOOLS:
        general = settings.use_general_lexicon
        entries = lexicon_entries(entities_lexicon, use_general=general)
        _TOOLS.clear()
        _TOOLS[key] = (entries, person_titles(entities_lexicon, use_general=general),
                       generic_heads(entities_lexicon, use_general=general),
                       place_cues(entities_lexicon, use_general=general),
                       organisation_heads(entities_lexicon, use_general=general),
                       LexiconRuler(nlp, entries))
    return _TOOLS[key]


def entity_map(docs, entities_lexicon: list[Lexicon], *, nlp: Language,
               entities: EntitySettings) -> dict[str, pd.DataFrame]:
    """The stage's per-document work (the runner's map): steps 1 and 2 on these docs."""
    entries, titles, heads, places, orgs, ruler = _entity_tools(entities_lexicon, entities, nlp)
    mentions, segments = segment_pass(docs, entries, nlp=nlp, settings=entities, titles=titles,
                                      generic_heads=heads, places=places, org_heads=orgs,
                                      ruler=ruler)
    return {"mentions": pd.DataFrame([tuple(vars(m).values()) for m in mentions],
                                     columns=MENTION_FIELDS),
            "segments": pd.DataFrame([(d, *row) for d, rows in segments.items() for row in rows],
                                     columns=SEGMENT_COLUMNS)}


def entity_tables(corpus: Corpus, docs: Iterable[Doc], sentences: pd.DataFrame,
                  documents: pd.DataFrame, entities_lexicon: list[Lexicon], *, nlp: Language,
                  entities: EntitySettings, parse, compare: tuple[str, ...],
                  mapped: dict[str, pd.DataFrame] | None = None) -> dict[str, object]:
    """Stage function, the reduce: the corrections across the corpus (steps 3-7) of the
    mentions :func:`entity_map` found (``mapped``; found here over all docs when not
    given), then the mention, summary, comparison (a block of rows per contrast of the
    compared groups) and co-occurrence tables."""
    if mapped is None:
        mapped = entity_map(docs, entities_lexicon, nlp=nlp, entities=entities)
    found = mapped["mentions"]
    mentions = [Mention(*row) for row in zip(*(found[c].tolist() for c in MENTION_FIELDS),
                                             strict=True)]
    if entities.corrections:
        segments: dict[str, list[tuple[str, int, str, list]]] = defaultdict(list)
        rows = mapped["segments"]
        for doc_id, part, start, text, index in zip(*(rows[c].tolist()
                                                      for c in SEGMENT_COLUMNS), strict=True):
            segments[doc_id].append((part, start, text, index))
        entries = lexicon_entries(entities_lexicon, use_general=entities.use_general_lexicon)
        texts = {d.doc_id: d.text for d in corpus.documents}
        mentions = correct_mentions(mentions, segments, texts, entries, entities)
        mentions = with_demonym_countries(
            mentions, demonyms(entities_lexicon, use_general=entities.use_general_lexicon))
    table = entity_table(mentions, sentences)
    counted = counted_mentions(table, parse.body_parts, keep_duplicates=parse.keep_duplicates)
    lengths = {d.doc_id: len(d.text) for d in corpus.documents}
    summary = entity_summary(counted, documents, sentences, lengths, parse.body_parts,
                             keep_duplicates=parse.keep_duplicates)
    comparison = stacked([entity_comparison(summary, relabelled(documents, c), c.labels)
                          for c in contrasts(compare)])
    cooccurrence = cooccurrence_table(counted)

    table = with_original_text(table, {d.doc_id: d.text for d in corpus.documents})
    return {"entities": table, "entity_summary": summary, "entity_comparison": comparison,
            "cooccurrence": cooccurrence}
