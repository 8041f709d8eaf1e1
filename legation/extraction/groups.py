"""Groups of diplomats: "55 Afghan ambassadors and staff", "North Korean diplomats"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from legation.extraction import counts, lexicon
from legation.extraction.pipeline import Sentence


@dataclass
class Group:
    start: int  # local offsets
    end: int
    text: str
    role: str
    sending: str | None
    count: int | None


@cache
def _heads() -> re.Pattern[str]:
    heads = lexicon.load()["group_heads"]
    return re.compile(
        rf"\b(?:{heads})\b(?:\s+and\s+(?:other\s+)?(?:{heads}|family members|their families))?", re.IGNORECASE
    )


def groups(sentence: Sentence) -> list[Group]:
    found = []
    for match in _heads().finditer(sentence.text):
        sending, begin = None, match.start()
        for body in sentence.of("body"):
            end = sentence.local(body.end)
            if end <= match.start() and re.fullmatch(r"\s+(?:[a-z\-]+\s+)?", sentence.text[end : match.start()]):
                sending, begin = body.key, sentence.local(body.start)
        after = re.match(r"\s+(?:from|of)\s+(?:the\s+)?", sentence.text[match.end() :])
        if sending is None and after:
            for body in sentence.of("body"):
                if sentence.local(body.start) == match.end() + after.end():
                    sending = body.key
        if sending is None:
            continue
        head = match.group(0).split()[0].lower()
        role = lexicon.roles().get(head, "diplomat")
        count = counts.before(sentence.text[max(0, begin - 30) : begin])
        found.append(Group(begin, match.end(), sentence.text[begin : match.end()], role, sending, count))
    return found
