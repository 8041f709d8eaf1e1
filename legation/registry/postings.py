"""Who is in post: the postings in force on a date, and a mission's heads over time.

A posting is in force on a day when it started on or before it and had not ended: a date known
only to the year (or month) counts for every day of it, and the answer says so (`uncertain`). A
posting with no end and no exit is taken to run until the next head of the same mission took up
the post: registries often leave an old chief's end blank once a successor is listed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Any

from legation.errors import InputError
from legation.registry import bodies, dates, vocabularies
from legation.registry.store import Store

# The roles that head a mission, for the successor rule and the heads-of-mission timeline.
HEADS = (
    "ambassador",
    "minister",
    "charge_d_affaires",
    "permanent_representative",
    "consul_general",
    "diplomat",
    "special_envoy",
)


def _day(value: str) -> date:
    try:
        return dates.lower(value) if len(value) == 10 else _refuse(value)
    except ValueError:
        return _refuse(value)


def _refuse(value: str) -> date:
    raise InputError(f"expected a day as YYYY-MM-DD; got {value!r}", field="--at")


def _uncertain(posting: dict[str, Any], at: date) -> list[str]:
    notes = []
    for name in ("start", "end"):
        value = posting.get(name)
        if value and len(value) < 10 and dates.lower(value) <= at <= dates.upper(value):
            precision = "year" if len(value) == 4 else "month"
            notes.append(f"{name} known only to the {precision} ({value})")
    return notes


def _candidates(
    store: Store, at: str, sending: str | None, receiving: str | None, role: str | None
) -> list[dict[str, Any]]:
    """Postings that began by `at` and did not end before it, by the string form of their dates:
    an ISO date at any precision compares with `at` cut to the same length."""
    where = [
        "p.start_date IS NOT NULL",
        "p.start_date <= substr(:at, 1, length(p.start_date))",
        "(p.end_date IS NULL OR p.end_date >= substr(:at, 1, length(p.end_date)))",
    ]
    params: dict[str, Any] = {"at": at}
    for column, value in (("sending", sending), ("receiving", receiving), ("role", role)):
        if value:
            where.append(f"p.{column} = :{column}")
            params[column] = value
    sql = f"SELECT r.data FROM postings p JOIN records r ON r.id = p.id WHERE {' AND '.join(where)}"
    return [json.loads(r["data"]) for r in store.rows(sql, **params)]


def _successors(store: Store, missions: set[tuple[str, str | None]]) -> dict[tuple[str, str | None], list[str]]:
    """The start dates of each mission's heads, sorted, for the successor rule."""
    found: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    if not missions:
        return found
    heads = ", ".join(f"'{r}'" for r in HEADS)
    rows = store.rows(
        f"SELECT sending, receiving, start_date FROM postings WHERE start_date IS NOT NULL AND role IN ({heads})"
    )
    for row in rows:
        key = (row["sending"], row["receiving"])
        if key in missions:
            found[key].append(row["start_date"])
    return {k: sorted(v) for k, v in found.items()}


def _check(code: str | None, what: str) -> None:
    if code and not bodies.exists(code):
        raise InputError(f"expected a body code such as USA, RUS or UN; got {code!r}", field=what)


def in_force(
    store: Store,
    at: str,
    *,
    sending: str | None = None,
    receiving: str | None = None,
    role: str | None = None,
) -> dict[str, Any]:
    """The postings in force on `at` (YYYY-MM-DD), with any uncertainty spelled out."""
    day = _day(at)
    sending, receiving = (sending or "").upper() or None, (receiving or "").upper() or None
    _check(sending, "--sending")
    _check(receiving, "--receiving")
    if role and role not in vocabularies.codes("roles"):
        raise InputError(f"expected one of {', '.join(vocabularies.codes('roles'))}; got {role!r}", field="--role")
    found = _candidates(store, at, sending, receiving, role)
    open_ = {(p["sending"], p.get("receiving")) for p in found if not p.get("end") and p.get("role") in HEADS}
    later = _successors(store, open_)
    postings = []
    for posting in found:
        if not posting.get("end") and posting.get("exit_type"):
            continue  # it ended, nobody says when
        notes = _uncertain(posting, day)
        if not posting.get("end") and posting.get("role") in HEADS:
            key = (posting["sending"], posting.get("receiving"))
            if any(posting["start"] < s <= at for s in later.get(key, [])):
                continue  # a successor took up the post
            notes.append("no end recorded")
        postings.append(_row(posting, notes))
    postings.sort(  # by the names a reader sees, heads of mission first
        key=lambda p: (
            p["sending_name"],
            p["receiving_name"],
            HEADS.index(p["role"]) if p["role"] in HEADS else 99,
            p["start"],
        )
    )
    return {
        "at": at,
        "sending": sending,
        "receiving": receiving,
        "role": role,
        "count": len(postings),
        "postings": postings,
    }


def _row(posting: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    return {
        "id": posting["id"],
        "person": posting.get("person"),
        "name": posting.get("person_name") or posting.get("group"),
        "role": posting["role"],
        "role_label": vocabularies.label("roles", posting["role"]),
        "sending": posting["sending"],
        "sending_name": bodies.name(posting["sending"]),
        "receiving": posting.get("receiving"),
        "receiving_name": bodies.name(posting.get("receiving")),
        "start": posting.get("start"),
        "end": posting.get("end"),
        "uncertain": bool(notes and notes != ["no end recorded"]),
        "notes": notes,
        "sources": [s["url"] for s in posting.get("sources", [])],
    }


def heads_of_mission(store: Store, receiving: str, *, sending: str | None = None) -> list[dict[str, Any]]:
    """Each head of mission accredited to `receiving`, oldest first, with the end filled in from
    the successor where the record has none (and marked so)."""
    heads = ", ".join(f"'{r}'" for r in HEADS)
    sql = (
        "SELECT id, person_id, person_name, group_name, role, sending, start_date, end_date, exit_type "
        f"FROM postings WHERE receiving = :r AND start_date IS NOT NULL AND role IN ({heads})"
    )
    rows = store.rows(
        sql + (" AND sending = :s" if sending else ""), r=receiving, **({"s": sending} if sending else {})
    )
    by_sending: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r["sending"], r["start_date"], r["id"])):
        by_sending[row["sending"]].append(row)
    out = []
    for group in by_sending.values():
        for n, row in enumerate(group):
            nxt = next((g["start_date"] for g in group[n + 1 :] if g["start_date"] > row["start_date"]), None)
            end, assumed = row["end_date"], False
            if not end and not row["exit_type"]:
                end, assumed = nxt, nxt is not None
            out.append({**row, "end_date": end, "end_assumed": assumed})
    return out
