"""`legation check`: what keeps a registry honest.

Each check is a small function over the store that yields findings. An `error` makes the check
fail (non-zero exit); a `warning` asks a human to look.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import pydantic

from legation.registry import dates, matching, records, search
from legation.registry.store import Store

ERROR, WARNING = "error", "warning"
DATE_FIELDS = {
    "person": ("birth", "death"),
    "posting": ("start", "end"),
    "consequence": ("date",),
    "measure": ("date",),
    "contact": ("date",),
}
FUZZY = 0.92  # two names this alike (difflib ratio, folded) are worth a look


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


def _same_source(a: str, b: str) -> bool:
    """Pairs across a registry and the curated records are `across_sources`' to report."""
    return matching.registry_of(a) == matching.registry_of(b)


def duplicate_persons(items: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    """The same person twice: names equal once folded (accents, case, order), or nearly equal."""
    owners: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for rid, item in items.items():
        if item["kind"] == "person":
            names[rid] = _key(item["name"])
            for name in [item["name"], *item.get("aliases", [])]:
                owners[_key(name)].add(rid)
    flagged: set[frozenset[str]] = set()
    for key, group in sorted(owners.items()):
        ids = {
            a for a in group for b in group if a != b and _same_source(a, b) and not matching.apart(items[a], items[b])
        }
        if len(ids) > 1 and frozenset(ids) not in flagged:
            flagged.add(frozenset(ids))
            yield Finding(
                ERROR,
                "duplicates",
                sorted(ids)[0],
                "name",
                f"{', '.join(sorted(ids))} share the name {key!r}: merge them or tell them apart",
            )
    ordered = sorted(names.items(), key=lambda kv: kv[1])
    for i, (a, name_a) in enumerate(ordered):
        for b, name_b in ordered[i + 1 : i + 40]:
            pair = frozenset((a, b))
            if pair in flagged or name_a.split()[-1:] != name_b.split()[-1:]:
                continue
            if difflib.SequenceMatcher(None, name_a, name_b).ratio() >= FUZZY:
                flagged.add(pair)
                yield Finding(
                    WARNING,
                    "duplicates",
                    a,
                    "name",
                    f"{a} and {b} have near-identical names; add an alias if they are one person",
                )


def across_sources(items: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    """Persons from a registry and from elsewhere who may be one person (registry.matching), and
    the values a merged record kept where its sources disagree."""
    persons = [item for item in items.values() if item["kind"] == "person"]
    for a, b in matching.possible_duplicates(persons):
        message = f"{a['name']} ({a['id']}) and {b['name']} ({b['id']}) may be one person: see `legation review`"
        yield Finding(WARNING, "across sources", a["id"], "name", message)
    for rid, item in items.items():
        for source in item.get("sources") or []:
            for name, value in (source.get("differs") or {}).items():
                where = source.get("publisher") or source["url"]
                message = f"{where} gives {value!r}; the record keeps {item.get(name)!r} ({source['url']})"
                yield Finding(WARNING, "disagreements", rid, name, message)


CHECKS: tuple[Check, ...] = (
    sources,
    codes,
    references,
    impossible_dates,
    counts,
    duplicate_persons,
    across_sources,
)


def run(store: Store) -> dict[str, Any]:
    items = {r["id"]: r for r in (json.loads(row["data"]) for row in store.rows("SELECT data FROM records"))}
    findings = [f for check in CHECKS for f in check(items)]
    findings.sort(key=lambda f: (f.severity != ERROR, f.check, f.record))
    errors = sum(f.severity == ERROR for f in findings)
    return {
        "records": len(items),
        "errors": errors,
        "warnings": len(findings) - errors,
        "findings": [f.as_dict() for f in findings],
    }
