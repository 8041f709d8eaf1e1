"""Event-based isolation: a dyad's consults and rejected meetings by month, against its own baseline.

Definitions (docs/events.md):
- a dyad is two states; by default both directions count (A to B and B to A);
- `consults` are events whose signal is `consult` (CAMEO 04x), `rejections` those whose signal is
  `rejected_meeting` (CAMEO 125), counted from `event_dyad_months`;
- the months run without gaps from the dyad's first month with any kept event to its last one;
- a month's baseline is the mean count of the 12 calendar months before it, counting months without
  events as 0 and only months from the dyad's first month on; with no earlier month it is null;
- the ratio is count / baseline, null when the baseline is null or 0.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import and_, or_, select

from legation.events.tables import event_candidates, event_dyad_months
from legation.registry.store import Store

BASELINE_MONTHS = 12
CONSULT = "consult"
REJECTION = "rejected_meeting"
DEFINITION = (
    "Counts of GDELT events between the two states in both directions (consults: CAMEO 04x; rejections: "
    "CAMEO 125). A month's baseline is the mean count over the 12 calendar months before it (months without "
    "events count as 0; months before the dyad's first event are not counted); ratio = count / baseline."
)


def _months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    found: list[str] = []
    while (current := f"{year:04d}-{month:02d}") <= last:
        found.append(current)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _rows(store: Store, a: str, b: str, directed: bool) -> list[dict[str, Any]]:
    t = event_dyad_months
    pair = and_(t.c.actor == a, t.c.target == b)
    where = pair if directed else or_(pair, and_(t.c.actor == b, t.c.target == a))
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(t).where(where)).mappings()]


def _baseline(counts: list[int], index: int) -> float | None:
    earlier = counts[max(0, index - BASELINE_MONTHS) : index]
    return round(sum(earlier) / len(earlier), 3) if earlier else None


def _ratio(count: int, baseline: float | None) -> float | None:
    return round(count / baseline, 3) if baseline else None


def dyad_series(
    store: Store, a: str, b: str, *, start: str | None = None, end: str | None = None, directed: bool = False
) -> dict[str, Any]:
    """The dyad's monthly event signals, each month against the dyad's own baseline."""
    a, b = a.strip().upper(), b.strip().upper()
    rows = _rows(store, a, b, directed)
    by_month: dict[str, dict[str, Any]] = defaultdict(lambda: {"signals": defaultdict(int), "kinds": {}, "g": 0})
    for row in rows:
        cell = by_month[row["month"]]
        cell["signals"][row["signal"]] += row["events"]
        if row["signal"] == CONSULT:
            cell["kinds"][row["code"]] = cell["kinds"].get(row["code"], 0) + row["events"]
        cell["g"] += row["goldstein_tenths"]
    months = _months_between(min(by_month), max(by_month)) if by_month else []
    consults = [by_month[m]["signals"].get(CONSULT, 0) if m in by_month else 0 for m in months]
    rejections = [by_month[m]["signals"].get(REJECTION, 0) if m in by_month else 0 for m in months]
    series = []
    for i, month in enumerate(months):
        found = by_month.get(month)
        if not _inside(month, start, end):
            continue
        c_base, r_base = _baseline(consults, i), _baseline(rejections, i)
        cell = found or {"signals": {}, "kinds": {}, "g": 0}
        series.append(
            {
                "month": month,
                "consults": consults[i],
                "consults_by_kind": dict(sorted(cell["kinds"].items())),
                "rejections": rejections[i],
                "consult_baseline": c_base,
                "rejection_baseline": r_base,
                "consult_ratio": _ratio(consults[i], c_base),
                "rejection_ratio": _ratio(rejections[i], r_base),
                "signals": dict(sorted(cell["signals"].items())),
                "goldstein_sum": cell["g"] / 10,
            }
        )
    return {
        "source": "GDELT",
        "dyad": [a, b],
        "directed": directed,
        "definition": DEFINITION,
        "months": series,
        "totals": _totals(series),
    }


def _inside(month: str, start: str | None, end: str | None) -> bool:
    return (not start or month >= start[:7]) and (not end or month <= end[:7])


def _totals(series: list[dict[str, Any]]) -> dict[str, Any]:
    signals: dict[str, int] = defaultdict(int)
    for month in series:
        for name, count in month["signals"].items():
            signals[name] += count
    return {"months": len(series), "signals": dict(sorted(signals.items()))}


def candidates(
    store: Store,
    *,
    actor: str | None = None,
    target: str | None = None,
    min_mentions: int = 0,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Candidate measures (CAMEO 161 between two states) for the review queue, most mentioned first."""
    t = event_candidates
    query = select(t).where(t.c.mentions >= min_mentions)
    if actor:
        query = query.where(t.c.actor == actor.upper())
    if target:
        query = query.where(t.c.target == target.upper())
    query = query.order_by(t.c.mentions.desc(), t.c.date, t.c.event_id).limit(limit)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]
