"""Exits: a person (or a group) whose posting ended, how, and what the sentence says around it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from legation.extraction import context, lexicon
from legation.extraction.context import RolePhrase
from legation.extraction.groups import Group, groups
from legation.extraction.pipeline import Mention, Sentence

REASON = re.compile(
    r"(?:in protest (?:over|against|at)|to protest|citing|in opposition to|after condemning|condemning|over)"
    r"\s+([^,.;]+)",
    re.IGNORECASE,
)
DESTINATION = re.compile(r"^\s+to\s+(?:the\s+)?$", re.IGNORECASE)
ASYLUM_IN = re.compile(r"^\s+in\s+(?:the\s+)?$", re.IGNORECASE)
BASE_SUBJECT = re.compile(r"\b(?:who|that)\s+$", re.IGNORECASE)


@dataclass
class Facts:
    """What the document has said so far about each person: role and states."""

    roles: dict[str, RolePhrase] = field(default_factory=dict)
    citizenship: dict[str, str] = field(default_factory=dict)

    def learn(self, phrases: list[RolePhrase]) -> None:
        for phrase in phrases:
            if phrase.person and (phrase.person not in self.roles or phrase.sending):
                self.roles[phrase.person] = phrase


@dataclass
class Found:
    """One exit with its sentence, so later sentences can attach consequences to it."""

    record: dict[str, Any]
    key: str  # the person's key or the group's text
    sentence: int


def _subject(sentence: Sentence, start: int, end: int, active: bool) -> Mention | Group | None:
    """The person or group the trigger is about: the nearest before it (or after, for "expelled X")."""
    candidates: list[tuple[int, Mention | Group]] = []
    for mention in context.people(sentence):
        candidates.append((sentence.local(mention.start), mention))
    for group in groups(sentence):
        candidates.append((group.start, group))
    if active:
        after = [c for c in candidates if c[0] >= end]
        return min(after, key=lambda c: c[0])[1] if after else None
    before = [c for c in candidates if c[0] < start]
    if before:
        return max(before, key=lambda c: c[0])[1]
    if not sentence.text[start:end].lower().endswith(" of"):
        return None  # only "the resignation of X" names its person after the trigger
    after = [c for c in candidates if c[0] >= end]
    return min(after, key=lambda c: c[0])[1] if after else None


def _role_for(key: str, sentence: Sentence, phrases: list[RolePhrase], end: int, facts: Facts) -> RolePhrase | None:
    for phrase in phrases:
        if phrase.person == key:
            return phrase
    for phrase in phrases:
        if phrase.start >= end and re.fullmatch(
            r"\s+(?:his|her|their)?\s*(?:position\s+)?as\s+(?:the\s+|a\s+|an\s+)?(?:[\w.]+\s+){0,2}",
            sentence.text[end : phrase.start],
        ):
            return phrase
    return facts.roles.get(key)


def _body_after(sentence: Sentence, at: int, pattern: re.Pattern[str]) -> str | None:
    for body in sentence.of("body"):
        local = sentence.local(body.start)
        if local >= at and pattern.search(sentence.text[at:local]):
            return body.key
    return None


def _exit_type(code: str, sentence: Sentence, start: int) -> str:
    if code == "resigned" and lexicon.pattern("protest").search(sentence.text):
        return "resigned_in_protest"
    return code


def _reason(text: str) -> str | None:
    match = REASON.search(text)
    return match.group(1).strip() if match else None


def _fallback_sending(sentence: Sentence, used: set[str | None], recent: list[str]) -> str | None:
    for body in sentence.of("body"):
        if body.key not in used:
            return body.key
    return recent[-1] if recent else None


def find(sentence: Sentence, facts: Facts, year: int | None, recent: list[str]) -> list[Found]:
    found: list[Found] = []
    if not lexicon.any_of("exits").search(sentence.text):
        return found
    seen: set[str] = set()
    phrases = context.role_phrases(sentence)
    for trigger in lexicon.exits():
        for match in trigger.pattern.finditer(sentence.text):
            start, end = match.span()
            if context.hedged(sentence, start) or context.generic(sentence, start, match.group(0)):
                continue
            if trigger.option("base") and not (BASE_SUBJECT.search(sentence.text[:start]) and groups(sentence)):
                continue
            subject = _subject(
                sentence,
                start,
                end,
                bool(trigger.option("active")) and not re.search(r"\b(?:was|were|been|be)\s+$", sentence.text[:start]),
            )
            if subject is None:
                continue
            record = _record(trigger.code, subject, sentence, phrases, (start, end), facts, recent)
            if record is None or record["_key"] in seen:
                continue
            seen.add(record["_key"])
            record["year"] = year
            found.append(Found(record, record.pop("_key"), sentence.index))
    return found


def _record(
    code: str,
    subject: Mention | Group,
    sentence: Sentence,
    phrases: list[RolePhrase],
    span: tuple[int, int],
    facts: Facts,
    recent: list[str],
) -> dict[str, Any] | None:
    start, end = span
    exit_type = _exit_type(code, sentence, start)
    destination = None
    if code in ("defected", "sought_asylum"):
        destination = _body_after(sentence, end, DESTINATION) or _body_after(sentence, end, ASYLUM_IN)
    confidence = 0.85
    if isinstance(subject, Group):
        if code == "expelled":
            return None  # "expelled 45 Russian diplomats" is a measure; an expulsion exit names its person
        if subject.count is None and not (destination or _has_consequence(sentence)):
            return None  # "American ambassadors have resigned in years gone by": a habit, not an event
        record: dict[str, Any] = {"person": None, "group": subject.text, "count": subject.count, "role": subject.role}
        sending, receiving, key = subject.sending, None, subject.text
        confidence = 0.8 if subject.count else 0.6
    else:
        key = subject.key or subject.text
        phrase = _role_for(key, sentence, phrases, end, facts)
        if phrase is None:
            return None  # no role anywhere in the document: a footballer retiring is no exit
        record = {"person": key, "group": None, "count": None, "role": phrase.role if phrase else "diplomat"}
        sending, receiving = (phrase.sending, phrase.receiving) if phrase else (None, None)
        sending = sending or facts.citizenship.get(key)
        if sending is None:
            sending = _fallback_sending(sentence, {receiving, destination}, recent)
            confidence -= 0.2
        if subject.kind == "anaphor":
            confidence -= 0.1
    if code == "sought_asylum" and receiving is None:
        receiving = destination
    record.update(
        {
            "sending_state": sending,
            "receiving_state": receiving,
            "exit_type": exit_type,
            "destination": destination,
            "reason": _reason(sentence.text[end:]) if exit_type == "resigned_in_protest" else None,
            "next_role": None,
            "consequences": [],
            "certainty": context.certainty(sentence.text),
            "evidence": context.evidence(sentence, start, end),
            "confidence": round(confidence, 2),
            "_key": key,
        }
    )
    return record


def _has_consequence(sentence: Sentence) -> bool:
    return any(t.pattern.search(sentence.text) for t in lexicon.consequences())
