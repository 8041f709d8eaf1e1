"""Turning one proposal (an extracted exit, measure, contact or posting) into registry records.

Ids follow docs/data-format.md. A person the store already knows keeps their id; a new name gets
`p-<given>-<family>`. A posting id that is taken gets a numeric suffix, so accepting never
overwrites a record it did not mean to.
"""

from __future__ import annotations

import re
from typing import Any

from legation.registry.search import fold
from legation.registry.store import Store


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:60] or "x"


def _free(store: Store, base: str, taken: set[str]) -> str:
    candidate, n = base, 1
    while candidate in taken or store.get(candidate) is not None:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate


def records(store: Store, section: str, data: dict[str, Any], source: dict[str, Any]) -> list[dict[str, Any]]:
    """The raw interchange records for one proposal, all citing the article as their source."""
    base = {"certainty": data.get("certainty") or "reported", "sources": [source]}
    build = {"exits": _exit, "postings_in_force": _exit, "measures": _measure, "contacts": _contact}[section]
    return [{**r, **base} for r in build(store, data)]


def _person(store: Store, data: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]]]:
    if data.get("person_id"):
        return str(data["person_id"]), []
    if not data.get("person"):
        return None, []
    person_id = "p-" + slug(str(data["person"]))
    if store.get(person_id):
        return person_id, []
    return person_id, [{"kind": "person", "id": person_id, "name": data["person"]}]


def _exit(store: Store, data: dict[str, Any]) -> list[dict[str, Any]]:
    person_id, made = _person(store, data)
    year = data.get("year")
    where = data.get("receiving_state") or data.get("sending_state") or "x"
    if person_id:
        stem = f"pos-{slug(str(data['person'])).split('-')[-1]}-{where}-{year or 'na'}".lower()
    else:
        stem = (
            f"pos-{data.get('sending_state') or 'x'}-{data.get('exit_type') or 'post'}-{where}-{year or 'na'}".lower()
        )
    posting_id = str(data.get("posting_id") or _free(store, stem, set()))
    posting = {
        "kind": "posting",
        "id": posting_id,
        "person": person_id,
        "person_name": data.get("person"),
        "group": data.get("group"),
        "count": data.get("count"),
        "role": data.get("role") or "diplomat",
        "sending": data.get("sending_state"),
        "receiving": data.get("receiving_state"),
        "end": str(year) if year and data.get("exit_type") else data.get("end"),
        "exit_type": data.get("exit_type"),
        "reason": data.get("reason"),
        "destination": data.get("destination"),
        "next_role": data.get("next_role"),
    }
    made.append({k: v for k, v in posting.items() if v is not None})
    for kind in data.get("consequences") or []:
        made.append(
            {
                "kind": "consequence",
                "id": f"con-{posting_id.removeprefix('pos-')}-{kind}",
                "posting": posting_id,
                "type": kind,
            }
        )
    return made


def _measure(store: Store, data: dict[str, Any]) -> list[dict[str, Any]]:
    year = data.get("year")
    stem = f"m-{data.get('actor')}-{data.get('target')}-{year or 'na'}-{data.get('measure')}".lower()
    measure = {
        "kind": "measure",
        "id": _free(store, stem, set()),
        "type": data.get("measure"),
        "actor": data.get("actor"),
        "target": data.get("target"),
        "date": str(year) if year else None,
        "count": data.get("count"),
        "detail": data.get("detail"),
    }
    return [{k: v for k, v in measure.items() if v is not None}]


def _contact(store: Store, data: dict[str, Any]) -> list[dict[str, Any]]:
    sender = data.get("from_id") or data.get("from") or "unknown"
    year = data.get("year")
    contact = {
        "kind": "contact",
        "id": _free(store, f"c-{slug(str(sender))}-{year or 'na'}-1", set()),
        "from": sender,
        "to": data.get("to") or "unknown",
        "channel": data.get("channel"),
        "outcome": data.get("outcome"),
        "date": str(year) if year else None,
        "count": data.get("count") or 1,
    }
    return [{k: v for k, v in contact.items() if v is not None}]
