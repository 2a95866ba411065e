"""The stages, one subpackage each (``ingest``, ``parse``, ``entities``, ``topics``,
``framing``, ``report``); the chart stages are in :mod:`pipeline.charts`.

``STAGES``, the built-in list in order, is defined in :mod:`pipeline.stages.builtin` and
read from here when first used, so that importing one stage does not import the others.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "STAGES":
        from pipeline.stages.builtin import STAGES

        return STAGES
    raise AttributeError(f"module 'pipeline.stages' has no attribute {name!r}")
