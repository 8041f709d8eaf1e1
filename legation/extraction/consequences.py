"""Consequences for the person: attached to an exit in the same sentence, or to the latest exit of
the person the sentence is about ("He was tried in absentia and sentenced to death.")."""

from __future__ import annotations

import re

from legation.extraction import context, lexicon
from legation.extraction.exits import Found
from legation.extraction.pipeline import Sentence

WINDOW = 6  # sentences after an exit in which "he" can still receive its consequences
CAREER = re.compile(
    r"(?:become|became|join(?:ed)?|teach(?:es)?|work(?:s|ed)? (?:for|at))\s+(?:an?\s+|the\s+)?([^.;]+)", re.IGNORECASE
)


def types(sentence: Sentence) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    if not sentence.holds("consequences"):
        return found
    for trigger in lexicon.consequences():
        for match in trigger.pattern.finditer(sentence.text):
            if not context.hedged(sentence, match.start()):
                found.append((trigger.code, match.start()))
                break
    codes = {code for code, _ in found}
    if "sentenced_to_death_in_absentia" in codes:
        found = [f for f in found if f[0] != "sentenced_in_absentia"]
    return found


def attach(sentence: Sentence, exits: list[Found]) -> None:
    found = types(sentence)
    if not found:
        return
    target = _target(sentence, exits)
    if target is None:
        return
    record = target.record
    for code, start in found:
        if code not in record["consequences"]:
            record["consequences"].append(code)
            record.setdefault("consequence_evidence", []).append(
                {"type": code, "start": sentence.start + start, "sentence": sentence.text}
            )
        if code == "new_career" and not record.get("next_role"):
            career = CAREER.search(sentence.text[start:])
            record["next_role"] = career.group(1).strip() if career else None


def _target(sentence: Sentence, exits: list[Found]) -> Found | None:
    here = [f for f in exits if f.sentence == sentence.index]
    if here:
        return here[-1]
    people = context.people(sentence)
    if not people:
        return None
    key = people[0].key
    for found in reversed(exits):
        if found.key == key and sentence.index - found.sentence <= WINDOW:
            return found
    return None
