"""Reader replies: declared in the manifest, or detected at the end of a document.

Pages often carry reader replies after the article with no "comments" line
before them. Counted as body, they change every finding (the article's author
becomes its top entity). Two ways to mark them ``comment``:

* **Declared**: the manifest field ``comments_start`` of a document, a line
  number (1 = the first line) or a Python regular expression: the first line it
  matches (case-insensitively, anywhere in the line) and everything after it
  are replies.
* **Detected** (``[ingest] detect_replies``): a run of paragraphs at the end of
  the body in which every paragraph shows a reply cue is a run of replies, when
  it has at least ``reply_min_run`` paragraphs and at least ``reply_min_body``
  paragraphs of article stay before it. Cues (the patterns are in ``[ingest]``):
  it refers to the article or its author ("this article", "the author"); it
  opens by agreeing or disagreeing ("I agree", "Great piece"); it ends with a
  sign-off line (a name and a place); it names the author of the byline; it
  speaks in the first person singular while the article's first paragraphs
  never do (a weak cue: the run needs two paragraphs with one of the others).
  One paragraph without a cue between two with one belongs to the run. Each
  reply segment records the cues that fired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.errors import CorpusError

_FIRST_PERSON = re.compile(r"\b(I|my|me|mine|myself)\b")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_NAME = re.compile(r"[A-Z][\w'’.-]+")


def declared_start(text: str, value: str, where: str) -> int | None:
    """File offset where replies begin by the manifest's ``comments_start``, or None."""
    value = value.strip()
    if not value:
        return None
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    if value.isdigit():
        number = int(value)
        if not 1 <= number <= len(lines):
            raise CorpusError(f"comments_start = {number} but the file has {len(lines)} lines",
                              where=where, fix="give a line number of the file, or a pattern")
        return offsets[number - 1]
    try:
        pattern = re.compile(value, re.IGNORECASE)
    except re.error as err:
        raise CorpusError(f"comments_start '{value}' is not a valid regular expression ({err})",
                          where=where, fix="give a line number or a Python regular expression"
                          ) from None
    for start, line in zip(offsets, lines, strict=False):
        if pattern.search(line):
            return start
    raise CorpusError(f"comments_start '{value}' matches no line of the document", where=where,
                      fix="correct the pattern (it is matched against each line) or remove it")


@dataclass(frozen=True)
class ReplyRules:
    """The detector's compiled patterns and limits."""

    references: tuple[re.Pattern[str], ...]
    openers: tuple[re.Pattern[str], ...]
    signoffs: tuple[re.Pattern[str], ...]
    min_run: int
    min_body: int


REFERENCE, OPENER, SIGNOFF = ("refers to the article or its author",
                              "agreement or disagreement opener", "sign-off with a name and place")
AUTHOR_NAMED, FIRST_PERSON = "names the article's author", "first person, unlike the article"
# cues that a paragraph is a reply; first person alone is not enough (op-eds use it)
STRONG_CUES = frozenset({REFERENCE, OPENER, SIGNOFF, AUTHOR_NAMED})


def reply_cues(paragraph: str, rules: ReplyRules, author_names: frozenset[str],
               article_speaks_as_i: bool) -> list[str]:
    """The reply cues one paragraph shows."""
    cues = []
    flat = " ".join(paragraph.split())
    if any(p.search(flat) for p in rules.references):
        cues.append(REFERENCE)
    if any(p.match(flat) for p in rules.openers):
        cues.append(OPENER)
    last = paragraph.strip().splitlines()[-1].strip() if paragraph.strip() else ""
    if any(p.fullmatch(last) for p in rules.signoffs):
        cues.append(SIGNOFF)
    if author_names and {w.strip(".") for w in _NAME.findall(flat)} & author_names:
        cues.append(AUTHOR_NAMED)
    if not article_speaks_as_i and _FIRST_PERSON.search(_QUOTED.sub(" ", flat)):
        cues.append(FIRST_PERSON)
    return cues


def byline_names(byline: str) -> frozenset[str]:
    """Capitalised words of a byline after "by" ("By Ayesha Khan" -> Ayesha, Khan)."""
    words = _NAME.findall(re.sub(r"^\s*by\b", "", byline, flags=re.IGNORECASE))
    return frozenset(w.strip(".") for w in words if len(w.strip(".")) > 2)


def detect_reply_run(paragraphs: list[str], rules: ReplyRules, author_names: frozenset[str]
                     ) -> tuple[int, list[list[str]]]:
    """Index of the first paragraph of the trailing reply run (len(paragraphs) if none) and
    the cues of each paragraph of the run.

    Walking back from the last paragraph, the run goes on while paragraphs show cues; one
    paragraph without a cue between two that show one is a reply too (not every reply says
    "I agree"); two in a row end the run.
    """
    opening = paragraphs[:max(3, rules.min_body)]
    speaks_as_i = any(_FIRST_PERSON.search(_QUOTED.sub(" ", p)) for p in opening)
    run: list[list[str]] = []
    gap: list[list[str]] = []
    for paragraph in reversed(paragraphs):
        cues = reply_cues(paragraph, rules, author_names, speaks_as_i)
        if cues:
            run.extend(gap)
            run.append(cues)
            gap = []
        elif run and not gap:
            gap = [["between two replies"]]
        else:
            break
    run.reverse()
    start = len(paragraphs) - len(run)
    strong = sum(1 for cues in run if set(cues) & STRONG_CUES)
    if len(run) < rules.min_run or start < rules.min_body or strong < min(2, len(run)):
        return len(paragraphs), []
    return start, run
