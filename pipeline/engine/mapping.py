"""Map, then reduce: a stage's per-document work, shard by shard, on the engine's workers.

A stage declared with a ``map`` function (see :class:`~pipeline.engine.stage.Stage`)
has its per-document work split from its group-level work. The runner reads the
parsed-docs cache shard by shard (the parse stage's shards: whole documents, in
corpus order) and, for each shard, calls ``map`` with the stage's own inputs
restricted to that shard's documents:

* the parsed docs input: the shard's docs;
* every table with a ``doc_id`` column: its rows of those documents, in their order;
* the corpus: the same corpus with only those documents;
* lexicons, model files, other tables and the settings: unchanged.

``map`` returns a dict of tables (its per-document rows, counts or sums). The
runner concatenates each of them over the shards, in shard order, and passes the
dict to the stage's function as ``mapped``: its reduce. The shards run on the
engine's workers, at most a few at a time so memory stays flat in corpus size,
and each worker computes with one maths thread, so the tables are the same,
byte for byte, whatever the engine and the number of workers.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import srsly
from spacy.tokens import DocBin
from threadpoolctl import threadpool_limits

from pipeline.corpus.manifest import Corpus
from pipeline.nlp.docs import ParsedDocs, read_docbin
from pipeline.workers import start_worker

log = logging.getLogger(__name__)

# Shards waiting or running per worker: enough to keep every worker busy, few enough
# that only a handful of shards' inputs and results are in memory at once.
_IN_FLIGHT_PER_WORKER = 2


@dataclass(frozen=True)
class MapTask:
    """One shard's work: its docs (DocBin bytes) and the stage's inputs restricted to it."""

    index: int
    doc_ids: tuple[str, ...]
    docs: bytes
    inputs: dict[str, Any]


@dataclass(frozen=True)
class MapCall:
    """What every task of one stage shares: the map function, the unrestricted
    keyword arguments, the keyword of the docs input, the spaCy pipeline's settings
    (a remote worker loads it from them: its vocabulary reads the docs) and whether
    the function takes the pipeline itself (``nlp``)."""

    func: Callable[..., dict[str, pd.DataFrame]]
    shared: dict[str, Any]
    docs_key: str
    model: Any  # ModelSettings
    wants_nlp: bool = False


def docbin_doc_ids(data: bytes) -> tuple[str, ...]:
    """The ``doc_id`` of every segment doc in a DocBin, without building the docs."""
    ids = []
    for packed in DocBin().from_bytes(data).user_data:
        info = srsly.msgpack.unpackb(packed, raw=False, use_list=False) if packed else {}
        ids.append(str(info.get("doc_id", "")))
    return tuple(dict.fromkeys(ids))


def _row_index(table: pd.DataFrame) -> dict[str, np.ndarray]:
    return table.groupby("doc_id", sort=False).indices if len(table) else {}


def map_tasks(docs: ParsedDocs, docs_key: str, inputs: dict[str, Any]) -> Iterator[MapTask]:
    """One task per shard of ``docs``, each with the tables and corpus of ``inputs``
    restricted to the shard's documents (the other inputs are left to :class:`MapCall`)."""
    tables = {k: v for k, v in inputs.items()
              if isinstance(v, pd.DataFrame) and "doc_id" in v.columns}
    rows = {k: _row_index(v) for k, v in tables.items()}
    corpora = {k: v for k, v in inputs.items() if isinstance(v, Corpus)}
    empty = np.array([], dtype=np.int64)
    for index, path in enumerate(docs.shards()):
        data = path.read_bytes()
        ids = docbin_doc_ids(data)
        wanted = set(ids)
        restricted: dict[str, Any] = {}
        for key, table in tables.items():
            found = [rows[key].get(doc_id, empty) for doc_id in ids]
            at = np.sort(np.concatenate(found)) if found else empty
            restricted[key] = table.iloc[at].reset_index(drop=True)
        for key, corpus in corpora.items():
            restricted[key] = replace(corpus, documents=tuple(
                d for d in corpus.documents if d.doc_id in wanted))
        yield MapTask(index, ids, data, restricted)


def shared_inputs(inputs: dict[str, Any], docs_key: str) -> dict[str, Any]:
    """The inputs every task receives whole: all but the docs, the corpus and the
    tables with a ``doc_id`` column."""
    return {k: v for k, v in inputs.items() if k != docs_key and not isinstance(v, Corpus)
            and not (isinstance(v, pd.DataFrame) and "doc_id" in v.columns)}


def run_task(task: MapTask, call: MapCall, nlp) -> dict[str, pd.DataFrame]:
    """``call.func`` on one shard, with one maths thread (the same result on any worker)."""
    kwargs = dict(call.shared)
    kwargs.update(task.inputs)
    kwargs[call.docs_key] = read_docbin(task.docs, nlp.vocab, f"shard {task.index}")
    if call.wants_nlp:
        kwargs["nlp"] = nlp
    with threadpool_limits(limits=1):
        return call.func(**kwargs)


def concatenated(parts: Iterable[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """Each key's tables over the shards, in shard order (empty ones are left out, so a
    shard without rows cannot change a column's type; all empty: the first one)."""
    collected: dict[str, list[pd.DataFrame]] = {}
    for part in parts:
        for key, table in part.items():
            collected.setdefault(key, []).append(table)
    out = {}
    for key, tables in collected.items():
        full = [t for t in tables if len(t)]
        out[key] = (pd.concat(full, ignore_index=True) if len(full) > 1 else
                    (full[0] if full else tables[0]).reset_index(drop=True))
    return out


# What a forked worker runs: the function and its shared arguments (for a stage's map,
# its call and the parent's spaCy pipeline), reached through the fork, never pickled.
_LOCAL: dict[str, Any] = {}


def _start_local(parent: int) -> None:
    start_worker(parent)


@contextmanager
def _forked_pool(processes: int):
    """A pool of forked workers. The parent's objects are moved out of the garbage
    collector's reach first (``gc.freeze``, as the gc module's documentation advises
    before a fork): a collection in a worker would otherwise write to every object's
    header and so copy the parent's pages, which the workers only read."""
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(
                processes, initializer=_start_local, initargs=(os.getpid(),)) as pool:
            yield pool
    finally:
        gc.unfreeze()


def _local_call(task: Any) -> Any:
    with threadpool_limits(limits=1):
        return _LOCAL["func"](task, **_LOCAL["shared"])


class LocalEngine:
    """This machine's processes: ``processes`` workers forked from this one (they share
    its loaded spaCy pipeline), or this process alone for one (or without fork)."""

    name = "local"

    def __init__(self, processes: int) -> None:
        self.processes = max(1, processes)
        if "fork" not in multiprocessing.get_all_start_methods():
            self.processes = 1

    def map(self, func: Callable[..., Any], tasks: Iterable[Any], n_tasks: int | None = None,
            **shared: Any) -> Iterator[Any]:
        """``func(task, **shared)`` for every task, with one maths thread, results in task
        order, each as soon as it and those before it are done (the Dask engine's
        interface). ``n_tasks``: how many there are, when ``tasks`` is a stream."""
        if n_tasks is None:
            tasks = list(tasks)
            n_tasks = len(tasks)
        processes = min(self.processes, n_tasks)
        _LOCAL.update(func=func, shared=shared)
        try:
            if processes <= 1:
                for task in tasks:
                    yield _local_call(task)
                return
            with _forked_pool(processes) as pool:
                yield from bounded(pool, _local_call, tasks, processes * _IN_FLIGHT_PER_WORKER)
        finally:
            _LOCAL.clear()


def bounded(pool, func, tasks: Iterable[Any], limit: int) -> Iterator[Any]:
    """``pool.apply_async(func, task)`` for the tasks in order, never more than ``limit``
    unfinished at once; results in task order."""
    waiting = []
    for task in tasks:
        waiting.append(pool.apply_async(func, (task,)))
        if len(waiting) >= limit:
            yield waiting.pop(0).get()
    while waiting:
        yield waiting.pop(0).get()


# A Dask worker's own spaCy pipeline, loaded on its first task and kept for the life of
# the worker process (keyed by the model settings it was loaded with).
_REMOTE_NLP: dict[Any, Any] = {}


def remote_task(task: MapTask, call: MapCall) -> dict[str, pd.DataFrame]:
    """:func:`run_task` on a Dask worker, which loads the spaCy pipeline once."""
    from pipeline.nlp.model import load_spacy_pipeline

    nlp = _REMOTE_NLP.get(call.model)
    if nlp is None:
        _REMOTE_NLP.clear()
        nlp = _REMOTE_NLP[call.model] = load_spacy_pipeline(call.model)
    return run_task(task, call, nlp)


def map_stage(engine, call: MapCall, docs: ParsedDocs, inputs: dict[str, Any], nlp,
              stage_name: str) -> dict[str, pd.DataFrame] | None:
    """The stage's ``map`` over every shard of ``docs`` on ``engine``, concatenated (None
    for a cache of no shard: the stage function then maps its no docs itself)."""
    n_shards = len(docs.shards())
    if not n_shards:
        return None
    tasks = map_tasks(docs, call.docs_key, inputs)
    if isinstance(engine, LocalEngine):  # forked workers share this process's pipeline
        results = engine.map(run_task, tasks, n_shards, call=call, nlp=nlp)
        workers = min(engine.processes, n_shards)
    else:
        results = engine.map(remote_task, tasks, call=call)
        workers = engine.workers
    log.info("%s: per-document work on %d shard%s (%s, %d worker%s)", stage_name, n_shards,
             "" if n_shards == 1 else "s", engine.name, workers, "" if workers == 1 else "s")

    def progress() -> Iterator[dict[str, pd.DataFrame]]:
        for done, result in enumerate(results, 1):
            if done % max(1, n_shards // 4) == 0 or done == n_shards:
                log.info("%s: %d/%d shards", stage_name, done, n_shards)
            yield result

    return concatenated(progress())
