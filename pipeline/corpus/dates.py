"""Document dates from the manifest: ISO 8601 at day, month or year precision, and the
period (month, quarter, year) a date falls in."""

from __future__ import annotations

import datetime as dt
import re

# over_time.csv's rows of documents that are in no period (no date, or one too coarse)
NO_PERIOD = "documents without a period"
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ][0-9:.+\-Z]*)?")


def parse_date(text: str) -> tuple[int, int | None, int | None] | None:
    """(year, month or None, day or None) of an ISO 8601 date; None when empty; a
    ValueError naming the problem otherwise.

    >>> parse_date("2023-07-26"), parse_date("2023-07"), parse_date("2023"), parse_date("")
    ((2023, 7, 26), (2023, 7, None), (2023, None, None), None)
    """
    text = (text or "").strip()
    if not text:
        return None
    match = _DATE.fullmatch(text)
    if not match:
        raise ValueError(f"'{text}' is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:  # a month 13, a 31 February
        raise ValueError(f"'{text}' is not a date of the calendar") from None
    return year, month, day


def period_of(text: str, period: str) -> str | None:
    """The period label of a date: ``2023-07`` (month), ``2023-Q3`` (quarter), ``2023``
    (year); None when the date is missing or coarser than the period.

    >>> period_of("2023-07-26", "month"), period_of("2023-07-26", "quarter"), period_of("2023", "month")
    ('2023-07', '2023-Q3', None)
    """
    parsed = parse_date(text)
    if parsed is None:
        return None
    year, month, _ = parsed
    if period == "year":
        return f"{year}"
    if month is None:
        return None
    return f"{year}-Q{(month - 1) // 3 + 1}" if period == "quarter" else f"{year}-{month:02d}"
