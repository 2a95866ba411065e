"""The runner: runs an ordered list of stages, skips what is up to date, owns all I/O.

A stage is skipped (and says so) when the hashes of its inputs, its settings,
its own code and, for spaCy stages, the pipeline version are what they were when
it last ran and its outputs are unchanged. State lives in
``<out>/cache/state.json``; ``<out>/run.json`` records each run. One run at a
time may write to an output folder (an OS file lock on ``<out>/cache/run.lock``,
through ``filelock``, so it works on every OS; a second run is refused).
"""

from __future__ import annotations

import datetime as dt
import errno
import gc
import importlib.metadata
import inspect
import json
import logging
import os
import platform
import shlex
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import spacy

from pipeline.config import Config, settings_hash
from pipeline.corpus.groups import ALL
from pipeline.corpus.lexicons import PACKAGE_DATA
from pipeline.corpus.manifest import Corpus, check_compare, load_corpus
from pipeline.engine.catalog import (
    Catalog,
    artifact_key,
    artifact_kind,
    remove_debris,
    scratch_target,
)
from pipeline.engine.engines import make_engine
from pipeline.engine.fingerprints import (
    changed,
    code_fingerprint,
    data_fingerprint,
    default_code,
    function_fingerprint,
    library_versions,
)
from pipeline.engine.lock import output_lock
from pipeline.engine.mapping import LocalEngine, MapCall, map_stage, shared_inputs
from pipeline.engine.stage import Stage, StageResult, check_stages, find_stage, setting_keyword
from pipeline.errors import ConfigError, StageError
from pipeline.nlp.model import check_pipeline_installed, load_spacy_pipeline, pipeline_version

log = logging.getLogger(__name__)

STATE_FILE = "cache/state.json"
RUN_FILE = "run.json"
INCOMPLETE_FILE = "INCOMPLETE.txt"


def config_relative(config: Config, name: str) -> Path:
    """A path the user's config gives: relative to that config file's folder (else to the
    working folder)."""
    path = Path(name)
    if not path.is_absolute() and len(config.files) > 1:
        path = Path(config.files[-1]).parent / path
    return path


def lexicon_dirs(config: Config) -> tuple[Path, ...]:
    """``[corpus] lexicon_dir`` as a path: relative to the user config file that set it
    (else to the working folder); a clear error when it is not a folder."""
    name = config.corpus.lexicon_dir
    if not name:
        return ()
    folder = config_relative(config, name)
    if not folder.is_dir():
        raise ConfigError(f"[corpus] lexicon_dir is not a folder: {folder}",
                          fix="create it, or correct the path (relative paths start at the "
                              "config file's folder)")
    return (folder,)


BUILTIN_FRAME_MODEL = PACKAGE_DATA / "frames_model.json"


def frame_model_path(config: Config) -> Path | None:
    """``[framing] frame_model`` as a path: ``"builtin"`` the shipped model, ``""`` none,
    else a file relative to the user config file that set it (else the working folder);
    a clear error when it is not there."""
    name = config.framing.frame_model
    if not name:
        return None
    if name == "builtin":
        return BUILTIN_FRAME_MODEL
    path = config_relative(config, name)
    if not path.is_file():
        raise ConfigError(f"[framing] frame_model is not a file: {path}",
                          fix="give the model file train-frames wrote (a relative path starts "
                              'at the config file\'s folder), "builtin" for the shipped model, '
                              'or "" for the frame lexicon alone')
    return path


def check_out_dir(corpus_dir: Path, out_dir: Path) -> None:
    """Refuse an output folder that is the corpus folder, inside it or around it: a run
    must never write into the corpus (an output such as findings.md could replace a
    document) nor clean up inside it."""
    if not str(out_dir).strip():
        raise StageError("--out is empty", fix="give an output folder, e.g. --out outputs")
    corpus, out = Path(corpus_dir).resolve(), Path(out_dir).resolve()
    if out == corpus or corpus in out.parents:
        raise StageError(f"The output folder {out_dir} is inside the corpus folder {corpus_dir}",
                         fix="give an --out folder outside the corpus, e.g. --out outputs")
    if out in corpus.parents:  # a run writes and cleans up below --out: never in a corpus
        raise StageError(f"The corpus folder {corpus_dir} is inside the output folder {out_dir}",
                         fix="move the corpus out of the output folder, or give another --out")


class Runner:
    """Runs stages against one corpus folder, config and output folder."""

    def __init__(self, stages: Sequence[Stage], config: Config, corpus_dir: Path,
                 out_dir: Path, *, nlp=None) -> None:
        """``nlp``: an already loaded spaCy pipeline to use (it must be the one
        ``[model] name`` names); by default it is loaded when a stage first needs it."""
        check_stages(stages)
        self.stages = list(stages)
        self.config = config
        self.corpus_dir = Path(corpus_dir)
        self.out_dir = Path(out_dir)
        check_out_dir(self.corpus_dir, self.out_dir)
        self._corpus: Corpus | None = None
        self._nlp = nlp
        self.model_load_seconds = 0.0
        self._engine = None  # a DaskEngine, made when a stage first needs it
        self._source_memo: dict = {}  # parsed modules, by path, size and mtime
        self.catalog = Catalog(self.out_dir, self.corpus, lambda: self.nlp().vocab,
                               lexicon_dirs(config), {"frames": frame_model_path(config)},
                               config.tables.parquet_rows, config.tables.parquet_row_group)

    def corpus(self) -> Corpus:
        if self._corpus is None:
            self._corpus = load_corpus(self.corpus_dir, self.config.corpus)
            if self.config.compare == (ALL,):  # "all": the manifest's groups, sorted
                self.config = self.config.model_copy(
                    update={"compare": tuple(self._corpus.groups)})
        return self._corpus

    def engine(self):
        """The engine the stages map their work over (None: the built-in local one)."""
        if self._engine is None:
            self._engine = make_engine(self.config.engine)
        return self._engine

    def close_engine(self) -> None:
        if self._engine is not None:
            self._engine.close()
        self._engine = None

    def nlp(self):
        if self._nlp is None:
            began = time.perf_counter()
            self._nlp = load_spacy_pipeline(self.config.model)
            self.model_load_seconds = round(time.perf_counter() - began, 3)
        return self._nlp

    def _state(self) -> dict[str, Any]:
        """What each stage last ran with. The file is ours: when it is damaged (not
        UTF-8 JSON, not an object, an entry of the wrong shape) that is said in one
        line and the stages concerned simply run again."""
        path = self.out_dir / STATE_FILE
        if not path.is_file():
            return {}
        try:
            state = json.loads(path.read_bytes().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            state = None
        if not isinstance(state, dict):
            log.warning("%s is damaged (not a JSON object): every stage runs again", STATE_FILE)
            return {}
        good = {name: entry for name, entry in state.items() if _good_entry(entry)}
        if len(good) < len(state):
            log.warning("%s: the entries of %s are damaged: they run again", STATE_FILE,
                        ", ".join(sorted(set(state) - set(good))))
        return good

    def _save_state(self, state: dict[str, Any]) -> None:
        writer = self.catalog.writer(STATE_FILE)
        writer.add(state)
        writer.commit()

    def stage_key(self, stage: Stage) -> dict[str, Any]:
        """Everything a stage's result depends on, hashed (each part by name, so that a
        changed key can say what changed)."""
        if any(s.split(" as ")[0] == "compare" for s in stage.settings):
            self.corpus()  # "all" names the manifest's groups
        settings = {section: settings_hash(self.config.section(section))
                    for section, _ in map(setting_keyword, stage.settings)}
        in_main = getattr(stage.func, "__module__", "__main__") in ("__main__", None)
        code = (function_fingerprint(stage.func) if in_main and not stage.code
                else code_fingerprint(stage.code or default_code(stage.func),
                                      self._source_memo))
        key: dict[str, Any] = {
            "inputs": {name: self.catalog.fingerprint(name) for name in stage.inputs},
            "settings": settings,
            "options": settings_hash(dict(stage.options)),
            "code": code,
            "data": data_fingerprint(stage.data),
            "libraries": library_versions(stage.libraries),
        }
        if stage.uses_nlp:
            key["model"] = [self.config.model.name, pipeline_version(self.config.model.name),
                            spacy.__version__]
        return key

    def why_run(self, stage: Stage, state: Mapping[str, Any]) -> str | None:
        """Reason the stage must run, or None when it is up to date."""
        missing = [n for n in stage.inputs if not self.catalog.exists(n)]
        if missing:
            return f"input {missing[0]} missing"
        previous = state.get(stage.name)
        if previous is None:
            return "first run"
        for name in stage.outputs:
            if not self.catalog.exists(name):
                return f"output {name} missing"
            if previous.get("outputs", {}).get(name) != self.catalog.fingerprint(name):
                return f"output {name} changed since it was written"
        key = self.stage_key(stage)
        old = previous.get("key", {})
        for part, label in (("inputs", "input"), ("settings", "settings"),
                            ("options", "options"), ("code", "code"), ("data", "data file"),
                            ("libraries", "library"), ("model", "spaCy pipeline")):
            if key.get(part) == old.get(part):
                continue
            if part in ("options", "model"):
                return f"{label} changed"
            names = changed(old.get(part), key[part])
            if part == "libraries":
                before = old.get(part) if isinstance(old.get(part), dict) else {}
                return "library changed: " + ", ".join(
                    f"{n} {before.get(n, '?')} -> {key[part].get(n, 'removed')}" for n in names)
            if part == "code":
                shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more"
                                                if len(names) > 3 else "")
                return f"code changed: {shown}"
            if part == "settings":
                return f"settings changed: [{'], ['.join(names)}]"
            return f"{label} {names[0]} changed" if names else f"{label} changed"
        return None

    def status(self) -> list[StageResult]:
        """Whether each stage is up to date, without running anything."""
        self.corpus()
        state = self._state()
        results = []
        stale_upstream: set[str] = set()
        for stage in self.stages:
            upstream = [n for n in stage.inputs if n in stale_upstream]
            reason = (f"{upstream[0]} will be rewritten first" if upstream
                      else self.why_run(stage, state))
            if reason:
                stale_upstream.update(stage.outputs)
            results.append(StageResult(stage.name, "out of date" if reason else "up to date",
                                       reason or ""))
        return results

    def _selected(self, only: str | None, start_from: str | None) -> list[int]:
        if only and start_from:
            raise StageError("--stage and --from cannot be combined",
                             fix="use --stage NAME for one stage, --from NAME for it and later")
        if only:
            return [find_stage(self.stages, only)]
        if start_from:
            return list(range(find_stage(self.stages, start_from), len(self.stages)))
        return list(range(len(self.stages)))

    def run(self, *, only: str | None = None, start_from: str | None = None,
            force: bool = False, dry: bool = False) -> list[StageResult]:
        """Run the selected stages; returns what happened to each.

        Everything a run needs is checked before its first write (corpus, settings,
        lexicons, the frame model, the spaCy pipeline, the output folder). While
        stages replace outputs, ``INCOMPLETE.txt`` in the output folder says which have
        finished; the run removes it when it ends, so a folder that still has it after
        a kill mixes new and earlier outputs until the next run finishes.
        """
        selected = self._selected(only, start_from)
        forced = force or start_from is not None
        corpus = self.corpus()
        check_compare(corpus, self.config.compare)
        self._check_inputs_available(selected)
        if dry:
            return self._dry(selected, forced)
        try:
            self._preflight(selected)
            return self._run_checked(selected, forced)
        finally:
            self.close_engine()  # a LocalCluster stops with its run

    def _run_checked(self, selected: list[int], forced: bool) -> list[StageResult]:
        finished: list[str] = []
        try:
            with output_lock(self.out_dir):
                results = self._run_locked(selected, forced, finished)
        except OSError as err:
            error = _os_error(err, self.out_dir)
            if finished:
                error.partial_outputs = self._partial_note(finished, selected)
            raise error from err
        except BaseException as err:
            if finished:
                err.partial_outputs = self._partial_note(finished, selected)
            raise
        return results

    def _run_locked(self, selected: list[int], forced: bool, finished: list[str]
                    ) -> list[StageResult]:
        debris = remove_debris(self.out_dir)
        if debris:
            log.info("removed %d leftover(s) of an interrupted run: %s", len(debris),
                     ", ".join(str(p.relative_to(self.out_dir)) for p in debris[:3]))
        if (self.out_dir / INCOMPLETE_FILE).is_file():
            log.info("the last run in %s did not finish (see %s); this run completes it",
                     self.out_dir, INCOMPLETE_FILE)
        started = dt.datetime.now(dt.UTC)
        state = self._state()
        results = []
        for number, i in enumerate(selected, start=1):
            stage = self.stages[i]
            prefix = f"[{number}/{len(selected)}] {stage.name}"
            reason = "forced" if forced else self.why_run(stage, state)
            if reason is None:
                log.info("%s: skipped (up to date)", prefix)
                results.append(StageResult(stage.name, "skipped", "up to date"))
                continue
            self._check_inputs_match_state(stage, state, selected)
            if finished:  # the folder already mixes this run's outputs with earlier ones
                self._mark_incomplete(started, finished, stage.name)
            log.info("%s: running (%s)", prefix, reason)
            began = time.perf_counter()
            # the folder is marked before the stage's first output replaces an earlier one
            self._execute(stage, lambda: self._mark_incomplete(started, finished, stage.name))
            release_memory()
            seconds = time.perf_counter() - began
            state[stage.name] = {
                "key": self.stage_key(stage),
                "outputs": {n: self.catalog.fingerprint(n) for n in stage.outputs},
            }
            self._save_state(state)
            finished.append(stage.name)
            self._mark_incomplete(started, finished, None)
            log.info("%s: done in %.1f s", prefix, seconds)
            results.append(StageResult(stage.name, "ran", reason, round(seconds, 3)))
        self._write_run_record(results, started)
        (self.out_dir / INCOMPLETE_FILE).unlink(missing_ok=True)
        return results

    def _preflight(self, selected: list[int]) -> None:
        """Check, before the first write, what a run would otherwise find only when a
        stage needs it: the output folder can be written, the lexicons and the frame
        model read, the spaCy pipeline is installed, the Dask scheduler answers."""
        check_writable(self.out_dir)
        stages = [self.stages[i] for i in selected]
        for name in dict.fromkeys(n for s in stages for n in s.inputs):
            if artifact_kind(name) in ("lexicon", "model"):
                self.catalog.load(name)
        if self._nlp is None and any(s.uses_nlp for s in stages):
            check_pipeline_installed(self.config.model)
        if any(s.uses_engine or s.map is not None for s in stages) and self.engine() is not None:
            self.engine().check()  # Dask installed, the scheduler reachable

    def _check_inputs_match_state(self, stage: Stage, state: Mapping[str, Any],
                                  selected: list[int]) -> None:
        """An input written by another stage must be what that stage recorded writing;
        otherwise it was changed or damaged since (a stage that is not run now cannot
        mend it, so say which to run)."""
        chosen = {self.stages[i].name for i in selected}
        for name in stage.inputs:
            producer = next((s for s in self.stages if name in s.outputs), None)
            if producer is None or producer.name in chosen:
                continue
            recorded = state.get(producer.name, {}).get("outputs", {}).get(name)
            if recorded is not None and recorded != self.catalog.fingerprint(name):
                raise StageError(
                    f"{name} was changed or damaged after stage '{producer.name}' wrote it",
                    fix=f"write it again: {self.command('--from', producer.name)}")

    def _mark_incomplete(self, started: dt.datetime, finished: list[str],
                         running: str | None) -> None:
        done = ", ".join(finished) if finished else "none yet"
        if running is None:
            running = "none (it stopped between two stages)"
        text = (f"A run that started at {started.isoformat(timespec='seconds')} (process "
                f"{os.getpid()}) has not finished writing this folder.\n"
                f"Stages that finished with its inputs: {done}.\n"
                f"Stage it was running: {running}. Its outputs and those of the stages after "
                "it are from an earlier run, or missing, until a run finishes.\n"
                "A run that finishes removes this file; to finish now: "
                f"{self.command()}\n")
        writer = self.catalog.writer(INCOMPLETE_FILE)
        writer.add(text)
        writer.commit()

    def _partial_note(self, finished: list[str], selected: list[int]) -> str:
        """What an interrupted run leaves: which stages wrote new outputs."""
        stopped = [self.stages[i].name for i in selected
                   if self.stages[i].name not in finished]
        after = (f"; {stopped[0]} and later stages still hold earlier outputs (or none)"
                 if stopped else "")
        return (f"stages {', '.join(finished)} finished and wrote new outputs{after}. "
                f"{self.out_dir / INCOMPLETE_FILE} marks the folder until a run finishes: "
                f"{self.command()}")

    def _dry(self, selected: list[int], forced: bool) -> list[StageResult]:
        state = self._state()
        results = []
        rewritten: set[str] = set()
        for i in selected:
            stage = self.stages[i]
            upstream = [n for n in stage.inputs if n in rewritten]
            reason = ("forced" if forced else
                      f"{upstream[0]} will be rewritten" if upstream else
                      self.why_run(stage, state))
            if reason:
                rewritten.update(stage.outputs)
            results.append(StageResult(stage.name, "would run" if reason else "would skip",
                                       reason or "up to date"))
        return results

    def command(self, *args: str) -> str:
        """The CLI command that runs ``args`` on this runner's corpus, output folder and
        config, for hints that a user can paste as they are."""
        words = ["python", "-m", "pipeline", "run", *args]
        if self.corpus_dir != Path("corpus"):
            words += ["--corpus", str(self.corpus_dir)]
        if self.out_dir != Path("outputs"):
            words += ["--out", str(self.out_dir)]
        if len(self.config.files) > 1:
            words += ["--config", str(self.config.files[-1])]
        return " ".join(shlex.quote(w) for w in words)

    def _missing_input_fix(self, stage: Stage) -> str:
        """What to run so that ``stage``'s inputs exist: the one stage that writes the
        missing ones when its own inputs exist, else every stage up to this one."""
        missing = [n for n in stage.inputs if not self.catalog.exists(n)]
        producers = {s.name for s in self.stages for n in missing if n in s.outputs}
        if len(producers) == 1:
            producer = next(s for s in self.stages if s.name in producers)
            if all(self.catalog.exists(n) for n in producer.inputs):
                return (f"run stage '{producer.name}' first: "
                        f"{self.command('--stage', producer.name)}")
        return f"run the stages before it first: {self.command()} (up-to-date stages are skipped)"

    def _check_inputs_available(self, selected: list[int]) -> None:
        """Before anything is written: every input of a selected stage exists or is
        written by an earlier selected stage."""
        coming: set[str] = set()
        for i in selected:
            stage = self.stages[i]
            for name in stage.inputs:
                if name not in coming and not self.catalog.exists(name):
                    raise StageError(
                        f"Input '{name}' of stage '{stage.name}' does not exist in "
                        f"{self.out_dir}", fix=self._missing_input_fix(stage))
            coming.update(stage.outputs)

    def _execute(self, stage: Stage, before_commit: Callable[[], None] = lambda: None) -> None:
        kwargs: dict[str, Any] = {artifact_key(n): self.catalog.load(n) for n in stage.inputs}
        for section, keyword in map(setting_keyword, stage.settings):
            kwargs[keyword] = self.config.section(section)
        if stage.uses_nlp:
            kwargs["nlp"] = self.nlp()
        if stage.uses_engine:
            kwargs["engine"] = self.map_engine()
        kwargs.update(stage.options)
        if stage.map is not None:
            kwargs["mapped"] = self._mapped(stage, kwargs)
        result = stage.func(**kwargs)
        chunks = [result] if isinstance(result, Mapping) else result
        writers = {artifact_key(n): self.catalog.writer(n) for n in stage.outputs}
        try:
            for chunk in chunks:
                unknown = set(chunk) - set(writers)
                if unknown:
                    raise StageError(
                        f"Stage '{stage.name}' returned '{sorted(unknown)[0]}', not among "
                        "its declared outputs", fix="declare it in the stage's outputs",
                        options=list(writers))
                for key, value in chunk.items():
                    writers[key].add(value)
            empty = [k for k, w in writers.items() if w.chunks == 0]
            if empty:
                raise StageError(f"Stage '{stage.name}' returned nothing for '{empty[0]}'",
                                 fix="return every declared output", options=list(writers))
            for writer in writers.values():
                writer.finish()
            before_commit()
            for writer in writers.values():
                writer.commit()
        except BaseException:
            for writer in writers.values():
                writer.abort()
            raise

    def map_engine(self):
        """Where a stage's map work runs: the Dask engine when the run uses it, else this
        machine's processes (``[model] n_process`` of them)."""
        return self.engine() or LocalEngine(self.config.model.n_process)

    def _mapped(self, stage: Stage, kwargs: dict[str, Any]) -> dict[str, Any]:
        """The stage's ``map`` over every shard of its parsed-docs input, concatenated."""
        docs_keys = [artifact_key(n) for n in stage.inputs if artifact_kind(n) == "docs"]
        if not docs_keys:
            raise StageError(f"Stage '{stage.name}' has a map function but reads no parsed "
                             "docs", fix="add cache/docs.spacy to its inputs, or drop map")
        wanted = inspect.signature(stage.map).parameters
        given = {k: v for k, v in kwargs.items() if k in wanted and k not in ("nlp", "engine")}
        call = MapCall(stage.map, shared_inputs(given, docs_keys[0]), docs_keys[0],
                       self.config.model, wants_nlp="nlp" in wanted)
        return map_stage(self.map_engine(), call, kwargs[docs_keys[0]], given, self.nlp(),
                         stage.name)

    def _write_run_record(self, results: list[StageResult], started: dt.datetime) -> None:
        corpus = self.corpus()
        record = {
            "started": started.isoformat(timespec="seconds"),
            "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "versions": {
                "python": platform.python_version(),
                "spacy": spacy.__version__,
                "pipeline_model": f"{self.config.model.name} "
                                  f"{pipeline_version(self.config.model.name)}".strip(),
                "package": _package_version(),
            },
            "config": self.config.to_dict(),
            "config_files": list(self.config.files),
            "corpus": str(self.corpus_dir.resolve()),
            "input_hashes": corpus.fingerprint(),
            # loading the spaCy pipeline, counted inside the first stage that needs it
            "model_load_seconds": self.model_load_seconds,
            "stages": [{"name": r.name, "status": r.status, "reason": r.reason,
                        "seconds": r.seconds} for r in results],
        }
        writer = self.catalog.writer(RUN_FILE)
        writer.add(record)
        writer.commit()


def release_memory() -> None:
    """After a stage: collect its garbage and hand the freed heap back to the system
    (glibc's ``malloc_trim``), so the next stage starts from what the run still holds,
    not from the last stage's peak."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _good_entry(entry: Any) -> bool:
    """A state entry as the runner writes it: a key of named parts, output digests."""
    return (isinstance(entry, dict) and isinstance(entry.get("key"), dict)
            and isinstance(entry.get("outputs"), dict)
            and all(isinstance(v, str) for v in entry["outputs"].values()))


def check_writable(out_dir: Path) -> None:
    """Before anything is written: ``out_dir`` is a folder (or can be made one) that this
    process may write in, and so are the output folders already in it."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise StageError(f"--out {out} is a file, not a folder",
                         fix="give --out a folder (it is created when missing)")
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise StageError(f"--out {out} is below {existing}, which is a file, not a folder",
                         fix="give --out a path whose parent folders are folders")
    folders = [existing] if existing != out else [out, *(out / d for d in (
        "cache", "tables", "figures", "evaluation") if (out / d).is_dir())]
    for folder in folders:
        if not os.access(folder, os.W_OK | os.X_OK):
            raise StageError(f"Cannot write in {folder} (a read-only file system, or its "
                             "permissions)", fix="give an --out folder you can write in")


def _os_error(err: OSError, out_dir: Path) -> StageError:
    """An operating-system error of a run as one line: what, which file, what to do."""
    name = str(err.filename or "")
    target = scratch_target(Path(name)) if name else None
    if target is not None:  # the temporary name a writer used: say which output it was for
        name = str(target)
    inside = bool(name) and Path(os.path.abspath(name)).is_relative_to(out_dir.absolute())
    fix = {errno.ENOSPC: "free space on that disk, or give an --out folder on another one",
           errno.EDQUOT: "free space within your quota, or give another --out folder",
           errno.EROFS: "give an --out folder on a writable file system",
           errno.EACCES: "give an --out folder you can write in",
           errno.EPERM: "give an --out folder you can write in",
           errno.EISDIR: "remove or rename the folder that stands where that file belongs",
           errno.EEXIST: "remove or rename the file that stands where that folder belongs",
           errno.ENOTDIR: "remove or rename the file that stands where that folder belongs"}.get(
        err.errno, "check the file and the disk it is on, then run again")
    verb = "write" if inside or err.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS) else \
        "read or write"
    return StageError(f"Cannot {verb} {name or 'a file'}: {err.strerror or err}", fix=fix)


def _package_version() -> str:
    try:
        return importlib.metadata.version("framing-pipeline")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
