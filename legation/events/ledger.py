"""The ledger of imported GDELT files, and the per-file report it keeps.

A file counts as imported once its ledger row is committed, in the same transaction as its events,
aggregates and candidates. So an interrupted import leaves no trace of the file it was reading, and
running it again imports that file whole and skips the ones already done.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from legation.events.tables import gdelt_files
from legation.registry.store import actor_name, now

IMPORTED = "imported"
ALREADY = "already imported"


@dataclass
class FileReport:
    """What one file held and what the import did with it."""

    file: str
    location: str
    status: str = IMPORTED
    rows_read: int = 0
    rows_malformed: int = 0
    rows_diplomatic: int = 0
    rows_duplicate: int = 0
    rows_kept: int = 0
    candidates: int = 0
    malformed: dict[str, int] = field(default_factory=dict)
    widths: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def known(conn: Connection, name: str, size: int) -> bool:
    """True when a file of this name and size is in the ledger already."""
    row = conn.execute(select(gdelt_files.c.size).where(gdelt_files.c.name == name)).first()
    return row is not None and int(row.size) == size


def record(conn: Connection, report: FileReport, size: int) -> None:
    conn.execute(gdelt_files.delete().where(gdelt_files.c.name == report.file))
    conn.execute(
        gdelt_files.insert(),
        {
            "name": report.file,
            "location": report.location,
            "size": size,
            "rows_read": report.rows_read,
            "rows_malformed": report.rows_malformed,
            "rows_diplomatic": report.rows_diplomatic,
            "rows_duplicate": report.rows_duplicate,
            "rows_kept": report.rows_kept,
            "candidates": report.candidates,
            "malformed": json.dumps(report.malformed, sort_keys=True),
            "widths": json.dumps(report.widths, sort_keys=True),
            "imported_at": now(),
            "imported_by": actor_name(),
        },
    )


def entries(conn: Connection) -> list[dict[str, Any]]:
    """The ledger, oldest first, with its JSON columns decoded."""
    rows = conn.execute(select(gdelt_files).order_by(gdelt_files.c.imported_at, gdelt_files.c.name)).mappings()
    return [{**dict(r), "malformed": json.loads(r["malformed"]), "widths": json.loads(r["widths"])} for r in rows]


def counted(values: Counter[str] | Counter[int]) -> dict[str, int]:
    return {str(k): int(v) for k, v in sorted(values.items(), key=lambda kv: str(kv[0]))}
