"""Event data at scale: GDELT files into the store through DuckDB, and what the figures read from it.

Importing this package registers the GDELT provider of the `events` block that `legation isolation`
and `legation dyad` show (legation.analysis.signals).
"""

from __future__ import annotations

from typing import Any

from legation.analysis.signals import EventsQuery, register_events_provider
from legation.events.ledger import FileReport
from legation.events.series import candidates, dyad_series
from legation.registry import bodies
from legation.registry.store import Store

__all__ = ["FileReport", "candidates", "dyad_series", "events_block", "import_files"]


def import_files(store: Store, inputs: list[str], **options: Any) -> list[FileReport]:
    """`importer.import_files`, imported on first use: DuckDB and numpy load only for an import."""
    from legation.events import importer

    return importer.import_files(store, inputs, **options)


def events_block(query: EventsQuery) -> dict[str, Any] | None:
    """The dyad's GDELT series for a figure, or None when the dyad has no kept events."""
    if not query.actor or not query.target or not (bodies.exists(query.actor) and bodies.exists(query.target)):
        return None
    series = dyad_series(query.store, query.actor, query.target, start=query.start, end=query.end)
    return {"gdelt": series} if series["months"] else None


register_events_provider(events_block)
