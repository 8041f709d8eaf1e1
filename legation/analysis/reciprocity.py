"""Reciprocity: what two states do to each other's missions, and which measures answer which (DOMAIN.md).

Measure B answers measure A when B's actor is A's target and B's target is A's actor, B's type is A's or
of the same family (vocabularies.measure_family), and B comes after A within the window. An explicit
`reciprocal_of` link always makes a pair, whatever the window.

Dates keep their precision, so a lag is a range: `lag_days` is its lower bound (B's earliest day minus
A's latest day, never below 0) and `lag_days_max` its upper bound. An inferred pair needs the lower bound
within the window; undated measures are never paired by inference.
"""

from __future__ import annotations

import json
from typing import Any

from legation.analysis.signals import EventsQuery, events
from legation.errors import InputError
from legation.registry import bodies, dates, vocabularies
from legation.registry.store import Store

DEFAULT_WINDOW = 60


def _measures(store: Store, a: str, b: str) -> list[dict[str, Any]]:
    rows = store.rows(
        "SELECT r.data FROM measures m JOIN records r ON r.id = m.id "
        "WHERE (m.actor = :a AND m.target = :b) OR (m.actor = :b AND m.target = :a)",
        a=a,
        b=b,
    )
    found = [json.loads(r["data"]) for r in rows]
    return sorted(found, key=_order)


def _order(m: dict[str, Any]) -> tuple[int, str, str, str]:
    day = m.get("date")
    return (
        0 if day else 1,
        dates.lower(day).isoformat() if day else "",
        dates.upper(day).isoformat() if day else "",
        m["id"],
    )


def lag(first: dict[str, Any], then: dict[str, Any]) -> tuple[int | None, int | None]:
    """(least, most) days from `first` to `then`, given each date's precision; None when either is undated."""
    if not first.get("date") or not then.get("date"):
        return None, None
    least = (dates.lower(then["date"]) - dates.upper(first["date"])).days
    most = (dates.upper(then["date"]) - dates.lower(first["date"])).days
    return max(0, least), most


def _comparable(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a["type"] == b["type"] or vocabularies.measure_family(a["type"]) == vocabularies.measure_family(b["type"])


def _pair(answer: dict[str, Any], earlier: dict[str, Any], *, explicit: bool, window: int) -> dict[str, Any]:
    least, most = lag(earlier, answer)
    ratio = None
    if answer.get("count") is not None and earlier.get("count"):
        ratio = round(answer["count"] / earlier["count"], 6)
    return {
        "measure": answer["id"],
        "answers": earlier["id"],
        "measure_type": answer["type"],
        "answers_type": earlier["type"],
        "direction": f"{answer['actor']}->{answer['target']}",
        "lag_days": least,
        "lag_days_max": most,
        "count_ratio": ratio,
        "same_type": answer["type"] == earlier["type"],
        "explicit": explicit,
        "within_window": least is not None and least <= window,
    }


def _inferred(timeline: list[dict[str, Any]], i: int, window: int) -> dict[str, Any] | None:
    """The latest earlier measure that `timeline[i]` may answer, within the window."""
    answer = timeline[i]
    earlier: dict[str, Any]
    if not answer.get("date"):
        return None
    for earlier in reversed(timeline[:i]):
        if (earlier["actor"], earlier["target"]) != (answer["target"], answer["actor"]) or not earlier.get("date"):
            continue
        least, most = lag(earlier, answer)
        if _comparable(earlier, answer) and least is not None and most is not None and most >= 0 and least <= window:
            return earlier
    return None


def pairs(timeline: list[dict[str, Any]], window: int) -> list[dict[str, Any]]:
    by_id = {m["id"]: m for m in timeline}
    found: list[dict[str, Any]] = []
    for i, measure in enumerate(timeline):
        linked = by_id.get(measure.get("reciprocal_of") or "")
        if linked:
            found.append(_pair(measure, linked, explicit=True, window=window))
            continue
        earlier = _inferred(timeline, i, window)
        if earlier:
            found.append(_pair(measure, earlier, explicit=False, window=window))
    return found


def _summary(timeline: list[dict[str, Any]], a: str, b: str) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for actor, target in ((a, b), (b, a)):
        own = [m for m in timeline if m["actor"] == actor and m["target"] == target]
        out[f"{actor}->{target}"] = {"measures": len(own), "persons_affected": sum(m.get("count") or 0 for m in own)}
    return out


def dyad(store: Store, a: str, b: str, *, window_days: int = DEFAULT_WINDOW) -> dict[str, Any]:
    """Measures between two bodies in both directions, on one timeline, with their reciprocal pairs."""
    a, b = a.strip().upper(), b.strip().upper()
    for field, code in (("a", a), ("b", b)):
        if not bodies.exists(code):
            raise InputError(f"a body code such as RUS or USA; got {code!r}", field=field)
    if window_days < 0:
        raise InputError(f"a window of 0 days or more; got {window_days}", field="window")
    timeline = _measures(store, a, b)
    found = pairs(timeline, window_days)
    note = None
    if not timeline:
        note = "No recorded measures between these two."
    elif len(timeline) == 1:
        note = "One measure only: there is nothing it could answer or be answered by."
    return {
        "a": a,
        "b": b,
        "names": {a: bodies.name(a), b: bodies.name(b)},
        "window_days": window_days,
        "measures": timeline,
        "by_direction": _summary(timeline, a, b),
        "reciprocal_pairs": found,
        "undated": [m["id"] for m in timeline if not m.get("date")],
        "events": events(EventsQuery(store, "dyad", actor=a, target=b)),
        "note": note,
    }
