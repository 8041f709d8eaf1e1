"""Import GDELT event files into the store: one DuckDB scan and one transaction per file.

For each file: skip it if the ledger has it; otherwise scan it (legation.events.scan), drop the
events whose GLOBALEVENTID the store already holds, then write the new events, their dyad-month
increments, the candidate measures and the ledger row together through SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from legation.events import files, layout, ledger, scan
from legation.events.ledger import FileReport
from legation.events.tables import event_candidates, event_dyad_months, gdelt_events
from legation.store import Store

MIN_MENTIONS = 5
BATCH = 10_000
CHUNK = 500

Progress = Callable[[FileReport], None]
Key = tuple[str, str, str, str]


@dataclass
class Cell:
    """One dyad-month-code increment."""

    signal: str
    events: int = 0
    mentions: int = 0
    goldstein_tenths: int = 0


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
    with files.unpacked(item, path) as plain:
        con = scan.connect()
        try:
            found = scan.scan(con, plain, item.location)
            _fill(report, found)
            with store.transaction() as conn:
                cells: dict[Key, Cell] = {}
                for rows in scan.kept(con, batch):
                    new = _new_only(conn, rows)
                    report.rows_duplicate += len(rows) - len(new)
                    _write(conn, report, new, cells, min_mentions)
                    if progress:
                        progress(report)
                _add_cells(conn, cells)
                ledger.record(conn, report, size)
        finally:
            con.close()
    return _done(report, progress)


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


def _new_only(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows whose GLOBALEVENTID the store does not hold yet (an earlier file may have it)."""
    ids = [r["id"] for r in rows]
    held: set[str] = set()
    for i in range(0, len(ids), CHUNK):
        query = select(gdelt_events.c.id).where(gdelt_events.c.id.in_(ids[i : i + CHUNK]))
        held.update(conn.execute(query).scalars())
    return [r for r in rows if r["id"] not in held] if held else rows


def _write(
    conn: Connection, report: FileReport, rows: list[dict[str, Any]], cells: dict[Key, Cell], least: int
) -> None:
    if not rows:
        return
    for row in rows:
        row["file"] = report.file
    conn.execute(gdelt_events.insert(), rows)
    report.rows_kept += len(rows)
    wanted = layout.candidate_signal()
    chosen = [_candidate(r) for r in rows if r["signal"] == wanted and r["mentions"] >= least]
    if chosen:
        conn.execute(event_candidates.insert(), chosen)
        report.candidates += len(chosen)
    for row in rows:
        cell = cells.setdefault((row["actor"], row["target"], row["month"], row["code"]), Cell(row["signal"]))
        cell.events += 1
        cell.mentions += row["mentions"]
        cell.goldstein_tenths += row["goldstein_tenths"] or 0


def _candidate(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("date", "actor", "target", "code", "mentions", "source_url", "file")
    return {"event_id": row["id"], **{k: row[k] for k in keys}}


def _add_cells(conn: Connection, cells: dict[Key, Cell]) -> None:
    """Add the increments to the dyad-month rows, creating the rows that are new."""
    if not cells:
        return
    rows = [{"actor": a, "target": t, "month": m, "code": c, **cell.__dict__} for (a, t, m, c), cell in cells.items()]
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(event_dyad_months)
    totals = {k: getattr(event_dyad_months.c, k) + getattr(stmt.excluded, k) for k in _SUMMED}
    conn.execute(stmt.on_conflict_do_update(index_elements=_KEY, set_=totals), rows)


_KEY = ("actor", "target", "month", "code")
_SUMMED = ("events", "mentions", "goldstein_tenths")


def reports_as_dicts(reports: Iterable[FileReport]) -> list[dict[str, Any]]:
    return [r.as_dict() for r in reports]
