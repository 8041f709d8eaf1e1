"""Persons: finding one from what a user types, and gathering everything the store says of them."""

from __future__ import annotations

import json
from typing import Any

from legation.errors import Ambiguous, NotFound
from legation.registry import search
from legation.registry.store import Store


def resolve(store: Store, text: str) -> str:
    """A person id from an id, a name or an alias (accents and case ignored), or a search."""
    if store.scalar("SELECT count(*) FROM persons WHERE id = :t", t=text):
        return text
    folded = search.fold(text.strip())
    rows = store.rows("SELECT id, name FROM persons UNION SELECT person_id AS id, alias AS name FROM aliases")
    exact = sorted({r["id"] for r in rows if search.fold(r["name"]) == folded})
    if len(exact) == 1:
        return str(exact[0])
    hits = search.run(store, text, kind="person", limit=20)["hits"]
    if len(exact) > 1 or (len(hits) > 1 and not exact):
        found = exact or [h["id"] for h in hits]
        raise Ambiguous(f"{text!r} matches several persons ({', '.join(found)}); give the id", found)
    if hits:
        return str(hits[0]["id"])
    raise NotFound(f"no person matches {text!r}")


def _records(store: Store, sql: str, **params: Any) -> list[dict[str, Any]]:
    return [json.loads(r["data"]) for r in store.rows(sql, **params)]


def profile(store: Store, person_id: str) -> dict[str, Any]:
    """The person, their postings with exits and consequences, contacts, and measures naming them."""
    person = store.get(person_id)
    if not person or person.get("kind") != "person":
        raise NotFound(f"no person with id {person_id!r}")
    postings = _records(
        store,
        "SELECT r.data FROM postings p JOIN records r ON r.id = p.id WHERE p.person_id = :pid "
        "ORDER BY coalesce(p.start_date, p.end_date, ''), p.id",
        pid=person_id,
    )
    # one query for the consequences of every posting (not one a posting), posting by posting
    # in the postings' order
    consequences = _records(
        store,
        "SELECT r.data FROM consequences c JOIN records r ON r.id = c.id JOIN postings p ON p.id = c.posting_id "
        "WHERE p.person_id = :pid "
        "ORDER BY coalesce(p.start_date, p.end_date, ''), p.id, coalesce(c.date, ''), c.id",
        pid=person_id,
    )
    contacts = _records(
        store,
        "SELECT r.data FROM contacts c JOIN records r ON r.id = c.id "
        "WHERE c.from_ref = :pid OR c.to_ref = :pid ORDER BY coalesce(c.date, ''), c.id",
        pid=person_id,
    )
    measures = _records(
        store,
        "SELECT r.data FROM measure_persons m JOIN records r ON r.id = m.measure_id "
        "WHERE m.person_id = :pid ORDER BY r.id",
        pid=person_id,
    )
    return {
        "person": person,
        "postings": postings,
        "consequences": consequences,
        "contacts": contacts,
        "measures": measures,
    }


def current_posting(profile_data: dict[str, Any]) -> dict[str, Any] | None:
    """The posting in force (no end, no exit); else the latest one."""
    postings = profile_data["postings"]
    open_ = [p for p in postings if not p.get("end") and not p.get("exit_type")]
    found: dict[str, Any] | None = (open_ or postings or [None])[-1]
    return found
