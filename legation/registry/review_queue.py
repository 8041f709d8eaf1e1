"""Adding to the review queue: what an extractor or a registry import proposes for a person to decide.

Deciding lives with the extractor (`legation.extraction.reviews`); this is only the way in, shared
by the article extractor and the registry importers' unsure person matches (registry.matching).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import Connection, select

from legation.registry import imports
from legation.registry.imports import Located
from legation.registry.schema import review_queue
from legation.registry.store import Store, actor_name, now


def add(
    store: Store,
    source: dict[str, Any],
    source_id: str,
    items: list[tuple[str, dict[str, Any]]],
    *,
    actor: str | None = None,
) -> list[str]:
    """Store the source as a `source` record and each (section, data) as a pending review, once:
    a proposal already queued (or decided) keeps its row. Returns the review ids."""
    raw = {"kind": "source", "id": source_id, **source}
    imports.import_records(store, [Located(str(source["url"]), None, raw)], actor=actor)
    rows = [(review_id(section, source_id, data), section, data) for section, data in items]
    with store.transaction() as conn:
        return enqueue(conn, source_id, rows, actor=actor)


def review_id(section: str, source_id: str, proposal: dict[str, Any]) -> str:
    """The same proposal from the same source always gets the same id, so it is queued once."""
    body = json.dumps({"section": section, "source": source_id, **proposal}, sort_keys=True, ensure_ascii=False)
    return "rv-" + hashlib.sha1(body.encode()).hexdigest()[:10]


def enqueue(
    conn: Connection, source_id: str, rows: list[tuple[str, str, dict[str, Any]]], *, actor: str | None = None
) -> list[str]:
    """Insert the (id, section, data) rows not queued yet, in the caller's transaction; returns every id."""
    if not rows:
        return []
    known = set(conn.execute(select(review_queue.c.id).where(review_queue.c.id.in_([r[0] for r in rows]))).scalars())
    fresh = [
        {
            "id": rid,
            "source_id": source_id,
            "section": section,
            "data": json.dumps(data, ensure_ascii=False),
            "status": "pending",
            "created_at": now(),
            "created_by": actor or actor_name(),
        }
        for rid, section, data in rows
        if rid not in known
    ]
    if fresh:
        conn.execute(review_queue.insert(), fresh)
    return [r[0] for r in rows]
