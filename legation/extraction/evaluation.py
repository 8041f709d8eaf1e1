"""Scoring an extraction against a hand-made gold file (docs/extraction.md, "Matching rules").

Each section is matched one to one, greedily in gold order: a predicted record counts once, for the
first gold record it matches.

- exit: the same person (or both a group, with equal counts when both give one), the same
  `exit_type` and `sending_state`, and years within one of each other when both give a year;
- measure: the same actor, target and measure type, years within one when both are given;
- contact: the same sender, channel and outcome;
- posting in force: the same person, sending and receiving state.

Persons match when their folded names are equal, or when their last words are (a surname against
a full name); text in parentheses is a gloss and is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from legation.extraction import SECTIONS
from legation.registry.search import fold

Record = dict[str, Any]
GLOSS = re.compile(r"\([^)]*\)")


def same_person(a: object, b: object) -> bool:
    if not a or not b:
        return False
    left, right = fold(GLOSS.sub("", str(a))).split(), fold(GLOSS.sub("", str(b))).split()
    return bool(left and right) and (left == right or left[-1] == right[-1])


def near_year(a: object, b: object) -> bool:
    if not isinstance(a, int) or not isinstance(b, int):
        return True
    return abs(a - b) <= 1


def _who(gold: Record, found: Record) -> bool:
    if gold.get("person") or found.get("person"):
        return same_person(gold.get("person"), found.get("person"))
    counts = gold.get("count"), found.get("count")
    return None in counts or counts[0] == counts[1]


def exit_matches(gold: Record, found: Record) -> bool:
    return (
        _who(gold, found)
        and gold.get("exit_type") == found.get("exit_type")
        and gold.get("sending_state") == found.get("sending_state")
        and near_year(gold.get("year"), found.get("year"))
    )


def measure_matches(gold: Record, found: Record) -> bool:
    keys = ("actor", "target", "measure")
    return all(gold.get(k) == found.get(k) for k in keys) and near_year(gold.get("year"), found.get("year"))


def contact_matches(gold: Record, found: Record) -> bool:
    return same_person(gold.get("from"), found.get("from")) and all(
        gold.get(k) == found.get(k) for k in ("channel", "outcome")
    )


def posting_matches(gold: Record, found: Record) -> bool:
    return same_person(gold.get("person"), found.get("person")) and all(
        gold.get(k) == found.get(k) for k in ("sending_state", "receiving_state")
    )


MATCHERS: dict[str, Callable[[Record, Record], bool]] = {
    "exits": exit_matches,
    "measures": measure_matches,
    "contacts": contact_matches,
    "postings_in_force": posting_matches,
}


@dataclass
class Score:
    matched: int = 0
    predicted: int = 0
    expected: int = 0
    misses: list[Record] = field(default_factory=list)
    false_alarms: list[Record] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.matched += other.matched
        self.predicted += other.predicted
        self.expected += other.expected
        self.misses += other.misses
        self.false_alarms += other.false_alarms

    def as_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "matched": self.matched,
            "predicted": self.predicted,
            "expected": self.expected,
            "misses": self.misses,
            "false_alarms": self.false_alarms,
        }


def score_section(section: str, gold: list[Record], found: list[Record]) -> Score:
    matches = MATCHERS[section]
    left = list(found)
    score = Score(predicted=len(found), expected=len(gold))
    for expected in gold:
        hit = next((f for f in left if matches(expected, f)), None)
        if hit is None:
            score.misses.append(expected)
        else:
            left.remove(hit)
            score.matched += 1
    score.false_alarms = [_brief(f) for f in left]
    return score


def _brief(record: Record) -> Record:
    """A false alarm without its long evidence sentence, but with where it was read."""
    evidence = record.get("evidence") or {}
    kept = {k: v for k, v in record.items() if k not in ("evidence", "consequence_evidence")}
    return {**kept, "at": [evidence.get("start"), evidence.get("end")]} if evidence else kept


def score(gold: Record, found: Record) -> dict[str, Score]:
    return {s: score_section(s, gold.get(s, []), found.get(s, [])) for s in SECTIONS}


def total(scores: Iterable[dict[str, Score]]) -> dict[str, Score]:
    """Micro-averaged figures over several documents: counts add up, then the ratios are taken."""
    summed = {s: Score() for s in SECTIONS}
    for one in scores:
        for section, value in one.items():
            summed[section].add(value)
    return summed
