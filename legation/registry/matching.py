"""One person per person: matching an importer's persons to the ones the store already holds.

A registry (POCOM, Wikidata) and the curated records name the same people. Two persons match when
their folded names or aliases agree on the first given name and the surname (middle names,
initials and Jr./III set aside), their birth years do not contradict each other, and they held an
overlapping posting: same sending and receiving body, dates within a year. Such a sure match
merges: the incoming person and the overlapping posting fold into the stored records, which keep
their own values where the two disagree; the incoming source notes what it says instead
(`differs`), and `legation check` shows it. A name match without that evidence is unsure: it goes
to the review queue as a merge proposal, and the incoming person is kept apart.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations
from typing import Any

from legation.registry import dates, review_queue, search
from legation.registry.store import Store

MERGE = "person_merge"  # the review queue's section for an unsure match
REGISTRIES = ("pocom-", "wikidata-")  # the id prefixes of the registry importers' records
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v"})
WITHIN = timedelta(days=366)
DATE_FIELDS = frozenset({"start", "end", "birth", "death"})
KEEP = frozenset({"kind", "id", "sources", "certainty", "person", "person_name", "name", "aliases"})
_WORD = re.compile(r"[^\w\s]")


def name_key(name: str) -> str:
    """`first-given-name surname`, folded: "James Desmond Melville Jr." -> "james melville"."""
    words = [w for w in _WORD.sub(" ", search.fold(name)).split() if w not in SUFFIXES]
    named = [w for w in words if len(w) > 1] or words
    return f"{named[0]} {named[-1]}" if len(named) > 1 else "".join(named)


def keys(person: dict[str, Any]) -> set[str]:
    return {name_key(n) for n in [person["name"], *person.get("aliases", [])] if n.strip()}


def surname(person: dict[str, Any]) -> str:
    return name_key(person["name"]).split(" ")[-1]


@dataclass
class Match:
    incoming: str
    existing: str
    sure: bool
    reasons: list[str]
    incoming_name: str = ""
    existing_name: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Reconciled:
    records: list[dict[str, Any]]
    merged: list[Match] = field(default_factory=list)
    proposals: list[Match] = field(default_factory=list)


def _span(posting: dict[str, Any]) -> tuple[date, date] | None:
    """The days a posting covers; a missing start or end is taken as the other date."""
    start, end = posting.get("start") or posting.get("end"), posting.get("end") or posting.get("start")
    return (dates.lower(start), dates.upper(end)) if start and end else None


def overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Same sending and receiving body, and spans that meet once each is widened by a year."""
    if a.get("sending") != b.get("sending") or a.get("receiving") != b.get("receiving"):
        return False
    x, y = _span(a), _span(b)
    return bool(x and y and x[0] - WITHIN <= y[1] and y[0] - WITHIN <= x[1])


def _distance(a: dict[str, Any], b: dict[str, Any]) -> int:
    """How far apart two overlapping postings' ends (else starts) are, in days: the nearest is the twin."""
    for name in ("end", "start"):
        if a.get(name) and b.get(name):
            return abs((dates.lower(a[name]) - dates.lower(b[name])).days)
    return 1 << 20


def _stored(
    store: Store, prefix: str, base: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """The persons of other sources, and their postings: the store's, with `base` over them."""
    rows = store.rows("SELECT data FROM records WHERE kind = 'person' AND id NOT LIKE :p", p=prefix + "%")
    found = {p["id"]: p for p in (json.loads(r["data"]) for r in rows)}
    sql = (
        "SELECT r.data FROM postings p JOIN records r ON r.id = p.id "
        "WHERE p.person_id IS NOT NULL AND p.person_id NOT LIKE :p ORDER BY r.id"
    )
    held = {p["id"]: p for p in (json.loads(r["data"]) for r in store.rows(sql, p=prefix + "%"))}
    for record in base:
        if record.get("kind") == "person":
            found[record["id"]] = record
        elif record.get("kind") == "posting" and record.get("person"):
            held[record["id"]] = record
    postings: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for posting in sorted(held.values(), key=lambda p: p["id"]):
        postings[posting["person"]].append(posting)
    return list(found.values()), postings


def registry_of(record_id: str) -> str | None:
    return next((p for p in REGISTRIES if record_id.startswith(p)), None)


def apart(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Known to be two persons: born in different years, or listed apart by the same registry."""
    same_registry = registry_of(a["id"]) is not None and registry_of(a["id"]) == registry_of(b["id"])
    return same_registry or _birth_conflicts(a, b)


def possible_duplicates(persons: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Pairs from different sources with the same first given name and surname, not known apart."""
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for person in persons:
        for key in keys(person):
            by_key[key].append(person)
    pairs: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]] = {}
    for group in by_key.values():
        # only pairs across registries count: a name shared by thousands of one source's persons
        # costs one pass, not their square
        sides: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
        for person in group:
            sides[registry_of(person["id"])].append(person)
        for one, other in combinations(sides.values(), 2):
            for x in one:
                for y in other:
                    a, b = (x, y) if x["id"] < y["id"] else (y, x)
                    if not apart(a, b):
                        pairs[(a["id"], b["id"])] = (a, b)
    return [pairs[k] for k in sorted(pairs)]


def _measures(store: Store, prefix: str, base: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Measures of other sources that name a person: a registry's may record the same act."""
    sql = (
        "SELECT DISTINCT r.id, r.data FROM measure_persons m JOIN records r ON r.id = m.measure_id "
        "WHERE r.id NOT LIKE :p ORDER BY r.id"
    )
    found = {r["id"]: json.loads(r["data"]) for r in store.rows(sql, p=prefix + "%")}
    found.update({r["id"]: r for r in base if r.get("kind") == "measure" and r.get("persons")})
    return [found[k] for k in sorted(found)]


def _birth_conflicts(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(a.get("birth") and b.get("birth") and dates.year(a["birth"]) != dates.year(b["birth"]))


def _judge(
    person: dict[str, Any],
    candidate: dict[str, Any],
    mine: list[dict[str, Any]],
    theirs: list[dict[str, Any]],
) -> Match | None:
    same_name = bool(keys(person) & keys(candidate))
    if _birth_conflicts(person, candidate) or not (same_name or surname(person) == surname(candidate)):
        return None
    shared = [(a, b) for a in mine for b in theirs if overlaps(a, b)]
    reasons = ["same name" if same_name else "same surname"]
    if person.get("birth") and candidate.get("birth"):
        reasons.append(f"born {dates.year(person['birth'])}")
    reasons += [
        f"both {a['sending']} to {a.get('receiving')} around {a.get('end') or a.get('start')}" for a, _ in shared
    ]
    if not shared and not same_name:
        return None
    return Match(person["id"], candidate["id"], same_name and bool(shared), reasons, person["name"], candidate["name"])


def reconcile(
    store: Store, incoming: list[dict[str, Any]], *, prefix: str, base: list[dict[str, Any]] | None = None
) -> Reconciled:
    """Fold an importer's records into the store's persons where they surely match.

    `prefix` marks the importer's own ids: persons with it are the importer's earlier work, not
    another source, and are never matched. `base` are records about to be imported with these
    (the curated bundled files): they stand in for the store's versions of the same ids."""
    persons, postings = _stored(store, prefix, base or [])
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for person in persons:
        for key in keys(person) | {surname(person)}:
            by_key[key].append(person)
    own: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in incoming:
        if record["kind"] == "posting" and record.get("person"):
            own[record["person"]].append(record)
    result = Reconciled([])
    for record in incoming:
        if record["kind"] != "person":
            continue
        seen: dict[str, dict[str, Any]] = {}
        for key in keys(record) | {surname(record)}:
            seen.update({c["id"]: c for c in by_key.get(key, [])})
        found = [m for c in seen.values() if (m := _judge(record, c, own[record["id"]], postings[c["id"]]))]
        sure = [m for m in found if m.sure]
        if len(sure) == 1:
            result.merged.append(sure[0])
        else:
            result.proposals += sorted(found, key=lambda m: m.existing)
    result.records = _apply(incoming, result.merged, persons, postings, _measures(store, prefix, base or []))
    return result


def _apply(
    incoming: list[dict[str, Any]],
    merged: list[Match],
    persons: list[dict[str, Any]],
    postings: dict[str, list[dict[str, Any]]],
    measures: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    into = {m.incoming: m.existing for m in merged}
    stored = {p["id"]: p for p in persons}
    twins = _twins([r for r in incoming if r["kind"] == "posting" and r.get("person") in into], into, postings)
    out: list[dict[str, Any]] = []
    for record in incoming:
        kind = record["kind"]
        if kind == "person" and record["id"] in into:
            out.append(merge(stored[into[record["id"]]], record))
        elif kind == "posting" and record.get("person") in into:
            target = stored[into[record["person"]]]
            twin = twins.get(record["id"])
            if twin:
                out.append(merge(twin, record))
            else:
                out.append({**record, "person": target["id"], "person_name": target["name"]})
        elif kind == "measure" and set(record.get("persons", [])) & set(into):
            mapped = {**record, "persons": [into.get(p, p) for p in record["persons"]]}
            twin = next((m for m in measures if _same_measure(m, mapped)), None)
            out.append(merge(twin, mapped) if twin else mapped)
        else:
            out.append(record)
    return out


def _same_measure(stored: dict[str, Any], incoming: dict[str, Any]) -> bool:
    """One act recorded by both: same type, actor and target, a shared person, dates a month apart at most."""
    same = all(stored.get(k) == incoming.get(k) for k in ("type", "actor", "target"))
    shared = bool(set(stored.get("persons", [])) & set(incoming.get("persons", [])))
    a, b = stored.get("date"), incoming.get("date")
    return same and shared and bool(a and b) and abs(dates.lower(a) - dates.lower(b)) <= timedelta(days=31)


def _twins(
    mine: list[dict[str, Any]], into: dict[str, str], postings: dict[str, list[dict[str, Any]]]
) -> dict[str, dict[str, Any]]:
    """incoming posting id -> the stored posting it folds into: each stored posting takes the
    nearest overlapping incoming one, so two tours at one post fold into the right record."""
    found: dict[str, dict[str, Any]] = {}
    for person in sorted(set(into)):
        own = [p for p in mine if p["person"] == person]
        for stored in postings[into[person]]:
            near = sorted(
                (p for p in own if p["id"] not in found and overlaps(p, stored)), key=lambda p: _distance(p, stored)
            )
            if near:
                found[near[0]["id"]] = stored
    return found


def _refines(kept: str, other: str) -> bool:
    """`other` is the same date at a finer precision ("2018" and "2018-03-09")."""
    return len(other) > len(kept) and other.startswith(kept)


def merge(kept: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """`kept` (the stored, curated record) with what `other` adds: missing fields, finer dates,
    aliases and sources. Where both give a value and they differ, `kept` wins and `other`'s first
    source records the other value. Applying it twice gives the same record."""
    result = dict(kept)
    differs: dict[str, str] = {}
    for name, value in other.items():
        if name in KEEP or value in (None, "", []):
            continue
        current = result.get(name)
        if current in (None, "", []) or (name in DATE_FIELDS and _refines(str(current), str(value))):
            result[name] = value
        elif current != value and name not in ("reason", "detail"):  # each source's own wording
            differs[name] = str(value)
    if kept["kind"] == "person":
        names = [*kept.get("aliases", []), *([other["name"]] if other["name"] != kept["name"] else [])]
        result["aliases"] = list(dict.fromkeys([*names, *other.get("aliases", [])]))
    theirs = [dict(s) for s in other["sources"]]
    if differs:
        theirs[0]["differs"] = differs
    urls = {s["url"] for s in theirs}
    result["sources"] = [s for s in kept["sources"] if s["url"] not in urls] + theirs
    return result


def propose(store: Store, source: dict[str, Any], matches: list[Match], *, actor: str | None = None) -> list[str]:
    """Queue unsure matches as `person_merge` reviews citing the registry."""
    if not matches:
        return []
    source_id = "src-" + hashlib.sha1(source["url"].encode()).hexdigest()[:12]
    items = [(MERGE, m.as_dict()) for m in matches]
    return review_queue.add(store, source, source_id, items, actor=actor)
