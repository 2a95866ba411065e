"""Framing analysis of news text.

Run the pipeline from Python::

    import pipeline
    results = pipeline.run(corpus="corpus", out="outputs")
    out = pipeline.load_outputs("outputs")      # every table as a DataFrame

or from the shell: ``python -m pipeline run``. The ordered list of built-in
stages is :data:`pipeline.STAGES`; each stage's code is in its own subpackage of
:mod:`pipeline.stages`, the engine that runs them in :mod:`pipeline.engine`.

The names below are imported when first used, so that ``import pipeline`` (and
``python -m pipeline --help``) does not load spaCy, pandas or scikit-learn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# public name -> module that defines it
_EXPORTS = {
    "Config": "config", "load_config": "config",
    "PipelineError": "errors",
    "Outputs": "outputs", "load_outputs": "outputs",
    "Runner": "engine.runner", "Stage": "engine.stage", "StageResult": "engine.stage",
    "run": "api",
    "STAGES": "stages.builtin",
}

__all__ = ["STAGES", "Config", "Outputs", "PipelineError", "Runner", "Stage", "StageResult",
           "load_config", "load_outputs", "run"]
__version__ = "0.1.0"

if TYPE_CHECKING:
    from pipeline.api import run
    from pipeline.config import Config, load_config
    from pipeline.engine.runner import Runner
    from pipeline.engine.stage import Stage, StageResult
    from pipeline.errors import PipelineError
    from pipeline.outputs import Outputs, load_outputs
    from pipeline.stages.builtin import STAGES


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
