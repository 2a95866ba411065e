"""Terms of the parsed text: content-word lemmas, names and noun phrases, with offsets.

Shared by the stages that count vocabulary (topics, key terms, distinctive
vocabulary). The text is read in *units*: a named entity's span is one unit
whose key is its canonical name ("Bhutto Zardari" and "Bilawal Bhutto Zardari"
are the one term "bilawal bhutto zardari"); a hyphenated compound written
without spaces ("people-to-people", "long-term") is one unit; any other token
is one unit. A *word* term is a unit whose key is the lower-cased lemma (checked
against the tag: :mod:`pipeline.nlp.lemmas`) of a token whose universal POS tag
is kept and that is not a stop word, punctuation or a number, or a name or a
compound. A *phrase* term is a spaCy noun chunk split at coordination ("Pakistan
and Japan" is two names, not a phrase) and at possessives, trimmed of leading
determiners, pronouns, numbers and stop words, if two or more units remain, the
last a noun, and it is not one name; its key is its units' keys joined by
spaces. An *ngram* term is a run of two or more adjacent word terms of one
sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from spacy.attrs import IDX
from spacy.tokens import Doc, Span, Token

from pipeline.corpus.lexicons import Lexicon
from pipeline.nlp.docs import file_offsets, sentences_of
from pipeline.nlp.lemmas import token_lemma

TERM_COLUMNS = ["doc_id", "segment_id", "part", "sentence_id", "token_id", "n_tokens", "kind",
                "term", "pos", "start_char", "end_char", "text"]
_TRIM_LEADING_POS = {"DET", "PRON", "NUM", "ADP", "PUNCT", "PART", "CCONJ", "SYM", "X", "SPACE"}
_TRIM_TRAILING = {"'s", "’s", "'", "’"}


def as_terms(terms: list[str]) -> list[str]:
    """The analyser for scikit-learn vectorisers over term lists already extracted here."""
    return terms


def stop_words(lexicons: Iterable[Lexicon]) -> frozenset[str]:
    """The extra stop words of the ``stopwords.toml`` lexicons, lower-cased."""
    words: set[str] = set()
    for lexicon in lexicons:
        words.update(w.lower() for w in lexicon.data.get("words", []))
    return frozenset(words)


def word_key(text: str, lemma: str = "") -> str | None:
    """The lower-cased lemma (or text) of a word, or None if it has no letter.

    >>> word_key("Japan’s", "Japan’s"), word_key("1950"), word_key("Talks", "talk")
    ('japan', None, 'talk')
    """
    key = (lemma or text).lower().replace("’", "'")
    if key.endswith("'s"):
        key = key[:-2]
    key = key.strip("'-.")
    return key if any(c.isalpha() for c in key) and len(key) > 1 else None


def is_term_token(token: Token, pos: frozenset[str], stop: frozenset[str]) -> str | None:
    """The word term of a token, or None when it is filtered out."""
    if token.pos_ not in pos or token.is_stop or token.is_punct or token.like_num \
            or token.is_space:
        return None
    key = word_key(token.text, token_lemma(token))
    if key is None or key in stop:
        return None
    return key


_HYPHENS = {"-", "‐", "‑"}


def _compound_end(doc: Doc, i: int, limit: int, names: dict[int, tuple[int, str]]) -> int:
    """End of the hyphenated compound starting at token ``i`` ("people-to-people"), or i + 1.

    Parts are joined by a hyphen with no space on either side; no part may be a name.
    """
    end = i + 1
    while (end + 1 < limit and doc[end].text in _HYPHENS and not doc[end - 1].whitespace_
           and not doc[end].whitespace_ and doc[end + 1].is_alpha and doc[end - 1].is_alpha
           and end + 1 not in names):
        end += 2
    return end


@dataclass(frozen=True)
class Unit:
    """A stretch of tokens read as one: a name, a hyphenated compound or a token."""

    start: int
    end: int
    key: str | None  # None: no term (no letter)
    pos: str
    is_name: bool = False
    is_compound: bool = False


def text_units(doc: Doc, start: int, end: int, names: dict[int, tuple[int, str]]) -> list[Unit]:
    """The units of tokens ``start``..``end`` of a segment doc.

    ``names``: first token of each entity span -> (end token, key), from :func:`name_spans`.
    """
    units: list[Unit] = []
    i = start
    while i < end:
        if i in names and names[i][0] <= end:
            stop, key = names[i]
            units.append(Unit(i, stop, key, "PROPN", is_name=True))
            i = stop
            continue
        stop = _compound_end(doc, i, end, names)
        if stop > i + 1 and not any(j in names for j in range(i, stop)):
            tokens = doc[i:stop]
            # a plural compound counts with its singular; "war-torn" stays as written
            last = tokens[-1]
            parts = [t.lower_ for t in tokens[:-1]] + [
                token_lemma(last) if last.tag_ in ("NNS", "NNPS") else last.lower_]
            units.append(Unit(i, stop, "".join(parts), tokens[-1].pos_, is_compound=True))
            i = stop
            continue
        token = doc[i]
        units.append(Unit(i, i + 1, word_key(token.text, token_lemma(token)), token.pos_))
        i += 1
    return units


def name_spans(doc: Doc, mentions: Iterable[tuple[int, int, str]]) -> dict[int, tuple[int, str]]:
    """Token spans of entity mentions in a segment doc: first token -> (end token, key).

    ``mentions``: (start, end, canonical name) with offsets into the original file;
    mentions outside the doc or overlapping an earlier one are left out.
    """
    base, out, taken = doc.user_data["start_char"], {}, set()
    mentions = sorted(mentions)
    if not mentions:
        return out
    # the tokens a character span touches, found by bisection (as spaCy's char_span with
    # alignment_mode="expand", which walks the whole doc for every span)
    starts = doc.to_array([IDX]).astype(np.int64).ravel()
    ends = starts + np.fromiter((len(t) for t in doc), dtype=np.int64, count=len(doc))
    length = len(doc.text)  # Doc.text joins every token anew on each call: once only
    for a, b, canonical in mentions:
        if a < base or b > base + length:
            continue
        first = int(np.searchsorted(ends, a - base, side="right"))
        stop = int(np.searchsorted(starts, b - base, side="left"))
        key = " ".join(str(canonical).lower().replace("’", "'").split())
        if first >= stop or not key or any(i in taken for i in range(first, stop)):
            continue
        out[first] = (stop, key)
        taken.update(range(first, stop))
    return out


def _word_unit_key(unit: Unit, doc: Doc, pos: frozenset[str], stop: frozenset[str]) -> str | None:
    if unit.is_name:
        return unit.key
    if unit.is_compound:
        if unit.pos not in pos or unit.key is None or unit.key in stop:
            return None
        return unit.key
    return is_term_token(doc[unit.start], pos, stop)


def _is_split_point(token: Token) -> bool:
    """Where a noun chunk splits: coordination, commas, possessives."""
    return (token.pos_ == "CCONJ" or token.text in (",", ";", "/") or token.tag_ == "POS"
            or token.text in _TRIM_TRAILING)


def phrase_spans(chunk: Span, stop: frozenset[str],
                 names: dict[int, tuple[int, str]] | None = None) -> list[Span]:
    """The phrases of a noun chunk, split at coordination and possessives ("the region's
    rapid growth" -> "region", "rapid growth"; "Pakistan and Japan" -> "Pakistan",
    "Japan"), each trimmed of leading function words; only those of two or more units
    ending in a noun and not one name are kept."""
    doc, names = chunk.doc, names or {}
    pieces, start = [], chunk.start
    for token in chunk:
        inside_name = any(a < token.i < e for a, (e, _) in names.items())
        if _is_split_point(token) and not inside_name:
            pieces.append((start, token.i))
            start = token.i + 1
    pieces.append((start, chunk.end))
    spans = []
    for start, end in pieces:
        while start < end and start not in names and (
                doc[start].pos_ in _TRIM_LEADING_POS or doc[start].is_stop
                or doc[start].like_num or doc[start].lower_ in stop):
            start += 1
        while end > start and doc[end - 1].is_punct:
            end -= 1
        units = text_units(doc, start, end, names)
        if len(units) < 2 or units[-1].pos not in ("NOUN", "PROPN"):
            continue
        if any(doc[u.start].is_punct and doc[u.start].text not in "-–" for u in units):
            continue
        spans.append(doc[start:end])
    return spans


def phrase_key(span: Span, names: dict[int, tuple[int, str]] | None = None) -> str | None:
    """Key of a phrase: its units' keys joined by spaces."""
    keys = [u.key for u in text_units(span.doc, span.start, span.end, names or {})
            if not (u.end - u.start == 1 and span.doc[u.start].is_punct)]
    if any(k is None for k in keys):
        return None
    return " ".join(keys)  # type: ignore[arg-type]


def duplicate_sentences(sentences: pd.DataFrame) -> set[tuple[str, int]]:
    dup = sentences[sentences["duplicate_of"].notna()]
    return set(zip(dup["doc_id"], dup["sentence_id"].astype(int), strict=True))


@dataclass(frozen=True)
class TermOptions:
    """What counts as a term: kept POS tags, extra stop words, phrases, n-gram length."""

    pos: frozenset[str]
    stop: frozenset[str]
    noun_phrases: bool = True
    ngram_max: int = 1


def sentence_terms(doc: Doc, sentence_index: int, sent: Span, options: TermOptions,
                   chunks: Sequence[Span] | None = None,
                   names: dict[int, tuple[int, str]] | None = None) -> list[tuple]:
    """Term rows (TERM_COLUMNS) of one sentence of a parsed segment doc.

    ``chunks``: the doc's noun chunks, when the caller has them (``list(doc.noun_chunks)``,
    computed once per doc; spaCy's ``Span.noun_chunks`` recomputes them for every sentence).
    ``names``: the doc's entity spans (:func:`name_spans`); each is one term.
    """
    info = doc.user_data
    base = info["first_token_id"]
    head = (info["doc_id"], info["segment_id"], info["part"],
            info["first_sentence_id"] + sentence_index)
    names = names or {}
    rows: list[tuple] = []
    kept: list[tuple[Unit, str]] = []
    for unit in text_units(doc, sent.start, sent.end, names):
        key = _word_unit_key(unit, doc, options.pos, options.stop)
        if key is None:
            continue
        kept.append((unit, key))
        span = doc[unit.start:unit.end]
        a, b = file_offsets(doc, span.start_char, span.end_char)
        rows.append((*head, base + unit.start, unit.end - unit.start, "word", key, unit.pos,
                     a, b, span.text))
    for n in range(2, options.ngram_max + 1):
        for i in range(len(kept) - n + 1):
            run = kept[i:i + n]
            if any(run[j + 1][0].start != run[j][0].end for j in range(n - 1)):
                continue
            span = doc[run[0][0].start:run[-1][0].end]
            a, b = file_offsets(doc, span.start_char, span.end_char)
            rows.append((*head, base + span.start, len(span), "ngram",
                         " ".join(k for _, k in run), run[-1][0].pos, a, b, span.text))
    if options.noun_phrases:
        if chunks is None:
            chunks = list(doc.noun_chunks)
        for chunk in (c for c in chunks if c.start >= sent.start and c.end <= sent.end):
            for span in phrase_spans(chunk, options.stop, names):
                key = phrase_key(span, names)
                if key is None:
                    continue
                a, b = file_offsets(doc, span.start_char, span.end_char)
                rows.append((*head, base + span.start, len(span), "phrase", key,
                             span[-1].pos_, a, b, span.text))
    return rows


def term_table(rows: list[tuple]) -> pd.DataFrame:
    """Term rows as a table in reading order."""
    table = pd.DataFrame(rows, columns=TERM_COLUMNS)
    return table.sort_values(["doc_id", "token_id", "kind"], kind="stable").reset_index(drop=True)


def term_occurrences(docs: Iterable[Doc], sentences: pd.DataFrame, *, parts: Iterable[str],
                     pos: Iterable[str], stop: frozenset[str], noun_phrases: bool = True,
                     ngram_max: int = 1, keep_duplicates: bool = False,
                     mentions: dict[str, list[tuple[int, int, str]]] | None = None
                     ) -> pd.DataFrame:
    """Every word and phrase term in the segments of ``parts``, in reading order.

    Sentences that repeat an earlier one (``duplicate_of``) are left out unless
    ``keep_duplicates``. Offsets are into the original file; ``token_id`` is the
    document-level id of the term's first token (as in tokens.csv). N-grams of 2
    to ``ngram_max`` adjacent word terms are added as kind ``ngram``. ``mentions``:
    doc_id -> (start, end, canonical name) of its entity mentions (:func:`name_mentions`),
    each read as one term.
    """
    parts = set(parts)
    options = TermOptions(frozenset(pos), stop, noun_phrases, ngram_max)
    duplicates = set() if keep_duplicates else duplicate_sentences(sentences)
    rows: list[tuple] = []
    for doc in docs:
        info = doc.user_data
        if info["part"] not in parts:
            continue
        chunks = list(doc.noun_chunks) if noun_phrases else []
        names = name_spans(doc, (mentions or {}).get(info["doc_id"], []))
        for k, sent in enumerate(sentences_of(doc)):
            if (info["doc_id"], info["first_sentence_id"] + k) not in duplicates:
                rows.extend(sentence_terms(doc, k, sent, options, chunks, names))
    return term_table(rows)


def name_mentions(entities: pd.DataFrame, labels: Iterable[str]) -> dict[str, list[tuple]]:
    """doc_id -> (start, end, canonical) of the entity mentions with ``labels`` (entities.csv)."""
    if entities is None or entities.empty:
        return {}
    kept = entities[entities["label"].isin(set(labels))]
    out: dict[str, list[tuple]] = {}
    for doc_id, a, b, canonical in zip(kept["doc_id"], kept["start_char"], kept["end_char"],
                                       kept["canonical"], strict=True):
        out.setdefault(doc_id, []).append((int(a), int(b), str(canonical)))
    return out
