"""What every command shares: the store option, output formats and error handling."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from types import ModuleType
from typing import Any, NoReturn

import orjson
import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import DBAPIError

from legation.errors import InputError, LegationError
from legation.registry.store import Store, damage

out = Console(soft_wrap=False)
err = Console(stderr=True)


class Format(StrEnum):
    table = "table"
    json = "json"


@dataclass
class State:
    db: str | None = None
    _store: Store | None = field(default=None, repr=False)

    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(self.db)
        return self._store

    def close(self) -> None:
        """Close the store the command opened (on SQLite this folds the log into the file)."""
        if self._store is not None:
            self._store.close()
            self._store = None


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


@contextmanager
def failures() -> Iterator[None]:
    """Print a library error as one line on stderr and exit 1 (2 for bad input)."""
    try:
        yield
    except InputError as exc:
        fail(exc.describe(), 2)
    except LegationError as exc:
        fail(str(exc), 1)
    except (DBAPIError, sqlite3.DatabaseError, json.JSONDecodeError) as exc:  # a damaged file, a lost server
        fail(f"the store cannot be read ({damage(exc)}); run `legation check --integrity` or restore a backup", 1)


def fail(message: str, code: int) -> NoReturn:
    """One unwrapped line on stderr (rich would wrap it), then exit."""
    sys.stderr.write(f"error: {message}\n")
    raise typer.Exit(code)


_ORJSON = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
_ORJSON |= orjson.OPT_PASSTHROUGH_DATACLASS  # those two go through default=str, as json.dumps has it


def emit_json(data: Any) -> None:
    """JSON as json.dumps(indent=2) writes it, by orjson (a tenth of the time: 0.6 s for `check`'s
    127,000 findings at 200k records); what orjson cannot write (integers past 64 bits) by json."""
    try:
        text = orjson.dumps(data, option=_ORJSON, default=str).decode()
    except orjson.JSONEncodeError:
        text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write(text + "\n")


TABLE_ROWS = 500  # rich measures every cell before it prints: 100k rows took 90 s and 800 MB
WIDEST = 40  # a plain table's columns are padded to at most this many characters


def table(title: str | None, columns: list[str], rows: list[list[Any]]) -> None:
    """A table on the terminal; past TABLE_ROWS rows, plain aligned lines that print at once."""
    if len(rows) > TABLE_ROWS:
        _plain(title, columns, rows)
        return
    grid = Table(title=title, title_justify="left", show_lines=False)
    for col in columns:
        grid.add_column(col, overflow="fold")
    for row in rows:
        grid.add_row(*("" if v is None else str(v) for v in row))
    out.print(grid)


def _plain(title: str | None, columns: list[str], rows: list[list[Any]]) -> None:
    cells = [columns, *(["" if v is None else " ".join(str(v).split()) for v in row] for row in rows)]
    widths = [min(WIDEST, max(len(row[i]) for row in cells)) for i in range(len(columns) - 1)]
    lines = [title] if title else []
    lines += ["  ".join([*(c.ljust(w) for c, w in zip(row, widths, strict=False)), row[-1]]) for row in cells]
    out.file.write("\n".join(lines) + "\n")
    out.file.flush()


def lazy(name: str) -> ModuleType:
    """Import a module on first attribute access, so `legation --help` and a plain import do
    not pay for spaCy, FastAPI, altair or DuckDB, which only some commands need."""
    if name in sys.modules:
        return sys.modules[name]
    spec = _spec(name)
    assert spec is not None and spec.loader is not None, name
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


def _spec(name: str) -> importlib.machinery.ModuleSpec | None:
    """Find a module without importing its parent packages: `importlib.util.find_spec` imports
    them, and `legation.extraction`'s `__init__` alone pulls in spaCy."""
    parent, _, _ = name.rpartition(".")
    if not parent:
        return importlib.util.find_spec(name)
    outer = _spec(parent)
    if outer is None or outer.submodule_search_locations is None:
        return None
    return importlib.machinery.PathFinder.find_spec(name, list(outer.submodule_search_locations))
