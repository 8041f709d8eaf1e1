"""Counts: how many diplomats a measure or a group names, from digits or English number words.

"60", "1,200", "seventeen", "twenty-five", "two dozen", "half a dozen", "a hundred", "more than 150",
"ten of its 40 diplomats" (ten). A share
("a tenth of its staff") or a vague word ("dozens", "several") is no count; a range ("between 10
and 15") gives its first bound, as the lower figure the text vouches for.
"""

from __future__ import annotations

import re
from functools import cache

from legation.extraction import lexicon

UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
SCALES = {"dozen": 12, "hundred": 100, "thousand": 1000}
_NAMES = "|".join(sorted([*UNITS, *TENS, *SCALES], key=len, reverse=True))
WORD = rf"(?:{_NAMES})(?:-(?:{_NAMES}))?"
# A number: digits, or up to four number words ("two hundred and fifty", "a dozen").
NUMERAL = rf"\d[\d,]*|(?i:half\s+a\s+dozen|(?:an?\s+)?{WORD}(?:\s+(?:and\s+)?{WORD}){{0,3}})"
PEOPLE = (
    r"(?i:diplomats|officials|staff|staffers|employees|people|personnel|envoys|ambassadors|nationals|citizens"
    r"|representatives|officers|attachés|attaches|advisers|advisors|consuls|members|spies|agents|workers)"
    r"|[A-Z][a-z]+(?:ans|ons|ets|is)"  # a headline's capitals; "25 Britons", "six Soviets", "two Iraqis"
)
APPROXIMATE = r"(?i:more than|over|at least|about|some|nearly|almost|around|roughly|up to|as many as|a total of)"
COUNTED = re.compile(
    rf"(?=\b(?:{APPROXIMATE}\s+)?(?:between\s+)?({NUMERAL})\s+(?:(?:and|to|or)\s+(?:\d[\d,]*|{WORD})\s+)?"
    rf"(?:of\s+)?(?:(?:its|their|the|his|her)\s+)?(?:(?:{NUMERAL})\s+)?(?:[A-Za-z\-()'’]+\s+){{0,3}}(?:{PEOPLE})\b)"
)


YEAR = re.compile(r"1[89]\d\d|20\d\d")  # "In 2019 two diplomats": a year, not a count


@cache
def _words() -> dict[str, int]:
    return {**UNITS, **TENS, **SCALES, **lexicon.numbers()}


def value(phrase: str) -> int | None:
    """The number a numeral names: "60", "1,200", "seventeen", "twenty-five", "two dozen",
    "a hundred", "three hundred and fifty"; None for a word that names no number."""
    text = phrase.lower().replace(",", "").strip()
    if text.isdigit():
        return int(text)
    known = _words().get(text)
    if known:
        return known
    if re.fullmatch(r"half\s+a\s+dozen", text):
        return 6
    total, current = 0, 0
    words = re.split(r"[\s-]+", text)
    # "three hundred and fifty" is one number; "ten and twelve" a range, whose first bound counts
    ends = [i for i, w in enumerate(words) if w == "and" and (i == 0 or words[i - 1] not in ("hundred", "thousand"))]
    parts = [p for p in words[: ends[0] if ends else len(words)] if p != "and"]
    if parts and parts[0] in ("a", "an"):
        parts[0] = "one"
    for part in parts:
        if part in UNITS or part in TENS:
            current += UNITS.get(part, 0) + TENS.get(part, 0)
        elif part in SCALES and (current or part == "dozen"):
            current = (current or 1) * SCALES[part]
            if part == "thousand":
                total, current = total + current, 0
        else:
            return None
    return (total + current) or None


def count(text: str) -> int | None:
    """The first count of people in a stretch of text: "expelled 35 Russians", "more than 150
    Cuban diplomats", "two dozen Polish diplomats", "four of their diplomats"."""
    for match in COUNTED.finditer(text):  # overlapping: "expelled four Somali diplomats" tries "four" too
        found = value(match.group(1))
        if found and not YEAR.fullmatch(match.group(1)):
            return found
    return None


BEFORE = re.compile(
    rf"\b({NUMERAL})\s+(?:of\s+)?(?:(?:its|their|the)\s+)?(?:[a-z\-]+\s+)?$"
)  # the numeral that ends a stretch of text: "expelled two dozen " before "Polish diplomats"


def before(text: str) -> int | None:
    """The count just before a group's words ("expelled twenty-five " + "Russian diplomats")."""
    match = BEFORE.search(text)
    return value(match.group(1)) if match else None
