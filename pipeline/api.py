"""``pipeline.run``: the built-in stages (or your list) run from Python in one call."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.config import Config, load_config
from pipeline.engine.runner import Runner
from pipeline.engine.stage import Stage, StageResult


def run(stages: Sequence[Stage] | None = None, *, config: Config | str | Path | None = None,
        corpus: str | Path = "corpus", out: str | Path = "outputs", stage: str | None = None,
        start_from: str | None = None, force: bool = False,
        dry: bool = False) -> list[StageResult]:
    """Run the pipeline (or a subset) from Python; see the README for examples."""
    from pipeline.stages import STAGES  # the built-in list; imported here, not by the engine

    if not isinstance(config, Config):
        config = load_config(config)
    runner = Runner(STAGES if stages is None else stages, config, Path(corpus), Path(out))
    return runner.run(only=stage, start_from=start_from, force=force, dry=dry)
