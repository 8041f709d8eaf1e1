"""Dates at their precision: `1981`, `1981-12` or `1981-12-19`.

Sources rarely give a full date, so a date keeps the precision it was reported with; comparisons
use the earliest day it could mean (`lower`) or the latest (`upper`).

Validation (`parse`, `normalise`) is strict: ASCII digits, years 0001 to 9999, real days. The
readers (`lower`, `upper`, `year`) are lenient instead, because a store written before the strict
rules may hold `0000` or Arabic-Indic digits, and such a record must not turn a page into an error:
they read what they can and clamp it into the calendar; `legation check` reports the record.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import lru_cache

_PATTERN = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_LOOSE = re.compile(r"\s*(\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", re.UNICODE)  # what older stores may hold
EXPECTED = "an ISO date: YYYY, YYYY-MM or YYYY-MM-DD"
MIN_YEAR, MAX_YEAR = 1, 9999


@lru_cache(maxsize=65536)  # the same dates recur across thousands of records
def parse(value: str) -> tuple[int, int | None, int | None]:
    """Split an ISO date at its precision, raising ValueError when it is not one."""
    match = _PATTERN.fullmatch(value)
    if not match:
        raise ValueError(f"{EXPECTED} in ASCII digits")
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"a year from {MIN_YEAR:04d} to {MAX_YEAR}")
    if month is not None and not 1 <= month <= 12:
        raise ValueError("a month between 01 and 12")
    if month is not None and day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise ValueError(f"a day that exists in {year:04d}-{month:02d}")
    return year, month, day


def normalise(value: object) -> str | None:
    """Accept a string, an int year or a date; return the ISO string at its precision."""
    if value.__class__ is str:  # the usual case first: an import validates hundreds of thousands
        if value == "":
            return None
        text = value.strip()
        parse(text)
        return text
    if value is None or value == "":
        return None
    if isinstance(value, date) and not hasattr(value, "hour"):  # a datetime carries a time: refuse it
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and MIN_YEAR <= value <= MAX_YEAR:
        value = f"{value:04d}"
    if not isinstance(value, str):
        raise ValueError(EXPECTED)
    text = value.strip()
    parse(text)
    return text


@lru_cache(maxsize=65536)
def parts(value: str) -> tuple[int, int | None, int | None]:
    """A stored date's parts, clamped into the calendar; ValueError only for what no store holds."""
    try:
        return parse(value)
    except ValueError:
        match = _LOOSE.match(value)
        if not match:
            raise
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    year = min(max(year, MIN_YEAR), MAX_YEAR)
    month = None if month is None else min(max(month, 1), 12)
    if month is not None and day is not None:
        day = min(max(day, 1), calendar.monthrange(year, month)[1])
    return year, month, None if month is None else day


@lru_cache(maxsize=65536)
def lower(value: str) -> date:
    """The first day a date at its precision can mean."""
    year, month, day = parts(value)
    return date(year, month or 1, day or 1)


@lru_cache(maxsize=65536)
def upper(value: str) -> date:
    """The last day a date at its precision can mean."""
    year, month, day = parts(value)
    month = month or 12
    return date(year, month, day or calendar.monthrange(year, month)[1])


def year(value: str | None) -> int | None:
    return parts(value)[0] if value else None
