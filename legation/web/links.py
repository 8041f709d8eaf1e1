"""Ids and codes as a reader sees them: every id a link with its record's title, every code its label.

One `Links` per rendered page: it looks up each record a page mentions once, so a state page with
many "answers …" links costs one primary-key read per distinct id.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

from legation.registry import bodies, search, vocabularies
from legation.registry.store import Store

# Fields whose value is a state or body code, a record id, or a code of a vocabulary.
STATES = {"sending", "receiving", "actor", "target", "citizenship", "destination", "authority"}
REFS = {"person", "posting", "reciprocal_of", "from", "to", "persons", "statement_of"}
VOCAB = {
    "role": "roles",
    "exit_type": "exit_types",
    "channel": "channels",
    "outcome": "outcomes",
    "certainty": "certainties",
    "kind": "kinds",
}


def href(kind: str | None, record_id: str) -> str:
    """A record's page: persons have their own, every other record the generic one."""
    return f"/{'person' if kind == 'person' else 'record'}/{quote(record_id, safe='')}"


class Links:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._seen: dict[str, dict[str, Any] | None] = {}

    def lookup(self, record_id: str) -> dict[str, Any] | None:
        if record_id not in self._seen:
            self._seen[record_id] = self.store.get(record_id)
        return self._seen[record_id]

    def title(self, item: dict[str, Any]) -> str:
        return search.title(item, self.lookup)

    def ref(self, record_id: str | None) -> Markup:
        """A link to the record with its title; text that is no record's id stays as it is."""
        if not record_id:
            return Markup("")
        found = self.lookup(record_id)
        if found is None:
            return escape(record_id)
        return Markup('<a href="{}">{}</a>').format(href(found.get("kind"), record_id), self.title(found))

    def state(self, code: str | None) -> Markup:
        if not code:
            return Markup("")
        if bodies.get(code) is None:
            return escape(code)
        return Markup('<a href="/state/{}">{}</a>').format(quote(code), bodies.name(code))

    def field(self, kind: str | None, key: str, value: Any) -> Markup | None:
        """A record field shown by its meaning, or None to show the value as plain data."""
        if isinstance(value, list) and key in REFS | STATES:
            parts = [self.field(kind, key, v) or escape(v) for v in value]
            return Markup(", ").join(parts) if parts else Markup('<span class="muted">none</span>')
        if not isinstance(value, str):
            return None
        if key == "id":
            return Markup("<code>{}</code>").format(value)
        if key in STATES:
            return self.state(value)
        if key in REFS:
            return self.ref(value)
        vocab = VOCAB.get(key) or (
            {"measure": "measures", "consequence": "consequences"}.get(kind or "") if key == "type" else None
        )
        return escape(vocabularies.label(vocab, value)) if vocab else None


# The page being rendered: template macros are imported without the page's context, so the helpers
# they call find its Links here.
CURRENT: ContextVar[Links] = ContextVar("links")


def ref(record_id: str | None) -> Markup:
    return CURRENT.get().ref(record_id)


def title(item: dict[str, Any]) -> str:
    return CURRENT.get().title(item)


def field(kind: str | None, key: str, value: Any) -> Markup | None:
    return CURRENT.get().field(kind, key, value)
