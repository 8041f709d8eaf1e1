"""One way in: every file, stream or importer's records pass through `import_records`.

The import reads and validates everything first, resolves references against the batch and the
store, and only then writes, in one transaction. An error without `keep_going` leaves the store
exactly as it was.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pydantic

from legation import formats, records
from legation.errors import InputError
from legation.records import AnyRecord, Person, Posting
from legation.store import Store

WRITE_CHUNK = 5000
Progress = Callable[[int], None]


@dataclass
class Located:
    file: str
    line: int | None
    raw: dict[str, Any]
    record: AnyRecord | None = None


@dataclass
class ImportReport:
    read: int = 0
    valid: int = 0
    rejected: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def read_paths(
    paths: Iterable[str],
    *,
    fmt: str | None = None,
    stdin: IO[bytes] | None = None,
    errors: list[InputError] | None = None,
) -> Iterator[Located]:
    """Raw records from files, folders and `-`. With `errors`, a bad file is noted, not raised."""
    for path in paths:
        try:
            yield from _read_one(path, fmt, stdin)
        except InputError as exc:
            if errors is None:
                raise
            errors.append(exc)


def _read_one(path: str, fmt: str | None, stdin: IO[bytes] | None) -> Iterator[Located]:
    if path == "-":
        stream = stdin or sys.stdin.buffer
        for line, raw in formats.read("<stdin>", stream, fmt):
            yield Located("<stdin>", line, raw)
        return
    target = Path(path)
    if target.is_dir():
        for child in sorted(
            p for p in target.rglob("*") if p.suffix.lower() in (".jsonl", ".ndjson", ".yaml", ".yml", ".csv")
        ):
            yield from _read_one(str(child), fmt, stdin)
        return
    if not target.exists():
        raise InputError("no such file; expected a JSONL, YAML or CSV file, a folder or '-'", file=path)
    with target.open("rb") as stream:
        for line, raw in formats.read(path, stream, fmt):
            yield Located(path, line, raw)


def validate(item: Located) -> AnyRecord:
    try:
        return records.parse(item.raw)
    except pydantic.ValidationError as exc:
        where, expected = records.explain(exc.errors()[0])
        raise InputError(
            f"expected {expected}",
            file=item.file,
            line=item.line,
            record=str(item.raw.get("id") or "") or None,
            field=where,
        ) from None


def _error(item: Located, field_name: str, message: str) -> InputError:
    return InputError(message, file=item.file, line=item.line, record=item.raw.get("id"), field=field_name)


def _dedupe(items: list[Located]) -> list[Located]:
    first: dict[str, Located] = {}
    for item in items:
        assert item.record is not None
        seen = first.get(item.record.id)
        if seen is None:
            first[item.record.id] = item
        elif seen.record and seen.record.digest() != item.record.digest():
            where = f"{seen.file} line {seen.line}"
            raise _error(item, "id", f"a unique id; {item.record.id!r} is already used at {where} with other content")
    return list(first.values())


def _resolve(store: Store, items: list[Located]) -> Iterator[tuple[Located, InputError]]:
    """Check every reference; yield (item, error) for each that points to nothing."""
    kinds = {i.record.id: i.record.kind for i in items if i.record}
    wanted = {ref for i in items if i.record for _, ref, _ in records.references(i.record)}
    with store.engine.connect() as conn:
        stored = {k: v[0] for k, v in store.existing(conn, wanted | set(kinds)).items()}
    for item in items:
        assert item.record is not None
        previous = stored.get(item.record.id)
        if previous and previous != item.record.kind:
            yield item, _error(item, "id", f"a new id; {item.record.id!r} is already a {previous} in the store")
            continue
        for field_name, ref, kind in records.references(item.record):
            found = kinds.get(ref) or stored.get(ref)
            if found != kind:
                what = f"is a {found}" if found else "is in neither this import nor the store"
                yield item, _error(item, field_name, f"the id of a {kind}; {ref!r} {what}")
                break


def _names(store: Store, items: list[Located]) -> None:
    """Fill a posting's person_name from its person, so the posting reads on its own."""
    names = {i.record.id: i.record.name for i in items if isinstance(i.record, Person)}
    for item in items:
        rec = item.record
        if isinstance(rec, Posting) and rec.person and not rec.person_name:
            name = names.get(rec.person) or (store.get(rec.person) or {}).get("name")
            item.record = rec.model_copy(update={"person_name": name})


def import_records(
    store: Store,
    items: Iterable[Located],
    *,
    dry_run: bool = False,
    keep_going: bool = False,
    actor: str | None = None,
    progress: Progress | None = None,
    file_errors: list[InputError] | None = None,
) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    rejects: list[tuple[Located | None, InputError]] = [(None, e) for e in file_errors or []]
    good: list[Located] = []
    for item in items:
        report.read += 1
        try:
            item.record = validate(item)
            good.append(item)
        except InputError as exc:
            if not keep_going:
                raise
            rejects.append((item, exc))
    if report.read == 0 and not rejects:
        raise InputError("no records found; expected at least one record")
    good = _dedupe(good)
    while True:  # a record pointing at a rejected one is rejected too, so repeat until stable
        bad = list(_resolve(store, good))
        if not bad:
            break
        if not keep_going:
            raise bad[0][1]
        rejects += bad
        dropped = {id(item) for item, _ in bad}
        good = [i for i in good if id(i) not in dropped]
    _names(store, good)
    report.valid = len(good)
    report.rejected = len(rejects)
    report.errors = [{**e.as_dict(), "raw": i.raw if i else None} for i, e in rejects]
    if dry_run:
        return report
    batch = [i.record for i in good if i.record is not None]
    with store.transaction() as conn:
        for start in range(0, len(batch), WRITE_CHUNK):
            chunk = batch[start : start + WRITE_CHUNK]
            summary = store.write(conn, chunk, actor=actor)
            report.created += summary.created
            report.updated += summary.updated
            report.unchanged += summary.unchanged
            if progress:
                progress(len(chunk))
    return report


def write_rejects(report: ImportReport, path: str) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for error in report.errors:
            out.write(json.dumps(error, ensure_ascii=False) + "\n")
