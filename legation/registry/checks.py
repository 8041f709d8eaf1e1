"""`legation check`: what keeps a registry honest.

Each check is a small function over the store that yields findings. An `error` makes the check
fail (non-zero exit); a `warning` asks a human to look.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import orjson
import pydantic
from rapidfuzz import fuzz, process

from legation.registry import dates, records, search
from legation.registry.store import Store

ERROR, WARNING = "error", "warning"
DATE_FIELDS = {
    "person": ("birth",),
    "posting": ("start", "end"),
    "consequence": ("date",),
    "measure": ("date",),
    "contact": ("date",),
}
FUZZY = 92  # two names this alike (rapidfuzz's ratio out of 100, folded) are worth a look
BLOCK = 3  # letters of the folded surname that make a block
NEIGHBOURS = 40  # within a block, each name is compared with this many next in sorted order


@dataclass
class Finding:
    severity: str
    check: str
    record: str
    field: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


Check = Callable[[dict[str, dict[str, Any]]], Iterator[Finding]]


def sources(items: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    for rid, item in items.items():
        if item["kind"] == "source":
            continue
        cited = item.get("sources") or []
        if not cited:
            yield Finding(ERROR, "sources", rid, "sources", "no source: every fact needs at least one")
        for i, source in enumerate(cited):
            if not str(source.get("url") or "").strip():
                yield Finding(ERROR, "sources", rid, f"sources.{i}.url", "a source without an address")


def codes(items: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    """Re-validate every record: codes and vocabularies may have changed since it was written."""
    for rid, item in items.items():
        try:
            records.parse(item)
        except pydantic.ValidationError as exc:
            for error in exc.errors():
                where, expected = records.explain(error)
                yield Finding(ERROR, "codes", rid, where, f"expected {expected}")


def references(items: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    for rid, item in items.items():
        pairs = [
            ("person", item.get("person"), "person"),
            ("posting", item.get("posting"), "posting"),
            ("reciprocal_of", item.get("reciprocal_of"), "measure"),
        ]
        pairs += [("persons", p, "person") for p in item.get("persons", [])]
        for field, ref, kind in pairs:
            if item["kind"] == "person" or not ref:
                continue
            if items.get(ref, {}).get("kind") != kind:
                yield Finding(ERROR, "references", rid, field, f"points to {ref!r}, which is not a {kind} in the store")
        original = items.get(item.get("reciprocal_of") or "") or {}
        if item.get("date") and original.get("date") and dates.lower(original["date"]) > dates.upper(item["date"]):
            message = f"answers {original['id']} dated {original['date']}, after this measure ({item['date']})"
            yield Finding(ERROR, "references", rid, "reciprocal_of", message)


def impossible_dates(items: dict[str, dict[str, Any]], today: date | None = None) -> Iterator[Finding]:
    today = today or date.today()
    for rid, item in items.items():
        for field in DATE_FIELDS.get(item["kind"], ()):
            value = item.get(field)
            if value and dates.lower(value) > today:
                yield Finding(ERROR, "dates", rid, field, f"{value} is in the future")
        if item["kind"] != "posting":
            continue
        start, end = item.get("start"), item.get("end")
        if start and end and dates.upper(end) < dates.lower(start):
            yield Finding(ERROR, "dates", rid, "end", f"ends ({end}) before it starts ({start})")
        birth = items.get(item.get("person") or "", {}).get("birth")
        for field in ("start", "end"):
            if birth and item.get(field) and dates.upper(item[field]) < dates.lower(birth):
                yield Finding(ERROR, "dates", rid, field, f"{item[field]} is before the person's birth ({birth})")
        if item.get("exit_type") and not end:
            yield Finding(WARNING, "dates", rid, "end", "an exit without an end date is left out of the decade counts")


def counts(items: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    for rid, item in items.items():
        kind = item["kind"]
        if kind == "measure":
            named = len(item.get("persons", []))
            if item.get("count") is not None and item["count"] < named:
                yield Finding(
                    ERROR, "counts", rid, "count", f"count {item['count']} is less than the {named} persons named"
                )
            if item["type"] == "persona_non_grata" and not named and not item.get("count"):
                yield Finding(WARNING, "counts", rid, "persons", "persona non grata names no person and gives no count")
        if kind == "posting":
            if item.get("group") and item.get("count") is None:
                yield Finding(WARNING, "counts", rid, "count", "a group without a count")
            if item.get("count") and not item.get("group"):
                yield Finding(ERROR, "counts", rid, "count", "a count on a posting of one person (set group)")
        if kind == "consequence":
            posting = items.get(item["posting"], {})
            if posting and not posting.get("exit_type"):
                yield Finding(WARNING, "counts", rid, "posting", "a consequence of a posting that has no exit")


_PUNCT = re.compile(r"[^\w\s]")


def _key(name: str) -> str:
    return " ".join(sorted(_PUNCT.sub(" ", search.fold(name)).split()))


def _surname(name: str) -> str:
    """The folded last word: near-identical names almost always share its start, so that is the
    block (`rurarz` and `rurraz` meet in `rur`)."""
    words = _PUNCT.sub(" ", search.fold(name)).split()
    return words[-1] if words else ""


def _listed(ids: list[str], limit: int = 5) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def duplicate_persons(items: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    """The same person twice: names equal once folded (accents, case, order), or nearly equal.

    Near-linear at 200k persons: equal names meet in one dict; near-equal ones are compared only
    within a block of the same folded surname, each distinct name against its next few neighbours
    in sorted order, and many persons sharing one name make one finding, not one per pair."""
    owners: dict[str, list[str]] = defaultdict(list)
    blocks: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for rid, item in items.items():
        if item["kind"] != "person":
            continue
        for name in dict.fromkeys([item["name"], *item.get("aliases", [])]):
            key = _key(name)
            if not owners[key] or owners[key][-1] != rid:
                owners[key].append(rid)
            surname = _surname(name)
            blocks[surname[:BLOCK]].add((surname, key))
    flagged: set[tuple[str, ...]] = set()
    for key, ids in sorted(owners.items()):
        group = tuple(sorted(set(ids)))
        if len(group) > 1 and group not in flagged:
            flagged.add(group)
            message = f"{_listed(list(group))} share the name {key!r}: merge them or tell them apart"
            yield Finding(ERROR, "duplicates", group[0], "name", message)
    for block in sorted(blocks):
        keys = [key for _, key in sorted(blocks[block])]  # by surname, so neighbours share it
        for i, key_a in enumerate(keys):
            window = keys[i + 1 : i + 1 + NEIGHBOURS]
            for key_b, _, _ in process.extract(key_a, window, scorer=fuzz.ratio, score_cutoff=FUZZY, limit=None):
                a, b = min(owners[key_a]), min(owners[key_b])
                if a != b:
                    message = f"{a} and {b} have near-identical names; add an alias if they are one person"
                    yield Finding(WARNING, "duplicates", a, "name", message)


CHECKS: tuple[Check, ...] = (sources, codes, references, impossible_dates, counts, duplicate_persons)


def run(store: Store) -> dict[str, Any]:
    with store.engine.connect() as conn:  # orjson and the bare cursor: loading is a third of a large check
        items = {r["id"]: r for r in (orjson.loads(row[0]) for row in conn.exec_driver_sql("SELECT data FROM records"))}
    findings = [f for check in CHECKS for f in check(items)]
    findings.sort(key=lambda f: (f.severity != ERROR, f.check, f.record))
    errors = sum(f.severity == ERROR for f in findings)
    return {
        "records": len(items),
        "errors": errors,
        "warnings": len(findings) - errors,
        "findings": [f.as_dict() for f in findings],
    }
