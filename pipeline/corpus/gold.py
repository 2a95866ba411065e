"""Gold files: hand labels as JSON Lines, read by the ``evaluate-*`` commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.errors import PipelineError


def gold_lines(path: Path) -> list[tuple[int, str]]:
    """The non-blank lines of a gold JSONL file with their line numbers, or a one-line
    error when the file is missing, a folder or not UTF-8 (shared by every
    ``evaluate-*`` command)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise PipelineError(f"Gold file not found: {path}", fix="give the path of a .jsonl file"
                            ) from None
    except IsADirectoryError:
        raise PipelineError(f"Gold file is a folder: {path}",
                            fix="give the path of a .jsonl file") from None
    except UnicodeDecodeError as err:
        raise PipelineError(f"Gold file is not UTF-8 (byte offset {err.start}): {path}",
                            fix="save it as UTF-8 JSON Lines") from None
    except OSError as err:
        raise PipelineError(f"Cannot read the gold file {path}: {err.strerror or err}",
                            fix="give the path of a readable .jsonl file") from None
    return [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]


def gold_record(line: str) -> dict[str, Any]:
    """One gold line as a dict whose ``file`` is a text and ``start``/``end`` whole
    numbers with ``0 <= start < end``; ValueError otherwise (the caller names the line).

    >>> gold_record('{"file": "a.txt", "start": 0, "end": 5}')["end"]
    5
    >>> gold_record('{"file": "a.txt", "start": 5, "end": 2}')
    Traceback (most recent call last):
    ValueError: start 5 is not before end 2
    """
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise ValueError(f"not JSON ({err.msg})") from None
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    for key in ("file", "start", "end"):
        if key not in record:
            raise ValueError(f"no {key!r}")
    if not isinstance(record["file"], str) or not record["file"]:
        raise ValueError("'file' is not a file name")
    for key in ("start", "end"):
        value = record[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{key!r} is not a character offset: {value!r}")
    if record["start"] >= record["end"]:
        raise ValueError(f"start {record['start']} is not before end {record['end']}")
    return record
