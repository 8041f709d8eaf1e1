"""The GDELT event-file layouts, and the declared codes and states the import keeps.

GDELT event files are tab-separated with no header. GDELT 1.0 has 57 columns (the historical
backfile, no SOURCEURL) or 58 (daily files); GDELT 2.0 has 61 (it adds three ADM2 geography
columns). Positions below are 0-based and come from the GDELT codebooks (1.0 and 2.0).
Both engines (DuckDB and Spark) read their positions and rules from here, so they cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from legation.registry import bodies, vocabularies

MIN_MENTIONS = 5  # mentions a 161 event needs to become a candidate measure

WIDTHS = (57, 58, 61)


@dataclass(frozen=True)
class Field:
    """One column the import reads: its position in every layout (the same up to EventCode)."""

    name: str
    position: int


# Columns 0-34 sit at the same place in 1.0 and 2.0.
GLOBALEVENTID = Field("GLOBALEVENTID", 0)
SQLDATE = Field("SQLDATE", 1)
ACTOR1_CODE = Field("Actor1Code", 5)
ACTOR1_COUNTRY = Field("Actor1CountryCode", 7)
ACTOR2_CODE = Field("Actor2Code", 15)
ACTOR2_COUNTRY = Field("Actor2CountryCode", 17)
EVENT_CODE = Field("EventCode", 26)
GOLDSTEIN = Field("GoldsteinScale", 30)
NUM_MENTIONS = Field("NumMentions", 31)


def date_added_position(width: int) -> int:
    """DATEADDED: column 57 of 1.0 (both widths), column 60 of 2.0 (1-based)."""
    return 59 if width == 61 else 56


def source_url_position(width: int) -> int | None:
    """SOURCEURL is the last column of 1.0 daily files and of 2.0; the 1.0 backfile has none."""
    return {58: 57, 61: 60}.get(width)


# Each check names the reason a row is malformed; the first failing one is reported.
# Patterns are full-match regular expressions that RE2 (DuckDB) and Java (Spark) read alike.
CHECKS: tuple[tuple[Field, str, str, bool], ...] = (
    (GLOBALEVENTID, "[0-9]{1,19}", "GLOBALEVENTID is not an integer", False),
    (SQLDATE, "(1[89]|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])", "SQLDATE is not a date YYYYMMDD", False),
    (EVENT_CODE, "[0-9]{2,4}", "EventCode is not a CAMEO code", False),
    (GOLDSTEIN, "-?[0-9]{1,2}(\\.[0-9]+)?", "GoldsteinScale is not a number", True),
    (NUM_MENTIONS, "[0-9]{1,9}", "NumMentions is not an integer", False),
)

EMPTY_LINE = "empty line"


def width_reason(width: int) -> str:
    return f"{width} columns, expected 57, 58 or 61"


@cache
def signals() -> dict[str, str]:
    """CAMEO event code -> the signal it feeds (consult, rejected_meeting, ...), from the vocabulary."""
    return {code: signal for signal, codes in vocabularies.event_codes().items() for code in codes}


def candidate_signal() -> str:
    return str(vocabularies.load()["event_data"]["candidate_signal"])


@cache
def countries() -> dict[str, str]:
    """CAMEO country code -> state code, for every code that names a state (not a region)."""
    renamed: dict[str, str] = dict(vocabularies.load()["event_data"]["cameo_countries"])
    states = bodies.state_codes()
    found = {code: code for code in states if len(code) == 3}
    found.update({cameo: iso for cameo, iso in renamed.items() if iso in states})
    return found
