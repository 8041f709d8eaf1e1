"""What changed: the latest versions of any record, newest first, each with a diff against the
version before it. The web's /changes page, its Atom feed and `legation changes` read this.

A record is "about" a state when one of its body fields names it (sending, receiving, actor,
target, citizenship, destination, authority), so `state=RUS` follows Russia's diplomats and the
measures Russia took or suffered.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from legation.errors import InputError
from legation.registry.search import title
from legation.registry.store import Store

STATE_FIELDS = ("sending", "receiving", "actor", "target", "citizenship", "destination", "authority")
SCAN = 500  # versions read per round while filtering by state
MAX_LIMIT = 500

_LATEST = (
    "SELECT v.record_id, v.version, v.kind, v.change, v.changed_at, v.changed_by, coalesce(v.data, r.data) AS data "
    "FROM versions v JOIN records r ON r.id = v.record_id WHERE v.changed_at >= :since {kind} "
    "ORDER BY v.changed_at DESC, v.version DESC, v.record_id LIMIT :n OFFSET :skip"  # stamps are to the second
)


def since_date(value: str | None) -> str:
    """A `--since` value as the ISO timestamp prefix the versions are compared with."""
    if not value:
        return ""
    try:
        return date.fromisoformat(value[:10]).isoformat() + value[10:]
    except ValueError:
        raise InputError(f"expected a date such as 2026-11-01; got {value!r}", field="since") from None


def latest(
    store: Store, *, since: str | None = None, state: str | None = None, kind: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """The newest versions first, each with who wrote it and its diff against the one before."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"a limit between 1 and {MAX_LIMIT}; got {limit}", field="limit")
    sql = _LATEST.format(kind="AND v.kind = :kind" if kind else "")
    found: list[dict[str, Any]] = []
    skip = 0
    while len(found) < limit:
        rows = store.rows(sql, since=since_date(since), kind=kind, n=SCAN, skip=skip)
        for row in rows:
            data = json.loads(row["data"])
            if state is None or state.upper() in _states(data):
                found.append({**row, "data": data})
        if len(rows) < SCAN:
            break
        skip += SCAN
    found = found[:limit]
    _add_diffs(store, found)
    return found


def _states(data: dict[str, Any]) -> set[str]:
    return {str(data[f]) for f in STATE_FIELDS if data.get(f)}


def _add_diffs(store: Store, changes: list[dict[str, Any]]) -> None:
    wanted = [(c["record_id"], c["version"] - 1) for c in changes if c["version"] > 1]
    before = previous_versions(store, wanted)
    for change in changes:
        old = before.get((change["record_id"], change["version"] - 1))
        change["title"] = title(change["data"])
        change["diff"] = diff(old, change["data"])


def previous_versions(store: Store, keys: list[tuple[str, int]]) -> dict[tuple[str, int], dict[str, Any]]:
    """The stored text of the given (record, version) pairs, superseded versions only."""
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for record_id, version in keys:
        rows = store.rows(
            "SELECT data FROM versions WHERE record_id = :r AND version = :v AND data IS NOT NULL",
            r=record_id,
            v=version,
        )
        if rows:
            found[(record_id, version)] = json.loads(rows[0]["data"])
    return found


def diff(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """Field by field: what was added, removed or changed. A first version lists every field."""
    old = before or {}
    rows = []
    for name in [*after, *(k for k in old if k not in after)]:
        if name in ("kind", "id"):
            continue
        was, now = old.get(name), after.get(name)
        if was == now:
            continue
        change = "added" if was is None else "removed" if now is None else "changed"
        rows.append({"field": name, "change": change, "before": shown(was), "after": shown(now)})
    return rows


def shown(value: Any) -> str | None:
    """A value as one line of text: sources by their title or address, lists joined."""
    if value is None:
        return None
    if isinstance(value, list):
        return "; ".join(s for s in (shown(v) for v in value) if s)
    if isinstance(value, dict):
        return str(value.get("title") or value.get("url") or json.dumps(value, ensure_ascii=False))
    return str(value)
