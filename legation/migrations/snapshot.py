"""The SQLite schema at HEAD as one script, so a new store is made in one transaction, not by Alembic.

Running every migration on a new file costs about a third of a second (Alembic's import and its
steps); `Store.migrate` runs this script instead when the file holds no tables at all. Alembic stays
the source of truth: `python -m legation.migrations.snapshot` writes the script from a store that
Alembic migrated, and a test fails when the two differ.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from importlib import resources
from pathlib import Path

FILE = "sqlite_head.sql"


def text() -> str:
    """The bundled script."""
    return resources.files("legation.migrations").joinpath(FILE).read_text("utf-8")


def statements() -> list[str]:
    """The script's statements, one by one (each ends a line with `;`; none holds `;` and a newline)."""
    body = text().split("\n", 1)[1]  # after the heading comment; kept byte for byte, as SQLite stores it
    return [part for part in body.split(";\n") if part.strip()]


def dump(path: str) -> str:
    """The script that makes the schema of the SQLite file at `path`, with its Alembic revision."""
    conn = sqlite3.connect(path)
    try:
        # in creation order; SQLite makes the automatic indexes and the FTS5 shadow tables itself
        rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid").fetchall()
        virtual = [name for name, sql in rows if sql.upper().startswith("CREATE VIRTUAL TABLE")]
        shadow = tuple(f"{name}_" for name in virtual)
        statements = [sql for name, sql in rows if not name.startswith(shadow)]
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()
    body = "".join(f"{sql};\n" for sql in statements)
    return f"-- written by `python -m legation.migrations.snapshot`; do not edit\n{body}" + (
        f"INSERT INTO alembic_version (version_num) VALUES ('{revision}');\n"
    )


def from_alembic() -> str:
    """Migrate a new file with Alembic and dump it."""
    from legation.registry.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "head.db")
        store = Store.open(path, migrate=False)
        store.migrate(snapshot=False)
        store.close()
        return dump(path)


if __name__ == "__main__":
    target = Path(__file__).with_name(FILE)
    target.write_text(from_alembic(), encoding="utf-8")
    sys.stdout.write(f"wrote {target}\n")
