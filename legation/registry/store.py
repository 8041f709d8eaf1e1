"""The store: SQLite by default (one file, created and migrated on first use), or PostgreSQL by URL.

Every write goes through `Store.write` inside one transaction. A record whose content changed gets
a new version; the old one stays in `versions` with when and by whom it was written.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from legation.errors import StoreError
from legation.registry import schema
from legation.registry.records import AnyRecord, dumps
from legation.registry.schema import insert_values

ENV_DB = "LEGATION_DB"
CHUNK = 500
BULK_CACHE_KIB = 128 * 1024  # page cache of a bulk load (SQLite's default is 2 MiB)
ID_CHUNK = 5000  # ids per `IN (...)` lookup: SQLite takes 32,766 parameters, PostgreSQL 65,535
_RECORD_COLUMNS = ("id", "kind", "version", "certainty", "data", "hash", "updated_at", "updated_by")
_VERSION_COLUMNS = ("record_id", "version", "kind", "data", "hash", "changed_at", "changed_by", "change")


def default_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "legation" / "legation.db"


def url_for(db: str | None) -> str:
    """A SQLAlchemy URL from what the user typed: a file path, or a database URL."""
    db = db or os.environ.get(ENV_DB) or str(default_path())
    if db.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + db.split("://", 1)[1]
    if "://" in db:
        return db
    path = Path(db).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def actor_name() -> str:
    return os.environ.get("LEGATION_USER") or getpass.getuser()


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class WriteSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Projection(Protocol):
    """A table derived from `records` that every write keeps in step: the query tables and the search
    index. The store is given them (see `legation/registry/__init__.py`) and never imports them, so
    the core has no import circle and a new derived table needs no change here."""

    def insert(self, conn: Connection, dialect: str, batch: list[AnyRecord]) -> None: ...

    def delete(self, conn: Connection, dialect: str, ids: list[str]) -> None: ...


# The projections every store is given unless it is opened with its own list.
PROJECTIONS: list[Projection] = []


# The newest migration. A test checks it against Alembic's own head, so it cannot drift.
HEAD = "0003_review"


def alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("legation") / "migrations"))
    return config


class Store:
    """An open store. Use `Store.open(db)`; it migrates the schema to the latest version."""

    def __init__(self, engine: Engine, projections: list[Projection] | None = None) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.projections = PROJECTIONS if projections is None else projections

    @classmethod
    def open(cls, db: str | None = None, *, migrate: bool = True, projections: list[Projection] | None = None) -> Store:
        url = url_for(db)
        try:
            engine = create_engine(url)
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _sqlite_pragmas)
            store = cls(engine, projections)
            if migrate:
                store.migrate()
        except (SQLAlchemyError, OSError) as exc:
            raise StoreError(f"cannot open the store at {db or url}: {exc}") from exc
        return store

    def migrate(self) -> None:
        """Bring the schema to HEAD; a store already there costs one query and no Alembic import."""
        with self.engine.connect() as conn:
            if self.revision(conn) == HEAD:
                return
        from alembic import command  # loads in about a third of a second: only when needed

        with self.engine.begin() as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def revision(self, conn: Connection) -> str | None:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    @contextmanager
    def bulk_load(self, conn: Connection) -> Iterator[None]:
        """Settings for one large write on this connection, put back afterwards: on SQLite a page
        cache of BULK_CACHE_KIB, so the pages of a 100,000-record import stay in memory until the
        commit instead of being spilled to the WAL and written again. Durability is unchanged."""
        if self.dialect != "sqlite":
            yield
            return
        raw = conn.connection.dbapi_connection  # a PRAGMA on the driver's connection opens no transaction
        assert raw is not None
        before = int(raw.execute("PRAGMA cache_size").fetchone()[0])
        raw.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        try:
            yield
        finally:
            raw.execute(f"PRAGMA cache_size = {before}")

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()

    # --- reading ---------------------------------------------------------------------------

    def get(self, record_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(schema.records.c.data).where(schema.records.c.id == record_id)).first()
        return json.loads(row[0]) if row else None

    def existing(self, conn: Connection, ids: Iterable[str]) -> dict[str, tuple[str, str, int]]:
        """id -> (kind, hash, version) for the ids the store already holds."""
        found: dict[str, tuple[str, str, int]] = {}
        t = schema.records
        batch = list(ids)
        for i in range(0, len(batch), ID_CHUNK):
            rows = conn.execute(
                select(t.c.id, t.c.kind, t.c.hash, t.c.version).where(t.c.id.in_(batch[i : i + ID_CHUNK]))
            )
            found.update({r.id: (r.kind, r.hash, r.version) for r in rows})
        return found

    def iter_records(self, kind: str | None = None, ids: set[str] | None = None) -> Iterator[dict[str, Any]]:
        """Current records in export order: by kind, then id."""
        order = {k: i for i, k in enumerate(schema.PROJECTIONS)}
        t = schema.records
        query = select(t.c.id, t.c.kind, t.c.data)
        if kind:
            query = query.where(t.c.kind == kind)
        with self.engine.connect() as conn:
            rows = sorted(conn.execute(query), key=lambda r: (order.get(r.kind, 99), r.id))
        for row in rows:
            if ids is None or row.id in ids:
                yield json.loads(row.data)

    def history(self, record_id: str) -> list[dict[str, Any]]:
        """Every version, oldest first; the current one's text comes from `records`."""
        t = schema.versions
        current = self.get(record_id)
        with self.engine.connect() as conn:
            rows = conn.execute(select(t).where(t.c.record_id == record_id).order_by(t.c.version)).mappings()
            return [{**dict(r), "data": json.loads(r["data"]) if r["data"] else current} for r in rows]

    def scalar(self, sql: str, **params: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def rows(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(text(sql), params).mappings()]

    # --- writing ---------------------------------------------------------------------------

    def write(
        self,
        conn: Connection,
        batch: list[AnyRecord],
        *,
        actor: str | None = None,
        known: dict[str, tuple[str, str, int]] | None = None,
        texts: list[str] | None = None,
        digests: list[str] | None = None,
    ) -> WriteSummary:
        """Write records inside the caller's transaction: new versions for changed ones only.

        `texts` and `digests` are each record's canonical text and its SHA-1 when the caller has
        them already (an import computes both to spot repeated ids), so they are not made twice."""
        summary = WriteSummary()
        who, when = actor or actor_name(), now()
        known = self.existing(conn, (r.id for r in batch)) if known is None else known
        new_rows: list[tuple[Any, ...]] = []
        version_rows: list[tuple[Any, ...]] = []
        changed: list[AnyRecord] = []
        for n, record in enumerate(batch):
            body = texts[n] if texts else dumps(record.canonical())
            digest = digests[n] if digests else hashlib.sha1(body.encode()).hexdigest()
            previous = known.get(record.id)
            if previous and previous[1] == digest:
                summary.unchanged += 1
                continue
            version = previous[2] + 1 if previous else 1
            # the current text lives in `records`; `versions.data` gets it once it is superseded
            version_rows.append(
                (record.id, version, record.kind, None, digest, when, who, "update" if previous else "create")
            )
            row = (record.id, record.kind, version, record.certainty, body, digest, when, who)
            if previous:
                self._supersede(conn, record.id, previous[2])
                values = dict(zip(_RECORD_COLUMNS, row, strict=True))
                conn.execute(schema.records.update().where(schema.records.c.id == record.id), values)
                summary.updated += 1
            else:
                new_rows.append(row)
                summary.created += 1
            changed.append(record)
            summary.ids.append(record.id)
        insert_values(conn, schema.records, _RECORD_COLUMNS, new_rows)
        insert_values(conn, schema.versions, _VERSION_COLUMNS, version_rows)
        self._project(conn, changed, replace=summary.updated > 0)
        return summary

    def _supersede(self, conn: Connection, record_id: str, version: int) -> None:
        """Move the current text into its `versions` row before `records` gets the new one."""
        v, r = schema.versions, schema.records
        current = select(r.c.data).where(r.c.id == record_id).scalar_subquery()
        conn.execute(
            v.update()
            .where(v.c.record_id == record_id, v.c.version == version, v.c.data.is_(None))
            .values(data=current)
        )

    def _project(self, conn: Connection, batch: list[AnyRecord], *, replace: bool) -> None:
        if not batch:
            return
        if replace:
            ids = [r.id for r in batch]
            for i in range(0, len(ids), CHUNK):
                for projection in self.projections:
                    projection.delete(conn, self.dialect, ids[i : i + CHUNK])
        for projection in self.projections:
            projection.insert(conn, self.dialect, batch)
