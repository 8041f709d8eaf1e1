"""`legation backup` and `legation restore`: a whole store, versions and all, in one file.

SQLite uses its online backup API, so a backup taken while the web app writes is consistent and
never half a page. PostgreSQL uses its own tools, `pg_dump --format=custom` and `pg_restore
--clean`, found on PATH or in LEGATION_PG_BIN. A restore checks the file first (its kind, its
soundness, a schema this Legation knows) and only then replaces the store's contents.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from legation.errors import InputError, StoreError
from legation.registry.store import Store, alembic_config

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


def backup(store: Store, path: Path) -> dict[str, Any]:
    """Copy the store to `path` (written beside it, then moved into place)."""
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    if store.dialect == "sqlite":
        target = sqlite3.connect(partial)
        try:
            raw = store.engine.raw_connection()
            try:
                raw.driver_connection.backup(target)  # type: ignore[union-attr]
            finally:
                raw.close()
        finally:
            target.close()
    else:
        _pg("pg_dump", "--format=custom", "--no-owner", f"--file={partial}", _pg_url(store))
    os.replace(partial, path)
    return {"path": str(path), "bytes": path.stat().st_size, "backend": store.dialect}


def restore(store: Store, path: Path) -> dict[str, Any]:
    """Replace the store's contents with a backup's, after checking the backup."""
    if not path.is_file():
        raise InputError("no such file; expected a backup made by `legation backup`", file=str(path))
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if store.dialect == "sqlite":
        if head != SQLITE_MAGIC:
            raise InputError("not a SQLite backup; expected a file made by `legation backup`", file=str(path))
        source = _checked_sqlite(path)
        try:
            raw = store.engine.raw_connection()
            try:
                source.backup(raw.driver_connection)  # type: ignore[arg-type]
            finally:
                raw.close()
        finally:
            source.close()
        store.engine.dispose()  # pooled connections still see the old schema cache
    else:
        if not head.startswith(PG_MAGIC):
            raise InputError("not a pg_dump archive; expected a file made by `legation backup`", file=str(path))
        _pg(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={_pg_url(store)}",
            str(path),
        )
    store.migrate()  # an older backup is brought up to this Legation's schema
    return {"path": str(path), "records": store.scalar("SELECT count(*) FROM records"), "backend": store.dialect}


def _checked_sqlite(path: Path) -> sqlite3.Connection:
    """An open, read-only connection to a sound Legation backup at a schema we know."""
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        problems = [r[0] for r in source.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise InputError(f"a damaged backup ({problems[0]}); expected a sound one", file=str(path))
        tables = {r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"records", "versions", "alembic_version"} <= tables:
            raise InputError("a SQLite file that is not a Legation store; expected a backup", file=str(path))
        revision = (source.execute("SELECT version_num FROM alembic_version").fetchone() or [None])[0]
    except sqlite3.DatabaseError as exc:
        source.close()
        raise InputError(f"an unreadable backup ({exc}); expected a SQLite file", file=str(path)) from None
    except InputError:
        source.close()
        raise
    from alembic.script import ScriptDirectory

    if revision not in {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}:
        source.close()
        raise StoreError(f"this backup was written by a newer Legation (revision {revision}); upgrade Legation")
    return source


def _pg_url(store: Store) -> str:
    """The store's URL as libpq reads it (no SQLAlchemy driver suffix)."""
    url = make_url(str(store.engine.url.render_as_string(hide_password=False)))
    return str(url.set(drivername="postgresql").render_as_string(hide_password=False))


def _pg(tool: str, *args: str) -> None:
    folder = os.environ.get("LEGATION_PG_BIN")
    found = str(Path(folder) / tool) if folder else shutil.which(tool)
    if not found or not Path(found).exists():
        raise StoreError(f"{tool} is not installed; install PostgreSQL's client tools to back up a PostgreSQL store")
    result = subprocess.run([found, *args], capture_output=True, text=True, check=False)
    if result.returncode:
        message = " ".join(result.stderr.split())[:300]
        raise StoreError(f"{tool} failed: {message}")
