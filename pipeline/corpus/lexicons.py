"""Lexicon files: the general ones in ``pipeline/data/`` and a corpus folder's own.

A lexicon reaches a stage as a list of :class:`Lexicon` (general first, then the
corpus's or the user's lexicon folder's), each its parsed TOML and its origin.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.corpus.schemas import check_lexicon
from pipeline.errors import CorpusError

PACKAGE_DATA = Path(__file__).resolve().parents[1] / "data"


@dataclass(frozen=True)
class Lexicon:
    """One lexicon file's parsed TOML and where it came from."""

    origin: str
    data: dict


@dataclass(frozen=True)
class ModelFile:
    """A trained model file the config points to (``[framing] frame_model``): where it
    is and its parsed JSON."""

    path: Path
    data: Any


def read_lexicon_file(path: Path) -> dict:
    """Parse a TOML lexicon file and check it against its schema (:mod:`.schemas`),
    or raise a one-line CorpusError naming it."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise CorpusError(f"Lexicon file is not valid UTF-8 TOML: {err}", where=str(path),
                          fix="correct the file (pipeline/data/ holds examples of the format)"
                          ) from None
    return check_lexicon(path.name, data, str(path))
