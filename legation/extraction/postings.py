"""Postings in force: a person named with a diplomatic role and no exit in the document."""

from __future__ import annotations

from typing import Any

from legation.extraction import context
from legation.extraction.pipeline import Sentence

NOT_POSTS = frozenset({"official", "mission_staff"})


def find(sentence: Sentence) -> list[dict[str, Any]]:
    found = []
    for phrase in context.role_phrases(sentence):
        if not phrase.person or phrase.past or phrase.role in NOT_POSTS or not phrase.sending:
            continue
        found.append(
            {
                "person": phrase.person,
                "role": phrase.role,
                "sending_state": phrase.sending,
                "receiving_state": phrase.receiving,
                "end": None,
                "certainty": context.certainty(sentence.text),
                "evidence": context.evidence(sentence, phrase.start, phrase.end),
                "confidence": 0.7 if phrase.receiving else 0.55,
            }
        )
    return found
