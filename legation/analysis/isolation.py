"""Isolation: the refused share of an envoy's or a mission's attempts at contact (DOMAIN.md).

refused share = (declined + unanswered + cancelled) / attempts, where a contact's `count` counts as that
many attempts, with a 95% Wilson interval and a trend by month.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from typing import Any

from legation.analysis.signals import EventsQuery, events, register_events_provider
from legation.errors import InputError
from legation.registry import bodies, dates, persons, vocabularies
from legation.registry.store import Store

__all__ = ["isolation", "register_events_provider", "wilson"]
Z95 = 1.959963984540054


def wilson(refused: int, attempts: int, z: float = Z95) -> list[float] | None:
    """The Wilson score interval for a share; None when there were no attempts."""
    if attempts <= 0:
        return None
    p = refused / attempts
    denom = 1 + z * z / attempts
    centre = (p + z * z / (2 * attempts)) / denom
    half = z * math.sqrt(p * (1 - p) / attempts + z * z / (4 * attempts * attempts)) / denom
    return [round(max(0.0, centre - half), 6), round(min(1.0, centre + half), 6)]


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 6) if whole else None


def _mission(text: str) -> tuple[str, str | None] | None:
    """`RUS` or `RUS@USA` (the RUS mission at USA) as (sending, receiving), when it names bodies."""
    sending, _, receiving = text.strip().partition("@")
    if bodies.exists(sending) and (not receiving or bodies.exists(receiving)):
        return sending, receiving or None
    return None


def _overlaps(value: str | None, start: str | None, end: str | None) -> bool:
    """Whether a date at its precision can fall in the window; undated contacts fall outside any window."""
    if not start and not end:
        return True
    if not value:
        return False
    return (not start or dates.upper(value) >= dates.lower(start)) and (
        not end or dates.lower(value) <= dates.upper(end)
    )


def _contacts_of(store: Store, refs: list[str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for ref in refs:
        rows = store.rows(
            "SELECT r.data FROM contacts c JOIN records r ON r.id = c.id WHERE c.from_ref = :ref", ref=ref
        )
        found += [json.loads(r["data"]) for r in rows]
    return found


def _mission_contacts(store: Store, sending: str, receiving: str | None) -> list[dict[str, Any]]:
    """The mission's own contacts, and its envoys' contacts made while their posting there ran."""
    found = _contacts_of(store, [f"{sending}@{receiving}" if receiving else sending])
    sql = "SELECT person_id, start_date, end_date FROM postings WHERE sending = :s AND person_id IS NOT NULL"
    postings = store.rows(sql + (" AND receiving = :r" if receiving else ""), s=sending, r=receiving)
    for posting in postings:
        for contact in _contacts_of(store, [posting["person_id"]]):
            if _overlaps(contact.get("date"), posting["start_date"], posting["end_date"]):
                found.append(contact)
    return list({c["id"]: c for c in found}.values())


def _subject(store: Store, who: str) -> tuple[dict[str, Any], list[dict[str, Any]], tuple[str | None, str | None]]:
    """What `who` names, its contacts, and the dyad (sending, receiving) that event data would use."""
    mission = _mission(who)
    if mission:
        sending, receiving = mission
        label = f"{bodies.name(sending)} mission" + (f" in {bodies.name(receiving)}" if receiving else "s")
        subject = {"kind": "mission", "id": who.strip(), "name": label, "sending": sending, "receiving": receiving}
        return subject, _mission_contacts(store, sending, receiving), mission
    person_id = persons.resolve(store, who)
    profile = persons.profile(store, person_id)
    posting = persons.current_posting(profile)
    dyad = (posting["sending"], posting.get("receiving")) if posting else (None, None)
    subject = {"kind": "person", "id": person_id, "name": profile["person"]["name"]}
    return subject, _contacts_of(store, [person_id]), dyad


def _by_month(contacts: list[dict[str, Any]], refused: frozenset[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    coarse: dict[str, Any] = {"attempts": 0, "refused": 0, "contacts": []}
    for c in contacts:
        n, hit = c.get("count", 1), c["outcome"] in refused
        year, month, _ = dates.parts(c["date"]) if c.get("date") else (0, None, None)
        if month is not None:  # from the parts, not the text: an older store may hold odd digits
            months[f"{year:04d}-{month:02d}"][0] += n
            months[f"{year:04d}-{month:02d}"][1] += n if hit else 0
        else:
            coarse["attempts"] += n
            coarse["refused"] += n if hit else 0
            coarse["contacts"].append(c["id"])
    trend = [{"month": m, "attempts": a, "refused": r, "share": share(r, a)} for m, (a, r) in sorted(months.items())]
    return trend, coarse


def _note(attempts: int, contacts: int) -> str | None:
    if attempts == 0:
        return "No recorded attempts at contact in this window: the share cannot be computed."
    if contacts == 1:
        return "One contact record only: the share rests on a single report."
    if attempts < 10:
        return f"Only {attempts} recorded attempts: the interval is wide."
    return None


def isolation(store: Store, who: str, *, start: str | None = None, end: str | None = None) -> dict[str, Any]:
    """The refused share of the attempts at contact by a person (name, alias, id) or a mission.

    A mission is a body code (`RUS`: all its missions) or `RUS@USA` (its mission in the USA). Its attempts
    are the contacts whose `from` is that code, and those of persons holding a posting from it, made while
    that posting ran.
    """
    for field, value in (("from", start), ("to", end)):
        try:
            dates.normalise(value)
        except ValueError as exc:
            raise InputError(str(exc), field=field) from None
    subject, found, dyad = _subject(store, who)
    contacts = sorted(
        (c for c in found if _overlaps(c.get("date"), start, end)), key=lambda c: (c.get("date") or "", c["id"])
    )
    refused_codes = vocabularies.refused_outcomes()
    attempts = sum(c.get("count", 1) for c in contacts)
    refused = sum(c.get("count", 1) for c in contacts if c["outcome"] in refused_codes)
    trend, coarse = _by_month(contacts, refused_codes)
    query = EventsQuery(store, "isolation", actor=dyad[0], target=dyad[1], start=start, end=end)
    return {
        "who": subject,
        "window": {"start": start, "end": end},
        "attempts": attempts,
        "refused": refused,
        "share": share(refused, attempts),
        "ci95": wilson(refused, attempts),
        "by_month": trend,
        "not_in_months": coarse,
        "contacts": contacts,
        "events": events(query),
        "note": _note(attempts, len(contacts)),
    }
