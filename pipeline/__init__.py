"""Framing analysis of news text.

Run the pipeline from Python::

    import pipeline
    results = pipeline.run(corpus="corpus", out="outputs")
    out = pipeline.load_outputs("outputs")      # every table as a DataFrame

or from the shell: ``python -m pipeline run``. The ordered list of built-in
stages is :data:`pipeline.STAGES`.

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
    "Runner": "runner", "Stage": "runner", "StageResult": "runner", "run": "runner",
    "STAGES": "stages",
}

__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"

if TYPE_CHECKING:
    from .config import Config, load_config
    from .errors import PipelineError
    from .outputs import Outputs, load_outputs
    from .runner import Runner, Stage, StageResult, run
    from .stages import STAGES


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
