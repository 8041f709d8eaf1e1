"""Contacts: an envoy's calls, meeting requests, invitations, letters and visits, and their outcome."""

from __future__ import annotations

from typing import Any

from legation.extraction import context, lexicon
from legation.extraction.pipeline import Sentence


def _to(sentence: Sentence, sender: str | None) -> str:
    others = [m.key for m in context.people(sentence) if m.key != sender]
    bodies = [m.text for m in sentence.of("body")]
    return str((others or bodies or ["unnamed"])[0])


def find(sentence: Sentence, year: int | None) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if not sentence.holds("contacts"):
        return found
    people = context.people(sentence)
    for trigger in lexicon.contacts():
        match = trigger.pattern.search(sentence.text)
        if match is None or not people:
            continue
        channel, outcome = trigger.code.split("/")
        if any(f["channel"] == channel for f in found):
            continue
        sender = people[0].key
        found.append(
            {
                "from": sender,
                "to": _to(sentence, sender),
                "channel": channel,
                "outcome": outcome,
                "year": year,
                "certainty": context.certainty(sentence.text),
                "evidence": context.evidence(sentence, *match.span()),
                "confidence": 0.6,
            }
        )
    return found
