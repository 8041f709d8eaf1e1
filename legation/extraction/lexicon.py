"""The extractor's lexicon, read once from `data/extraction.yaml` and compiled to patterns."""

from __future__ import annotations

import re
import re._constants as codes  # type: ignore[import-not-found]  # re's own parser, as re.compile reads patterns
import re._parser as parser  # type: ignore[import-not-found]
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from legation.registry import vocabularies

FLAGS = re.IGNORECASE
ZERO_WIDTH = (codes.AT, codes.ASSERT, codes.ASSERT_NOT)


@dataclass(frozen=True)
class Trigger:
    """One pattern that names an event: an exit type, a measure type or a contact."""

    code: str
    pattern: re.Pattern[str]
    options: tuple[tuple[str, Any], ...] = ()

    def option(self, name: str) -> Any:
        return dict(self.options).get(name)


@cache
def load() -> dict[str, Any]:
    text = resources.files("legation").joinpath("data/extraction.yaml").read_text("utf-8")
    data: dict[str, Any] = vocabularies.parse_yaml(text)
    return data


def words(pattern: str) -> re.Pattern[str]:
    """A trigger's pattern as a whole word, told first which characters its matches start with."""
    whole = rf"\b(?:{pattern})\b"
    return re.compile(lead(whole) + whole, FLAGS)


def lead(pattern: str) -> str:
    """A look-ahead for the characters every match of `pattern` starts with ("(?=[er])" for
    "expel|recall"), or "" when its parse leaves that unsure: `re` then fails at once wherever
    a match cannot start, and finds the same matches. Under FLAGS "[e]" matches what "e" does."""
    first = _starts(pattern)
    if not first:
        return ""
    return "(?=[" + "".join(re.escape(c) for c in sorted(first)) + "])"


def joined(patterns: list[str]) -> re.Pattern[str]:
    """Patterns as one (with FLAGS), told to skip at once the places no match can start: `re`
    tries each of a section's hundreds of alternatives at every word boundary, most of them
    before a space or a comma. The look-ahead is added only when every match starts with a
    letter (then it finds the same matches), as the pattern's own parse says."""
    pattern = "|".join(patterns)
    first = _starts(pattern)
    letters = first is not None and all(c.isascii() and c.isalpha() for c in first)
    return re.compile(f"(?=[A-Za-z])(?:{pattern})" if letters else pattern, FLAGS)


def _starts(pattern: str) -> set[str] | None:
    """The characters every match of a pattern starts with, folded as FLAGS match them, or None if
    its parse leaves that unsure."""
    first = _first(list(parser.parse(pattern, FLAGS)))
    return None if first is None else {c.lower() if c.isascii() else c for c in first}


def _first(items: list[Any]) -> set[str] | None:
    """The characters a match of a parsed sequence can start with (matched in either case), or None if unsure."""
    for n, (op, av) in enumerate(items):
        rest = items[n + 1 :]
        if op in ZERO_WIDTH:
            continue  # a look-around or a boundary: the next item gives the first character
        if op is codes.LITERAL:
            return {chr(av)}
        if op is codes.IN:
            if not all(o in (codes.LITERAL, codes.RANGE) for o, _ in av):
                return None
            ranges = [range(v[0], v[1] + 1) if o is codes.RANGE else [v] for o, v in av]
            return {chr(c) for r in ranges for c in r}
        if op is codes.BRANCH:
            options = [_first(list(branch) + rest) for branch in av[1]]
        elif op is codes.SUBPATTERN:
            options = [_first(list(av[-1]) + rest)]
        elif op in (codes.MAX_REPEAT, codes.MIN_REPEAT, codes.POSSESSIVE_REPEAT):
            options = [_first(list(av[2]) + rest)] + ([] if av[0] >= 1 else [_first(rest)])
        else:
            return None
        return set().union(*options) if all(o is not None for o in options) else None  # type: ignore[arg-type]
    return None  # a sequence that may match nothing


def _triggers(section: str, code_key: str) -> tuple[Trigger, ...]:
    found = []
    for entry in load()[section]:
        options = tuple((k, v) for k, v in entry.items() if k not in (code_key, "pattern"))
        code = entry[code_key] if code_key != "contact" else f"{entry['channel']}/{entry['outcome']}"
        found.append(Trigger(code, words(entry["pattern"]), options))
    return tuple(found)


@cache
def exits() -> tuple[Trigger, ...]:
    return _triggers("exits", "type")


@cache
def any_of(section: str) -> re.Pattern[str]:
    """All triggers of a section in one pattern, to skip the sentences that have none."""
    found = {"exits": exits, "measures": measures, "contacts": contacts, "consequences": consequences}[section]()
    return joined([t.pattern.pattern for t in found])


BUCKETS = 2  # an alternative that may start with more letters is split ("(?:a|b) c") or kept apart


@cache
def gate(section: str) -> re.Pattern[str]:
    """Whether a text holds any trigger of a section, for `search` only (the match it returns is
    not `any_of`'s): each trigger's alternatives, put in buckets by the letter they start with,
    each bucket behind a look-ahead for its letter. `any_of` tries every alternative of every
    trigger at each word start; this one tries a look-ahead per bucket, then one bucket.
    A text has a match of one exactly when it has one of the other (`\\b(?:a|b)\\b` is
    `\\b(?:a)\\b|\\b(?:b)\\b`)."""
    buckets: dict[str, list[str]] = {}
    unsure: list[str] = []
    for body in _bodies(section):
        for alternative in _alternatives(body):
            letters = _letters(alternative)
            for one in _expanded(alternative) if len(letters) > BUCKETS else [alternative]:
                piece, letters = rf"(?:{one})\b", _letters(one)
                if not letters or len(letters) > BUCKETS:
                    unsure.append(lead(rf"\b{piece}") + piece)  # one copy, behind its own look-ahead
                    continue
                for c in letters:
                    buckets.setdefault(c, []).append(piece)
    options = [f"(?=[{re.escape(c)}])(?:{'|'.join(pieces)})" for c, pieces in sorted(buckets.items())] + unsure
    return re.compile(rf"\b(?:{'|'.join(options)})", FLAGS)


def _letters(alternative: str) -> set[str]:
    """The characters (folded) a match of a trigger's alternative starts with; empty when unsure."""
    return _starts(rf"\b(?:{alternative})\b") or set()


def _expanded(alternative: str, depth: int = 0) -> list[str]:
    """ "(?:a|b) c" as "a c" and "b c": a text has a match of the one exactly when it has one of
    the others, and each starts with fewer letters. Only a leading group with no quantifier."""
    end = _closing(alternative) if alternative.startswith("(?:") and depth < 3 else None
    rest = alternative[end + 1 :] if end is not None else ""
    if end is None or rest[:1] in ("?", "*", "+", "{"):
        return [alternative]
    inner = _alternatives(alternative[3:end])
    if not 2 <= len(inner) <= 16:
        return [alternative]
    return [e for one in inner for e in _expanded(one + rest, depth + 1)]


def _syntax(pattern: str) -> Iterator[tuple[int, str, int]]:
    """Each character of a pattern that is syntax, outside escapes and character classes, with its
    place and the group depth after it; a last depth of -1 marks a class left open."""
    depth, i, klass = 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if klass:
            klass = c != "]"
            i += 1
            continue
        if c == "[":
            klass = True
            i += 1
            if pattern[i : i + 1] == "^":
                i += 1
            if pattern[i : i + 1] == "]":
                i += 1  # "[]a]": a "]" first in a class is one of its characters
            continue
        depth += (c == "(") - (c == ")")
        yield i, c, depth
        i += 1
    if klass:
        yield len(pattern), "", -1


def _closing(pattern: str) -> int | None:
    """Where the group that opens the pattern closes."""
    return next((i for i, c, depth in _syntax(pattern) if c == ")" and depth == 0), None)


def _bodies(section: str) -> list[str]:
    """The section's trigger patterns as written in the lexicon (`words` makes each a whole word)."""
    if section == "consequences":
        return [str(p) for p in load()["consequences"].values()]
    return [str(entry["pattern"]) for entry in load()[section]]


BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


def _alternatives(pattern: str) -> list[str]:
    """A pattern's top-level alternatives ("a(?:b|c)|d" gives "a(?:b|c)" and "d"); the pattern
    whole when it refers back to a group, where splitting it would change what it means."""
    if BACKREFERENCE.search(pattern):
        return [pattern]
    parts: list[str] = []
    start, depth = 0, 0
    for i, c, depth in _syntax(pattern):
        if c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    if depth or any(not p for p in parts):
        return [pattern]
    for part in parts:
        re.compile(part, FLAGS)  # each a pattern of its own, or the split was wrong
    return parts


@cache
def measures() -> tuple[Trigger, ...]:
    return _triggers("measures", "type")


@cache
def contacts() -> tuple[Trigger, ...]:
    return _triggers("contacts", "contact")


@cache
def consequences() -> tuple[Trigger, ...]:
    return tuple(Trigger(code, words(p)) for code, p in load()["consequences"].items())


@cache
def pattern(name: str) -> re.Pattern[str]:
    """A single named pattern: protest, hedges, group_heads."""
    return joined([rf"\b(?:{load()[name]})\b" if name != "hedges" else load()[name]])


@cache
def certainty() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((code, re.compile(p, FLAGS)) for code, p in load()["certainty"].items())


@cache
def roles() -> dict[str, str]:
    """Role phrase (lower case) -> role code; longer phrases first when matching."""
    return {phrase: code for code, phrases in load()["roles"].items() for phrase in phrases}


@cache
def role_pattern() -> re.Pattern[str]:
    phrases = sorted(roles(), key=len, reverse=True)
    return joined([r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b"])


@cache
def numbers() -> dict[str, int]:
    return {str(k).lower(): int(v) for k, v in load()["numbers"].items()}


@cache
def not_names() -> frozenset[str]:
    return frozenset(load()["not_names"])


@cache
def anaphors() -> frozenset[str]:
    return frozenset(load()["anaphors"])


@cache
def institutions() -> dict[str, str]:
    return {name: code for code, names in load()["institutions"].items() for name in names}
