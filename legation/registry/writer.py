"""One write in flight beside the work that makes the next: a writer thread for bulk loads.

SQLite runs a multi-row insert without Python's lock (see `schema.insert_values`), so an import can
read and validate its next chunk, or fetch its next batch of events from DuckDB, while the last one
is written. One write at a time is in flight, on the caller's connection, and the caller touches
that connection only after `settle`. A write's error is raised by the next `submit` or `settle`,
so it still comes before anything made after it.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any


class Writer:
    """Run writes one at a time in a thread of its own, or in the caller's thread when not `threaded`
    (PostgreSQL: its driver holds Python's lock while it sends, so a thread would only add switches)."""

    def __init__(self, threaded: bool = True) -> None:
        self.threaded = threaded
        self._pool: ThreadPoolExecutor | None = None
        self._pending: Future[Any] | None = None

    def submit(self, write: Callable[..., Any], *args: Any) -> None:
        """Wait for the write in flight (raising its error), then start this one."""
        self.settle()
        if not self.threaded:
            write(*args)
            return
        self._pool = self._pool or ThreadPoolExecutor(max_workers=1, thread_name_prefix="legation-writer")
        self._pending = self._pool.submit(write, *args)

    def settle(self) -> None:
        """Wait for the write in flight; raise its error."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        """Let the write in flight finish, so the transaction can be rolled back or committed."""
        if self._pending is not None:
            wait([self._pending])
        if self._pool is not None:
            self._pool.shutdown()
