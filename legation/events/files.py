"""Where GDELT event files come from: paths, folders, `masterfilelist.txt` lists and URLs.

A master file list has one `size md5 url` line per file (GDELT publishes one for 1.0 and 2.0);
only the events exports (`.export.CSV.zip`) are taken from it. A URL is streamed with httpx into
a cache folder and checked against the size and md5 the list gives, so a file is never trusted
half-downloaded. A zip is unpacked, one chunk at a time, into a temporary file for DuckDB.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import shutil
import struct
import tempfile
import threading
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from legation.errors import InputError
from legation.events.layout import WIDTHS

SUFFIXES = (".csv", ".csv.zip", ".zip", ".tsv", ".txt")
LIST_NAME = "masterfilelist"
CHUNK = 1 << 20
ENV_CACHE = "LEGATION_GDELT_CACHE"


@dataclass(frozen=True)
class EventFile:
    """One events file to import: where it is now, and what its list says it should be."""

    location: str
    size: int | None = None
    md5: str | None = None

    @property
    def name(self) -> str:
        return self.location.rstrip("/").rsplit("/", 1)[-1]

    @property
    def is_url(self) -> bool:
        return self.location.startswith(("http://", "https://"))


def cache_dir() -> Path:
    base = os.environ.get(ENV_CACHE) or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "legation"
    return Path(base) / "gdelt"


def expand(inputs: list[str]) -> list[EventFile]:
    """Every events file named by the inputs, in order; folders are read in name order."""
    found: list[EventFile] = []
    for item in inputs:
        if item.startswith(("http://", "https://")):
            found.extend(_master_list(item) if LIST_NAME in item.rsplit("/", 1)[-1] else [EventFile(item)])
            continue
        path = Path(item)
        if path.is_dir():
            found.extend(EventFile(str(p)) for p in sorted(path.iterdir()) if _is_events(p.name))
        elif LIST_NAME in path.name:
            found.extend(_master_list(str(path)))
        else:
            found.append(EventFile(str(path)))
    return found


def _is_events(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(SUFFIXES) and "mentions" not in lower and "gkg" not in lower and LIST_NAME not in lower


def _master_list(location: str) -> list[EventFile]:
    text = _fetch_text(location) if location.startswith(("http://", "https://")) else _read_text(location)
    found: list[EventFile] = []
    for number, line in enumerate(text.splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 3 or not parts[0].isdigit() or len(parts[1]) != 32:
            raise InputError("expected 'size md5 url'", file=location, line=number)
        if ".export." in parts[2].lower():
            found.append(EventFile(parts[2], size=int(parts[0]), md5=parts[1].lower()))
    return found


def _read_text(path: str) -> str:
    try:
        return Path(path).read_text("utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the file list: {exc.strerror or exc}", file=path) from exc


def _fetch_text(url: str) -> str:
    import httpx  # only lists and files fetched by URL need it; a local import starts faster

    try:
        response = httpx.get(url, follow_redirects=True, timeout=60)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise InputError(f"cannot fetch the file list: {exc}", file=url) from exc
    return response.text


def local_copy(item: EventFile) -> Path:
    """The file on disk: downloaded into the cache first when it is a URL, then verified."""
    path = _download(item) if item.is_url else Path(item.location)
    if not path.is_file():
        raise InputError("no such file", file=item.location)
    verify(item, path)
    return path


def verify(item: EventFile, path: Path) -> None:
    """Check the size and md5 the master file list gives, when it gives them."""
    if item.size is not None and path.stat().st_size != item.size:
        raise InputError(f"size is {path.stat().st_size} bytes, the list says {item.size}", file=item.location)
    if item.md5 is not None and _md5(path) != item.md5:
        raise InputError(f"md5 differs from the list's {item.md5}", file=item.location)


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _download(item: EventFile) -> Path:
    target = cache_dir() / item.name
    if target.is_file() and (item.size is None or target.stat().st_size == item.size):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    import httpx

    try:
        with httpx.stream("GET", item.location, follow_redirects=True, timeout=60) as response:
            response.raise_for_status()
            with partial.open("wb") as handle:
                for block in response.iter_bytes(CHUNK):
                    handle.write(block)
    except httpx.HTTPError as exc:
        partial.unlink(missing_ok=True)
        raise InputError(f"cannot download: {exc}", file=item.location) from exc
    partial.replace(target)
    return target


@contextmanager
def unpacked(item: EventFile, path: Path) -> Iterator[Path]:
    """The plain text of the file: itself, or the single member of its zip in a temporary folder."""
    if not zipfile.is_zipfile(path):
        if path.name.lower().endswith(".zip"):
            raise InputError("not a readable zip archive (truncated or corrupt)", file=item.location)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="legation-gdelt-") as folder:
        target = Path(folder) / "events.csv"
        try:
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.infolist() if not m.is_dir()]
                if len(members) != 1:
                    raise InputError(f"expected one file in the zip, found {len(members)}", file=item.location)
                with archive.open(members[0]) as source, target.open("wb") as sink:
                    shutil.copyfileobj(source, sink, CHUNK)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise InputError(f"corrupt zip archive: {exc}", file=item.location) from exc
        yield target


@dataclass(frozen=True)
class Census:
    """What a byte-level pass over the plain text found: its lines, and whether DuckDB's fast pass sees it whole.

    The fast pass reads only the columns the import keeps, so DuckDB checks the encoding of those
    alone, and it skips empty lines without counting them. The census counts the lines (so empty
    ones are counted by difference), the tabs (DuckDB takes a line with extra empty trailing columns
    as a full one: the tab total shows it) and checks the encoding of every byte. A file where any of
    these disagree is read again the exact way, one whole line at a time."""

    lines: int
    tabs: int
    clean: bool


@dataclass
class Source:
    """A file ready for DuckDB: the path it reads (plain, or a gzip view of a zip's deflate stream),
    the file's column count (from its first lines) and the census, taken in a parallel thread."""

    path: Path
    width: int
    census: Callable[[], Census]


SNIFF = 1 << 16


def sniff_width(head: bytes) -> int:
    """The most common column count among the first lines that have one of the known widths (61 if none)."""
    counts = Counter(line.count(b"\t") + 1 for line in head.split(b"\n")[:-1])
    known = [(n, w) for w, n in counts.items() if w in WIDTHS]
    return max(known)[1] if known else WIDTHS[-1]


def _count(blocks: Iterator[bytes]) -> Census:
    """Lines, tabs, carriage returns and UTF-8 of every byte. numpy counts the bytes (five times
    faster than `bytes.count`, and this thread shares the cores with DuckDB's readers); a block of
    plain ASCII, as GDELT files nearly always are, skips the UTF-8 decoder. numpy is imported here, in the
    census thread, so its import overlaps DuckDB's start rather than delaying it."""
    import numpy

    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = tabs = 0
    clean = True
    last = b"\n"
    for block in blocks:
        codes = numpy.frombuffer(block, numpy.uint8)
        lines += int(numpy.count_nonzero(codes == _NEWLINE))
        tabs += int(numpy.count_nonzero(codes == _TAB))
        if clean and b"\r" in block:
            clean = False
        if clean and (decoder.getstate()[0] or not block.isascii()):  # a sequence may straddle two blocks
            clean = _decodes(decoder, block)
        last = block[-1:]
    return Census(lines + (last != b"\n"), tabs, clean and _decodes(decoder, b"", final=True))


_NEWLINE, _TAB = ord("\n"), ord("\t")


def _decodes(decoder: codecs.IncrementalDecoder, block: bytes, *, final: bool = False) -> bool:
    try:
        decoder.decode(block, final=final)
    except UnicodeDecodeError:
        return False
    return True


def _blocks(handle: IO[bytes]) -> Iterator[bytes]:
    while block := handle.read(CHUNK * 4):
        yield block


def _file_blocks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        yield from _blocks(handle)


def _member_blocks(path: Path, member: zipfile.ZipInfo) -> Iterator[bytes]:
    with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
        yield from _blocks(stream)


class _Counting(threading.Thread):
    """Takes the census of a stream while DuckDB reads the file (file reads, zlib and counting release the GIL
    or run while DuckDB does)."""

    def __init__(self, item: EventFile, blocks: Callable[[], Iterator[bytes]]) -> None:
        super().__init__(daemon=True)
        self.item, self.blocks = item, blocks
        self.found: Census | None = None
        self.error: Exception | None = None

    def run(self) -> None:
        try:
            self.found = _count(self.blocks())
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            self.error = exc

    def result(self) -> Census:
        self.join()
        if self.error is not None or self.found is None:
            what = "corrupt zip archive" if self.item.name.lower().endswith(".zip") else "cannot read"
            raise InputError(f"{what}: {self.error}", file=self.item.location)
        return self.found


def _census(item: EventFile, blocks: Callable[[], Iterator[bytes]]) -> Callable[[], Census]:
    thread = _Counting(item, blocks)
    thread.start()
    return thread.result


@contextmanager
def readable(item: EventFile, path: Path) -> Iterator[Source]:
    """The file as DuckDB's fast pass reads it. A zip's deflated member is handed to DuckDB as a gzip stream
    (the same deflate data behind a gzip header, with the CRC and size the zip gives), so it is never
    unpacked to disk; other zips are unpacked to a temporary file."""
    if not zipfile.is_zipfile(path):
        with unpacked(item, path) as plain:  # names a file that claims to be a zip but is not
            with plain.open("rb") as handle:
                width = sniff_width(handle.read(SNIFF))
            yield Source(plain, width, _census(item, lambda: _file_blocks(plain)))
        return
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) != 1:
                raise InputError(f"expected one file in the zip, found {len(members)}", file=item.location)
            member = members[0]
            with archive.open(member) as stream:
                width = sniff_width(stream.read(SNIFF))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise InputError(f"corrupt zip archive: {exc}", file=item.location) from exc
    if member.compress_type != zipfile.ZIP_DEFLATED:
        with unpacked(item, path) as plain:
            yield Source(plain, width, _census(item, lambda: _file_blocks(plain)))
        return

    with tempfile.TemporaryDirectory(prefix="legation-gdelt-") as folder:
        target = Path(folder) / "events.csv.gz"
        _gzip_view(path, member, target)
        yield Source(target, width, _census(item, lambda: _member_blocks(path, member)))


def _gzip_view(path: Path, member: zipfile.ZipInfo, target: Path) -> None:
    """Copy the member's deflate stream behind a gzip header and before a gzip trailer (CRC-32, size)."""
    with path.open("rb") as source, target.open("wb") as sink:
        source.seek(member.header_offset)
        header = source.read(30)
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        source.seek(member.header_offset + 30 + name_length + extra_length)
        sink.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff")
        left = member.compress_size
        while left:
            block = source.read(min(left, CHUNK))
            if not block:
                break
            sink.write(block)
            left -= len(block)
        sink.write(struct.pack("<II", member.CRC, member.file_size & 0xFFFFFFFF))
