"""The store's tables, as SQLAlchemy Core metadata.

`records` holds each record's current interchange form and `versions` one row per version it ever
had, with when and by whom; a superseded version keeps its form in `versions.data` (the current
one's is in `records`, so an import writes each record's text once). Nothing is overwritten
silently. The other tables are projections of `records` for querying, and
are rebuilt from it on every write. The Alembic migrations in `legation/migrations` create them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import Any

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, Text

metadata = MetaData()
# Parameters one SQLite statement takes: 32,766 since SQLite 3.32, 999 before.
SQLITE_VARIABLES = 32766 if sqlite3.sqlite_version_info >= (3, 32, 0) else 999

records = Table(
    "records",
    metadata,
    Column("id", String, primary_key=True),
    Column("kind", String, nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("certainty", String),
    Column("data", Text, nullable=False),
    Column("hash", String, nullable=False),
    Column("updated_at", String, nullable=False),
    Column("updated_by", String, nullable=False),
)

versions = Table(
    "versions",
    metadata,
    Column("record_id", String, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("kind", String, nullable=False),
    Column("data", Text),
    Column("hash", String, nullable=False),
    Column("changed_at", String, nullable=False),
    Column("changed_by", String, nullable=False),
    Column("change", String, nullable=False),
)

persons = Table(
    "persons",
    metadata,
    Column("id", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("birth", String),
    Column("citizenship", String),
    Column("wikidata", String),
    Column("certainty", String),
)

aliases = Table(
    "aliases",
    metadata,
    Column("person_id", String, nullable=False, index=True),
    Column("alias", String, nullable=False, index=True),
)

postings = Table(
    "postings",
    metadata,
    Column("id", String, primary_key=True),
    Column("person_id", String, index=True),
    Column("person_name", String),
    Column("group_name", String),
    Column("count", Integer),
    Column("role", String, nullable=False),
    Column("sending", String, nullable=False, index=True),
    Column("receiving", String, index=True),
    Column("post", String),
    Column("start_date", String),
    Column("end_date", String),
    Column("end_year", Integer),
    Column("exit_type", String, index=True),
    Column("reason", Text),
    Column("statement", String),
    Column("destination", String),
    Column("next_role", String),
    Column("certainty", String),
)

consequences = Table(
    "consequences",
    metadata,
    Column("id", String, primary_key=True),
    Column("posting_id", String, nullable=False, index=True),
    Column("type", String, nullable=False),
    Column("date", String),
    Column("authority", String),
    Column("detail", Text),
    Column("certainty", String),
)

measures = Table(
    "measures",
    metadata,
    Column("id", String, primary_key=True),
    Column("type", String, nullable=False),
    Column("actor", String, nullable=False, index=True),
    Column("target", String, nullable=False, index=True),
    Column("date", String),
    Column("count", Integer),
    Column("detail", Text),
    Column("reciprocal_of", String),
    Column("certainty", String),
)

measure_persons = Table(
    "measure_persons",
    metadata,
    Column("measure_id", String, nullable=False, index=True),
    Column("person_id", String, nullable=False, index=True),
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", String, primary_key=True),
    Column("from_ref", String, nullable=False, index=True),
    Column("to_ref", String, nullable=False),
    Column("channel", String, nullable=False),
    Column("outcome", String, nullable=False),
    Column("date", String),
    Column("count", Integer, nullable=False),
    Column("detail", Text),
    Column("certainty", String),
)

sources = Table(
    "sources",
    metadata,
    Column("url", String, primary_key=True),
    Column("title", String),
    Column("publisher", String),
    Column("published", String),
    Column("accessed", String),
)

record_sources = Table(
    "record_sources",
    metadata,
    Column("record_id", String, primary_key=True),
    Column("url", String, primary_key=True),
    sqlite_with_rowid=False,
)

# What an extractor or a registry import proposed, waiting for a person's decision
# (legation/extraction/reviews.py; registry.matching queues person merges here).
review_queue = Table(
    "review_queue",
    metadata,
    Column("id", String, primary_key=True),
    Column("source_id", String, nullable=False),
    Column("section", String, nullable=False),
    Column("data", Text, nullable=False),
    Column("status", String, nullable=False),
    Column("created_at", String, nullable=False),
    Column("created_by", String, nullable=False),
    Column("decided_at", String),
    Column("decided_by", String),
    Column("records", Text),
    Column("reason", Text),
)

# Projection tables, in the order a record's rows are removed and rebuilt.
PROJECTIONS = {
    "person": (persons, aliases),
    "posting": (postings,),
    "consequence": (consequences,),
    "measure": (measures, measure_persons),
    "contact": (contacts,),
    "source": (),
}


def bulk_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows through the driver's executemany: SQLAlchemy's per-row parameter
    processing costs more than the insert itself on a 100,000-record import."""
    if not rows:
        return
    columns = list(rows[0])
    pick = itemgetter(*columns)
    values = [pick(row) for row in rows] if len(columns) > 1 else [(pick(row),) for row in rows]
    insert_values(conn, table, columns, values)


def insert_values(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    values: list[tuple[Any, ...]],
    upsert: str = "",
    fixed: Mapping[str, Any] | None = None,
) -> None:
    """Insert rows given as tuples in the order of `columns` (the bulk path builds tuples directly,
    without a dict per row); `upsert` is an `ON CONFLICT ...` clause; `fixed` gives columns whose
    value is the same in every row (a new record's version, time, author), which SQLite then binds
    once per statement instead of once per row. On SQLite, thousands of rows go into one multi-row
    `VALUES` statement: the driver binds them all and SQLite then runs without Python's lock, where
    `executemany` takes it back after every row. Elsewhere, one `executemany`."""
    if not values:
        return
    fixed = fixed or {}
    if conn.dialect.name != "sqlite":
        if fixed:  # the same rows, each with the fixed values after its own
            columns, values = [*columns, *fixed], [(*row, *fixed.values()) for row in values]
        marks = ", ".join(["%s"] * len(columns))
        conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({_names(columns)}) VALUES ({marks}) {upsert}', values)
        return
    assert not (fixed and upsert), "SQLite reads `SELECT ... ON CONFLICT` as a join: not needed yet"
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    per = (SQLITE_VARIABLES - len(fixed)) // len(columns)
    once = list(fixed.values())
    try:
        for start in range(0, len(values), per):
            part = values[start : start + per]
            sql = _multi_insert(table.name, tuple(columns), len(part), upsert, tuple(fixed))
            cursor.execute(sql, once + list(chain.from_iterable(part)) if once else list(chain.from_iterable(part)))
    finally:
        cursor.close()


def _names(columns: Sequence[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


@lru_cache(maxsize=256)
def _multi_insert(table: str, columns: tuple[str, ...], rows: int, upsert: str, fixed: tuple[str, ...] = ()) -> str:
    row = "(" + ", ".join(["?"] * len(columns)) + ")"
    many = ", ".join([row] * rows)
    if not fixed:
        return f'INSERT INTO "{table}" ({_names(columns)}) VALUES {many} {upsert}'
    # the fixed values' parameters come first in the text, so they are bound first
    picked = ", ".join([*(f"column{n}" for n in range(1, len(columns) + 1)), *(["?"] * len(fixed))])
    return f'INSERT INTO "{table}" ({_names([*columns, *fixed])}) SELECT {picked} FROM (VALUES {many})'
