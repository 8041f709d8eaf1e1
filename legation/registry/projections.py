"""Rows of the query tables, derived from each record's interchange form."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy import delete as sql_delete

from legation.registry import dates, schema
from legation.registry.records import AnyRecord, Consequence, Contact, Measure, Person, Posting
from legation.registry.schema import bulk_insert, insert_values


def _rows(record: AnyRecord) -> list[tuple[Table, dict[str, Any]]]:
    c = record.certainty
    if isinstance(record, Person):
        rows: list[tuple[Table, dict[str, Any]]] = [
            (
                schema.persons,
                {
                    "id": record.id,
                    "name": record.name,
                    "birth": record.birth,
                    "citizenship": record.citizenship,
                    "wikidata": record.wikidata,
                    "certainty": c,
                },
            )
        ]
        rows += [(schema.aliases, {"person_id": record.id, "alias": a}) for a in record.aliases]
        return rows
    if isinstance(record, Posting):
        return [
            (
                schema.postings,
                {
                    "id": record.id,
                    "person_id": record.person,
                    "person_name": record.person_name,
                    "group_name": record.group,
                    "count": record.count,
                    "role": record.role,
                    "sending": record.sending,
                    "receiving": record.receiving,
                    "post": record.post,
                    "start_date": record.start,
                    "end_date": record.end,
                    "end_year": dates.year(record.end),
                    "exit_type": record.exit_type,
                    "reason": record.reason,
                    "statement": record.statement,
                    "destination": record.destination,
                    "next_role": record.next_role,
                    "certainty": c,
                },
            )
        ]
    if isinstance(record, Consequence):
        return [
            (
                schema.consequences,
                {
                    "id": record.id,
                    "posting_id": record.posting,
                    "type": record.type,
                    "date": record.date,
                    "authority": record.authority,
                    "detail": record.detail,
                    "certainty": c,
                },
            )
        ]
    if isinstance(record, Measure):
        rows = [
            (
                schema.measures,
                {
                    "id": record.id,
                    "type": record.type,
                    "actor": record.actor,
                    "target": record.target,
                    "date": record.date,
                    "count": record.count,
                    "detail": record.detail,
                    "reciprocal_of": record.reciprocal_of,
                    "certainty": c,
                },
            )
        ]
        rows += [(schema.measure_persons, {"measure_id": record.id, "person_id": p}) for p in record.persons]
        return rows
    if isinstance(record, Contact):
        return [
            (
                schema.contacts,
                {
                    "id": record.id,
                    "from_ref": record.from_,
                    "to_ref": record.to,
                    "channel": record.channel,
                    "outcome": record.outcome,
                    "date": record.date,
                    "count": record.count,
                    "detail": record.detail,
                    "certainty": c,
                },
            )
        ]
    return []


def insert(conn: Connection, dialect: str, batch: list[AnyRecord]) -> None:
    grouped: dict[Table, list[dict[str, Any]]] = defaultdict(list)
    links: list[tuple[str, str]] = []
    sources: dict[str, tuple[str | None, ...]] = {}
    for record in batch:
        for table, row in _rows(record):
            grouped[table].append(row)
        cited = getattr(record, "sources", [])
        for url in dict.fromkeys(source.url for source in cited):  # a record may cite a page twice
            links.append((record.id, url))
        for source in cited:
            if source.url not in sources:  # its fields as they are: no model_dump per citation
                sources[source.url] = (source.url, source.title, source.publisher, source.published, source.accessed)
    for table, rows in grouped.items():
        bulk_insert(conn, table, rows)
    insert_values(conn, schema.record_sources, ("record_id", "url"), links)
    _merge_sources(conn, list(sources.values()))


_FIELDS = ("title", "publisher", "published", "accessed")
# One statement for new and known pages alike (SQLite 3.24+ and PostgreSQL both have ON CONFLICT).
_MERGE = (
    "INSERT INTO sources (url, title, publisher, published, accessed) VALUES ({marks}) "
    "ON CONFLICT (url) DO UPDATE SET " + ", ".join(f"{f} = coalesce(sources.{f}, excluded.{f})" for f in _FIELDS)
)


def _merge_sources(conn: Connection, rows: list[tuple[str | None, ...]]) -> None:
    """Keep one row per address; a later citation fills fields an earlier one left empty."""
    if not rows:
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    conn.exec_driver_sql(_MERGE.format(marks=", ".join([mark] * 5)), rows)


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
