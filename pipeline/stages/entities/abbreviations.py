"""Abbreviations defined in the text itself: "Long Form (LF)".

The algorithm of Schwartz & Hearst (2003), "A simple algorithm for identifying
abbreviation definitions in biomedical text", Pacific Symposium on
Biocomputing 8:451-462: a candidate short form is the text inside parentheses
(2-10 characters, one word or two, with a letter, starting with a letter or
digit); its long form is the shortest run of words before the parenthesis in
which every character of the short form occurs in order, right to left, the
first character of the short form starting a word. The window is at most
min(|A| + 5, |A| * 2) words, |A| being the short form's length in characters.

>>> [(a.short, a.long) for a in find_abbreviations(
...     "The Japan International Cooperation Agency (JICA) funds roads. JICA also trains staff.")]
[('JICA', 'Japan International Cooperation Agency')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PAREN = re.compile(r"\(([^()]{1,12})\)")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Abbreviation:
    """A short form and the long form it abbreviates, with offsets into the text given."""

    short: str
    long: str
    short_start: int
    long_start: int
    long_end: int


def _is_short_form(text: str) -> bool:
    return (2 <= len(text) <= 10 and len(text.split()) <= 2 and text[0].isalnum()
            and any(c.isalpha() for c in text))


def _best_long_form(short: str, candidate: str) -> int | None:
    """Start index in ``candidate`` of the long form for ``short``, or None (S&H's match)."""
    s = len(short) - 1
    c = len(candidate) - 1
    while s >= 0:
        ch = short[s].lower()
        if not ch.isalnum():
            s -= 1
            continue
        while c >= 0 and (candidate[c].lower() != ch or
                          (s == 0 and c > 0 and candidate[c - 1].isalnum())):
            c -= 1
        if c < 0:
            return None
        s -= 1
        c -= 1
    start = c + 1
    return start if start == 0 or not candidate[start - 1].isalnum() else None


def find_abbreviations(text: str) -> list[Abbreviation]:
    """Every "Long Form (SF)" definition in ``text``, in order of appearance."""
    found = []
    for match in _PAREN.finditer(text):
        short = match.group(1).strip()
        if not _is_short_form(short):
            continue
        before = text[:match.start()].rstrip()
        words = list(_WORD.finditer(before))
        window = min(len(short) + 5, len(short) * 2)
        if not words:
            continue
        first = words[max(0, len(words) - window)].start()
        candidate = before[first:]
        start = _best_long_form(short, candidate)
        if start is None:
            continue
        long_form = candidate[start:].strip(" ,;:")
        if len(long_form) <= len(short) or " " not in long_form:
            continue
        found.append(Abbreviation(short, long_form, match.start(1) + match.group(1).index(short),
                                  first + start, first + start + len(long_form)))
    return found
