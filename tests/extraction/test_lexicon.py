"""The lexicon's combined trigger patterns: the look-ahead that makes them faster changes no match."""

from __future__ import annotations

import re
from pathlib import Path

from legation.extraction import lexicon

DEV = Path(__file__).parent / "dev"
SECTIONS = {"exits": lexicon.exits, "measures": lexicon.measures, "contacts": lexicon.contacts}


def test_each_section_matches_as_its_triggers_joined_plainly() -> None:
    texts = [line for p in sorted(DEV.glob("*.txt")) for line in p.read_text("utf-8").splitlines() if line]
    for section, triggers in SECTIONS.items():
        fast = lexicon.any_of(section)
        assert fast.pattern.startswith("(?=[A-Za-z])"), section  # every trigger starts with a letter
        plain = re.compile("|".join(t.pattern.pattern for t in triggers()), lexicon.FLAGS)
        found = [[m.span() for m in fast.finditer(t)] for t in texts]
        assert found == [[m.span() for m in plain.finditer(t)] for t in texts], section
        assert sum(map(len, found)) >= 2, section


def test_no_look_ahead_when_a_match_may_start_otherwise() -> None:
    assert lexicon.joined([r"\b(?:expel\w*)\b", r"\b(?:recall(?:ed)?)\b"]).pattern.startswith("(?=[A-Za-z])")
    for other in (r"(?:\d+ )?diplomats", r"\b(?:\w+ed)\b", r"(?:forced )?exile|", r"[^a-z]expel"):
        assert not lexicon.joined([r"\b(?:expel)\b", other]).pattern.startswith("(?="), other
    assert lexicon.joined([r"\b(?:(?:forced |forcible )?exile)\b"]).pattern.startswith("(?=[A-Za-z])")


def test_role_words_and_hedges_match_as_their_plain_patterns() -> None:
    texts = [line for p in sorted(DEV.glob("*.txt")) for line in p.read_text("utf-8").splitlines() if line]
    phrases = sorted(lexicon.roles(), key=len, reverse=True)
    plain = {
        "roles": re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b", lexicon.FLAGS),
        "hedges": re.compile(lexicon.load()["hedges"], lexicon.FLAGS),
    }
    for name, fast in (("roles", lexicon.role_pattern()), ("hedges", lexicon.pattern("hedges"))):
        found = [[m.span() for m in fast.finditer(t)] for t in texts]
        assert found == [[m.span() for m in plain[name].finditer(t)] for t in texts], name
        assert sum(map(len, found)) >= 10, name


def test_each_gate_finds_a_trigger_exactly_where_its_section_pattern_does() -> None:
    lines = [line for p in sorted(DEV.glob("*.txt")) for line in p.read_text("utf-8").splitlines() if line]
    texts = lines + [w for line in lines for w in line.split()] + ["", "re-expelled", "expelled", "Expelled."]
    for section in (*SECTIONS, "consequences"):
        gate, whole = lexicon.gate(section), lexicon.any_of(section)
        held = [bool(gate.search(t)) for t in texts]
        assert held == [bool(whole.search(t)) for t in texts], section
    assert sum(bool(lexicon.gate("exits").search(t)) for t in lines) >= 2


def test_a_trigger_told_its_first_letters_matches_as_before() -> None:
    lines = [line for p in sorted(DEV.glob("*.txt")) for line in p.read_text("utf-8").splitlines() if line]
    for trigger in lexicon.exits() + lexicon.measures():
        assert trigger.pattern.pattern.startswith("(?=[")
        plain = re.compile(trigger.pattern.pattern.split("])", 1)[1], lexicon.FLAGS)
        assert [[m.span() for m in trigger.pattern.finditer(t)] for t in lines] == [
            [m.span() for m in plain.finditer(t)] for t in lines
        ], trigger.code


def test_first_letters_and_top_level_alternatives() -> None:
    assert lexicon.lead(r"\b(?:expel|Recall(?:ed)?)\b") == "(?=[er])"
    assert lexicon.lead(r"\b(?:\w+ed)\b") == ""
    assert lexicon.lead(r"(?:forced )?exile") == "(?=[ef])"
    assert lexicon._alternatives(r"a(?:b|c)|[|]d|e\|f|[]|]g") == ["a(?:b|c)", "[|]d", r"e\|f", "[]|]g"]
    assert lexicon._alternatives(r"(a)|\1") == [r"(a)|\1"]  # a back-reference: not split
    assert lexicon._alternatives("a|") == ["a|"]  # an empty alternative: not split
    assert lexicon._expanded(r"(?:sent|expelled) (?:\w+ )?home") == [r"sent (?:\w+ )?home", r"expelled (?:\w+ )?home"]
    assert lexicon._expanded(r"(?:a|b)? c") == [r"(?:a|b)? c"]  # a group that may match nothing: kept
    assert lexicon._expanded(r"(?:a|(?:b|c)d) e") == ["a e", "bd e", "cd e"]
