"""One error family for everything the pipeline reports to a user.

Every message reads: what failed, where, how to fix it, and (when there is a
closed set of choices) which options exist. The CLI prints ``str(error)`` on one
line and exits with status 1; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class PipelineError(Exception):
    """Base class: a problem the user can fix, reported in one line.

    >>> str(PipelineError("Unknown stage 'topic'", fix="pick one of the stages",
    ...                   options=["ingest", "parse"]))
    "Unknown stage 'topic'. Fix: pick one of the stages. Options: ingest, parse"
    >>> str(PipelineError("Unknown stage 'topic'. Did you mean 'topics'?", fix="name a stage"))
    "Unknown stage 'topic'. Did you mean 'topics'? Fix: name a stage"
    """

    def __init__(
        self,
        what: str,
        *,
        where: str | None = None,
        fix: str | None = None,
        options: Iterable[str] | None = None,
    ) -> None:
        self.what = what
        self.where = where
        self.fix = fix
        self.options = list(options) if options is not None else None
        super().__init__(self._compose())

    def _compose(self) -> str:
        parts = [self.what]
        if self.where:
            parts[0] += f" ({self.where})"
        if self.fix:
            parts.append(f"Fix: {self.fix}")
        if self.options is not None:
            parts.append("Options: " + (", ".join(self.options) if self.options else "(none)"))
        # a part that already ends a sentence ("Did you mean 'topics'?") gets no extra stop
        text = parts[0]
        for part in parts[1:]:
            text += (" " if text.endswith((".", "?", "!")) else ". ") + part
        return one_line(text)


def one_line(text: str) -> str:
    r"""``text`` with line breaks and other control characters written as escapes, so a
    message that quotes a user's value (a path, a doc_id) stays one line.

    >>> one_line("Document file not found: a\nb.txt")
    'Document file not found: a\\nb.txt'
    """
    return "".join(ch if ch.isprintable() or ch == " " else
                   ch.encode("unicode_escape").decode("ascii") for ch in text)


class ConfigError(PipelineError):
    """The configuration file has unknown keys, wrong types or bad values."""


class CorpusError(PipelineError):
    """The corpus folder, its manifest or one of its files cannot be used."""


class ModelError(PipelineError):
    """The spaCy pipeline named in the config cannot be loaded."""


class StageError(PipelineError):
    """A stage cannot run: unknown name, missing input, or bad settings."""


class RunLockedError(PipelineError):
    """Another run is writing to the same output folder."""


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """Return " Did you mean 'x'?" for the closest choice, or "" if none is close.

    >>> did_you_mean("topic", ["topics", "parse"])
    " Did you mean 'topics'?"
    """
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f" Did you mean '{close[0]}'?" if close else ""
