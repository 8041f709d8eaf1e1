"""Scoring an extraction against a hand-made gold file (docs/extraction.md, "Matching rules").

Each section is matched one to one, greedily in gold order: a predicted record counts once, for the
first gold record it matches.

- exit: the same person (or both a group, with equal counts when both give one), the same
  `exit_type` and `sending_state`, and years within one of each other when both give a year;
- measure: the same actor, target and measure type, years within one when both are given;
- contact: the same sender, channel and outcome;
- posting in force: the same person, sending and receiving state.

Persons match when their folded names are equal, or when their last words are (a surname against
a full name); text in parentheses is a gloss and is ignored, and so is a suffix such as "Jr.".
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from legation.errors import InputError
from legation.extraction import SECTIONS
from legation.registry.search import fold

Record = dict[str, Any]
GLOSS = re.compile(r"\([^)]*\)")
CORPUS_SECTIONS = ("exits", "measures")  # what a corpus passage's gold holds
BANDS = (0.8, 0.6, 0.0)  # lower edges of the confidence bands, highest first


SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})  # "James D. Melville Jr." is a Melville


def same_person(a: object, b: object) -> bool:
    if not a or not b:
        return False
    left, right = (_name(x) for x in (a, b))
    return bool(left and right) and (left == right or left[-1] == right[-1])


def _name(name: object) -> list[str]:
    words = fold(GLOSS.sub("", str(name))).replace(",", " ").split()
    while len(words) > 1 and words[-1] in SUFFIXES:
        words.pop()
    return words


def near_year(a: object, b: object) -> bool:
    if not isinstance(a, int) or not isinstance(b, int):
        return True
    return abs(a - b) <= 1


def _who(gold: Record, found: Record) -> bool:
    if gold.get("person") or found.get("person"):
        return same_person(gold.get("person"), found.get("person"))
    counts = gold.get("count"), found.get("count")
    return None in counts or counts[0] == counts[1]


def _same_type(gold: object, found: object) -> bool:
    """A gold `exit_type` may list the readings a passage supports; any of them matches."""
    return found in gold if isinstance(gold, list) else gold == found


def exit_matches(gold: Record, found: Record) -> bool:
    return (
        _who(gold, found)
        and _same_type(gold.get("exit_type"), found.get("exit_type"))
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


def exit_differences(gold: Record, found: Record) -> list[str]:
    """The fields in which an exit proposal fails a gold exit (`person` stands for who it is)."""
    checks = (
        ("person", _who(gold, found)),
        ("exit_type", _same_type(gold.get("exit_type"), found.get("exit_type"))),
        ("sending_state", gold.get("sending_state") == found.get("sending_state")),
        ("year", near_year(gold.get("year"), found.get("year"))),
    )
    return [name for name, ok in checks if not ok]


def measure_differences(gold: Record, found: Record) -> list[str]:
    keys = ("actor", "target", "measure")
    wrong = [k for k in keys if gold.get(k) != found.get(k)]
    return wrong + ([] if near_year(gold.get("year"), found.get("year")) else ["year"])


# Only the corpus sections have near misses: a false alarm one field away from a missed gold record
# is a reading with one wrong field, not an event the extractor made up, and the two call for
# different fixes.
DIFFERENCES: dict[str, Callable[[Record, Record], list[str]]] = {
    "exits": exit_differences,
    "measures": measure_differences,
}


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
    near: dict[str, int] = field(default_factory=dict)  # near misses by the one field that differs

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
        for name, count in other.near.items():
            self.near[name] = self.near.get(name, 0) + count

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
            "near_misses": dict(sorted(self.near.items())),
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
    if section in DIFFERENCES:
        _near_misses(DIFFERENCES[section], score)
    return score


def _near_misses(differences: Callable[[Record, Record], list[str]], score: Score) -> None:
    """Mark each false alarm that differs from a still-unpaired miss in one field only, with that
    field and the gold's value; each miss pairs with one false alarm at most."""
    unpaired = list(score.misses)
    for alarm in score.false_alarms:
        for miss in unpaired:
            wrong = differences(miss, alarm)
            if len(wrong) == 1:
                name = wrong[0]
                gold = miss.get(name) if name != "person" else miss.get("person") or miss.get("group")
                alarm["near"] = {"field": name, "gold": gold}
                unpaired.remove(miss)
                score.near[name] = score.near.get(name, 0) + 1
                break


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


@dataclass
class Passage:
    """One corpus line: an id, its text and its gold exits and measures."""

    id: str
    text: str
    gold: Record
    source: str | None = None


def read_corpus(lines: Iterable[str], *, file: str) -> list[Passage]:
    """Passages from JSON Lines (the format of shared/corpus/passages-dev.jsonl); bad lines raise InputError."""
    found: list[Passage] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError as exc:
            raise InputError(f"expected a JSON object: {exc}", file=file, line=number) from None
        if not isinstance(data, dict):
            raise InputError("expected a JSON object", file=file, line=number)
        for key, kind in (("id", str), ("text", str)):
            if not isinstance(data.get(key), kind):
                raise InputError(f"expected a string {key!r}", file=file, line=number, field=key)
        for key in ("exits", "measures"):
            if not isinstance(data.get(key, []), list):
                raise InputError("expected a list of records", file=file, line=number, field=key)
        gold = {"exits": data.get("exits", []), "measures": data.get("measures", [])}
        found.append(Passage(data["id"], data["text"], gold, data.get("source")))
    return found


def score_passages(passages: list[Passage], extracted: Iterable[Record]) -> dict[str, Score]:
    """Micro-averaged exits and measures over a corpus; misses and false alarms carry their passage id."""
    summed = {s: Score() for s in CORPUS_SECTIONS}
    for passage, found in zip(passages, extracted, strict=True):
        for section in CORPUS_SECTIONS:
            one = score_section(section, passage.gold.get(section, []), found.get(section, []))
            one.misses = [{"passage": passage.id, **m} for m in one.misses]
            one.false_alarms = [{"passage": passage.id, **f} for f in one.false_alarms]
            summed[section].add(one)
    return summed


def bands(passages: list[Passage], extracted: Iterable[Record], edges: tuple[float, ...] = BANDS) -> list[Record]:
    """Precision by confidence band: of the proposals in each band, how many match a gold record."""
    rows = {edge: [0, 0] for edge in edges}
    for passage, found in zip(passages, extracted, strict=True):
        for section in CORPUS_SECTIONS:
            left = list(passage.gold.get(section, []))
            ranked = sorted(found.get(section, []), key=lambda r: -float(r.get("confidence") or 0))
            for record in ranked:
                edge = next(e for e in edges if float(record.get("confidence") or 0) >= e)
                hit = next((g for g in left if MATCHERS[section](g, record)), None)
                rows[edge][1] += 1
                if hit is not None:
                    left.remove(hit)
                    rows[edge][0] += 1
    out = []
    for i, edge in enumerate(edges):
        upper = edges[i - 1] if i else 1.0
        right, total_ = rows[edge]
        out.append(
            {
                "band": f"{edge:.1f}–{upper:.1f}",
                "from": edge,
                "proposals": total_,
                "correct": right,
                "precision": round(right / total_, 3) if total_ else None,
            }
        )
    return out
