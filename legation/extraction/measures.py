"""Measures: what one body does to another's mission or diplomats."""

from __future__ import annotations

import re
from typing import Any

from legation.extraction import context, lexicon
from legation.extraction.exits import Facts
from legation.extraction.pipeline import Sentence

COUNT = re.compile(r"\b(\d[\d,]*)\s+(?:\w+\s+){0,2}(?:diplomats|officials|staff|employees)", re.IGNORECASE)
HOST = re.compile(r"^\s+(?:in|at)\s+(?:the\s+)?$", re.IGNORECASE)


def _body_at(sentence: Sentence, at: int) -> str | None:
    for body in sentence.of("body"):
        if sentence.local(body.start) == at:
            return body.key
    return None


def _states_of_people(sentence: Sentence, facts: Facts) -> list[str]:
    found = []
    for mention in context.people(sentence):
        phrase = facts.roles.get(mention.key or "")
        if phrase and phrase.sending:
            found.append(phrase.sending)
    return found


def _parties(
    sentence: Sentence, trigger: Any, start: int, end: int, facts: Facts, recent: list[str]
) -> tuple[str | None, str | None]:
    bodies = sentence.of("body")
    people_states = _states_of_people(sentence, facts)
    if trigger.option("needs_body"):
        actor = _body_at(sentence, end)
        others: list[str | None] = [b.key for b in bodies if b.key != actor]
        others += people_states + recent[::-1]
        return actor, next((o for o in others if o != actor), None)
    if trigger.option("actor") == "host":
        target = next(
            (
                b.key
                for b in bodies
                if re.search(r"^\s+(?:[a-z]+\s+)?diplomats", sentence.text[sentence.local(b.end) :])
            ),
            None,
        )
        host = next((b.key for b in bodies if HOST.search(sentence.text[: sentence.local(b.start)][-8:])), None)
        actor = host or next((b.key for b in bodies if b.key != target), None)
        return actor, target
    before = [b.key for b in bodies if sentence.local(b.end) <= start]
    actor = before[0] if before else (bodies[0].key if bodies else None)
    others = [b.key for b in bodies if b.key != actor]
    others += people_states + recent[::-1]
    return actor, next((o for o in others if o != actor), None)


def find(sentence: Sentence, facts: Facts, year: int | None, recent: list[str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if not lexicon.any_of("measures").search(sentence.text):
        return found
    seen: set[tuple[str, str | None, str | None]] = set()
    for trigger in lexicon.measures():
        for match in trigger.pattern.finditer(sentence.text):
            start, end = match.span()
            if context.hedged(sentence, start):
                continue
            if trigger.option("needs_body") and not _body_at(sentence, end):
                continue
            actor, target = _parties(sentence, trigger, start, end, facts, recent)
            if not actor or not target or (trigger.code, actor, target) in seen:
                continue
            seen.add((trigger.code, actor, target))
            count = COUNT.search(sentence.text[max(0, start - 10) : end + 40])
            found.append(
                {
                    "actor": actor,
                    "target": target,
                    "measure": trigger.code,
                    "year": year,
                    "count": int(count.group(1).replace(",", "")) if count else None,
                    "detail": sentence.text[start : min(len(sentence.text), end + 60)].strip(),
                    "certainty": context.certainty(sentence.text),
                    "evidence": context.evidence(sentence, start, end),
                    "confidence": 0.7 if len(sentence.of("body")) >= 2 else 0.55,
                }
            )
    return found
