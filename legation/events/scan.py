"""One pass of DuckDB over a plain GDELT events file: count every row, and keep the diplomatic ones.

Each line is read as one VARCHAR column (no quoting, a delimiter that never occurs) and split on
tabs, so rows of 57, 58 and 61 columns can share a file and every code stays a string. Lines the
reader cannot take (bad UTF-8, over-long) land in DuckDB's rejects table and are counted with
DuckDB's reason; the rest are checked field by field and counted under the first failing check.
The scan groups rows by (width, reason, kept fields): rows that are not kept collapse into a few
groups, so memory follows the number of diplomatic events, not the size of the file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from legation.errors import InputError
from legation.events import layout

KEPT = (
    "id",
    "date",
    "month",
    "actor",
    "target",
    "actor1_code",
    "actor2_code",
    "code",
    "signal",
    "goldstein_tenths",
    "mentions",
    "source_url",
    "date_added",
)
# Among rows sharing a GLOBALEVENTID the first in this order is kept (Spark uses the same order).
ORDER = (
    "date_added",
    "date",
    "country1",
    "country2",
    "actor1_code",
    "actor2_code",
    "code",
    "goldstein_tenths",
    "mentions",
    "source_url",
)


@dataclass
class Scan:
    """What one file holds: counts by width and by malformed reason, and the kept events."""

    read: int = 0
    widths: Counter[int] = field(default_factory=Counter)
    malformed: Counter[str] = field(default_factory=Counter)
    diplomatic: int = 0
    not_dyadic: int = 0
    duplicate: int = 0


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _col(position: int) -> str:
    return f"f[{position + 1}]"  # DuckDB lists are 1-based


def reason_sql() -> str:
    """The first reason a row is malformed, or NULL: the same rules as layout.CHECKS."""
    widths = ", ".join(str(w) for w in layout.WIDTHS)
    cases = [
        f"WHEN line IS NULL THEN {_sql_literal(layout.EMPTY_LINE)}",
        f"WHEN len(f) NOT IN ({widths}) THEN len(f) || ' columns, expected 57, 58 or 61'",
    ]
    for check, pattern, reason, may_be_empty in layout.CHECKS:
        value = _col(check.position)
        test = f"NOT regexp_full_match({value}, {_sql_literal(pattern)})"
        if may_be_empty:
            test = f"{value} <> '' AND {test}"
        cases.append(f"WHEN {test} THEN {_sql_literal(reason)}")
    return "CASE " + " ".join(cases) + " END"


def _field_sql() -> str:
    f = layout
    date = _col(f.SQLDATE.position)
    goldstein = _col(f.GOLDSTEIN.position)
    url = "CASE len(f) WHEN 58 THEN f[58] WHEN 61 THEN f[61] END"
    added = "CASE len(f) WHEN 61 THEN f[60] ELSE f[57] END"
    return ", ".join(
        [
            f"{_col(f.GLOBALEVENTID.position)} AS id",
            f"substr({date}, 1, 4) || '-' || substr({date}, 5, 2) || '-' || substr({date}, 7, 2) AS date",
            f"{_col(f.ACTOR1_COUNTRY.position)} AS country1",
            f"{_col(f.ACTOR2_COUNTRY.position)} AS country2",
            f"{_col(f.ACTOR1_CODE.position)} AS actor1_code",
            f"{_col(f.ACTOR2_CODE.position)} AS actor2_code",
            f"{_col(f.EVENT_CODE.position)} AS code",
            f"CASE WHEN {goldstein} <> '' THEN CAST(round(CAST({goldstein} AS DOUBLE) * 10) AS INTEGER) END"
            " AS goldstein_tenths",
            f"CAST({_col(f.NUM_MENTIONS.position)} AS INTEGER) AS mentions",
            f"NULLIF({url}, '') AS source_url",
            f"{added} AS date_added",
        ]
    )


def _scan_sql(path: Path) -> str:
    codes = ", ".join(_sql_literal(c) for c in layout.signals())
    reader = (
        f"read_csv({_sql_literal(str(path))}, columns={{'line': 'VARCHAR'}}, delim='\\x01', header=false,"
        " quote='', escape='', auto_detect=false, store_rejects=true, max_line_size=1048576)"
    )
    return f"""
        CREATE TEMP TABLE scan AS
        WITH raw AS (SELECT line, string_split(line, chr(9)) AS f FROM {reader}),
        checked AS (SELECT len(f) AS width, {reason_sql()} AS reason, f FROM raw),
        marked AS (
            SELECT width, reason, CASE WHEN reason IS NULL AND f[{layout.EVENT_CODE.position + 1}] IN ({codes})
                                       THEN f END AS f
            FROM checked)
        SELECT width, reason, {_field_sql()}, count(*) AS n FROM marked GROUP BY ALL
    """


def _kept_sql() -> str:
    """The diplomatic rows between two states, one per GLOBALEVENTID (the earliest added wins)."""
    order = ", ".join(f"s.{key} NULLS FIRST" for key in ORDER)
    return f"""
        SELECT s.id, s.date, substr(s.date, 1, 7) AS month, a.state AS actor, b.state AS target,
               s.actor1_code, s.actor2_code, s.code, sig.signal, s.goldstein_tenths, s.mentions,
               s.source_url, s.date_added
        FROM scan s
        JOIN countries a ON a.cameo = s.country1
        JOIN countries b ON b.cameo = s.country2
        JOIN signals sig ON sig.code = s.code
        WHERE s.id IS NOT NULL AND a.state <> b.state
        QUALIFY row_number() OVER (PARTITION BY s.id ORDER BY {order}) = 1
        ORDER BY s.id
    """


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    con.execute("CREATE TEMP TABLE countries (cameo VARCHAR, state VARCHAR)")
    con.executemany("INSERT INTO countries VALUES (?, ?)", list(layout.countries().items()))
    con.execute("CREATE TEMP TABLE signals (code VARCHAR, signal VARCHAR)")
    con.executemany("INSERT INTO signals VALUES (?, ?)", list(layout.signals().items()))
    return con


def scan(con: duckdb.DuckDBPyConnection, path: Path, name: str) -> Scan:
    """Read the file once and count it; the kept events stay in the connection for `kept`."""
    try:
        con.execute(_scan_sql(path))
    except duckdb.Error as exc:
        raise InputError(f"cannot read as a GDELT events file: {exc}", file=name) from exc
    result = Scan()
    for width, reason, diplomatic, rows in con.execute(
        "SELECT width, reason, id IS NOT NULL, sum(n) FROM scan GROUP BY ALL"
    ).fetchall():
        result.read += int(rows)
        if reason is not None:
            result.malformed[str(reason)] += int(rows)
            continue
        result.widths[int(width)] += int(rows)
        if diplomatic:
            result.diplomatic += int(rows)
    for error_type, rows in con.execute("SELECT error_type, count(*) FROM reject_errors GROUP BY 1").fetchall():
        result.read += int(rows)
        result.malformed[f"unreadable line: {str(error_type).lower()}"] += int(rows)
    con.execute(f"CREATE TEMP TABLE kept AS {_kept_sql()}")
    kept = int(con.execute("SELECT count(*) FROM kept").fetchone()[0])  # type: ignore[index]
    dyadic = con.execute(
        "SELECT coalesce(sum(s.n), 0) FROM scan s JOIN countries a ON a.cameo = s.country1 "
        "JOIN countries b ON b.cameo = s.country2 WHERE s.id IS NOT NULL AND a.state <> b.state"
    ).fetchone()
    result.not_dyadic = result.diplomatic - int(dyadic[0])  # type: ignore[index]
    result.duplicate = int(dyadic[0]) - kept  # type: ignore[index]
    return result


def kept(con: duckdb.DuckDBPyConnection, batch: int) -> Iterator[list[dict[str, Any]]]:
    """The kept events in batches, as dicts keyed like the store's columns."""
    cursor = con.execute(f"SELECT {', '.join(KEPT)} FROM kept")
    while rows := cursor.fetchmany(batch):
        yield [dict(zip(KEPT, row, strict=True)) for row in rows]
