"""Dates at their precision: `1981`, `1981-12` or `1981-12-19`.

Sources rarely give a full date, so a date keeps the precision it was reported with; comparisons
use the earliest day it could mean (`lower`) or the latest (`upper`).
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import lru_cache

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@lru_cache(maxsize=65536)  # the same dates recur across thousands of records
def parse(value: str) -> tuple[int, int | None, int | None]:
    """Split an ISO date at its precision, raising ValueError when it is not one."""
    match = _PATTERN.match(value)
    if not match:
        raise ValueError("an ISO date: YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    if month is not None and not 1 <= month <= 12:
        raise ValueError("a month between 01 and 12")
    if month is not None and day is not None:
        date(year, month, day)  # raises ValueError for 1981-02-30
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
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:04d}"
    if not isinstance(value, str):
        raise ValueError("an ISO date: YYYY, YYYY-MM or YYYY-MM-DD")
    text = value.strip()
    parse(text)
    return text


@lru_cache(maxsize=65536)
def lower(value: str) -> date:
    """The first day a date at its precision can mean."""
    year, month, day = parse(value)
    return date(year, month or 1, day or 1)


@lru_cache(maxsize=65536)
def upper(value: str) -> date:
    """The last day a date at its precision can mean."""
    year, month, day = parse(value)
    month = month or 12
    return date(year, month, day or calendar.monthrange(year, month)[1])


def year(value: str | None) -> int | None:
    return parse(value)[0] if value else None
