"""The review queue: what an extractor proposed, waiting for a person's decision.

`queue` stores each proposal with its article (a `source` record). Accepting one turns it into
registry records through `imports.import_records`, the same path every import takes, so the new
records carry the article as their source and start their history. Nothing enters the registry
from an article without a decision, unless the caller accepts everything on purpose.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from legation.errors import InputError, NotFound
from legation.extraction import SECTIONS, proposals
from legation.extraction.articles import Article
from legation.registry import imports, review_queue, schema
from legation.registry.imports import Located
from legation.registry.matching import MERGE
from legation.registry.store import Store, actor_name, now

queue_table = schema.review_queue  # declared with the other tables; the registry queues person merges too
STATUSES = ("pending", "accepted", "merged", "rejected")
INTEGER_FIELDS = frozenset({"year", "count"})
EXCERPT = 280  # characters of the article kept on each side of the evidence sentence


@dataclass
class Review:
    id: str
    source_id: str
    section: str
    data: dict[str, Any]
    status: str
    records: list[str]
    created_at: str = ""
    created_by: str = ""
    decided_at: str | None = None
    decided_by: str | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def source_id(article: Article) -> str:
    return "src-" + hashlib.sha1(article.url.encode()).hexdigest()[:12]


def queue(store: Store, article: Article, extraction: dict[str, Any], *, actor: str | None = None) -> list[str]:
    """Store the article as a source and each proposal as a pending review; returns review ids."""
    save_source(store, article, actor=actor)
    with store.transaction() as conn:
        return enqueue(conn, article, extraction, actor=actor)


def save_source(store: Store, article: Article, *, actor: str | None = None) -> str:
    """The article as a `source` record (its own import: validated, versioned); returns its id."""
    if not article.url.startswith(("http://", "https://")):
        raise InputError(
            "a local copy is no source a reader can open; give the address it was published at (--url)",
            file=article.url,
            field="url",
        )
    src = source_id(article)
    raw = {"kind": "source", "id": src, **article.source()}
    imports.import_records(store, [Located(article.url, None, raw)], actor=actor)
    return src


def enqueue(conn: Connection, article: Article, extraction: dict[str, Any], *, actor: str | None = None) -> list[str]:
    """Add the pending reviews inside the caller's transaction, so a caller can write its own
    bookkeeping (the feed watcher's ledger) in the same commit. The source must be saved first."""
    src = source_id(article)
    rows = []
    for section in SECTIONS:
        for item in extraction.get(section, []):
            rows.append((review_queue.review_id(section, src, item), section, _with_excerpt(item, article.text)))
    return review_queue.enqueue(conn, src, rows, actor=actor)


def _with_excerpt(item: dict[str, Any], text: str) -> dict[str, Any]:
    """Keep a few lines of the article around the evidence, so a reviewer reads it in context
    without the article itself being stored."""
    evidence = item.get("evidence")
    if not isinstance(evidence, dict) or not text or not isinstance(evidence.get("start"), int):
        return item
    start, end = int(evidence["start"]), int(evidence.get("end") or evidence["start"])
    sentence = str(evidence.get("sentence") or "")
    at = text.rfind(sentence, 0, end + len(sentence)) if sentence else -1
    left, right = (at, at + len(sentence)) if at >= 0 else (start, end)
    lo, hi = max(0, left - EXCERPT), min(len(text), right + EXCERPT)
    lo = text.find(" ", lo) + 1 if lo else 0
    hi = max(text.rfind(" ", 0, hi), right) if hi < len(text) else hi
    clipped = {"excerpt_start": lo, "excerpt_more": hi < len(text)}
    return {**item, "evidence": {**evidence, "excerpt": text[lo:hi].strip(), **clipped}}


def listing(store: Store, *, status: str | None = "pending", newest_first: bool = False) -> list[Review]:
    order = (queue_table.c.created_at.desc(), queue_table.c.id) if newest_first else (queue_table.c.created_at,)
    query = select(queue_table).order_by(*order, queue_table.c.id)
    if status:
        query = query.where(queue_table.c.status == status)
    with store.engine.connect() as conn:
        return [_review(dict(r)) for r in conn.execute(query).mappings()]


def get(store: Store, review_id: str) -> Review:
    with store.engine.connect() as conn:
        row = conn.execute(select(queue_table).where(queue_table.c.id == review_id)).mappings().first()
    if row is None:
        raise NotFound(f"no review with id {review_id!r}; see `legation review`")
    return _review(dict(row))


def _review(row: dict[str, Any]) -> Review:
    return Review(
        row["id"],
        row["source_id"],
        row["section"],
        json.loads(row["data"]),
        row["status"],
        json.loads(row["records"] or "[]"),
        row["created_at"],
        row["created_by"],
        row["decided_at"],
        row["decided_by"],
        row.get("reason"),
    )


def edits(pairs: list[str]) -> dict[str, Any]:
    """`field=value` pairs from the command line; `null` clears a field, year and count are numbers."""
    found: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise InputError(f"expected field=value; got {pair!r}", field="--set")
        found[name.strip()] = _value(name.strip(), value.strip())
    return found


def _value(name: str, value: str) -> Any:
    if value.lower() in ("null", "none", ""):
        return None
    if name in INTEGER_FIELDS:
        if not value.isdigit():
            raise InputError(f"expected a whole number; got {value!r}", field=name)
        return int(value)
    if name == "consequences":
        return [v.strip() for v in value.split(",") if v.strip()]
    return value


def accept(
    store: Store, review_id: str, *, changes: dict[str, Any] | None = None, actor: str | None = None
) -> list[str]:
    """Accept a pending proposal (with edits): write its records, mark it accepted."""
    review = _writable(store, review_id)
    data = {**review.data, **(changes or {})}
    return _write(store, review, data, "accepted", actor)


def merge(store: Store, review_id: str, into: str, *, actor: str | None = None) -> list[str]:
    """Accept a proposal into an existing person (its new posting) or posting (its exit)."""
    review = _writable(store, review_id)
    target = store.get(into)
    if target is None or target["kind"] not in ("person", "posting"):
        raise NotFound(f"no person or posting with id {into!r} to merge into")
    data = dict(review.data)
    if target["kind"] == "person":
        data.update(person_id=into, person=target["name"])
    else:
        if review.section not in ("exits", "postings_in_force"):
            raise InputError(
                f"only an exit or a posting merges into a posting; this is a {review.section} proposal", field="--into"
            )
        data = _onto_posting(target, data)
    return _write(store, review, data, "merged", actor)


def _onto_posting(posting: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The posting's own fields win; the proposal fills the exit and adds its source."""
    merged = {
        "person_id": posting.get("person"),
        "person": posting.get("person_name"),
        "posting_id": posting["id"],
        "group": posting.get("group"),
        "count": posting.get("count"),
        "role": posting.get("role"),
        "sending_state": posting.get("sending"),
        "receiving_state": posting.get("receiving"),
        "end": posting.get("end"),
    }
    return {**data, **{k: v for k, v in merged.items() if v is not None}, "_keep": posting}


def _writable(store: Store, review_id: str) -> Review:
    """A pending proposal that records can be written from; a person merge is decided by hand."""
    review = _pending(store, review_id)
    if review.section == MERGE:
        raise InputError(
            f"review {review_id} proposes that {review.data['incoming']} is {review.data['existing']}: "
            "add the registry's name as an alias of the stored person and import again, or reject it",
            record=review_id,
        )
    return review


def reject(store: Store, review_id: str, *, reason: str | None = None, actor: str | None = None) -> None:
    """Reject a proposal, with the reviewer's reason; it stays in the queue and writes nothing."""
    _pending(store, review_id)
    _decide(store, review_id, "rejected", [], actor, reason=(reason or "").strip() or None)


def _pending(store: Store, review_id: str) -> Review:
    review = get(store, review_id)
    if review.status != "pending":
        raise InputError(f"review {review_id} is already {review.status}", record=review_id)
    return review


def _write(store: Store, review: Review, data: dict[str, Any], status: str, actor: str | None) -> list[str]:
    source = store.get(review.source_id) or {}
    cite = {k: v for k, v in source.items() if k in ("url", "title", "publisher", "published", "accessed")}
    keep = data.pop("_keep", None)
    raws = proposals.records(store, review.section, data, cite)
    if keep is not None:
        raws = [_keep_posting(r, keep, cite) if r["id"] == keep["id"] else r for r in raws]
    items = [Located(f"review {review.id}", None, raw) for raw in raws]
    imports.import_records(store, items, actor=actor)
    ids = [str(r["id"]) for r in raws]
    _decide(store, review.id, status, ids, actor)
    return ids


def _keep_posting(raw: dict[str, Any], existing: dict[str, Any], cite: dict[str, Any]) -> dict[str, Any]:
    """An existing posting with the exit filled in, citing its old sources and the article."""
    filled = {**raw, **{k: v for k, v in existing.items() if k not in ("sources", "certainty") and v is not None}}
    for name in ("exit_type", "end", "reason", "destination", "next_role"):
        filled[name] = existing.get(name) or raw.get(name)
    sources = existing.get("sources", []) + ([cite] if cite not in existing.get("sources", []) else [])
    return {k: v for k, v in {**filled, "sources": sources}.items() if v is not None}


def _decide(
    store: Store, review_id: str, status: str, ids: list[str], actor: str | None, *, reason: str | None = None
) -> None:
    decided = {"decided_at": now(), "decided_by": actor or actor_name(), "records": json.dumps(ids), "reason": reason}
    with store.transaction() as conn:
        conn.execute(queue_table.update().where(queue_table.c.id == review_id).values(status=status, **decided))


def accept_all(store: Store, review_ids: list[str], *, actor: str | None = None) -> list[str]:
    written: list[str] = []
    for review_id in review_ids:
        if get(store, review_id).status == "pending":
            written += accept(store, review_id, actor=actor)
    return written


def reject_all(store: Store, review_ids: list[str], *, reason: str | None = None, actor: str | None = None) -> int:
    """Reject every pending one of these proposals; returns how many were rejected."""
    pending = [r for r in review_ids if get(store, r).status == "pending"]
    for review_id in pending:
        reject(store, review_id, reason=reason, actor=actor)
    return len(pending)
