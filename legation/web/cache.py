"""Pages already worked out, dropped as soon as anything writes to the store.

The write mark is read on a connection kept for that alone and never written with, before a page
is worked out, and a page is kept only under the mark it was worked out after:
- SQLite: `PRAGMA data_version`, which changes whenever any other connection commits, whether in
  this process (an edit through the app) or in another (a `legation import`, another `serve`
  worker). It costs a few microseconds, so a repeated page answers without a trip to a thread.
- PostgreSQL: `pg_current_snapshot()`, the server's MVCC snapshot (oldest running transaction,
  next transaction id, those in progress). What a query can see is fixed by its snapshot, and
  the snapshot moves whenever any transaction starts writing or ends, so an unchanged snapshot
  means unchanged data; a read-only query never moves it. One round trip on loopback (~0.1 ms).
  It is the whole server's, so a write to another database there drops our pages too: safe.
In-memory SQLite stores have no mark and are not cached.

Two caches use it: `PageCache` for search data (every reader, logged in or not) and `Responses`,
whole answers (HTML and JSON) for readers who are not logged in, in front of the routes.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, MutableMapping
from typing import Any

from legation.registry.store import Store

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGI = Callable[[Scope, Any, Any], Awaitable[None]]

# Page routes whose answer depends only on the URL and the store (forms, exports and uploads do not).
CACHED = ("/api/home", "/api/search", "/api/person/", "/api/state/", "/api/dyad/", "/api/brief/", "/api/records/")
CACHED_PAGES = ("/search", "/person/", "/state/", "/dyad/", "/brief/", "/record/")
LARGEST = 1 << 20  # bytes: a bigger answer is worked out each time rather than crowding others out


Mark = int | str


class WriteMark:
    """The store's write mark, or None for stores without one (or when it cannot be read)."""

    def __init__(self, store: Store) -> None:
        path = store.engine.url.database
        self._watch: sqlite3.Connection | None = None
        self._server: str | None = None
        self._pg: Any = None
        if store.dialect == "sqlite" and path and path != ":memory:" and not path.startswith("file:"):
            # Autocommit, so the connection never holds a read snapshot open; used from the event loop only.
            self._watch = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        elif store.dialect == "postgresql":
            self._server = store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)

    def close(self) -> None:
        """Let go of the connection (the app's shutdown), so no server connection outlives the app."""
        if self._watch is not None:
            self._watch.close()
            self._watch = None
        if self._pg is not None:
            self._pg.close()
            self._pg = None
        self._server = None

    def read(self) -> Mark | None:
        if self._watch is not None:
            return int(self._watch.execute("PRAGMA data_version").fetchone()[0])
        if self._server is None:
            return None
        try:
            if self._pg is None or self._pg.closed:
                import psycopg  # only with PostgreSQL, which needs it anyway

                # autocommit: each read is its own statement, so no transaction (and no snapshot) stays open
                self._pg = psycopg.connect(self._server, autocommit=True, connect_timeout=5)
            return str(self._pg.execute("SELECT pg_current_snapshot()::text").fetchone()[0])
        except Exception:  # a lost or restarted server: no mark, so nothing is cached or served from the cache
            self._pg = None
            return None


class PageCache:
    """At most `size` pages, least recently used dropped first; size 0 turns it off."""

    def __init__(self, mark: WriteMark, size: int) -> None:
        self.size = size
        self._watch = mark if size > 0 else None
        self._mark: Mark | None = None
        self._pages: OrderedDict[Hashable, Any] = OrderedDict()

    def mark(self) -> Mark | None:
        """The store's write mark now, forgetting every page if it moved; None when not caching.
        Read it BEFORE working out a page, so a page is never filed under a later mark than its data."""
        if self._watch is None:
            return None
        mark = self._watch.read()
        if mark != self._mark:
            self._pages.clear()
            self._mark = mark
        return mark

    def get(self, key: Hashable) -> Any:
        found = self._pages.get(key)
        if found is not None:
            self._pages.move_to_end(key)
        return found

    def put(self, key: Hashable, mark: Mark | None, page: Any) -> None:
        """Keep a page worked out under `mark`, unless the store has moved on since."""
        if mark is None or mark != self._mark:
            return
        self._pages[key] = page
        if len(self._pages) > self.size:
            self._pages.popitem(last=False)


def cacheable(scope: Scope, session_cookie: str) -> bool:
    """A GET of a page route by a reader who is not logged in (no token, no session)."""
    path: str = scope["path"]
    if scope["method"] != "GET" or path.endswith("/edit"):
        return False
    if path != "/" and not path.startswith(CACHED) and not path.startswith(CACHED_PAGES):
        return False
    for name, value in scope["headers"]:
        if name == b"authorization" or (name == b"cookie" and session_cookie.encode() in value):
            return False
    return True


class Responses:
    """Whole answers for readers who are not logged in, kept until the next write to the store.

    A hit costs one read of the write mark and no route, template or query. Only complete 200
    answers are kept, without their Set-Cookie headers (a CSRF cookie belongs to one browser;
    the form pages that need it are not cached). Private instances cache nothing here.
    """

    def __init__(self, app: ASGI, cache: PageCache, session_cookie: str, private: bool) -> None:
        self.app = app
        self.cache = cache
        self.session_cookie = session_cookie
        self.off = private or cache.size == 0
        self._working: dict[Hashable, asyncio.Event] = {}

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if self.off or scope["type"] != "http" or not cacheable(scope, self.session_cookie):
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope.get("query_string", b""))
        if await self._answered(key, send):
            return
        # One request works a page out; the others asking for it meanwhile wait for its answer
        # instead of working it out again (200 readers of a fresh page would cost 200 times).
        while (working := self._working.get(key)) is not None:
            await working.wait()
            if await self._answered(key, send):
                return
        self._working[key] = asyncio.Event()
        try:
            await self._work_out(key, scope, receive, send)
        finally:
            self._working.pop(key).set()

    async def _answered(self, key: Hashable, send: Any) -> bool:
        self.cache.mark()
        found = self.cache.get(key)
        if found is None:
            return False
        headers, body = found
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return True

    async def _work_out(self, key: Hashable, scope: Scope, receive: Any, send: Any) -> None:
        mark = self.cache.mark()
        start: Message = {}
        parts: list[bytes] = []

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
                if not message.get("more_body") and start.get("status") == 200:
                    body = b"".join(parts)
                    if len(body) <= LARGEST:
                        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"set-cookie"]
                        self.cache.put(key, mark, (headers, body))
            await send(message)

        await self.app(scope, receive, keep)
