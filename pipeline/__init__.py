"""Framing analysis of news text.

Run the pipeline from Python::

    import pipeline
    results = pipeline.run(corpus="corpus", out="outputs")

or from the shell: ``python -m pipeline run``. Stages live one per module
(:mod:`pipeline.ingest`, :mod:`pipeline.parse`, ...); the ordered list is
:data:`pipeline.stages.STAGES`.
"""

from .config import Config, load_config
from .errors import PipelineError
from .runner import Runner, Stage, StageResult, run

__all__ = ["Config", "PipelineError", "Runner", "Stage", "StageResult", "load_config", "run"]
__version__ = "0.1.0"
