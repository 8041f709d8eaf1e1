"""The seam where event data (GDELT and the like) joins the figures.

Isolation and the dyad report carry an `events` block. It stays None until an importer of event data
registers a provider here; the provider gets the dyad and the window and returns its signals (consult
events 04x, rejected meetings 125, against the dyad's own earlier baseline: DOMAIN.md).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from legation.registry.store import Store


@dataclass(frozen=True)
class EventsQuery:
    """What a figure asks of event data: the dyad (actor to target) and the window."""

    store: Store
    figure: str  # "isolation" or "dyad"
    actor: str | None
    target: str | None
    start: str | None = None
    end: str | None = None


EventsProvider = Callable[[EventsQuery], dict[str, Any] | None]
_PROVIDERS: list[EventsProvider] = []
# Providers shipped with Legation register themselves on import; loaded on the first question, so
# the CLI, the web app and the brief all see event data without importing DuckDB up front.
BUILTIN = ("legation.events",)
_loaded = False


def _load_builtins() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for name in BUILTIN:
            importlib.import_module(name)


def register_events_provider(provider: EventsProvider) -> EventsProvider:
    """Add a provider (usable as a decorator); providers answer in the order they were added."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def unregister_events_provider(provider: EventsProvider) -> None:
    if provider in _PROVIDERS:
        _PROVIDERS.remove(provider)


def events(query: EventsQuery) -> dict[str, Any] | None:
    """The merged answers of every provider, or None when none is registered or none answers."""
    _load_builtins()
    merged: dict[str, Any] = {}
    for provider in list(_PROVIDERS):
        answer = provider(query)
        if answer:
            merged.update(answer)
    return merged or None
