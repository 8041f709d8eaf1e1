"""Version history as JSON Lines: `export --history` writes it, `import --history` reads it back.

A plain export holds each record's current form only; this one holds every version, with when,
by whom and how it changed, so a store can be moved or rebuilt without losing who wrote what.
One line per version, oldest first within each record:

    {"id": "p-x", "kind": "person", "version": 2, "change": "update",
     "changed_at": "2026-11-30T10:00:00+00:00", "changed_by": "alice", "record": {...}}

Reading it back validates every version like any import and writes all or nothing, into a store
that does not yet hold those records.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pydantic
from sqlalchemy import select

from legation.errors import InputError, quote
from legation.registry import formats, records, schema
from legation.registry.records import AnyRecord
from legation.registry.schema import bulk_insert
from legation.registry.store import Store

LINE_FIELDS = ("id", "kind", "version", "change", "changed_at", "changed_by", "record")
CHANGES = ("create", "update")


def export_history(store: Store, out: IO[str]) -> int:
    """Every version of every record, by id then version; returns how many lines were written."""
    v, r = schema.versions, schema.records
    query = (
        select(v.c.record_id, v.c.kind, v.c.version, v.c.change, v.c.changed_at, v.c.changed_by, v.c.data, r.c.data)
        .join_from(v, r, r.c.id == v.c.record_id, isouter=True)
        .order_by(v.c.record_id, v.c.version)
    )
    count = 0
    with store.engine.connect() as conn:
        for rid, kind, version, change, at, by, old, current in conn.execute(query):
            line = {"id": rid, "kind": kind, "version": version, "change": change, "changed_at": at, "changed_by": by}
            line["record"] = json.loads(old or current)
            out.write(records.dumps(line) + "\n")
            count += 1
    return count


@dataclass
class _Version:
    file: str
    line: int
    data: dict[str, Any]
    record: AnyRecord
    text: str = field(init=False)

    def __post_init__(self) -> None:
        self.text = records.dumps(self.record.canonical())


@dataclass
class HistoryReport:
    records: int = 0
    versions: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"records": self.records, "versions": self.versions, "dry_run": self.dry_run}


def _lines(paths: Iterable[str]) -> Iterator[tuple[str, int, dict[str, Any]]]:
    for path in paths:
        if not Path(path).is_file():
            raise InputError("no such file; expected a history file from `legation export --history`", file=path)
        with open(path, "rb") as stream:
            for number, raw in formats.read(path, stream, "jsonl"):
                assert isinstance(raw, dict)
                yield path, number, raw


def _version(file: str, line: int, raw: dict[str, Any]) -> _Version:
    def bad(name: str, expected: str) -> InputError:
        return InputError(f"expected {expected}", file=file, line=line, record=str(raw.get("id") or ""), field=name)

    for name in LINE_FIELDS:
        if name not in raw:
            raise bad(
                name, "a value (every history line has id, kind, version, change, changed_at, changed_by, record)"
            )
    if extra := sorted(set(raw) - set(LINE_FIELDS)):
        raise bad(extra[0], "no such field in a history line")
    version = raw["version"]
    if type(version) is not int or not 1 <= version <= 1_000_000:
        raise bad("version", f"a version number from 1; got {quote(version)}")
    if raw["change"] not in CHANGES:
        raise bad("change", f"one of {', '.join(CHANGES)}; got {quote(raw['change'])}")
    for name in ("changed_at", "changed_by"):
        if not isinstance(raw[name], str) or not raw[name].strip():
            raise bad(name, f"text; got {quote(raw[name])}")
    if not isinstance(raw["record"], dict):
        raise bad("record", "the record as it was at this version (a JSON object)")
    try:
        record = records.parse(raw["record"])
    except pydantic.ValidationError as exc:
        where, expected = records.explain(exc.errors()[0])
        raise bad(f"record.{where}", expected) from None
    if record.id != raw["id"] or record.kind != raw["kind"]:
        raise bad("record", f"a {raw['kind']} with id {quote(raw['id'])}, as the line says")
    return _Version(file, line, raw, record)


def _grouped(paths: Iterable[str]) -> dict[str, list[_Version]]:
    """Versions by record, checked to run 1, 2, 3 ... with one kind throughout."""
    found: dict[str, list[_Version]] = {}
    for file, line, raw in _lines(paths):
        item = _version(file, line, raw)
        chain = found.setdefault(item.record.id, [])
        expected = len(chain) + 1
        if item.data["version"] != expected or (chain and chain[0].record.kind != item.record.kind):
            message = f"version {expected} of {item.record.kind} {quote(item.record.id)} (versions run 1, 2, 3 ...)"
            raise InputError(f"expected {message}", file=file, line=line, record=item.record.id, field="version")
        chain.append(item)
    if not found:
        raise InputError("no versions found; expected the output of `legation export --history`")
    return found


def import_history(store: Store, paths: Iterable[str], *, dry_run: bool = False) -> HistoryReport:
    """Write every version of every record in the files, all or nothing."""
    found = _grouped(paths)
    report = HistoryReport(records=len(found), versions=sum(len(c) for c in found.values()), dry_run=dry_run)
    with store.engine.connect() as conn:
        transaction = conn.begin()
        present = store.existing(conn, found)
        if present:
            rid = sorted(present)[0]
            first = found[rid][0]
            message = f"expected an id the store does not hold; {quote(rid)} is in it (restore into an empty store)"
            raise InputError(message, file=first.file, line=first.line, record=rid, field="id")
        current_rows, version_rows = [], []
        for rid, chain in found.items():
            last = chain[-1]
            for item in chain:
                version_rows.append(
                    {
                        "record_id": rid,
                        "version": item.data["version"],
                        "kind": item.record.kind,
                        "data": None if item is last else item.text,  # as Store.write keeps them
                        "hash": hashlib.sha1(item.text.encode()).hexdigest(),
                        "changed_at": item.data["changed_at"],
                        "changed_by": item.data["changed_by"],
                        "change": item.data["change"],
                    }
                )
            current_rows.append(
                {
                    "id": rid,
                    "kind": last.record.kind,
                    "version": last.data["version"],
                    "certainty": last.record.certainty,
                    "data": last.text,
                    "hash": hashlib.sha1(last.text.encode()).hexdigest(),
                    "updated_at": last.data["changed_at"],
                    "updated_by": last.data["changed_by"],
                }
            )
        bulk_insert(conn, schema.records, current_rows)
        bulk_insert(conn, schema.versions, version_rows)
        store.project(conn, [chain[-1].record for chain in found.values()])
        transaction.rollback() if dry_run else transaction.commit()
    return report
