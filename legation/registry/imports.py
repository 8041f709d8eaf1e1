"""One way in: every file, stream or importer's records pass through `import_records`.

The import reads and validates everything first, resolves references against the batch and the
store, and only then writes, in one transaction. An error without `keep_going` leaves the store
exactly as it was.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import io
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import IO, Any, ParamSpec, TypeVar

import orjson
import pydantic
from sqlalchemy import Connection

from legation.errors import Conflict, InputError
from legation.registry import bulk, formats, projections, records, search
from legation.registry.records import AnyRecord, Person, Posting
from legation.registry.store import Batch, Store
from legation.registry.writer import Writer

WRITE_CHUNK = 5000
BLOCK = 1000  # records validated in this process are prepared and taken this many at a time
Progress = Callable[[int], None]
P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class Located:
    file: str
    line: int | None
    raw: dict[str, Any] | bytes  # bytes: a JSON Lines line not parsed yet (see formats.read)
    number: int = -1


# A record a worker read (registry.bulk): its file, line and id. The importing process needs these
# only for a message, so it keeps tuples, made by zip in C, and makes a Located when it raises one
# (100,000 Located took 0.14 CPU-s of the importing process).
Place = tuple[str, int | None, str]


def _located(item: Located | Place) -> Located:
    if isinstance(item, Located):
        return item
    file, line, record_id = item
    return Located(file, line, {"id": record_id})


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


@dataclass
class Files:
    """Raw records from files, folders and `-` (`read_paths`). An import of large JSON Lines files
    reads them in worker processes instead (registry.bulk), so it needs the paths, not just the records."""

    paths: list[str]
    fmt: str | None = None
    stdin: IO[bytes] | None = None
    errors: list[InputError] | None = None
    plain: bool = False

    def __iter__(self) -> Iterator[Located]:
        for path in self.paths:
            try:
                yield from _read_one(path, self.fmt, self.stdin, not self.plain)
            except InputError as exc:
                if self.errors is None:
                    raise
                self.errors.append(exc)

    def jsonl(self) -> list[str] | None:
        """The paths, when each is a JSON Lines file that registry.bulk can read in parts."""
        if self.errors is not None or self.plain or self.fmt not in (None, "jsonl"):
            return None
        for path in self.paths:
            target = Path(path)
            if path == "-" or not target.is_file():
                return None
            with target.open("rb") as stream:
                head = stream.read(512)
            if b"\x00" in head or formats.detect(path, head) != "jsonl":  # formats.read says why
                return None
        return self.paths


def read_paths(
    paths: Iterable[str],
    *,
    fmt: str | None = None,
    stdin: IO[bytes] | None = None,
    errors: list[InputError] | None = None,
    plain: bool = False,
) -> Files:
    """Raw records from files, folders and `-`. With `errors`, a bad file is noted, not raised.
    With `plain`, every record comes parsed (a dict), for callers that look into them first."""
    return Files(list(paths), fmt, stdin, errors, plain)


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
        fast = formats.parse_unique(item.raw)
        if fast is not None:
            try:
                return records.parse(fast)
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


@dataclass
class Block:
    """A run of validated records of one file, prepared for the store (`Store.prepare`), with what
    the import needs of them, by record index: the ids they point to, the names of persons, and the
    postings that take their person's name (`fills`: index, person, where the name goes in the
    text). Plain values: for a large file, worker processes make these (registry.bulk)."""

    file: str
    lines: list[int | None]
    batch: Batch
    refs: list[tuple[int, str, str, str]] = field(default_factory=list)  # index, field, id, kind
    names: list[tuple[int, str, str]] = field(default_factory=list)  # index, person id, name
    fills: list[tuple[int, str, int]] = field(default_factory=list)


def make_block(store: Store, file: str, lines: list[int | None], found: list[AnyRecord]) -> Block:
    block = Block(file, lines, store.prepare(found))
    if pages := block.batch.rows.get("sources"):  # the same pages, cited again and again: one object
        # each, so that pickle sends it once (registry.bulk)
        same: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        block.batch.rows["sources"] = [same.setdefault(page, page) for page in pages]
    for index, record in enumerate(found):
        block.refs += [(index, f, ref, kind) for f, ref, kind in records.references(record)]
        if isinstance(record, Person):
            block.names.append((index, record.id, record.name))
        elif isinstance(record, Posting) and record.person and not record.person_name:
            # the canonical text starts with kind, id and person (Canonical.canonical), both ids of
            # characters JSON writes as they are (records.ID_PATTERN)
            block.fills.append((index, record.person, _HEAD + len(record.id) + len(record.person)))
    return block


_HEAD = len(records.dumps({"kind": "posting", "id": "", "person": ""})) - 1  # where the name goes


def _name_postings(batch: Batch, named: list[tuple[int, int, str]]) -> None:
    """Give each posting (index, where in its text, name) its person's name: in its text, where
    `Canonical.canonical` puts the field, and in its query-table row and search text. A person's
    name is encoded once however many postings it names."""
    if not named:
        return
    texts, digests, sha1 = batch.texts, batch.digests, hashlib.sha1
    encoded: dict[str, str] = {}
    for index, at, name in named:
        if (piece := encoded.get(name)) is None:
            piece = encoded[name] = ',"person_name":' + orjson.dumps(name).decode()
        old = texts[index]
        text = texts[index] = old[:at] + piece + old[at:]
        digests[index] = sha1(text.encode()).hexdigest()
    for table, fill in _NAMED:
        if found := batch.rows.get(table):
            owners = batch.owners[table]
            if owners == list(range(len(texts))):  # a row per record, in order (the search rows)
                for index, _, name in named:
                    found[index] = fill(found[index], name)
                continue
            row_of = {owner: n for n, owner in enumerate(owners)}
            for index, _, name in named:
                if (row := row_of.get(index)) is not None:
                    found[row] = fill(found[row], name)


_NAMED = (("postings", projections.with_person_name), ("search_index", search.with_person_name))


_COMPLETE: tuple[Any, ...] = ()  # a page written with every field: no citation can add to it


def _fills(known: tuple[Any, ...], page: tuple[Any, ...]) -> bool:
    """Whether a citation gives a field that the page's row, as this import wrote it, lacks."""
    return any(k is None and p is not None for k, p in zip(known, page, strict=True))


def _block_of(block: Block, batch: Batch, indexes: list[int]) -> Block:
    """The part of `block` at `indexes` (in order), now `batch`: its postings still to be named."""
    at = {old: new for new, old in enumerate(indexes)}
    fills = [(at[i], person, where) for i, person, where in block.fills if i in at]
    return Block(block.file, [block.lines[i] for i in indexes], batch, fills=fills)


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
    refs: list[tuple[Located | Place, str, str, str]] = field(default_factory=list)
    items: list[Located | Place] = field(default_factory=list)  # of the chunk to write
    chunk: Batch = field(default_factory=Batch)
    deferred: list[tuple[list[Located | Place], Block]] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)
    expect: Mapping[str, int | None] = field(default_factory=dict)
    writer: Writer = field(default_factory=Writer)
    pages: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # url -> its fields this import wrote
    waiting: list[tuple[Located, AnyRecord]] = field(default_factory=list)  # validated, not yet in a block
    fresh: bool = False  # the store held no records when the pass began: no id it writes is there

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
        item.number = number
        if self.waiting and self.waiting[0][0].file != item.file:
            self.take_waiting()
        self.waiting.append((item, record))
        # a chunk is complete where it would be if each record were taken on its own
        if len(self.waiting) >= BLOCK or len(self.waiting) + len(self.items) >= WRITE_CHUNK:
            self.take_waiting()

    def take_waiting(self) -> None:
        """Prepare the records validated in this process (not by registry.bulk) and take them."""
        waiting, self.waiting = self.waiting, []
        if waiting:
            items = [item for item, _ in waiting]
            self.take(make_block(self.store, items[0].file, [i.line for i in items], [r for _, r in waiting]), items)

    def take(self, block: Block, read: list[Located] | None = None) -> None:
        """Take a block of validated records in file order: skip repeats, fill in postings' person
        names (from a person earlier in the import, otherwise at the end) and queue them for writing."""
        batch, ids = block.batch, block.batch.ids
        items: list[Located | Place]
        if read is None:  # made by a worker: nothing was read here
            items = list(zip(repeat(block.file), block.lines, ids, strict=False))  # `repeat` has no end
        else:
            items = list(read)
            for item, record_id in zip(read, ids, strict=True):
                if not self.keep_going:  # the block holds it all now; keep memory flat
                    item.raw = {"id": record_id}
                elif isinstance(item.raw, bytes):  # a reject file needs the record as it was read
                    item.raw = formats.parse_line(item.file, item.line, item.raw)
        later = self._fill(block)
        repeats = self._first(block, items, ids)
        later -= repeats
        if self.keep_going:  # every reference, so that `_dependents` can follow them
            self.refs += [(items[i], f, ref, kind) for i, f, ref, kind in block.refs if i not in repeats]
        else:  # one to a record this import holds already is settled: an id keeps its kind (`_first`)
            kinds = self.kinds
            self.refs += [
                (items[i], f, ref, kind)
                for i, f, ref, kind in block.refs
                if kinds.get(ref) != kind and i not in repeats
            ]
        self.names.update((person, name) for i, person, name in block.names if i not in repeats)
        if repeats or later:
            batch, aside = batch.split(repeats | later)
            if later:
                order = sorted(repeats | later)
                aside = aside.split({n for n, i in enumerate(order) if i in repeats})[0]
                self.deferred.append(([items[i] for i in sorted(later)], _block_of(block, aside, sorted(later))))
            items = [item for i, item in enumerate(items) if i not in repeats and i not in later]
        self.push(items, batch)

    def _fill(self, block: Block) -> set[int]:
        """Name the block's postings whose person came earlier; the indexes of those left for later."""
        if not block.fills:
            return set()
        mine: dict[str, tuple[int, str]] = {}
        for index, person, own in block.names:
            mine.setdefault(person, (index, own))
        later, named, names = set(), [], self.names
        for index, person, at in block.fills:
            name: str | None = names.get(person)
            if name is None and (found := mine.get(person)) and found[0] < index:
                name = found[1]
            if name:
                named.append((index, at, name))
            else:
                later.add(index)  # its person comes later in the input, or is in the store
        _name_postings(block.batch, named)
        return later

    def _first(self, block: Block, items: list[Located | Place], ids: list[str]) -> set[int]:
        """The indexes of ids seen before in the import; a repeat must carry the same content."""
        batch = block.batch
        if self.seen.keys().isdisjoint(ids) and len(set(ids)) == len(ids):  # the usual case, in bulk
            firsts = zip(batch.digests, repeat(block.file), block.lines, strict=False)  # `repeat` has no end
            self.seen.update(zip(ids, firsts, strict=True))  # in C: no Python call per record
            self.kinds.update(zip(ids, batch.kinds, strict=True))
            return set()
        repeats = set()
        columns = zip(items, ids, batch.kinds, batch.digests, strict=True)
        for index, (item, record_id, kind, digest) in enumerate(columns):
            first = self.seen.get(record_id)
            if first is None:
                self.seen[record_id] = (digest, block.file, block.lines[index])
                self.kinds[record_id] = kind
            elif first[0] != digest:
                where = f"{first[1]} line {first[2]}"
                message = f"a unique id; {record_id!r} is already used at {where} with other content"
                raise _error(_located(item), "id", message, record_id)
            else:
                repeats.add(index)
        return repeats

    def push(self, items: list[Located | Place], batch: Batch) -> None:
        self.items += items
        self.chunk.extend(batch)
        while len(self.items) >= WRITE_CHUNK:
            self.flush(background=self.store.dialect == "sqlite" and self.writer.threaded)

    def flush(self, background: bool = False) -> None:
        """Write the chunk's first WRITE_CHUNK records. In the background, SQLite writes them in a
        thread of its own while the next are read and validated (legation.registry.writer); its
        error, if any, is raised by the next flush or by `settle`, before anything read after it.
        Chunks of one size also let SQLite reuse its statements (each keeps its last values)."""
        items, self.items = self.items[:WRITE_CHUNK], self.items[WRITE_CHUNK:]
        chunk, self.chunk = self.chunk.cut(WRITE_CHUNK) if self.items else (self.chunk, Batch())
        if not items:
            self.settle()
            return
        if background:
            self.writer.submit(self._write, items, chunk)
        else:
            self.settle()
            self._write(items, chunk)
        if self.progress:
            self.progress(len(items))

    def settle(self) -> None:
        """Wait for the chunk in flight; raise its error."""
        self.writer.settle()

    def close(self) -> None:
        self.writer.close()

    def _write(self, items: list[Located | Place], chunk: Batch) -> None:
        # the pass writes an id once (`_first`), so a store empty at its start holds none of a chunk's
        known = {} if self.fresh else self.store.existing(self.conn, chunk.ids)
        self._check_versions(chunk.ids, known)
        if known:
            pairs = zip(items, chunk.ids, chunk.kinds, strict=True)
            clash = [(_located(i), r, known[r][0]) for i, r, kind in pairs if r in known and known[r][0] != kind]
            if clash:
                raise _Refused(
                    [(i, _error(i, "id", f"a new id; {r!r} is already a {k} in the store")) for i, r, k in clash]
                )
        self._drop_written_pages(chunk)
        summary = self.store.write_prepared(self.conn, chunk, actor=self.actor, known=known)
        self.report.created += summary.created
        self.report.updated += summary.updated
        self.report.unchanged += summary.unchanged

    def _drop_written_pages(self, chunk: Batch) -> None:
        """Leave out of the chunk the pages this import wrote already with every field the citation
        gives (usually the same page again): the upsert keeps a field once it is set
        (`projections._MERGE`), so it would change nothing, and 95,000 of the benchmark's 100,000
        citations are such. The citations of one page within the chunk are first merged into one
        (`projections.one_per_page`), so a field only a later one gives is kept."""
        pages = chunk.rows.get("sources")
        if not pages:
            return
        written = self.pages
        owner_of: dict[str, int] = {}
        for page, owner in zip(pages, chunk.owners["sources"], strict=True):
            owner_of.setdefault(page[0], owner)
        kept: list[tuple[Any, ...]] = []
        owners: list[int] = []
        for url, page in projections.one_per_page(pages).items():
            owner = owner_of[url]
            known = written.get(url)
            if known is not None and (known is _COMPLETE or known == page or not _fills(known, page)):
                continue
            merged = page if known is None else projections.filled(known, page)
            written[url] = _COMPLETE if None not in merged else merged
            kept.append(page)
            owners.append(owner)
        chunk.rows["sources"], chunk.owners["sources"] = kept, owners

    def _check_versions(self, ids: list[str], known: dict[str, tuple[str, str, int]]) -> None:
        """Refuse a stale edit, or a create over an existing id: read under the write lock, so the
        version compared is the one this write would replace."""
        if not self.expect:
            return
        for record_id in ids:
            if record_id not in self.expect:
                continue
            expected, current = self.expect[record_id], known[record_id][2] if record_id in known else None
            if expected == current:
                continue
            if expected is None:
                message = f"a new id; {record_id!r} already exists (version {current}): edit it instead"
            elif current is None:
                message = f"{record_id!r} at version {expected}; it is no longer in the store"
            else:
                message = f"{record_id!r} at version {expected}; it is at version {current} now, changed since"
            raise Conflict(message, record=record_id, expected=expected, current=current)

    def finish(self) -> None:
        self.take_waiting()
        self.flush()  # what is left: less than a chunk
        self.settle()
        bad: list[tuple[Located, InputError]] = []
        for items, block in self.deferred:
            named = [(i, at, name) for i, person, at in block.fills if (name := self._name_of(person))]
            _name_postings(block.batch, named)
            self.push(items, block.batch)
        self.flush()
        wanted = {ref for _, _, ref, _ in self.refs if ref not in self.kinds}
        outside = {k: v[0] for k, v in self.store.existing(self.conn, wanted).items()}
        for place, field_name, ref, kind in self.refs:
            found = self.kinds.get(ref) or outside.get(ref)
            if found != kind:
                what = f"is a {found}" if found else "is in neither this import nor the store"
                item = _located(place)
                bad.append((item, _error(item, field_name, f"the id of a {kind}; {ref!r} {what}")))
        if bad:
            raise _Refused(bad + self._dependents(bad) if self.keep_going else bad)

    def _dependents(self, bad: list[tuple[Located, InputError]]) -> list[tuple[Located, InputError]]:
        """Records that point, directly or through others, at a refused one are refused with it, so
        a chain of references costs one more pass, not one pass per link."""
        referrers: dict[str, list[tuple[Located, str, str]]] = {}
        for place, field_name, ref, kind in self.refs:
            referrers.setdefault(ref, []).append((_located(place), field_name, kind))
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

    def _name_of(self, person: str) -> str | None:
        return self.names.get(person) or self._stored_name(person)

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
    paths = items.jsonl() if isinstance(items, Files) and not keep_going else None
    count = bulk.workers(paths) if paths else 0
    if count:
        records.quick_adapter()  # built once, before the workers fork, so that they share it
    excluded: set[int] = set()
    refused: list[tuple[Located | None, InputError]] = [(None, e) for e in file_errors or []]
    while True:
        report = ImportReport(dry_run=dry_run)
        rejects = list(refused)
        try:
            # forked before the store's connection is taken, and stopped before it is let go
            parts = bulk.Workers(paths, count, functools.partial(_prepare_block, store)) if paths and count else None
            with store.engine.connect() as conn, store.bulk_load(conn), _closing(parts):
                transaction = store.begin_write(conn)
                work = _Pass(store, conn, report, actor, keep_going, excluded, progress, expect=expect or {})
                work.fresh = conn.exec_driver_sql("SELECT 1 FROM records LIMIT 1").first() is None  # under the lock
                try:
                    if parts:
                        _take_parts(work, report, parts)
                    else:
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


def _prepare_block(store: Store, name: str, first: int, data: bytes) -> tuple[int, Block, InputError | None]:
    """In a worker process: one block of lines validated and prepared, up to its first bad line."""
    lines: list[int | None] = []
    found: list[AnyRecord] = []
    error = None
    try:
        for line, raw in formats.jsonl_lines(name, io.BytesIO(data), True, first):  # bytes: lazy
            found.append(validate(Located(name, line, raw)))
            lines.append(line)
    except InputError as exc:
        error = exc
    return len(found), make_block(store, name, lines, found), error


def _take_parts(work: _Pass, report: ImportReport, parts: bulk.Workers) -> None:
    """Take the blocks the workers made, in file order; raise the first bad line where it comes."""
    for _, (count, block, error) in parts:
        work.take(block)
        report.read += count
        if error:
            report.read += 1
            raise error
    parts.close()


@contextmanager
def _closing(parts: bulk.Workers | None) -> Iterator[None]:
    try:
        yield
    finally:
        if parts:
            parts.close()


def write_rejects(report: ImportReport, path: str) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for error in report.errors:
            out.write(json.dumps(error, ensure_ascii=False, default=_text) + "\n")


def _text(value: object) -> str:
    """A JSON Lines line that was never parsed goes into the reject file as its text."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    raise TypeError(f"cannot write {type(value).__name__} to a reject file")
