"""Terms of the parsed text: content-word lemmas and noun phrases, each with its offsets.

Shared by the stages that count vocabulary (topics, key terms, distinctive
vocabulary). A *word* term is the lower-cased lemma of a token whose universal
POS tag is kept, that is not a stop word, punctuation or a number. A *phrase*
term is a spaCy noun chunk trimmed of leading determiners, pronouns, numbers
and stop words and of trailing possessives, if two or more words remain and the
last is a noun; its key is the lemmas of its words joined by spaces. An
*ngram* term is a run of two or more adjacent word terms of one sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
from spacy.tokens import Doc, Span, Token

from pipeline.corpus.lexicons import Lexicon
from pipeline.nlp.docs import file_offsets, sentences_of

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
    key = word_key(token.text, token.lemma_)
    if key is None or key in stop:
        return None
    return key


def phrase_spans(chunk: Span, stop: frozenset[str]) -> list[Span]:
    """The phrases of a noun chunk, split at a possessive ("the region's rapid growth" ->
    "region", "rapid growth"), each trimmed of leading function words; only those of two or
    more words ending in a noun are kept."""
    doc = chunk.doc
    pieces, start = [], chunk.start
    for token in chunk:
        if token.tag_ == "POS" or token.text in _TRIM_TRAILING:
            pieces.append((start, token.i))
            start = token.i + 1
    pieces.append((start, chunk.end))
    spans = []
    for start, end in pieces:
        while start < end and (doc[start].pos_ in _TRIM_LEADING_POS or doc[start].is_stop
                               or doc[start].like_num or doc[start].lower_ in stop):
            start += 1
        while end > start and doc[end - 1].is_punct:
            end -= 1
        span = doc[start:end]
        if len(span) < 2 or span[-1].pos_ not in ("NOUN", "PROPN"):
            continue
        if any(t.is_punct and t.text not in "-–" for t in span):
            continue
        spans.append(span)
    return spans


def phrase_key(span: Span) -> str | None:
    """Lemma key of a phrase: its words' keys joined by spaces."""
    keys = [word_key(t.text, t.lemma_) for t in span if not t.is_punct]
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
                   chunks: Sequence[Span] | None = None) -> list[tuple]:
    """Term rows (TERM_COLUMNS) of one sentence of a parsed segment doc.

    ``chunks``: the doc's noun chunks, when the caller has them (``list(doc.noun_chunks)``,
    computed once per doc; spaCy's ``Span.noun_chunks`` recomputes them for every sentence).
    """
    info = doc.user_data
    base = info["first_token_id"]
    head = (info["doc_id"], info["segment_id"], info["part"],
            info["first_sentence_id"] + sentence_index)
    rows: list[tuple] = []
    kept: list[tuple[Token, str]] = []
    for token in sent:
        key = is_term_token(token, options.pos, options.stop)
        if key is not None:
            kept.append((token, key))
            a, b = file_offsets(doc, token.idx, token.idx + len(token))
            rows.append((*head, base + token.i, 1, "word", key, token.pos_, a, b, token.text))
    for n in range(2, options.ngram_max + 1):
        for i in range(len(kept) - n + 1):
            run = kept[i:i + n]
            if run[-1][0].i - run[0][0].i != n - 1:
                continue
            span = doc[run[0][0].i:run[-1][0].i + 1]
            a, b = file_offsets(doc, span.start_char, span.end_char)
            rows.append((*head, base + span.start, n, "ngram", " ".join(k for _, k in run),
                         span[-1].pos_, a, b, span.text))
    if options.noun_phrases:
        if chunks is None:
            chunks = list(doc.noun_chunks)
        for chunk in (c for c in chunks if c.start >= sent.start and c.end <= sent.end):
            for span in phrase_spans(chunk, options.stop):
                key = phrase_key(span)
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
                     ngram_max: int = 1, keep_duplicates: bool = False) -> pd.DataFrame:
    """Every word and phrase term in the segments of ``parts``, in reading order.

    Sentences that repeat an earlier one (``duplicate_of``) are left out unless
    ``keep_duplicates``. Offsets are into the original file; ``token_id`` is the
    document-level id of the term's first token (as in tokens.csv). N-grams of 2
    to ``ngram_max`` adjacent word terms are added as kind ``ngram``.
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
        for k, sent in enumerate(sentences_of(doc)):
            if (info["doc_id"], info["first_sentence_id"] + k) not in duplicates:
                rows.extend(sentence_terms(doc, k, sent, options, chunks))
    return term_table(rows)
