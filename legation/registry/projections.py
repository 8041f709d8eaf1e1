"""Rows of the query tables, derived from each record's interchange form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table
from sqlalchemy import delete as sql_delete

from legation.registry import dates, schema
from legation.registry.records import AnyRecord, Consequence, Contact, Measure, Person, Posting
from legation.registry.schema import insert_values

if TYPE_CHECKING:
    from legation.registry.store import Batch

# The columns of each query table, in the order `_rows` fills them.
COLUMNS: dict[Table, tuple[str, ...]] = {
    schema.persons: ("id", "name", "birth", "citizenship", "wikidata", "certainty"),
    schema.aliases: ("person_id", "alias"),
    schema.postings: (
        "id",
        "person_id",
        "person_name",
        "group_name",
        "count",
        "role",
        "sending",
        "receiving",
        "post",
        "start_date",
        "end_date",
        "end_year",
        "exit_type",
        "reason",
        "statement",
        "destination",
        "next_role",
        "certainty",
    ),
    schema.consequences: ("id", "posting_id", "type", "date", "authority", "detail", "certainty"),
    schema.measures: ("id", "type", "actor", "target", "date", "count", "detail", "reciprocal_of", "certainty"),
    schema.measure_persons: ("measure_id", "person_id"),
    schema.contacts: ("id", "from_ref", "to_ref", "channel", "outcome", "date", "count", "detail", "certainty"),
}


def _rows(record: AnyRecord) -> list[tuple[str, tuple[Any, ...]]]:
    """The query-table rows of one record, as tuples in the order of COLUMNS: no dict per row."""
    r, c = record, record.certainty
    if isinstance(r, Person):
        rows: list[tuple[str, tuple[Any, ...]]] = [("persons", (r.id, r.name, r.birth, r.citizenship, r.wikidata, c))]
        return rows + [("aliases", (r.id, a)) for a in r.aliases]
    if isinstance(r, Posting):
        row = (r.id, r.person, r.person_name, r.group, r.count, r.role, r.sending, r.receiving, r.post, r.start)
        more = (r.end, dates.year(r.end), r.exit_type, r.reason, r.statement, r.destination, r.next_role, c)
        return [("postings", row + more)]
    if isinstance(r, Consequence):
        return [("consequences", (r.id, r.posting, r.type, r.date, r.authority, r.detail, c))]
    if isinstance(r, Measure):
        rows = [("measures", (r.id, r.type, r.actor, r.target, r.date, r.count, r.detail, r.reciprocal_of, c))]
        return rows + [("measure_persons", (r.id, p)) for p in r.persons]
    if isinstance(r, Contact):
        return [("contacts", (r.id, r.from_, r.to, r.channel, r.outcome, r.date, r.count, r.detail, c))]
    return []


def rows(records: Sequence[AnyRecord], into: Batch) -> None:
    """The records' rows in the query tables, their links to the pages they cite and those pages,
    added to `into` table by table (a `store.Projection`): one pass, no grouping afterwards."""
    tables: dict[str, tuple[list[tuple[Any, ...]], list[int]]] = {}
    links: list[tuple[Any, ...]] = []
    link_owners: list[int] = []
    pages: list[tuple[Any, ...]] = []
    page_owners: list[int] = []
    for n, record in enumerate(records):
        for table, row in _rows(record):
            if (found := tables.get(table)) is None:
                found = tables[table] = ([], [])
            found[0].append(row)
            found[1].append(n)
        cited = getattr(record, "sources", [])
        if len(cited) == 1:  # the usual case
            page = cited[0]
            links.append((record.id, page.url))
            link_owners.append(n)
        else:
            urls = dict.fromkeys(s.url for s in cited)  # a page cited twice is linked once
            links += [(record.id, url) for url in urls]
            link_owners += [n] * len(urls)
        # a page's fields as they are: no model_dump per citation
        pages += [(s.url, s.title, s.publisher, s.published, s.accessed) for s in cited]
        page_owners += [n] * len(cited)
    for table, (found_rows, owners) in tables.items():
        into.add(table, found_rows, owners)
    into.add("record_sources", links, link_owners)
    into.add("sources", pages, page_owners)


_PERSON_NAME = COLUMNS[schema.postings].index("person_name")


def with_person_name(row: tuple[Any, ...], name: str) -> tuple[Any, ...]:
    """A posting's row with the name of its person, which an import fills in (see imports.Entry)."""
    return (*row[:_PERSON_NAME], name, *row[_PERSON_NAME + 1 :])


def insert_rows(conn: Connection, dialect: str, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    """Write the query-table rows of many records (`rows`), grouped by table."""
    for table, columns in COLUMNS.items():
        if rows.get(table.name):
            insert_values(conn, table, columns, rows[table.name])
    insert_values(conn, schema.record_sources, ("record_id", "url"), rows.get("record_sources", []))
    _merge_sources(conn, list(one_per_page(rows.get("sources", [])).values()))


def one_per_page(pages: list[tuple[Any, ...]]) -> dict[str, tuple[Any, ...]]:
    """One row per address, each field from the first citation in `pages` that gives it, as the
    upsert (`_MERGE`) does across statements: one statement can't touch a row twice."""
    merged: dict[str, tuple[Any, ...]] = {}
    for page in pages:
        first = merged.get(page[0])
        if first is None:
            merged[page[0]] = page
        elif first != page and None in first:  # most repeats are the same page again: skip them fast
            merged[page[0]] = filled(first, page)
    return merged


def filled(first: tuple[Any, ...], later: tuple[Any, ...]) -> tuple[Any, ...]:
    """A page's row with the fields `first` left empty taken from `later` (`_MERGE`'s rule)."""
    return tuple(b if a is None else a for a, b in zip(first, later, strict=True))


_FIELDS = ("title", "publisher", "published", "accessed")
# One statement for new and known pages alike (SQLite 3.24+ and PostgreSQL both have ON CONFLICT).
_MERGE = "ON CONFLICT (url) DO UPDATE SET " + ", ".join(f"{f} = coalesce(sources.{f}, excluded.{f})" for f in _FIELDS)


def _merge_sources(conn: Connection, rows: list[tuple[str | None, ...]]) -> None:
    """Keep one row per address; a later citation fills fields an earlier one left empty."""
    insert_values(conn, schema.sources, ("url", *_FIELDS), rows, upsert=_MERGE)


def delete(conn: Connection, dialect: str, ids: list[str]) -> None:
    keys = {
        schema.persons: schema.persons.c.id,
        schema.aliases: schema.aliases.c.person_id,
        schema.postings: schema.postings.c.id,
        schema.consequences: schema.consequences.c.id,
        schema.measures: schema.measures.c.id,
        schema.measure_persons: schema.measure_persons.c.measure_id,
        schema.contacts: schema.contacts.c.id,
        schema.record_sources: schema.record_sources.c.record_id,
    }
    for table, key in keys.items():
        conn.execute(sql_delete(table).where(key.in_(ids)))
