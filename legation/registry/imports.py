"""One way in: every file, stream or importer's records pass through `import_records`.

The import reads and validates everything first, resolves references against the batch and the
store, and only then writes, in one transaction. An error without `keep_going` leaves the store
exactly as it was.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple, ParamSpec, TypeVar

import pydantic
from sqlalchemy import Connection

from legation.errors import Conflict, InputError
from legation.registry import formats, projections, records, search
from legation.registry.records import AnyRecord, Person, Posting
from legation.registry.store import Prepared, Store
from legation.registry.writer import Writer

WRITE_CHUNK = 5000
Progress = Callable[[int], None]
P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class Located:
    file: str
    line: int | None
    raw: dict[str, Any] | bytes  # bytes: a JSON Lines line not parsed yet (see formats.read)
    number: int = -1


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
    plain: bool = False,
) -> Iterator[Located]:
    """Raw records from files, folders and `-`. With `errors`, a bad file is noted, not raised.
    With `plain`, every record comes parsed (a dict), for callers that look into them first."""
    for path in paths:
        try:
            yield from _read_one(path, fmt, stdin, not plain)
        except InputError as exc:
            if errors is None:
                raise
            errors.append(exc)


def _read_one(path: str, fmt: str | None, stdin: IO[bytes] | None, lazy: bool = True) -> Iterator[Located]:
    if path == "-":
        stream = stdin or sys.stdin.buffer
        for line, raw in formats.read("<stdin>", stream, fmt, lazy=lazy):
            yield Located("<stdin>", line, raw)
        return
    target = Path(path)
    if target.is_dir():
        for child in sorted(
            p for p in target.rglob("*") if p.suffix.lower() in (".jsonl", ".ndjson", ".yaml", ".yml", ".csv")
        ):
            yield from _read_one(str(child), fmt, stdin, lazy)
        return
    if not target.exists():
        raise InputError("no such file; expected a JSONL, YAML or CSV file, a folder or '-'", file=path)
    with target.open("rb") as stream:
        for line, raw in formats.read(path, stream, fmt, lazy=lazy):
            yield Located(path, line, raw)


def validate(item: Located) -> AnyRecord:
    if isinstance(item.raw, bytes):
        if formats.surely_unique(item.raw):  # pydantic's validate_json lets a repeated key win silently
            try:
                return records.parse_json(item.raw)
            except pydantic.ValidationError:  # parsed again the slow way below, to say what is wrong
                pass
        item.raw = formats.parse_line(item.file, item.line, item.raw)
    try:
        return records.parse(item.raw)
    except pydantic.ValidationError as exc:
        where, expected = records.explain(exc.errors()[0])
        raise InputError(
            f"expected {expected}",
            file=item.file,
            line=item.line,
            record=_raw_id(item),
            field=where,
        ) from None


def _raw_id(item: Located) -> str | None:
    found = item.raw.get("id") if isinstance(item.raw, dict) else None
    return str(found) if found else None


def _error(item: Located, field_name: str, message: str, record_id: str | None = None) -> InputError:
    return InputError(message, file=item.file, line=item.line, record=record_id or _raw_id(item), field=field_name)


class _Refused(Exception):
    """Raised inside the import's transaction so that it rolls back; carries what was refused."""

    def __init__(self, bad: list[tuple[Located, InputError]]) -> None:
        self.bad = bad


class Entry(NamedTuple):
    """What an import keeps of one validated record: the record prepared for the store, the ids it
    points to, and for a posting whose person's name is filled in from the person, that person and
    where the name goes in the text. Plain values: a worker process makes these (registry.bulk)."""

    line: int | None
    record: Prepared
    refs: list[tuple[str, str, str]]
    name: str | None = None  # a person's name, for the postings that point to it
    person: str | None = None  # a posting's person, whose name it takes
    at: int = 0  # where `"person_name":...` goes in the posting's text: right after its person


def entry(store: Store, line: int | None, record: AnyRecord) -> Entry:
    text = records.dumps(record.canonical())
    prepared = store.prepare(record, text, hashlib.sha1(text.encode()).hexdigest())
    refs = records.references(record)
    if isinstance(record, Person):
        return Entry(line, prepared, refs, name=record.name)
    if isinstance(record, Posting) and record.person and not record.person_name:
        # the canonical text starts with kind, id and person (Canonical.canonical)
        head = records.dumps({"kind": record.kind, "id": record.id, "person": record.person})
        return Entry(line, prepared, refs, person=record.person, at=len(head) - 1)
    return Entry(line, prepared, refs)


def with_person_name(entry: Entry, name: str) -> Prepared:
    """The posting with its person's name: the text gets the field where `Canonical.canonical`
    puts it, the posting's row and its search text get it too."""
    record, at = entry.record, entry.at
    text = f'{record.text[:at]},"person_name":{records.dumps(name)}{record.text[at:]}'  # type: ignore[arg-type]
    fill = {"postings": projections.with_person_name, "search_index": search.with_person_name}
    rows = [(table, fill[table](row, name) if table in fill else row) for table, row in record.rows]
    return record._replace(text=text, digest=hashlib.sha1(text.encode()).hexdigest(), rows=rows)


@dataclass
class _Pass:
    """One pass over the input inside one transaction: validated records are written in chunks,
    so memory stays flat however large the file; references are checked at the end, when every
    record of the import is in the store, and a failure rolls the whole pass back."""

    store: Store
    conn: Connection
    report: ImportReport
    actor: str | None
    keep_going: bool
    excluded: set[int]
    progress: Progress | None
    seen: dict[str, tuple[str, str, int | None]] = field(default_factory=dict)  # id -> (digest, file, line)
    names: dict[str, str] = field(default_factory=dict)
    refs: list[tuple[Located, str, str, str]] = field(default_factory=list)
    chunk: list[tuple[Located, Prepared]] = field(default_factory=list)
    deferred: list[tuple[Located, Entry]] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)
    expect: Mapping[str, int | None] = field(default_factory=dict)
    writer: Writer = field(default_factory=Writer)

    def add(self, number: int, item: Located, rejects: list[tuple[Located | None, InputError]]) -> None:
        try:
            record = validate(item)
        except InputError as exc:
            if not self.keep_going:
                raise
            rejects.append((item, exc))
            return
        if number in self.excluded:
            return
        self.accept(number, item, entry(self.store, item.line, record))

    def accept(self, number: int, item: Located, found: Entry) -> None:
        """Take one validated record: skip a repeat, fill in a posting's person name (from its person
        if it came earlier, otherwise at the end) and queue it for writing."""
        record, deferred = found.record, False
        if found.person:
            name = self.names.get(found.person)
            deferred = not name  # its person comes later in the input, or is in the store
            if name:
                record = with_person_name(found, name)
        if not self._first(item, record, found.refs):
            return
        item.number = number
        if not self.keep_going:  # the entry holds it all now; keep memory flat
            item.raw = {"id": record.id}
        elif isinstance(item.raw, bytes):  # a reject file needs the record as it was read
            item.raw = formats.parse_line(item.file, item.line, item.raw)
        if found.name is not None:
            self.names[record.id] = found.name
        if deferred:
            self.deferred.append((item, found))
        else:
            self.push(item, record)

    def _first(self, item: Located, record: Prepared, refs: list[tuple[str, str, str]]) -> bool:
        """True the first time an id is seen; a repeat must carry the same content."""
        first = self.seen.get(record.id)
        if first:
            if first[0] != record.digest:
                where = f"{first[1]} line {first[2]}"
                message = f"a unique id; {record.id!r} is already used at {where} with other content"
                raise _error(item, "id", message, record.id)
            return False
        self.seen[record.id] = (record.digest, item.file, item.line)
        self.kinds[record.id] = record.kind
        self.refs += [(item, f, ref, kind) for f, ref, kind in refs]
        return True

    def push(self, item: Located, record: Prepared) -> None:
        self.chunk.append((item, record))
        if len(self.chunk) >= WRITE_CHUNK:
            self.flush(background=self.store.dialect == "sqlite" and self.writer.threaded)

    def flush(self, background: bool = False) -> None:
        """Write the chunk. In the background, SQLite writes it in a thread of its own while the
        next chunk is read and validated (legation.registry.writer); its error, if any, is raised
        by the next flush or by `settle`, before anything read after it."""
        chunk, self.chunk = self.chunk, []
        if not chunk:
            self.settle()
            return
        if background:
            self.writer.submit(self._write, chunk)
        else:
            self.settle()
            self._write(chunk)
        if self.progress:
            self.progress(len(chunk))

    def settle(self) -> None:
        """Wait for the chunk in flight; raise its error."""
        self.writer.settle()

    def close(self) -> None:
        self.writer.close()

    def _write(self, chunk: list[tuple[Located, Prepared]]) -> None:
        batch = [record for _, record in chunk]
        known = self.store.existing(self.conn, [r.id for r in batch])
        self._check_versions(batch, known)
        clash = [(i, r, known[r.id][0]) for i, r in chunk if r.id in known and known[r.id][0] != r.kind]
        if clash:
            raise _Refused(
                [(i, _error(i, "id", f"a new id; {r.id!r} is already a {k} in the store")) for i, r, k in clash]
            )
        summary = self.store.write_prepared(self.conn, batch, actor=self.actor, known=known)
        self.report.created += summary.created
        self.report.updated += summary.updated
        self.report.unchanged += summary.unchanged

    def _check_versions(self, batch: list[Prepared], known: dict[str, tuple[str, str, int]]) -> None:
        """Refuse a stale edit, or a create over an existing id: read under the write lock, so the
        version compared is the one this write would replace."""
        for record in batch:
            if record.id not in self.expect:
                continue
            expected, current = self.expect[record.id], known[record.id][2] if record.id in known else None
            if expected == current:
                continue
            if expected is None:
                message = f"a new id; {record.id!r} already exists (version {current}): edit it instead"
            elif current is None:
                message = f"{record.id!r} at version {expected}; it is no longer in the store"
            else:
                message = f"{record.id!r} at version {expected}; it is at version {current} now, changed since"
            raise Conflict(message, record=record.id, expected=expected, current=current)

    def finish(self) -> None:
        self.flush()
        self.settle()
        bad: list[tuple[Located, InputError]] = []
        for item, waiting in self.deferred:
            name = self.names.get(waiting.person or "") or self._stored_name(waiting.person)
            self.push(item, with_person_name(waiting, name) if name else waiting.record)
        self.flush()
        wanted = {ref for _, _, ref, _ in self.refs if ref not in self.kinds}
        outside = {k: v[0] for k, v in self.store.existing(self.conn, wanted).items()}
        for item, field_name, ref, kind in self.refs:
            found = self.kinds.get(ref) or outside.get(ref)
            if found != kind:
                what = f"is a {found}" if found else "is in neither this import nor the store"
                bad.append((item, _error(item, field_name, f"the id of a {kind}; {ref!r} {what}")))
        if bad:
            raise _Refused(bad + self._dependents(bad) if self.keep_going else bad)

    def _dependents(self, bad: list[tuple[Located, InputError]]) -> list[tuple[Located, InputError]]:
        """Records that point, directly or through others, at a refused one are refused with it, so
        a chain of references costs one more pass, not one pass per link."""
        referrers: dict[str, list[tuple[Located, str, str]]] = {}
        for item, field_name, ref, kind in self.refs:
            referrers.setdefault(ref, []).append((item, field_name, kind))
        refused = {_raw_id(item) for item, _ in bad}
        queue, more = [r for r in refused if r], []
        while queue:
            ref = queue.pop()
            for item, field_name, kind in referrers.get(ref, []):
                if (rid := _raw_id(item)) in refused:
                    continue
                refused.add(rid)
                queue += [rid] if rid else []
                more.append((item, _error(item, field_name, f"the id of an accepted {kind}; {ref!r} is refused")))
        return more

    def _stored_name(self, person: str | None) -> str | None:
        found = self.store.get(person or "")
        return str(found["name"]) if found and "name" in found else None


def _without_gc(func: Callable[P, R]) -> Callable[P, R]:
    """Pause the cyclic garbage collector: a large import keeps many live objects and makes no
    cycles worth collecting, and full collections over those objects cost a fifth of its time."""

    @functools.wraps(func)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return paused


@_without_gc
def import_records(
    store: Store,
    items: Iterable[Located],
    *,
    dry_run: bool = False,
    keep_going: bool = False,
    actor: str | None = None,
    progress: Progress | None = None,
    file_errors: list[InputError] | None = None,
    expect: Mapping[str, int | None] | None = None,
) -> ImportReport:
    """Validate and write records in one transaction: all or nothing, unless `keep_going`.

    A dry run does the same work and rolls it back, so it reports exactly what would change.
    With `keep_going`, a record that points at a refused one is refused too: the pass is
    rolled back and repeated without them until nothing more is refused.

    `expect` maps ids to the version the writer started from (None: the id must be new); a record
    at another version raises Conflict and nothing is written.
    """
    source = list(items) if keep_going else items
    excluded: set[int] = set()
    refused: list[tuple[Located | None, InputError]] = [(None, e) for e in file_errors or []]
    while True:
        report = ImportReport(dry_run=dry_run)
        rejects = list(refused)
        try:
            with store.engine.connect() as conn, store.bulk_load(conn):
                transaction = store.begin_write(conn)
                work = _Pass(store, conn, report, actor, keep_going, excluded, progress, expect=expect or {})
                try:
                    for number, item in enumerate(source):
                        report.read += 1
                        work.add(number, item, rejects)
                    if report.read == 0:  # a file that could not be read says so, rather than this
                        raise refused[0][1] if refused else InputError("no records found; expected at least one record")
                    work.finish()
                except Exception:
                    work.settle()  # an error in an earlier chunk comes first
                    raise
                finally:
                    work.close()
                report.valid = len(work.seen)
                transaction.rollback() if dry_run else transaction.commit()
        except _Refused as exc:
            if not keep_going:
                raise exc.bad[0][1] from None
            excluded |= {item.number for item, _ in exc.bad}
            refused += exc.bad
            continue
        report.rejected = len(rejects)
        report.errors = [{**e.as_dict(), "raw": i.raw if i else None} for i, e in rejects]
        return report


def write_rejects(report: ImportReport, path: str) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for error in report.errors:
            out.write(json.dumps(error, ensure_ascii=False, default=_text) + "\n")


def _text(value: object) -> str:
    """A JSON Lines line that was never parsed goes into the reject file as its text."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    raise TypeError(f"cannot write {type(value).__name__} to a reject file")
