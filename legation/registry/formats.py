"""Readers for the interchange format: JSON Lines, and YAML and CSV forms of it.

Each reader yields `(line, raw record)` and raises InputError naming the file and the line for
anything it cannot read: a binary file, broken syntax, a line too long to be a record.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson
import yaml

from legation.errors import InputError

MAX_LINE = 1 << 20  # 1 MiB: far above any real record, and it bounds memory on a 1 GB line
MAX_CELL = MAX_LINE  # a CSV cell may be as long as a JSON Lines record, not csv's default 128 KiB
MAX_EXPANSION = 100  # YAML aliases may repeat a node, but not blow a file up a hundredfold
NESTING = "nested too deeply; expected a record (a mapping of fields to text, numbers and lists)"
MAX_FILE = 256 << 20  # YAML and CSV are read whole; keep them to what fits comfortably
LIST_FIELDS = ("aliases", "persons", "sources")
SOURCE_COLUMNS = ("url", "title", "publisher", "published", "accessed")
FORMATS = ("jsonl", "yaml", "csv")


def detect(name: str, head: bytes) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    return "jsonl" if head.lstrip()[:1] in (b"{", b"") else "yaml"


def read(
    name: str, stream: IO[bytes], fmt: str | None = None, *, lazy: bool = False
) -> Iterator[tuple[int, dict[str, Any] | bytes]]:
    """Yield the raw records of one file or stream, with their line numbers.

    With `lazy`, JSON Lines come as bytes, for the caller to parse with `parse_line` when it
    validates them (pydantic's own JSON parser would let a repeated key win silently)."""
    head = stream.peek(512)[:512] if hasattr(stream, "peek") else b""
    if b"\x00" in head:
        raise InputError("a binary file; expected UTF-8 text in JSON Lines, YAML or CSV", file=name)
    fmt = fmt or detect(name, head)
    if fmt == "jsonl":
        yield from _jsonl(name, stream, lazy)
        return
    data = stream.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise InputError(f"file larger than {MAX_FILE >> 20} MiB; use JSON Lines for big imports", file=name)
    text = _decode(name, data, None)
    if not text.strip():
        raise InputError("the file is empty; expected records", file=name)
    yield from (_yaml(name, text) if fmt == "yaml" else _csv(name, text))


def _decode(name: str, data: bytes, line: int | None) -> str:
    if b"\x00" in data:
        raise InputError("binary data; expected UTF-8 text", file=name, line=line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[start : exc.start].decode("utf-8", "replace")) + 1
        line = line or data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"not UTF-8 text at column {column}; expected UTF-8", file=name, line=line) from None


def _jsonl(name: str, stream: IO[bytes], lazy: bool) -> Iterator[tuple[int, dict[str, Any] | bytes]]:
    """Records of a JSON Lines stream; with `lazy`, each line's bytes, for the caller to parse."""
    seen = False
    for found in jsonl_lines(name, stream, lazy):
        seen = True
        yield found
    if not seen:
        raise InputError("the file is empty; expected JSON Lines records", file=name)


def jsonl_lines(
    name: str, stream: IO[bytes], lazy: bool, first: int = 1
) -> Iterator[tuple[int, dict[str, Any] | bytes]]:
    """The records of JSON Lines text whose first line is line `first` of the file `name` (a part
    of a file, for registry.bulk); blank lines are skipped."""
    number = first - 1
    while True:
        raw = stream.readline(MAX_LINE + 1)
        if not raw:
            break
        number += 1
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            raise InputError(
                f"line longer than {MAX_LINE >> 20} MiB; expected one record per line", file=name, line=number
            )
        line = raw.strip()
        if line:
            yield number, line if lazy and b"\x00" not in line else parse_line(name, number, line)


class _Repeated(Exception):
    """A key given twice in one JSON object, raised from inside json.loads."""

    def __init__(self, key: str) -> None:
        self.key = key


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's fields, refusing a key given twice: JSON lets the last one win silently, so
    `"actor": "RUS", "actor": "USA"` would keep a claim nobody can see in the file (YAML refuses it too)."""
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Repeated(key)
            seen.add(key)
    return found


_SPACED_KEY = re.compile(rb'"\s+:')


def _keys(value: dict[str, Any]) -> int:
    """The keys of an object and of the objects in it or in its lists. Objects deeper in lists of
    lists go uncounted, so such a line never matches its `":` count and takes the exact check."""
    found = len(value)
    for item in value.values():
        kind = type(item)
        if kind is list:
            for member in item:
                if type(member) is dict:
                    found += _keys(member)
        elif kind is dict:
            found += _keys(item)
    return found


def parse_unique(raw: bytes) -> dict[str, Any] | None:
    """A JSON Lines record parsed fast (orjson), when it certainly gives no key twice (orjson, like
    pydantic, lets a repeated key win silently); None sends the line the slow way, `parse_line`.
    Every key is written `"key":` or `"key" :`, so a line with no spaced colon and as many `":` as
    parsed keys has none repeated; anything else (a `":` inside a text, a spaced colon, a number
    orjson refuses, bad JSON) goes the slow way, which also says what is wrong."""
    try:
        value = orjson.loads(raw)
    except (orjson.JSONDecodeError, RecursionError):
        return None
    if type(value) is dict and raw.count(b'":') == _keys(value) and not _SPACED_KEY.search(raw):
        return value
    return None


def parse_line(name: str, number: int | None, raw: bytes) -> dict[str, Any]:
    """One JSON Lines record, or an InputError saying what is wrong with the line."""
    line = _decode(name, raw, number).strip()
    try:
        value = json.loads(line, object_pairs_hook=_unique)
    except _Repeated as exc:
        message = "the key appears twice in one object; expected each field once"
        raise InputError(message, file=name, line=number, field=exc.key) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON at column {exc.colno} ({exc.msg}); expected one JSON object per line",
            file=name,
            line=number,
        ) from None
    except RecursionError:
        raise InputError(NESTING, file=name, line=number) from None
    if not isinstance(value, dict):
        raise InputError(f"a JSON {type(value).__name__}; expected an object with a 'kind'", file=name, line=number)
    return value


class _Loader(yaml.SafeLoader):
    """Safe YAML with three guards: a key given twice is an error (not last-one-wins), dates stay
    text (so `2023-02-30` is a field error, not a crash), and aliases cannot multiply the file."""

    yaml_implicit_resolvers = {  # noqa: RUF012 (yaml reads it from the class)
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str | int | float | bool) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} appears twice in one mapping", key_node.start_mark
                )
            seen.add(key) if isinstance(key, str | int | float | bool) else None
        return super().construct_mapping(node, deep=deep)


def _expanded(root: yaml.Node) -> tuple[int, int]:
    """(distinct nodes, nodes once every alias is expanded), counted without expanding."""
    sizes: dict[int, int] = {}
    order: list[yaml.Node] = []
    stack = [root]
    while stack:  # iterative: a deep file must not exhaust the stack here
        node = stack.pop()
        if id(node) in sizes:
            continue
        sizes[id(node)] = 0
        order.append(node)
        stack += _children(node)
    for node in reversed(order):  # children are sized before their parents, shared ones once
        sizes[id(node)] = 1 + sum(sizes[id(c)] for c in _children(node))
    return len(order), sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _compose(name: str, text: str) -> tuple[yaml.Node | None, Any]:
    loader = None
    try:
        loader = _Loader(text)  # its reader refuses control characters at once
        root = loader.get_single_node()
        if root is not None:
            distinct, expanded = _expanded(root)
            if expanded > MAX_EXPANSION * distinct + 10_000:
                raise InputError(
                    f"YAML aliases expand {distinct} nodes to {expanded}; expected records without alias bombs",
                    file=name,
                )
        return root, loader.construct_document(root) if root is not None else None
    except yaml.reader.ReaderError as exc:
        message = f"a control character (U+{exc.character:04X}) in YAML; expected printable text"
        raise InputError(message, file=name, line=text.count("\n", 0, exc.position) + 1) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"broken YAML ({problem}); expected a list of records", file=name, line=line) from None
    except RecursionError:
        raise InputError(NESTING, file=name) from None
    finally:
        if loader is not None:
            loader.dispose()


def _yaml(name: str, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    root, data = _compose(name, text)
    if not isinstance(data, list) or root is None:
        raise InputError("YAML must be a list of records (each a mapping with a 'kind')", file=name)
    if not data:
        raise InputError("an empty list; expected records", file=name, line=root.start_mark.line + 1)
    for node, value in zip(root.value, data, strict=False):
        line = node.start_mark.line + 1
        if not isinstance(value, dict):
            raise InputError("a list item that is not a mapping; expected a record", file=name, line=line)
        yield line, value


def _csv(name: str, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    csv.field_size_limit(MAX_CELL)
    reader = csv.DictReader(io.StringIO(text))
    default_kind = _kind_from_name(name)
    try:
        if not reader.fieldnames:
            raise InputError("no header row; expected CSV with field names", file=name, line=1)
        rows = 0
        for row in reader:
            rows += 1
            if None in row:
                raise InputError(
                    "more cells than header fields; expected one per field", file=name, line=reader.line_num
                )
            yield reader.line_num, _from_cells(name, reader.line_num, row, default_kind)
        if not rows:
            raise InputError("a header row only; expected records below it", file=name, line=1)
    except csv.Error as exc:
        raise InputError(
            f"broken CSV ({exc}); expected quoted cells of at most 1 MiB", file=name, line=reader.line_num + 1
        ) from None


def _kind_from_name(name: str) -> str | None:
    stem = Path(name).stem.lower()
    for kind in ("person", "posting", "consequence", "measure", "contact", "source"):
        if stem in (kind, kind + "s"):
            return kind
    return None


def _from_cells(name: str, line: int, row: dict[str, Any], kind: str | None) -> dict[str, Any]:
    record: dict[str, Any] = {k: (v if v != "" else None) for k, v in row.items() if k}
    if kind and not record.get("kind"):
        record["kind"] = kind
    for key in LIST_FIELDS:
        cell = record.get(key)
        if isinstance(cell, str):
            try:
                record[key] = json.loads(cell)
            except (json.JSONDecodeError, RecursionError):
                raise InputError("a JSON list in this cell", file=name, line=line, field=key) from None
    for key in ("count",):
        if isinstance(record.get(key), str) and record[key].isascii() and record[key].isdigit():
            record[key] = int(record[key])
    flat = {c: record.pop(f"source_{c}", None) for c in SOURCE_COLUMNS}
    if flat["url"]:
        record.setdefault("sources", None)
        record["sources"] = (record["sources"] or []) + [flat]
    return {k: v for k, v in record.items() if v is not None}


def write_csv(rows: list[dict[str, Any]], stream: IO[str], fields: list[str]) -> None:
    writer = csv.DictWriter(stream, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for k, v in row.items()})
