"""Gold files: hand labels as JSON Lines, read by the ``evaluate-*`` commands."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import PipelineError


def gold_lines(path: Path) -> list[tuple[int, str]]:
    """The non-blank lines of a gold JSONL file with their line numbers, or a one-line
    error when the file is missing (shared by every ``evaluate-*`` command)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise PipelineError(f"Gold file not found: {path}", fix="give the path of a .jsonl file"
                            ) from None
    return [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]
