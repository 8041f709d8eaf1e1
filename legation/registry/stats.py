"""Counts over the registry: by kind, exit type, decade and sending state, and the coverage table."""

from __future__ import annotations

from collections import Counter
from typing import Any

from legation.registry import bodies, vocabularies
from legation.registry.store import Store


def decade(year: int | None) -> str:
    return f"{year // 10 * 10}s" if year else "undated"


def _exits(store: Store) -> list[dict[str, Any]]:
    return store.rows("SELECT exit_type, end_year, sending FROM postings WHERE exit_type IS NOT NULL")


def stats(store: Store) -> dict[str, Any]:
    """The figures `legation stats` prints; every count is over the records in the store."""
    kinds = {r["kind"]: r["n"] for r in store.rows("SELECT kind, count(*) AS n FROM records GROUP BY kind")}
    exits = _exits(store)
    by_state = Counter(e["sending"] for e in exits)
    return {
        "records": {k: kinds.get(k, 0) for k in ("person", "posting", "consequence", "measure", "contact", "source")},
        "exits": len(exits),
        "sending_states": len(by_state),
        "by_exit_type": _ordered(Counter(e["exit_type"] for e in exits), vocabularies.codes("exit_types")),
        "by_decade": dict(sorted(Counter(decade(e["end_year"]) for e in exits).items())),
        "by_sending_state": dict(by_state.most_common()),
        "by_region": dict(Counter(bodies.region_of(e["sending"]) for e in exits).most_common()),
        "measures_by_type": _ordered(
            Counter(r["type"] for r in store.rows("SELECT type FROM measures")), vocabularies.codes("measures")
        ),
        "consequences_by_type": _ordered(
            Counter(r["type"] for r in store.rows("SELECT type FROM consequences")), vocabularies.codes("consequences")
        ),
    }


def _ordered(counts: Counter[str], order: tuple[str, ...]) -> dict[str, int]:
    return {code: counts[code] for code in order if counts[code]}


def coverage(store: Store, top: int = 15) -> dict[str, Any]:
    """Exits by exit type × decade, and the sending states with the most exits."""
    exits = _exits(store)
    decades = sorted({decade(e["end_year"]) for e in exits})
    table = {t: {d: 0 for d in decades} for t in vocabularies.codes("exit_types")}
    for e in exits:
        table[e["exit_type"]][decade(e["end_year"])] += 1
    table = {t: row for t, row in table.items() if sum(row.values())}
    states = Counter(e["sending"] for e in exits).most_common(top)
    return {
        "decades": decades,
        "by_exit_type": table,
        "top_sending_states": [{"code": c, "name": bodies.name(c), "exits": n} for c, n in states],
    }


def coverage_markdown(data: dict[str, Any]) -> str:
    """The coverage tables as Markdown, for docs/coverage.md."""
    decades = data["decades"]
    lines = ["| exit type | " + " | ".join(decades) + " | total |", "|---|" + "---:|" * (len(decades) + 1)]
    for exit_type, row in data["by_exit_type"].items():
        cells = " | ".join(str(row[d]) for d in decades)
        lines.append(f"| `{exit_type}` | {cells} | {sum(row.values())} |")
    totals = [sum(r[d] for r in data["by_exit_type"].values()) for d in decades]
    lines.append("| **all** | " + " | ".join(map(str, totals)) + f" | {sum(totals)} |")
    lines += ["", "| sending state | exits |", "|---|---:|"]
    lines += [f"| {s['name']} (`{s['code']}`) | {s['exits']} |" for s in data["top_sending_states"]]
    return "\n".join(lines) + "\n"
