"""Stage ``ingest``: split each document into typed segments with offsets.

A segment is a title, byline, heading, paragraph, list item, reader comment or
piece of page furniture (boilerplate), with ``start_char``/``end_char`` into the
document's text, so that ``text[start_char:end_char]`` is the segment. The rules
are general: blank lines separate blocks, each line is tested against the
configurable patterns in ``[ingest]`` (bylines, furniture, the start of a
comment section, a reply form), short unpunctuated lines are headings and
"Label: text" lines have their label split off as a heading.

>>> from pipeline.config import load_config
>>> rows = segment_document("Trade Ties\\n\\nJapan buys textiles.\\n", load_config().ingest)
>>> [(r.part, r.text) for r in rows]
[('title', 'Trade Ties'), ('paragraph', 'Japan buys textiles.')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from pipeline.config import IngestSettings
from pipeline.corpus.manifest import Corpus
from pipeline.stages.ingest.replies import (
    ReplyRules,
    byline_names,
    declared_start,
    detect_reply_run,
)

SEGMENT_COLUMNS = ["doc_id", "segment_id", "part", "start_char", "end_char", "text",
                   "comment_cue"]
AFTER_COMMENT_LINE = "after a comment-section line"
DECLARED = "manifest comments_start"

_BULLET = re.compile(r"^\s*(?:[•·▪◦‣●○■□*+–—-]|\d{1,3}[.)])\s+")
_SENTENCE_END = re.compile(r"[.!;,]['\"’”)\]]*$")
_TITLE_END = re.compile(r"[.!:;,]['\"’”)\]]*$")
_LABEL = re.compile(r"^([^:.!?]{1,80}):\s+(\S.*)$", re.S)
_WORD = re.compile(r"[^\W\d_][\w’'-]*|\d[\d.,]*")


@dataclass(frozen=True)
class Segment:
    """One typed span of a document (offsets into the document text)."""

    part: str
    start_char: int
    end_char: int
    text: str
    cue: str = ""  # for comments: what marked them as reader comments


@dataclass(frozen=True)
class _Line:
    start: int  # offset of the line's core text (bullet and outer white space removed)
    end: int
    core: str
    bullet: bool


def _lines(text: str) -> Iterator[_Line | None]:
    """Yield each line's core text with offsets; ``None`` for a blank line."""
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85")
        bullet = _BULLET.match(body)
        lead = bullet.end() if bullet else len(body) - len(body.lstrip())
        core = body[lead:].rstrip()
        if core:
            yield _Line(pos + lead, pos + lead + len(core), core, bullet is not None)
        else:
            yield None
        pos += len(raw)


def _blocks(text: str) -> list[list[_Line]]:
    """Group consecutive non-blank lines into blocks."""
    blocks: list[list[_Line]] = [[]]
    for line in _lines(text):
        if line is None:
            if blocks[-1]:
                blocks.append([])
        else:
            blocks[-1].append(line)
    return [b for b in blocks if b]


def _matches(patterns: tuple[re.Pattern[str], ...], core: str) -> bool:
    return any(p.fullmatch(core) for p in patterns)


def _n_words(text: str) -> int:
    return len(_WORD.findall(text))


def _starts_like_a_heading(text: str) -> bool:
    first = text.lstrip("\"'“‘(")[:1]
    return first.isupper() or first.isdigit()


def _ends_with(text: str, words: frozenset[str]) -> bool:
    found = _WORD.findall(text)
    return bool(found) and found[-1].lower() in words


def _lists_not_headings(segments: list[Segment]) -> list[Segment]:
    """Two or more unlabelled short lines in a row form a list: make them list items."""
    out = list(segments)
    i = 0
    while i < len(out):
        j = i
        while j < len(out) and out[j].part == "heading" and not out[j].text.endswith(":"):
            j += 1
        if j - i >= 2:
            for k in range(i, j):
                out[k] = Segment("list_item", out[k].start_char, out[k].end_char, out[k].text)
        i = max(j, i + 1)
    return out


def _reads_like_a_heading_question(text: str) -> bool:
    """A line ending in "?" is a heading when it is short (at most 6 words: "What Is At
    Stake?") or title-cased: at least two thirds of its words of four or more letters after
    the first start with a capital ("Why this Visit is Significant?"). A sentence-case
    question ("Will Japan really stand by Pakistan if India objects?") is text."""
    if not text.rstrip("\"'”’)").endswith("?"):
        return True
    words = re.findall(r"[^\W\d_][\w’'-]*", text)
    if len(words) <= 6:
        return True
    long_words = [w for w in words[1:] if len(w) >= 4]
    return bool(long_words) and 3 * sum(w[0].isupper() for w in long_words) >= 2 * len(long_words)


def _is_title_case(label: str) -> bool:
    """True when every word of four or more letters starts with a capital."""
    words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", label)]
    long_words = [w for w in words if len(w) >= 4]
    return bool(words) and words[0][0].isupper() and all(w[0].isupper() for w in long_words)


class _Rules:
    """Compiled patterns of one IngestSettings (built once per stage call)."""

    def __init__(self, settings: IngestSettings) -> None:
        def compile_all(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
            return tuple(re.compile(p, re.IGNORECASE) for p in patterns)

        self.settings = settings
        self.byline = compile_all(settings.byline_patterns)
        self.boilerplate = compile_all(settings.boilerplate_patterns)
        self.comment_start = compile_all(settings.comment_start_patterns)
        self.reply_form = compile_all(settings.reply_form_patterns)
        self.never_last = frozenset(w.lower() for w in settings.heading_never_ends_with)
        self.replies = ReplyRules(
            compile_all(settings.reply_reference_patterns),
            compile_all(settings.reply_opener_patterns),
            tuple(re.compile(p) for p in settings.reply_signoff_patterns),  # capitals matter
            settings.reply_min_run, settings.reply_min_body)


def _body_unit(lines: list[_Line], text: str, rules: _Rules, first: bool) -> list[Segment]:
    """Type one run of content lines of the article body."""
    settings = rules.settings
    start, end = lines[0].start, lines[-1].end
    span = text[start:end]
    one_line = len(lines) == 1
    if lines[0].bullet and one_line:
        return _labelled(lines[0], text, settings, part="list_item")
    if first and settings.detect_title and one_line and \
            _n_words(span) <= settings.title_max_words and not _TITLE_END.search(span):
        return [Segment("title", start, end, span)]
    if one_line and _n_words(span) <= settings.heading_max_words and \
            not _SENTENCE_END.search(span) and not span.endswith(":") and \
            _starts_like_a_heading(span) and not _ends_with(span, rules.never_last) and \
            _reads_like_a_heading_question(span):
        return [Segment("heading", start, end, span)]
    if one_line:
        labelled = _labelled(lines[0], text, settings, part="list_item")
        if len(labelled) == 2:
            return labelled
    return [Segment("paragraph", start, end, span)]


def _labelled(line: _Line, text: str, settings: IngestSettings, part: str) -> list[Segment]:
    """Split "Label: text" into a heading segment and a ``part`` segment when it fits."""
    match = _LABEL.match(line.core)
    if match:
        label = match.group(1)
        if _n_words(label) <= settings.label_max_words and _is_title_case(label):
            label_end = line.start + match.end(1) + 1  # keep the colon with the label
            rest_start = line.start + match.start(2)
            return [
                Segment("heading", line.start, label_end, text[line.start:label_end]),
                Segment(part, rest_start, line.end, text[rest_start:line.end]),
            ]
    return [Segment(part, line.start, line.end, line.core)]


def segment_document(text: str, settings: IngestSettings,
                     comments_start: int | None = None) -> list[Segment]:
    """Split one document's text into typed segments, in reading order.

    Regions: the article body; after a comment-section line ("One thought on …")
    or from ``comments_start`` (a file offset, from the manifest) the reader
    comments; after a reply-form line ("Leave a Reply") everything is
    boilerplate. Furniture lines are boilerplate wherever they stand. Without
    either, a trailing run of reader replies is detected
    (:mod:`pipeline.stages.ingest.replies`) when ``detect_replies`` is on.
    """
    rules = _Rules(settings)
    segments: list[Segment] = []
    region = "body"
    seen_body = False
    cue = ""
    for block in _blocks(text):
        run: list[_Line] = []

        def flush() -> None:
            nonlocal seen_body
            if not run:
                return
            if region == "comments":
                start, end = run[0].start, run[-1].end
                segments.append(Segment("comment", start, end, text[start:end], cue))
            else:
                first = not any(s.part in ("title", "heading", "paragraph", "list_item")
                                for s in segments)
                typed = _body_unit(list(run), text, rules, first)
                seen_body = seen_body or any(s.part == "paragraph" for s in typed)
                segments.extend(typed)
            run.clear()

        for line in block:
            core = line.core
            if region == "body" and comments_start is not None and line.start >= comments_start:
                flush()
                region, cue = "comments", DECLARED
            if region == "form":
                kind = "boilerplate"
            elif _matches(rules.reply_form, core):
                kind, region = "boilerplate", "form"
            elif _matches(rules.comment_start, core):
                kind, region = "boilerplate", "comments"
                cue = cue or AFTER_COMMENT_LINE
            elif _matches(rules.boilerplate, core):
                kind = "boilerplate"
            elif region == "body" and not seen_body and _matches(rules.byline, core):
                kind = "byline"
            elif line.bullet and region == "body":
                flush()
                run.append(line)
                flush()
                continue
            else:
                run.append(line)
                continue
            flush()
            segments.append(Segment(kind, line.start, line.end, core))
        flush()
    segments = _lists_not_headings(segments)
    if settings.detect_replies and region == "body":
        segments = _detected_replies(segments, rules)
    return [piece for seg in segments for piece in split_long(seg, settings.max_segment_chars)]


# Where a long segment may be cut, best first: after a sentence end, at a line
# break, at any white space.
_CUTS = (re.compile(r"[.!?]['\"’”)\]]*\s+"), re.compile(r"\n\s*"), re.compile(r"\s+"))


def split_long(seg: Segment, limit: int) -> list[Segment]:
    """``seg`` cut into pieces of at most ``limit`` characters (each a segment of the
    same part, offsets kept), at the last sentence end before the limit, else the
    last line break or space, else hard at the limit. spaCy refuses a text over
    its ``max_length`` and its parser needs memory in proportion to the text, so no
    one segment may be a whole book.

    >>> [(p.start_char, p.text) for p in split_long(Segment("paragraph", 10, 29, "One two. Three four."), 12)]
    [(10, 'One two.'), (19, 'Three four.')]
    """
    pieces, text, base = [], seg.text, seg.start_char
    while len(text) > limit:
        window = text[:limit + 1]
        end = cut = limit
        for pattern in _CUTS:
            found = [m for m in pattern.finditer(window) if m.start() > 0]
            if found:
                last = found[-1]  # the piece keeps the punctuation, not the space after it
                end, cut = last.start() + len(last.group().rstrip()), last.end()
                break
        pieces.append(Segment(seg.part, base, base + end, text[:end], seg.cue))
        base, text = base + cut, text[cut:]
    pieces.append(Segment(seg.part, base, base + len(text), text, seg.cue))
    return pieces


_ARTICLE_PARTS = ("heading", "paragraph", "list_item")


def _detected_replies(segments: list[Segment], rules: _Rules) -> list[Segment]:
    """Mark a trailing run of reader replies ``comment``, with the cues that fired."""
    units = [i for i, s in enumerate(segments) if s.part in _ARTICLE_PARTS]
    bylines = [s.text for s in segments if s.part == "byline"]
    authors = frozenset().union(*(byline_names(b) for b in bylines)) if bylines else frozenset()
    start, cues = detect_reply_run([segments[i].text for i in units], rules.replies, authors)
    out = list(segments)
    for i, found in zip(units[start:], cues, strict=True):
        s = out[i]
        out[i] = Segment("comment", s.start_char, s.end_char, s.text,
                         "reply cues: " + "; ".join(found))
    return out


def segment_table(corpus: Corpus, settings: IngestSettings) -> pd.DataFrame:
    """All segments of all documents: one row each, ``segment_id`` counted per document."""
    rows = []
    for doc in corpus.documents:
        start = declared_start(doc.text, doc.comments_start,
                               f"{corpus.manifest}, document '{doc.doc_id}'")
        for i, seg in enumerate(segment_document(doc.text, settings, start)):
            rows.append((doc.doc_id, i, seg.part, seg.start_char, seg.end_char, seg.text,
                         seg.cue))
    return pd.DataFrame(rows, columns=SEGMENT_COLUMNS)


def ingest_corpus(corpus: Corpus, *, ingest: IngestSettings) -> dict[str, pd.DataFrame]:
    """Stage function: the segment table of the corpus."""
    return {"segments": segment_table(corpus, ingest)}
