"""Browse tables without a query: persons, postings, consequences, measures, contacts and sources.

Each table is declared once here: its columns (name, label, the SQL that gives it, what it is), the
column its date-range filter reads, and its default order. The page, its JSON and its CSV all come
from `page`, so the three cannot disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from legation.errors import InputError, NotFound
from legation.registry import bodies, dates
from legation.registry.store import Store

MAX_SIZE = 200


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    sql: str
    shows: str = "text"  # text | number | date | state | record | vocab:<name> | url


@dataclass(frozen=True)
class Table:
    name: str
    kind: str
    title: str
    source: str
    columns: tuple[Column, ...]
    date: str | None
    order: str
    filters: tuple[tuple[str, str], ...] = ()  # query parameter, the column it must equal

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        accepted = ", ".join(c.name for c in self.columns)
        raise InputError(f"a column to sort by: one of {accepted}; got {name!r}", field="sort")


_CERTAINTY = Column("certainty", "Certainty", "r.certainty", "vocab:certainties")

TABLES = {
    t.name: t
    for t in (
        Table(
            "persons",
            "person",
            "Persons",
            "persons x JOIN records r ON r.id = x.id LEFT JOIN "
            "(SELECT person_id, count(*) AS n FROM postings GROUP BY person_id) k ON k.person_id = x.id",
            (
                Column("id", "Id", "x.id", "record"),
                Column("name", "Name", "x.name", "record"),
                Column("citizenship", "Citizenship", "x.citizenship", "state"),
                Column("birth", "Born", "x.birth", "date"),
                Column("postings", "Postings", "coalesce(k.n, 0)", "number"),
                _CERTAINTY,
            ),
            "x.birth",
            "name",
            (("citizenship", "x.citizenship"),),
        ),
        Table(
            "postings",
            "posting",
            "Postings and exits",
            "postings x JOIN records r ON r.id = x.id",
            (
                Column("id", "Id", "x.id", "record"),
                Column("name", "Who", "coalesce(x.person_name, x.group_name, x.person_id)", "record"),
                Column("count", "People", "coalesce(x.count, 1)", "number"),
                Column("role", "Role", "x.role", "vocab:roles"),
                Column("sending", "From", "x.sending", "state"),
                Column("receiving", "To", "x.receiving", "state"),
                Column("start", "Start", "x.start_date", "date"),
                Column("end", "End", "x.end_date", "date"),
                Column("exit_type", "Exit", "x.exit_type", "vocab:exit_types"),
                _CERTAINTY,
            ),
            "coalesce(x.end_date, x.start_date)",
            "-end",
            (("sending", "x.sending"), ("receiving", "x.receiving"), ("exit_type", "x.exit_type")),
        ),
        Table(
            "consequences",
            "consequence",
            "Consequences",
            "consequences x JOIN records r ON r.id = x.id LEFT JOIN postings p ON p.id = x.posting_id",
            (
                Column("id", "Id", "x.id", "record"),
                Column("type", "Consequence", "x.type", "vocab:consequences"),
                Column("name", "Whom", "coalesce(p.person_name, p.group_name, x.posting_id)", "text"),
                Column("sending", "Served", "p.sending", "state"),
                Column("date", "Date", "x.date", "date"),
                Column("authority", "By", "x.authority", "text"),
                _CERTAINTY,
            ),
            "x.date",
            "-date",
            (("sending", "p.sending"), ("type", "x.type")),
        ),
        Table(
            "measures",
            "measure",
            "Measures",
            "measures x JOIN records r ON r.id = x.id",
            (
                Column("id", "Id", "x.id", "record"),
                Column("date", "Date", "x.date", "date"),
                Column("type", "Measure", "x.type", "vocab:measures"),
                Column("actor", "Actor", "x.actor", "state"),
                Column("target", "Target", "x.target", "state"),
                Column("count", "Count", "x.count", "number"),
                _CERTAINTY,
            ),
            "x.date",
            "-date",
            (("actor", "x.actor"), ("target", "x.target"), ("type", "x.type")),
        ),
        Table(
            "contacts",
            "contact",
            "Contacts",
            "contacts x JOIN records r ON r.id = x.id",
            (
                Column("id", "Id", "x.id", "record"),
                Column("date", "Date", "x.date", "date"),
                Column("from", "From", "x.from_ref", "ref"),
                Column("to", "To", "x.to_ref", "ref"),
                Column("channel", "Channel", "x.channel", "vocab:channels"),
                Column("outcome", "Outcome", "x.outcome", "vocab:outcomes"),
                Column("count", "Attempts", "x.count", "number"),
                _CERTAINTY,
            ),
            "x.date",
            "-date",
        ),
        Table(
            "sources",
            "source",
            "Sources",
            "sources x LEFT JOIN (SELECT url AS cited, count(*) AS n FROM record_sources GROUP BY url) k "
            "ON k.cited = x.url",
            (
                Column("title", "Title", "coalesce(x.title, x.url)", "source"),
                Column("publisher", "Publisher", "x.publisher", "text"),
                Column("published", "Published", "x.published", "date"),
                Column("records", "Records", "coalesce(k.n, 0)", "number"),
                Column("url", "Address", "x.url", "url"),
            ),
            "x.published",
            "-records",
        ),
    )
}
_DECADE = re.compile(r"^(\d{3})0s$")


def table(name: str) -> Table:
    found = TABLES.get(name)
    if found is None:
        raise NotFound(f"no table {name!r}; there are {', '.join(TABLES)}")
    return found


def _date(value: str | None, field: str) -> str | None:
    try:
        return dates.normalise(value) if value else None
    except ValueError as exc:
        raise InputError(f"a date such as 1981, 1981-12 or 1981-12-13; {exc}", field=field) from None


def _range(start: str | None, end: str | None, decade: str | None) -> tuple[str | None, str | None]:
    first, last = _date(start, "from"), _date(end, "to")
    if decade:
        found = _DECADE.match(decade)
        if not found:
            raise InputError(f"a decade such as 1980s; got {decade!r}", field="decade")
        first, last = max(first or "", f"{found[1]}0") or None, min(last or "9999", f"{found[1]}9")
    if first and last and last < first[: len(last)]:
        raise InputError(f"a range whose end ({last}) is not before its start ({first})", field="to")
    return first, last


_STATE_FILTERS = {"citizenship", "sending", "receiving", "actor", "target"}


def _equal(t: Table, given: dict[str, str]) -> tuple[list[str], dict[str, Any]]:
    """The table's own filters (a state, an exit or measure type), each value checked."""
    allowed = dict(t.filters)
    parts, params = [], {}
    for name, value in given.items():
        if name not in allowed:
            accepted = ", ".join(allowed) or "none"
            raise InputError(f"a filter this table has ({accepted}); got {name!r}", field=name)
        if name in _STATE_FILTERS:
            body = bodies.lookup(value) or bodies.get(value.strip().upper())
            if body is None:
                raise InputError(f"a state or body code (RUS) or name (Russia); got {value!r}", field=name)
            value = body.code
        parts.append(f"{allowed[name]} = :f_{name}")
        params[f"f_{name}"] = value
    return parts, params


def _where(t: Table, first: str | None, last: str | None, given: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """A date of any precision is kept when it may fall in the range: "1981" is kept for 1981-06."""
    parts, params = _equal(t, given)
    if t.date is None or not (first or last):
        return (" WHERE " + " AND ".join(parts) if parts else ""), params
    if first:
        parts.append(f"(substr({t.date}, 1, length(:first)) >= :first OR :first LIKE {t.date} || '-%')")
        params["first"] = first
    if last:
        parts.append(f"substr({t.date}, 1, length(:last)) <= :last")
        params["last"] = last
    return " WHERE " + " AND ".join(parts), params


def page(
    store: Store,
    name: str,
    *,
    page: int = 1,
    size: int = 50,
    sort: str | None = None,
    start: str | None = None,
    end: str | None = None,
    decade: str | None = None,
    everything: bool = False,
    where: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One page of a table, sorted by any column (`-date` for newest first), within a date range;
    `everything` gives all rows (the CSV download)."""
    t = table(name)
    if not 1 <= size <= MAX_SIZE:
        raise InputError(f"a page size between 1 and {MAX_SIZE}; got {size}", field="size")
    if page < 1:
        raise InputError(f"a page number of 1 or more; got {page}", field="page")
    order = sort or t.order
    column = t.column(order.lstrip("-"))
    first, last = _range(start, end, decade)
    given = {k: v for k, v in (where or {}).items() if v}
    clause, params = _where(t, first, last, given)
    total = store.scalar(f"SELECT count(*) FROM {t.source}{clause}", **params) or 0
    pages = max(1, -(-total // size))
    if page > pages:
        raise NotFound(f"page {page} of {pages}: this table has {total} rows at {size} a page")
    direction = "DESC" if order.startswith("-") else "ASC"
    # Empty values last either way, then a stable tie-break on the first column.
    nulls = f"CASE WHEN {column.sql} IS NULL THEN 1 ELSE 0 END"
    select = ", ".join(f'{c.sql} AS "{c.name}"' for c in t.columns)
    limit = "" if everything else f" LIMIT {size} OFFSET {(page - 1) * size}"
    rows = store.rows(
        f"SELECT {select} FROM {t.source}{clause} "
        f"ORDER BY {nulls}, {column.sql} {direction}, {t.columns[0].sql}{limit}",
        **params,
    )
    return {
        "table": t.name,
        "kind": t.kind,
        "title": t.title,
        "columns": [{"name": c.name, "label": c.label, "shows": c.shows} for c in t.columns],
        "rows": [dict(r) for r in rows],
        "total": total,
        "page": page,
        "size": size,
        "pages": pages,
        "sort": order,
        "from": first,
        "to": last,
        "decade": decade,
        "filters": given,
        "filterable": [name for name, _ in t.filters],
    }
