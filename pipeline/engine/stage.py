"""A stage: a plain function plus what it reads, writes, uses and runs.

The engine decides from these declarations what to run, what to skip and in
which order; :func:`check_stages` refuses a list that cannot run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.engine.catalog import CORPUS, LEXICON_PREFIX, MODEL_PREFIX, artifact_kind
from pipeline.errors import StageError, did_you_mean


@dataclass(frozen=True)
class Stage:
    """One step: ``func(**inputs, **settings, nlp=?, **options)`` returns its outputs.

    ``inputs`` and ``outputs`` are artifact names (paths under the output folder,
    or ``"corpus"``); the function receives each input under its file stem
    (``tables/segments.csv`` -> ``segments``) and returns a dict keyed the same
    way, or an iterator of such dicts to stream large outputs in chunks.
    ``settings`` names config sections passed by keyword (``"topics as topic_settings"``
    passes ``[topics]`` as ``topic_settings``, for a stage that also reads a table of
    that name); ``options`` are fixed
    keyword arguments (a custom stage's own settings). Both are hashed.

    ``code`` names the modules or packages the stage runs (default: a built-in
    stage's subpackage, or the function's own module; the pipeline modules they
    import count too), ``data`` the package data files it reads (paths under
    ``pipeline/``), ``libraries`` the distributions whose results it relies on.
    A change to any of them reruns the stage; see :mod:`pipeline.engine.fingerprints`.

    ``map``: the stage's per-document work, for a stage that reads the parsed docs.
    The runner calls it on each shard of the docs, on its engine's workers, with
    those of the stage's inputs and settings it names restricted to the shard's
    documents (see :mod:`pipeline.engine.mapping`), and passes the dict of tables it
    returns, concatenated over the shards in order, to ``func`` as ``mapped``.
    """

    name: str
    func: Callable[..., Any]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    settings: tuple[str, ...] = ()
    uses_nlp: bool = False
    uses_engine: bool = False  # the stage maps its work over the runner's engine
    map: Callable[..., Any] | None = None  # per-shard work; its results reach func as mapped
    options: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    code: tuple[str, ...] = ()
    data: tuple[str, ...] = ()
    libraries: tuple[str, ...] = ()


@dataclass
class StageResult:
    """What happened to one stage in a run."""

    name: str
    status: str  # "ran", "skipped", "would run", "would skip"
    reason: str
    seconds: float = 0.0


def check_stages(stages: Sequence[Stage]) -> None:
    """Every input must be the corpus, a lexicon or an earlier stage's output; names unique."""
    produced: dict[str, str] = {}
    names: set[str] = set()
    for stage in stages:
        if stage.name in names:
            raise StageError(f"Two stages are named '{stage.name}'", fix="rename one of them")
        names.add(stage.name)
        for name in stage.inputs:
            artifact_kind(name)
            if (name != CORPUS and not name.startswith((LEXICON_PREFIX, MODEL_PREFIX))
                    and name not in produced):
                raise StageError(
                    f"Stage '{stage.name}' reads '{name}', which no earlier stage writes",
                    fix="list the stage that writes it first, or correct the input name",
                    options=[CORPUS, *produced],
                )
        for name in stage.outputs:
            artifact_kind(name)
            if name in produced:
                raise StageError(f"Stages '{produced[name]}' and '{stage.name}' both write "
                                 f"'{name}'", fix="give each output one stage")
            produced[name] = stage.name


def find_stage(stages: Sequence[Stage], name: str) -> int:
    for i, stage in enumerate(stages):
        if stage.name == name:
            return i
    names = [s.name for s in stages]
    raise StageError(f"Unknown stage '{name}'.{did_you_mean(name, names)}",
                     fix="name one of the stages (python -m pipeline stages lists them)",
                     options=names)


def setting_keyword(entry: str) -> tuple[str, str]:
    """A ``settings`` entry as (config section, keyword the function receives).

    >>> setting_keyword("topics"), setting_keyword("topics as topic_settings")
    (('topics', 'topics'), ('topics', 'topic_settings'))
    """
    section, _, keyword = entry.partition(" as ")
    return section.strip(), (keyword or section).strip()
