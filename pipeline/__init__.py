"""Framing analysis of news text.

Run the pipeline from Python::

    import pipeline
    results = pipeline.run(corpus="corpus", out="outputs")
    out = pipeline.load_outputs("outputs")      # every table as a DataFrame

or from the shell: ``python -m pipeline run``. Stages live one per module
(:mod:`pipeline.ingest`, :mod:`pipeline.parse`, ...); the ordered list is
:data:`pipeline.stages.STAGES`.
"""

from .config import Config, load_config
from .errors import PipelineError
from .outputs import Outputs, load_outputs
from .runner import Runner, Stage, StageResult, run
from .stages import STAGES

__all__ = ["STAGES", "Config", "Outputs", "PipelineError", "Runner", "Stage", "StageResult",
           "load_config", "load_outputs", "run"]
__version__ = "0.1.0"
