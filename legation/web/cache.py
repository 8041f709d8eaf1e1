"""Search pages already worked out, dropped as soon as anything writes to the store.

The write mark is SQLite's `PRAGMA data_version`, read on a connection the cache keeps for that
alone and never writes with: its value changes whenever any other connection commits, whether in
this process (an edit through the app) or in another (a `legation import` into the same file).
Reading it costs a few microseconds, so a repeated search answers without a trip to the worker
thread. Stores without such a mark (PostgreSQL, in-memory SQLite) are not cached.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from legation.registry.store import Store


def _watcher(store: Store) -> sqlite3.Connection | None:
    path = store.engine.url.database
    if store.dialect != "sqlite" or not path or path == ":memory:" or path.startswith("file:"):
        return None
    # Autocommit, so the connection never holds a read snapshot open; used from the event loop only.
    return sqlite3.connect(path, isolation_level=None, check_same_thread=False)


class SearchCache:
    """At most `size` search pages, least recently used dropped first; size 0 turns it off."""

    def __init__(self, store: Store, size: int) -> None:
        self.size = size
        self._watch = _watcher(store) if size > 0 else None
        self._mark: int | None = None
        self._pages: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()

    def mark(self) -> int | None:
        """The store's write mark now, forgetting every page if it moved; None when not caching.
        Read it BEFORE working out a page, so a page is never filed under a later mark than its data."""
        if self._watch is None:
            return None
        mark = int(self._watch.execute("PRAGMA data_version").fetchone()[0])
        if mark != self._mark:
            self._pages.clear()
            self._mark = mark
        return mark

    def get(self, key: Hashable) -> dict[str, Any] | None:
        found = self._pages.get(key)
        if found is not None:
            self._pages.move_to_end(key)
        return found

    def put(self, key: Hashable, mark: int | None, page: dict[str, Any]) -> None:
        """Keep a page worked out under `mark`, unless the store has moved on since."""
        if mark is None or mark != self._mark:
            return
        self._pages[key] = page
        if len(self._pages) > self.size:
            self._pages.popitem(last=False)
