"""Import GDELT event files into the store: one DuckDB scan and one transaction per file.

For each file: skip it if the ledger has it; otherwise scan it (legation.events.scan), drop the
events whose GLOBALEVENTID the store already holds, then write the new events, their dyad-month
increments (summed in DuckDB), the candidate measures and the ledger row in one transaction,
through the driver's executemany.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, select

from legation.events import files, layout, ledger, scan
from legation.events.layout import MIN_MENTIONS
from legation.events.ledger import FileReport
from legation.events.tables import event_candidates, event_dyad_months, gdelt_events
from legation.registry.schema import insert_values
from legation.registry.store import Store
from legation.registry.writer import Writer

BATCH = 2_000  # events per write: one multi-row statement on SQLite (up to SQLITE_VARIABLES // 14 columns)
CHUNK = 500

Progress = Callable[[FileReport], None]


def import_files(
    store: Store,
    inputs: list[str],
    *,
    min_mentions: int = MIN_MENTIONS,
    batch: int = BATCH,
    progress: Progress | None = None,
) -> list[FileReport]:
    """Import every events file the inputs name; a missing or corrupt file stops with an InputError."""
    found = files.expand(inputs)
    return [import_file(store, item, min_mentions=min_mentions, batch=batch, progress=progress) for item in found]


def import_file(
    store: Store, item: files.EventFile, *, min_mentions: int, batch: int, progress: Progress | None = None
) -> FileReport:
    path = files.local_copy(item)
    size = path.stat().st_size
    report = FileReport(file=item.name, location=item.location)
    with store.transaction() as conn:
        if ledger.known(conn, item.name, size):
            report.status = ledger.ALREADY
            return _done(report, progress)
    with files.readable(item, path) as source, tempfile.TemporaryDirectory(prefix="legation-duckdb-") as spill:
        con = scan.connect(Path(spill))
        try:
            found = scan.scan(con, source, item.location)
            _fill(report, found)
            with store.transaction() as conn:
                _drop_held(con, conn, report)
                writer = Writer(threaded=store.dialect == "sqlite")  # the next batch is fetched meanwhile
                try:
                    for rows in scan.new(con, batch, report.file):
                        writer.submit(insert_values, conn, gdelt_events, _EVENT_COLUMNS, rows)
                        report.rows_kept += len(rows)
                        if progress:
                            progress(report)
                    writer.settle()
                finally:
                    writer.close()
                chosen = scan.candidates(con, layout.candidate_signal(), min_mentions, report.file)
                insert_values(conn, event_candidates, _CANDIDATE_COLUMNS, chosen)
                report.candidates = len(chosen)
                _add_cells(conn, scan.cells(con))
                ledger.record(conn, report, size)
        finally:
            con.close()
    return _done(report, progress)


_EVENT_COLUMNS = (*scan.KEPT, "file")
_CANDIDATE_COLUMNS = (*scan.CANDIDATE, "file")


def _done(report: FileReport, progress: Progress | None) -> FileReport:
    if progress:
        progress(report)
    return report


def _fill(report: FileReport, found: scan.Scan) -> None:
    report.rows_read = found.read
    report.rows_malformed = sum(found.malformed.values())
    report.malformed = ledger.counted(found.malformed)
    report.widths = ledger.counted(found.widths)
    report.rows_diplomatic = found.diplomatic - found.not_dyadic
    report.rows_duplicate = found.duplicate


def _drop_held(con: scan.Connection, conn: Connection, report: FileReport) -> None:
    """Leave out of `kept` the events whose GLOBALEVENTID the store holds already (an earlier file's).

    When the store holds no id between the lowest and the highest kept one (a fresh store, or files
    imported in time order), nothing is held and the ids are not sorted. Otherwise one range query per
    run of ids (string order) finds the held ids in that range."""
    span = scan.id_span(con)
    if span is None or conn.execute(_ANY_IN_SPAN, {"low": span[0], "high": span[1]}).first() is None:
        return
    held: list[str] = []
    for low, high in scan.id_ranges(con, CHUNK * 20):
        query = select(gdelt_events.c.id).where(gdelt_events.c.id >= low, gdelt_events.c.id <= high)
        held.extend(conn.execute(query).scalars())
    report.rows_duplicate += scan.drop_ids(con, held)


_ANY_IN_SPAN = (
    select(gdelt_events.c.id)
    .where(gdelt_events.c.id >= bindparam("low"), gdelt_events.c.id <= bindparam("high"))
    .limit(1)
)


def _add_cells(conn: Connection, cells: list[tuple[Any, ...]]) -> None:
    """Add the increments to the dyad-month rows, creating the rows that are new."""
    summed = ", ".join(f"{k} = event_dyad_months.{k} + excluded.{k}" for k in _SUMMED)
    insert_values(
        conn, event_dyad_months, _CELL, cells, upsert=f"ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET {summed}"
    )


_KEY = ("actor", "target", "month", "code")
_SUMMED = ("events", "mentions", "goldstein_tenths")
_CELL = (*_KEY, "signal", *_SUMMED)


def reports_as_dicts(reports: Iterable[FileReport]) -> list[dict[str, Any]]:
    return [r.as_dict() for r in reports]
