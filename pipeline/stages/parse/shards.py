"""Stage ``parse``: spaCy over the segments, sentence and token tables, document statistics.

``nlp.pipe`` over every segment whose part is in ``[parse] parts``, in one
process or, for larger corpora, in forked workers that each parse whole shards
of documents and build their tables (the result is the same either way).
Each segment becomes one spaCy ``Doc`` whose ``user_data`` carries
``doc_id``, ``segment_id``, ``part``, ``start_char`` (the segment's offset in
the original file) and the ids of its first sentence and token, so that later
stages can turn any span back into file offsets with :func:`file_offsets`.

The stage yields its results in shards of whole documents, in corpus order, so
the runner can stream them to disk and memory stays nearly flat in corpus size.

Repeated sentences inside a document are marked with ``duplicate_of`` (the
``sentence_id`` of the first occurrence): exact repeats after normalising case,
quotes and punctuation, and near repeats whose word-bigram sets overlap by at
least ``near_duplicate_threshold`` (Jaccard).
"""

from __future__ import annotations

import itertools
import logging
import math
import multiprocessing
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from spacy.attrs import (
    DEP,
    HEAD,
    IDX,
    IS_ALPHA,
    IS_PUNCT,
    IS_SPACE,
    IS_STOP,
    LEMMA,
    LENGTH,
    POS,
    SENT_START,
    TAG,
)
from spacy.language import Language
from spacy.parts_of_speech import NAMES as POS_NAMES
from spacy.tokens import Doc, DocBin
from threadpoolctl import threadpool_limits

from pipeline.config import ModelSettings, ParseSettings
from pipeline.corpus.manifest import Corpus
from pipeline.nlp.docs import ShardDocBin
from pipeline.stages.parse.text_statistics import ReadabilityScorer, mtld
from pipeline.workers import start_worker

log = logging.getLogger(__name__)

SENTENCE_COLUMNS = ["doc_id", "segment_id", "sentence_id", "part", "start_char", "end_char",
                    "n_tokens", "duplicate_of", "text"]
TOKEN_COLUMNS = ["doc_id", "sentence_id", "token_id", "start_char", "end_char", "text", "lemma",
                 "pos", "tag", "dep", "head_token_id", "is_stop", "is_alpha"]
DOCUMENT_COLUMNS = ["doc_id", "path", "group", "title", "n_tokens", "n_words", "n_types",
                    "n_sentences", "n_duplicate_sentences", "mean_sentence_length", "mtld",
                    "flesch_reading_ease", "flesch_kincaid_grade", "n_comment_words"]

# Any single white-space character becomes a plain space before parsing: same
# length, so offsets are unchanged, and a line break or no-break space inside a
# paragraph no longer becomes a token of its own.
_ODD_SPACE = re.compile(r"[^\S ]")
_NORMALISE_KEEP = re.compile(r"[^\w\s]")


def parse_text(text: str) -> str:
    """The text handed to spaCy: white space made plain, length unchanged."""
    return _ODD_SPACE.sub(" ", text)


def _sentence_key(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    return " ".join(_NORMALISE_KEEP.sub(" ", text).split())


def _bigrams(key: str) -> frozenset[tuple[str, str]]:
    words = key.split()
    return frozenset(zip(words, words[1:], strict=False))


def mark_duplicates(texts: list[str], classes: list[str], settings: ParseSettings) -> list[int | None]:
    """For each sentence, the index of the earlier sentence it repeats, or None.

    Only sentences of the same class (body or comment) are compared: an exact repeat
    of the normalised text, else the first earlier sentence (itself no repeat, both
    at least ``near_duplicate_min_words`` long) whose word-bigram set has Jaccard
    overlap of at least ``near_duplicate_threshold``. Linear in practice rather than
    comparing all pairs: two sets with Jaccard >= t share a bigram among the first
    ``|A| - ceil(t |A|) + 1`` of each when their bigrams are sorted in one fixed
    order (rarest first), so only sentences that share such a "prefix" bigram are
    compared (prefix filtering; Chaudhuri, Ganti & Kaushik 2006, "A primitive
    operator for similarity joins in data cleaning", ICDE).

    >>> from pipeline.config import ParseSettings
    >>> mark_duplicates(["Japan grew.", "Trade rose.", "Japan  grew!"], ["b"] * 3, ParseSettings())
    [None, None, 0]
    """
    keys = [_sentence_key(t) for t in texts]
    grams = [_bigrams(k) for k in keys]
    threshold, min_words = settings.near_duplicate_threshold, settings.near_duplicate_min_words
    frequency: dict[tuple[str, str], int] = {}
    for g in grams:
        for gram in g:
            frequency[gram] = frequency.get(gram, 0) + 1
    result: list[int | None] = []
    first_by_key: dict[tuple[str, str], int] = {}
    index: dict[tuple[str, tuple[str, str]], list[int]] = {}  # (class, bigram) -> sentences
    for i, key in enumerate(keys):
        found = first_by_key.get((classes[i], key)) if key else None
        a = grams[i]
        long_enough = len(key.split()) >= min_words and bool(a)
        prefix: list[tuple[str, str]] = []
        if long_enough:
            ordered = sorted(a, key=lambda g: (frequency[g], g))
            prefix = ordered[:len(a) - math.ceil(threshold * len(a) - 1e-9) + 1] \
                if threshold > 0 else ordered
        if found is None and long_enough:
            candidates = sorted({j for gram in prefix for j in index.get((classes[i], gram), ())})
            if threshold == 0:
                candidates = [j for j in range(i) if classes[j] == classes[i]
                              and result[j] is None and len(keys[j].split()) >= min_words
                              and grams[j]]
            for j in candidates:
                b = grams[j]
                small, large = sorted((len(a), len(b)))
                if small / large < threshold:
                    continue
                if len(a & b) / len(a | b) >= threshold:
                    found = j
                    break
        result.append(found)
        if key:
            first_by_key.setdefault((classes[i], key), i)
        if found is None and long_enough:
            for gram in prefix:
                index.setdefault((classes[i], gram), []).append(i)
    return result


@dataclass
class _Shard:
    docbin: DocBin = field(default_factory=lambda: ShardDocBin(store_user_data=True))
    sentences: list[tuple] = field(default_factory=list)
    tokens: list[tuple] = field(default_factory=list)
    documents: list[tuple] = field(default_factory=list)
    n_segments: int = 0

    def output(self) -> dict[str, object]:
        sentences = pd.DataFrame(self.sentences, columns=SENTENCE_COLUMNS)
        sentences["duplicate_of"] = sentences["duplicate_of"].astype("Int64")
        return {
            "docs": self.docbin,
            "sentences": sentences,
            "tokens": pd.DataFrame(self.tokens, columns=TOKEN_COLUMNS),
            "documents": pd.DataFrame(self.documents, columns=DOCUMENT_COLUMNS),
        }


# Token attributes read in bulk with Doc.to_array (much faster than token by token).
_NUMERIC = [IDX, LENGTH, IS_SPACE, IS_PUNCT, IS_STOP, IS_ALPHA, HEAD, SENT_START, POS]
_STRINGS = [LEMMA, TAG, DEP]


def _segment_rows(doc: Doc, doc_id: str, sentence_base: int, token_base: int, seg_text: str,
                  strings: dict[int, str]) -> tuple[list[list], list[tuple], list[list[str]]]:
    """Sentence rows, token rows and per-sentence words of one segment doc."""
    info = doc.user_data
    seg_start = info["start_char"]
    num = doc.to_array(_NUMERIC).astype(np.int64)
    hashes = doc.to_array(_STRINGS)
    idx, length, space, punct, stop, alpha, head, sent_start, pos = num.T
    ends = idx + length
    spacy_sent = np.cumsum(sent_start == 1) - 1
    spacy_sent[spacy_sent < 0] = 0
    kept = np.flatnonzero(space == 0)
    # sentence ids: spaCy's sentences that hold a kept token, in order (as sentences_of)
    numbers, first_pos = np.unique(spacy_sent[kept], return_index=True)
    sentence_of = dict(zip(numbers.tolist(), range(sentence_base, sentence_base + len(numbers)),
                           strict=True))
    lookup = doc.vocab.strings
    for h in np.unique(hashes):
        h = int(h)
        if h not in strings:
            strings[h] = lookup[h]
    texts = [seg_text[a:b] for a, b in zip(idx[kept].tolist(), ends[kept].tolist(), strict=True)]
    sentence_ids = [sentence_of[n] for n in spacy_sent[kept].tolist()]
    token_rows = list(zip(
        [doc_id] * len(kept), sentence_ids, (kept + token_base).tolist(),
        (idx[kept] + seg_start).tolist(), (ends[kept] + seg_start).tolist(), texts,
        [strings[int(h)] for h in hashes[kept, 0]], [POS_NAMES.get(p, "") for p in pos[kept].tolist()],
        [strings[int(h)] for h in hashes[kept, 1]], [strings[int(h)] for h in hashes[kept, 2]],
        (kept + head[kept] + token_base).tolist(), (stop[kept] == 1).tolist(),
        (alpha[kept] == 1).tolist(), strict=True))
    bounds = list(first_pos[1:]) + [len(kept)]
    sentence_rows: list[list] = []
    words: list[list[str]] = []
    is_word = (punct[kept] == 0).tolist()
    for sid, (lo, hi) in enumerate(zip(first_pos.tolist(), bounds, strict=True)):
        a, b = int(idx[kept[lo]]), int(ends[kept[hi - 1]])
        sentence_rows.append([doc_id, info["segment_id"], sentence_base + sid, info["part"],
                              seg_start + a, seg_start + b, hi - lo, None, seg_text[a:b]])
        words.append([texts[k] for k in range(lo, hi) if is_word[k]])
    return sentence_rows, token_rows, words


def _document_rows(doc_id: str, docs: list[Doc], settings: ParseSettings,
                   scorer: ReadabilityScorer, meta: tuple[str, str, str]
                   ) -> tuple[list[tuple], list[tuple], tuple]:
    """Sentence rows, token rows and the statistics row of one document."""
    sentence_rows: list[list] = []
    token_rows: list[tuple] = []
    sentence_words: list[list[str]] = []  # words (no punctuation) of each sentence
    strings: dict[int, str] = {}
    token_base = 0
    for doc in docs:
        doc.user_data["first_sentence_id"] = len(sentence_rows)
        doc.user_data["first_token_id"] = token_base
        sents, tokens, words = _segment_rows(doc, doc_id, len(sentence_rows), token_base,
                                             doc.user_data["text"], strings)
        sentence_rows.extend(sents)
        token_rows.extend(tokens)
        sentence_words.extend(words)
        token_base += len(doc)
    body = set(settings.body_parts)
    classes = ["body" if row[3] in body else row[3] for row in sentence_rows]
    duplicates = mark_duplicates([row[8] for row in sentence_rows], classes, settings)
    counted: list[int] = []
    for i, (row, dup) in enumerate(zip(sentence_rows, duplicates, strict=True)):
        row[7] = dup
        if row[3] in body and (settings.keep_duplicates or dup is None):
            counted.append(i)
    words = [w.lower() for i in counted for w in sentence_words[i]]
    readability = scorer.scores([[w for w in sentence_words[i] if "'" not in w]
                                 for i in counted])
    n_sent = len(counted)
    stats = (doc_id, *meta, sum(sentence_rows[i][6] for i in counted), len(words),
             len(set(words)), n_sent,
             sum(1 for row in sentence_rows if row[3] in body and row[7] is not None),
             round(len(words) / n_sent, 4) if n_sent else float("nan"),
             round(mtld(words), 4), round(readability["flesch_reading_ease"], 4),
             round(readability["flesch_kincaid_grade"], 4),
             sum(len(sentence_words[i]) for i, c in enumerate(classes) if c == "comment"))
    return [tuple(r) for r in sentence_rows], token_rows, stats


def n_processes(n_segments: int, model: ModelSettings) -> int:
    """Worker processes for ``n_segments``: fewer when each would get too little work."""
    return max(1, min(model.n_process, n_segments // model.min_segments_per_process))


@dataclass(frozen=True)
class ShardTask:
    """The work of one shard: whole documents and their segments to parse."""

    documents: tuple[tuple[str, str, str, str], ...]  # doc_id, path, group, title
    segments: tuple[tuple[str, int, str, int, str], ...]  # doc_id, segment_id, part, start, text


def plan_shards(corpus: Corpus, segments: pd.DataFrame, size: int) -> list[ShardTask]:
    """Split the corpus into shards in corpus order, never splitting a document.

    A shard is closed once it holds at least ``size`` segments.
    """
    by_doc: dict[str, list[tuple]] = {}
    for r in segments.itertuples(index=False):
        by_doc.setdefault(r.doc_id, []).append(
            (r.doc_id, int(r.segment_id), r.part, int(r.start_char), r.text))
    tasks: list[ShardTask] = []
    documents: list[tuple[str, str, str, str]] = []
    items: list[tuple] = []
    for document in corpus.documents:
        documents.append((document.doc_id, document.path, document.group, document.title))
        items.extend(by_doc.get(document.doc_id, []))
        if len(items) >= size:
            tasks.append(ShardTask(tuple(documents), tuple(items)))
            documents, items = [], []
    if documents:
        tasks.append(ShardTask(tuple(documents), tuple(items)))
    return tasks


def parse_shard(task: ShardTask, nlp: Language, model: ModelSettings, parse: ParseSettings,
                scorer: ReadabilityScorer) -> dict[str, object]:
    """Parse one shard's segments (one process) and build its docs and table chunks."""
    texts = (parse_text(s[4]) for s in task.segments)
    parsed = zip(nlp.pipe(texts, batch_size=model.batch_size), task.segments, strict=True)
    by_doc = {doc_id: list(group)
              for doc_id, group in itertools.groupby(parsed, key=lambda pair: pair[1][0])}
    shard = _Shard()
    for doc_id, path, group, title in task.documents:
        docs: list[Doc] = []
        for doc, (_, segment_id, part, start, text) in by_doc.get(doc_id, []):
            doc.user_data.update({"doc_id": doc_id, "segment_id": segment_id, "part": part,
                                  "start_char": start, "text": text})
            docs.append(doc)
        sentences, tokens, stats = _document_rows(doc_id, docs, parse, scorer,
                                                  (path, group, title))
        for doc in docs:
            del doc.user_data["text"]  # the original file holds it; keep the cache small
            shard.docbin.add(doc)
        shard.sentences.extend(sentences)
        shard.tokens.extend(tokens)
        shard.documents.append(stats)
        shard.n_segments += len(docs)
    return shard.output()


# A worker process's own state, set by its initializer. The pool forks its
# workers, so the loaded pipeline reaches them through ``initargs`` without
# being pickled or loaded again; the parent never sets this.
_WORKER: dict[str, object] = {}


def _start_worker(nlp: Language, model: ModelSettings, parse: ParseSettings,
                  parent: int) -> None:
    start_worker(parent)  # dies with the parent, which handles Ctrl-C and stops us
    # One maths thread per worker: the workers already use every core they were
    # given, and BLAS threads on top of them fight for the same cores (measured
    # 25% slower on 2 cores). Kept for the life of the worker process.
    _WORKER.update(nlp=nlp, model=model, parse=parse, scorer=ReadabilityScorer(),
                   threads=threadpool_limits(limits=1))


def _work(task: ShardTask) -> dict[str, object]:
    return parse_shard(task, _WORKER["nlp"], _WORKER["model"], _WORKER["parse"],
                       _WORKER["scorer"])


# A Dask worker's own state: the spaCy pipeline, loaded on its first task and kept for
# the life of the worker process (keyed by the model settings it was loaded with).
_REMOTE: dict[object, dict[str, object]] = {}


def remote_parse_shard(task: ShardTask, model: ModelSettings, parse: ParseSettings
                       ) -> dict[str, object]:
    """:func:`parse_shard` on a worker of another engine (Dask): the worker loads the
    pipeline once, then parses every shard it is given with it."""
    state = _REMOTE.get(model)
    if state is None:
        from pipeline.nlp.model import load_spacy_pipeline

        state = {"nlp": load_spacy_pipeline(model), "scorer": ReadabilityScorer(),
                 "threads": threadpool_limits(limits=1)}
        _REMOTE.clear()
        _REMOTE[model] = state
    return parse_shard(task, state["nlp"], model, parse, state["scorer"])


# Shards per worker process when parsing in parallel: more spreads the work
# more evenly at the end of the corpus; each shard costs one hand-over.
_SHARDS_PER_PROCESS = 8


def parse_corpus(corpus: Corpus, segments: pd.DataFrame, *, nlp: Language,
                 model: ModelSettings, parse: ParseSettings, engine=None
                 ) -> Iterator[dict[str, object]]:
    """Stage function: parse the segments and yield shards of docs and tables.

    Each shard is a dict with a ``DocBin`` under ``docs`` and DataFrame chunks
    under ``sentences``, ``tokens`` and ``documents``; documents are never split
    across shards. With several processes, each worker parses whole shards and
    builds their tables itself, so the parent only collects them in order: the
    output is the same whatever the number of processes. ``engine``: the runner's
    engine; another than the local one (Dask) maps :func:`remote_parse_shard` over the
    shards on its workers (None or local: this machine's processes, which share the
    loaded pipeline).
    """
    todo = segments[segments["part"].isin(parse.parts)]
    if engine is not None and engine.name != "local":
        workers = engine.workers
        size = max(1, min(parse.shard_size,
                          math.ceil(len(todo) / (workers * _SHARDS_PER_PROCESS))))
        tasks = plan_shards(corpus, todo, size)
        log.info("parsing %d segments of %d documents on %s (%d worker%s, %d shard%s)",
                 len(todo), len(corpus.documents), engine.name, workers,
                 "" if workers == 1 else "s", len(tasks), "" if len(tasks) == 1 else "s")
        yield from _logged(engine.map(remote_parse_shard, tasks, model=model, parse=parse),
                           len(corpus.documents))
        return
    processes = n_processes(len(todo), model)
    if processes > 1 and "fork" not in multiprocessing.get_all_start_methods():
        processes = 1  # workers share the loaded pipeline by forking
    size = parse.shard_size
    if processes > 1:  # enough shards to keep every worker busy to the end
        size = max(1, min(size, math.ceil(len(todo) / (processes * _SHARDS_PER_PROCESS))))
    tasks = plan_shards(corpus, todo, size)
    log.info("parsing %d segments of %d documents (batch %d, %d process%s, %d shard%s)",
             len(todo), len(corpus.documents), model.batch_size, processes,
             "" if processes == 1 else "es", len(tasks), "" if len(tasks) == 1 else "s")
    if processes == 1:
        scorer = ReadabilityScorer()
        results: Iterable[dict[str, object]] = (parse_shard(t, nlp, model, parse, scorer)
                                                for t in tasks)
        yield from _logged(results, len(corpus.documents))
        return
    with multiprocessing.get_context("fork").Pool(
            processes, initializer=_start_worker,
            initargs=(nlp, model, parse, os.getpid())) as pool:
        yield from _logged(pool.imap(_work, tasks), len(corpus.documents))


def _logged(results: Iterable[dict[str, object]], n_documents: int) -> Iterator[dict[str, object]]:
    done = 0
    for result in results:
        done += len(result["documents"])
        log.info("parsed %d/%d documents", done, n_documents)
        yield result
