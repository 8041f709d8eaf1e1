"""One pass of DuckDB over a GDELT events file: count every row, and keep the diplomatic ones.

The fast pass lets DuckDB's CSV reader split the file into the columns of its width (57, 58 or 61,
sniffed from its first lines), reading only the columns the import uses; every code stays a string.
Lines of another width land in DuckDB's rejects table and are taken again whole, split on tabs and
checked by the same rules (`_lines_sql`); lines with bad bytes in a column read are counted with
DuckDB's reason. A census taken in a parallel thread (legation.events.files) counts lines, tabs and
checks every byte's encoding: the skipped empty lines are counted by difference, and a file where
the figures disagree (bad bytes in a column not read, a carriage return, a row with extra empty
columns that DuckDB silently takes as full) is read again the exact way (`exact`): every line whole.
Rows are grouped by (width, reason, diplomatic or not, kept fields), and only the diplomatic rows
between two states keep their fields: the other rows collapse into a few groups, so memory follows
the number of kept events, not the size of the file.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from legation.errors import InputError
from legation.events import files, layout

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
CANDIDATE = ("event_id", "date", "actor", "target", "code", "mentions", "source_url")
_CANDIDATE_SQL = ("id", "date", "actor", "target", "code", "mentions", "source_url")
Connection = duckdb.DuckDBPyConnection
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
    exact: bool = False  # read one whole line at a time (the census disagreed with the fast pass)


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _col(position: int) -> str:
    return f"f[{position + 1}]"  # DuckDB lists are 1-based


MAX_LINE = 1 << 20
BUFFER = 4 * MAX_LINE  # bytes per reader buffer (DuckDB takes 16 lines of the longest by default)
# DuckDB holds at most MEMORY MiB during the pass and spills the rest to its temporary folder. Its
# aggregate keeps a share of its groups (one per kept event) in memory: when that share outgrows the
# cap (a file of many more kept events than 20M rows hold), the
# statement is run again with a cap GROWTH times larger, up to MAX_MEMORY. As soon as the pass is
# done the cap falls to HELD MiB: every later statement reads the scan's table, whose rest waits in
# the temporary folder. The measurements are in docs/events.md.
MEMORY = 80
HELD = 64
GROWTH = 4
MAX_MEMORY = 8192
ALLOCATOR_FLUSH = "8MB"  # give freed memory back to the system soon, so peak RSS follows the cap


def _typed(position: int) -> str:
    return f"coalesce(c{position}, '')"  # the typed reader reads an empty field as NULL


def _checks_sql(col: Callable[[int], str]) -> list[str]:
    cases = []
    for check, pattern, reason, may_be_empty in layout.CHECKS:
        value = col(check.position)
        test = f"NOT regexp_full_match({value}, {_sql_literal(pattern)})"
        if may_be_empty:
            test = f"{value} <> '' AND {test}"
        cases.append(f"WHEN {test} THEN {_sql_literal(reason)}")
    return cases


def reason_sql() -> str:
    """The first reason a row is malformed, or NULL: the same rules as layout.CHECKS."""
    widths = ", ".join(str(w) for w in layout.WIDTHS)
    cases = [
        f"WHEN line IS NULL THEN {_sql_literal(layout.EMPTY_LINE)}",
        f"WHEN len(f) NOT IN ({widths}) THEN len(f) || ' columns, expected 57, 58 or 61'",
        *_checks_sql(_col),
    ]
    return "CASE " + " ".join(cases) + " END"


def _fields(col: Callable[[int], str], url: str, added: str) -> list[tuple[str, str]]:
    """(SQL expression, name) of each field the scan keeps, reading positions through `col`."""
    f = layout
    date = col(f.SQLDATE.position)
    goldstein = col(f.GOLDSTEIN.position)
    return [
        (col(f.GLOBALEVENTID.position), "id"),
        (f"substr({date}, 1, 4) || '-' || substr({date}, 5, 2) || '-' || substr({date}, 7, 2)", "date"),
        (col(f.ACTOR1_COUNTRY.position), "country1"),
        (col(f.ACTOR2_COUNTRY.position), "country2"),
        (col(f.ACTOR1_CODE.position), "actor1_code"),
        (col(f.ACTOR2_CODE.position), "actor2_code"),
        (col(f.EVENT_CODE.position), "code"),
        (
            f"CASE WHEN {goldstein} <> '' THEN CAST(round(CAST({goldstein} AS DOUBLE) * 10) AS INTEGER) END",
            "goldstein_tenths",
        ),
        (f"CAST({col(f.NUM_MENTIONS.position)} AS INTEGER)", "mentions"),
        (f"NULLIF({url}, '')", "source_url"),
        (added, "date_added"),
    ]


# The kept fields travel through the scan packed into one tab-separated VARCHAR, in the order of
# `_fields`: DuckDB's aggregate then holds one string per group instead of eleven columns, so its
# groups fit a smaller cap (at 20M rows the pass runs under 80 MiB packed, not under 96 unpacked).
# No field holds a tab (the file is split on tabs), and a NULL is packed as '' only where '' and
# NULL are the same value (an empty GoldsteinScale, an empty SOURCEURL), so packing loses nothing.
PACKED = tuple(name for _, name in _fields(str, "", ""))  # the kept fields' names, as `_fields` orders them


def _pack(fields: list[tuple[str, str]], keep: str) -> str:
    """The kept fields as one VARCHAR, NULL for a row that keeps none."""
    values = ", ".join(f"coalesce(CAST({expr} AS VARCHAR), '')" for expr, _ in fields)
    return f"CASE WHEN {keep} THEN concat_ws(chr(9), {values}) END AS packed"


def _unpacked(name: str) -> str:
    """The SQL value of one packed field, typed as the scan computed it, from the list `p`."""
    value = f"p[{PACKED.index(name) + 1}]"
    if name in ("goldstein_tenths", "mentions"):
        return f"CAST(NULLIF({value}, '') AS INTEGER)"
    return f"NULLIF({value}, '')" if name == "source_url" else value


def _unpacking(table: str) -> str:
    """The rows of `table` that keep fields, with each field as a column (and the table's own columns)."""
    fields = ", ".join(f"{_unpacked(name)} AS {name}" for name in PACKED)
    return (
        f"(SELECT *, {fields} FROM (SELECT *, string_split(packed, chr(9)) AS p FROM {table} WHERE packed IS NOT NULL))"
    )


def _codes() -> str:
    return ", ".join(_sql_literal(c) for c in layout.signals())


def _state(value: str) -> str:
    """The state a CAMEO country code names, for a code known to name one (see `_between_states`)."""
    renamed = {k: v for k, v in layout.countries().items() if k != v}
    cases = " ".join(f"WHEN {_sql_literal(k)} THEN {_sql_literal(v)}" for k, v in renamed.items())
    return f"CASE {value} {cases} ELSE {value} END" if cases else value


def _between_states(col: Callable[[int], str]) -> str:
    """True when a diplomatic row's two actor countries are two different states: only those rows
    keep their fields in the scan, so the others collapse into a few groups and `kept` is small."""
    one, two = col(layout.ACTOR1_COUNTRY.position), col(layout.ACTOR2_COUNTRY.position)
    states = "(SELECT cameo FROM countries)"
    return f"diplomatic AND {one} IN {states} AND {two} IN {states} AND {_state(one)} <> {_state(two)}"


def _lines_sql(source: str) -> str:
    """Group the lines of `source` (a relation with one VARCHAR column `line`) by width, reason,
    whether they are diplomatic, and the fields of those kept."""
    fields = _fields(
        _col, "CASE len(f) WHEN 58 THEN f[58] WHEN 61 THEN f[61] END", "CASE len(f) WHEN 61 THEN f[60] ELSE f[57] END"
    )
    return f"""
        WITH raw AS (SELECT line, string_split(line, chr(9)) AS f FROM {source}),
        checked AS (SELECT len(f) AS width, {reason_sql()} AS reason, f FROM raw),
        marked AS (
            SELECT *, reason IS NULL AND f[{layout.EVENT_CODE.position + 1}] IN ({_codes()}) AS diplomatic
            FROM checked),
        kept AS (SELECT width, reason, diplomatic, CASE WHEN {_between_states(_col)} THEN f END AS f FROM marked)
        SELECT width, reason, diplomatic, {_pack(fields, "f IS NOT NULL")}, count(*) AS n
        FROM kept GROUP BY ALL
    """


def _reader(path: Path, columns: str, delim: str) -> str:
    return (
        f"read_csv({_sql_literal(str(path))}, columns={{{columns}}}, delim='{delim}', header=false, quote='',"
        f" escape='', auto_detect=false, store_rejects=true, max_line_size={MAX_LINE}, buffer_size={BUFFER})"
    )


def _typed_sql(path: Path, width: int) -> str:
    """The fast pass: DuckDB's reader splits the columns of the file's width, other lines go to its rejects."""
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    url_at = layout.source_url_position(width)
    url = "NULL" if url_at is None else _typed(url_at)
    fields = _fields(_typed, url, _typed(layout.date_added_position(width)))
    code = _typed(layout.EVENT_CODE.position)
    return f"""
        WITH checked AS (
            SELECT *, CASE {" ".join(_checks_sql(_typed))} END AS reason FROM {_reader(path, columns, _TAB)}),
        marked AS (SELECT *, reason IS NULL AND {code} IN ({_codes()}) AS diplomatic FROM checked),
        kept AS (SELECT *, {_between_states(_typed)} AS keep FROM marked)
        SELECT {width} AS width, reason, diplomatic, {_pack(fields, "keep")}, count(*) AS n
        FROM kept GROUP BY ALL
    """


def _signal(value: str) -> str:
    """The signal an EventCode feeds, for a code known to feed one (a diplomatic row's)."""
    cases = " ".join(f"WHEN {_sql_literal(k)} THEN {_sql_literal(v)}" for k, v in layout.signals().items())
    return f"CASE {value} {cases} END"


def _kept_view() -> str:
    """`kept`: the events of `events` in the columns of KEPT, shaped when they are read. It is a view, so the
    kept rows are not copied: when no GLOBALEVENTID repeats (nearly every GDELT file), `events` is the
    scan's own table."""
    return f"""
        CREATE OR REPLACE TEMP VIEW kept AS
        SELECT id, date, substr(date, 1, 7) AS month, {_state("country1")} AS actor, {_state("country2")} AS target,
               actor1_code, actor2_code, code, {_signal("code")} AS signal, goldstein_tenths, mentions, source_url,
               date_added
        FROM {_unpacking("events")}
    """


def _first_sql() -> str:
    """The kept rows of `scan`, one per GLOBALEVENTID (the first in ORDER wins)."""
    order = ", ".join(f"{key} NULLS FIRST" for key in ORDER)
    return (
        f"SELECT width, reason, diplomatic, packed, n FROM {_unpacking('scan')} "
        f"QUALIFY row_number() OVER (PARTITION BY id ORDER BY {order}) = 1"
    )


def connect(spill: Path | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that uses every core, holds at most MEMORY and spills the rest to
    `spill` (a temporary folder; without one DuckDB would spill into the working directory)."""
    config: dict[str, Any] = {
        "memory_limit": f"{MEMORY}MiB",
        "allocator_flush_threshold": ALLOCATOR_FLUSH,
        "threads": os.cpu_count() or 1,
        "preserve_insertion_order": False,
    }
    if spill is not None:
        config["temp_directory"] = str(spill)
    con = duckdb.connect(config=config)
    con.execute("SET enable_progress_bar = false")
    values = ", ".join(f"({_sql_literal(k)})" for k in layout.countries())
    con.execute(f"CREATE TEMP TABLE countries AS SELECT * FROM (VALUES {values}) AS t(cameo)")
    return con


def scan(con: duckdb.DuckDBPyConnection, source: files.Source, name: str) -> Scan:
    """Read the file once and count it; the kept events stay in the connection for `kept`.

    The fast pass lets DuckDB's reader split the columns of the file's width; the lines it rejects
    (other widths, bad bytes in a column read) are taken again one whole line at a time, and the
    empty lines it skips are counted from the census. A file the census finds unclean (bad bytes
    anywhere, carriage returns) is read the exact way: every line whole (`exact`)."""
    try:
        _spilling(con, f"CREATE TEMP TABLE scan AS {_typed_sql(source.path, source.width)}")
        _hold(con)
        result = _count(con)
        rejected, tabs = _rejected(con, result)
    except duckdb.Error as exc:
        source.census()  # a corrupt zip is named as such
        raise InputError(f"cannot read as a GDELT events file: {exc}", file=name) from exc
    census = source.census()
    empty = census.lines - result.read - rejected
    tabs += result.read * (source.width - 1)
    if not census.clean or empty < 0 or tabs != census.tabs:
        con.execute("DROP TABLE scan")
        con.execute("DROP TABLE reject_errors")
        return exact(con, source.path, name)
    result.read += rejected + empty
    if empty:
        result.malformed[layout.EMPTY_LINE] += empty
    _keep(con, result)
    return result


def exact(con: duckdb.DuckDBPyConnection, path: Path, name: str) -> Scan:
    """Every line read whole and split in SQL: slower, exact on any bytes."""
    try:
        _spilling(con, f"CREATE TEMP TABLE scan AS {_lines_sql(_reader(path, _LINE, _NEVER))}")
    except duckdb.Error as exc:
        raise InputError(f"cannot read as a GDELT events file: {exc}", file=name) from exc
    _hold(con)
    result = _count(con)
    for error_type, rows in con.execute(
        "SELECT error_type, count(DISTINCT line) FROM reject_errors GROUP BY 1"
    ).fetchall():
        result.read += int(rows)
        result.malformed[f"unreadable line: {str(error_type).lower()}"] += int(rows)
    _keep(con, result)
    result.exact = True
    return result


_LINE = "'line': 'VARCHAR'"
_TAB = "\\t"
_NEVER = "\\x01"  # a delimiter that never occurs: the whole line is one column
_COLUMN_ERRORS = ("MISSING COLUMNS", "TOO MANY COLUMNS")


def _rejected(con: duckdb.DuckDBPyConnection, result: Scan) -> tuple[int, int]:
    """Count the lines the fast pass rejected, and their tabs; those of another width are scanned whole
    into `scan`."""
    rows = con.execute(
        "SELECT line, list(DISTINCT error_type), any_value(csv_line) FROM reject_errors GROUP BY line"
    ).fetchall()
    other: list[tuple[str]] = []
    unreadable = tabs = 0
    for _, errors, text in rows:
        tabs += str(text).count("\t")
        bad = sorted(e for e in errors if e not in _COLUMN_ERRORS)
        if bad:
            unreadable += 1
            result.malformed[f"unreadable line: {str(bad[0]).lower()}"] += 1
        else:
            other.append((str(text).lstrip("\n"),))
    if other:
        con.execute("CREATE TEMP TABLE other (line VARCHAR)")
        con.executemany("INSERT INTO other VALUES (?)", other)
        con.execute("CREATE TEMP TABLE scanned AS " + _lines_sql("other"))
        before = result.read
        _add(con, result, "scanned")
        con.execute("INSERT INTO scan BY NAME SELECT * FROM scanned")
        unreadable += result.read - before
        result.read = before
    return unreadable, tabs


def _spilling(con: duckdb.DuckDBPyConnection, statement: str) -> duckdb.DuckDBPyConnection:
    """Run a statement whose memory grows with the kept events; when DuckDB cannot spill enough of it
    under the cap, run it again (it wrote nothing) with a cap GROWTH times larger, up to MAX_MEMORY."""
    while True:
        try:
            return con.execute(statement)
        except duckdb.OutOfMemoryException:
            cap = _cap(con) * GROWTH
            if cap > MAX_MEMORY:
                raise
            con.execute(f"SET memory_limit = '{cap}MiB'")


def _hold(con: duckdb.DuckDBPyConnection) -> None:
    """Lower the cap to HELD once the pass is done (or keep a smaller one): what is left reads the scan's
    table, and its blocks that do not fit wait in the temporary folder."""
    con.execute(f"SET memory_limit = '{min(HELD, _cap(con))}MiB'")


def _cap(con: duckdb.DuckDBPyConnection) -> int:
    """DuckDB's memory cap now, in MiB."""
    number, unit = str(con.execute("SELECT current_setting('memory_limit')").fetchone()[0]).split()  # type: ignore[index]
    return round(float(number) * _MIB[unit])


_MIB = {"KiB": 1 / 1024, "MiB": 1, "GiB": 1024, "TiB": 1024 * 1024}


def _count(con: duckdb.DuckDBPyConnection) -> Scan:
    result = Scan()
    _add(con, result, "scan")
    return result


def _add(con: duckdb.DuckDBPyConnection, result: Scan, table: str) -> None:
    for width, reason, diplomatic, rows in con.execute(
        f"SELECT width, reason, diplomatic, sum(n) FROM {table} GROUP BY ALL"
    ).fetchall():
        result.read += int(rows)
        if reason is not None:
            result.malformed[str(reason)] += int(rows)
            continue
        result.widths[int(width)] += int(rows)
        if diplomatic:
            result.diplomatic += int(rows)


def _keep(con: duckdb.DuckDBPyConnection, result: Scan) -> None:
    """Count the diplomatic rows between two states and their repeated GLOBALEVENTIDs, and leave one row per
    id in `events`, read through the view `kept`. The scan holds the kept rows grouped by their fields, so a
    repeated id is two groups with one id, or one group counted more than once."""
    dyadic, ids, groups = _spilling(
        con,
        "SELECT coalesce(sum(n), 0), count(DISTINCT split_part(packed, chr(9), 1)), count(*) FROM scan "
        "WHERE packed IS NOT NULL",
    ).fetchone()  # type: ignore[misc]
    if ids == groups:  # no id in two groups: the scan's table is the kept events as it stands
        con.execute("ALTER TABLE scan RENAME TO events")
    else:
        _spilling(con, f"CREATE TEMP TABLE events AS {_first_sql()}")
        con.execute("DROP TABLE scan")  # everything left to do reads `events`: free the memory
    con.execute(_kept_view())
    result.not_dyadic = result.diplomatic - int(dyadic)
    result.duplicate = int(dyadic) - int(ids)


def new(con: Connection, batch: int, file: str) -> Iterator[list[tuple[Any, ...]]]:
    """The kept events in batches of tuples, in the order of KEPT and then `file` (a constant here, so
    no row is copied in Python to add it).

    They come in DuckDB's order, not sorted by id: DuckDB's sort holds memory that grows with the
    kept events (1.4M of them, from 20M rows, do not sort under 64 MiB) and cannot give it back while
    its result streams, where a plain scan of `kept` streams under HELD MiB, the rest waiting in the
    temporary folder."""
    cursor = con.execute(f"SELECT {', '.join(KEPT)}, ?::VARCHAR FROM kept", [file])
    while rows := cursor.fetchmany(batch):
        yield rows


def id_span(con: Connection) -> tuple[str, str] | None:
    """The lowest and highest kept GLOBALEVENTID in string order, or None when nothing is kept."""
    low, high = con.execute("SELECT min(id), max(id) FROM kept").fetchone()  # type: ignore[misc]
    return None if low is None else (str(low), str(high))


def id_ranges(con: Connection, size: int) -> list[tuple[str, str]]:
    """The kept GLOBALEVENTIDs in string order, as (lowest, highest) of each run of `size` ids."""
    rows = _spilling(
        con,
        f"SELECT min(id), max(id) FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) // {int(size)} AS run "
        "FROM kept) GROUP BY run ORDER BY 1",
    ).fetchall()
    return [(str(low), str(high)) for low, high in rows]


def drop_ids(con: Connection, ids: list[str]) -> int:
    """Remove these GLOBALEVENTIDs from `kept`; how many were there."""
    if not ids:
        return 0
    con.execute("CREATE OR REPLACE TEMP TABLE held (id VARCHAR)")
    con.executemany("INSERT INTO held VALUES (?)", [(i,) for i in ids])
    before = int(con.execute("SELECT count(*) FROM kept").fetchone()[0])  # type: ignore[index]
    con.execute("DELETE FROM events WHERE split_part(packed, chr(9), 1) IN (SELECT id FROM held)")
    return before - int(con.execute("SELECT count(*) FROM kept").fetchone()[0])  # type: ignore[index]


def candidates(con: Connection, signal: str, least: int, file: str) -> list[tuple[Any, ...]]:
    """Kept events of the candidate signal with at least `least` mentions, in the order of CANDIDATE and then `file`.

    The signal is matched by its codes: a filter on `code` is pushed below the view's shaping, where one
    on `signal` shapes every kept event first (0.05 against 0.015 CPU-s for 72,000 kept events)."""
    codes = [code for code, named in layout.signals().items() if named == signal]
    if not codes:
        return []
    marks = ", ".join("?" * len(codes))
    return con.execute(
        f"SELECT {', '.join(_CANDIDATE_SQL)}, ?::VARCHAR FROM kept WHERE code IN ({marks}) AND mentions >= ? "
        "ORDER BY id",
        [file, *codes, least],
    ).fetchall()


def cells(con: Connection) -> list[tuple[Any, ...]]:
    """Dyad-month-code increments of the kept events: actor, target, month, code, signal, events, mentions,
    goldstein_tenths."""
    return _spilling(
        con,
        "SELECT actor, target, month, code, any_value(signal), count(*)::INTEGER, sum(mentions)::INTEGER, "
        "sum(coalesce(goldstein_tenths, 0))::INTEGER FROM kept GROUP BY actor, target, month, code",
    ).fetchall()
