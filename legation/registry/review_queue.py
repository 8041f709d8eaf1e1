"""Adding to the review queue: what an extractor or a registry import proposes for a person to decide.

Deciding lives with the extractor (`legation.extraction.reviews`); this is only the way in, shared
by the article extractor and the registry importers' unsure person matches (registry.matching).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select

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
    rows = []
    for section, data in items:
        body = json.dumps({"section": section, "source": source_id, **data}, sort_keys=True, ensure_ascii=False)
        rows.append(("rv-" + hashlib.sha1(body.encode()).hexdigest()[:10], section, data))
    with store.transaction() as conn:
        wanted = [r[0] for r in rows]
        known = set(conn.execute(select(review_queue.c.id).where(review_queue.c.id.in_(wanted))).scalars())
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
