"""Record forms, built from each record model's JSON schema, so they follow the vocabularies.

A form is one record plus one source (required); submitting it goes through the import, so an
edit makes a new version and the history keeps the old one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from legation.registry import bodies, dates, records, vocabularies
from legation.registry.imports import Located

FORM_KINDS = ("person", "posting", "consequence", "measure", "contact")
SOURCE_FIELDS = ("url", "title", "publisher", "published", "accessed")
LONG_TEXT = {"reason", "detail", "notes"}


@dataclass(frozen=True)
class Field:
    name: str
    widget: str  # text | textarea | lines | number | select
    required: bool
    options: tuple[tuple[str, str], ...] = ()


def _options(enum: list[str]) -> tuple[tuple[str, str], ...]:
    for vocab in vocabularies.TERMS:
        if set(vocabularies.codes(vocab)) == set(enum):
            return tuple((code, vocabularies.label(vocab, code)) for code in enum)
    return tuple((code, code) for code in enum)


def _field(name: str, prop: dict[str, Any], required: bool) -> Field:
    variants = prop.get("anyOf", [prop])
    main = next((v for v in variants if v.get("type") != "null"), prop)
    if "enum" in main:
        return Field(name, "select", required, _options(main["enum"]))
    if main.get("type") == "array":
        return Field(name, "lines", required)
    if main.get("type") == "integer":
        return Field(name, "number", required)
    return Field(name, "textarea" if name in LONG_TEXT else "text", required)


@cache
def fields(kind: str) -> tuple[Field, ...]:
    schema = records.MODELS[kind].model_json_schema(by_alias=True)
    required = set(schema.get("required", []))
    return tuple(
        _field(name, prop, name in required)
        for name, prop in schema["properties"].items()
        if name not in ("kind", "sources")
    )


def values(record: dict[str, Any] | None) -> dict[str, str]:
    """A stored record as form values. The source fields start empty: they add a source, and the
    record's own sources are kept (pre-filling one would carry its title onto a new address)."""
    if not record:
        return {}
    return {k: "\n".join(v) if isinstance(v, list) else str(v) for k, v in record.items() if k != "sources"}


STATE_FIELDS = {"sending", "receiving", "actor", "target", "citizenship", "destination"}


def _state(value: str) -> str:
    """A state typed in any case, or by name ("pol", "Poland"), as its code; else as typed."""
    found = bodies.lookup(value) or bodies.get(value.upper())
    return found.code if found else value


def check(kind: str, form: dict[str, str], existing: dict[str, Any] | None) -> dict[str, str]:
    """Every problem a form has that can be told before the import, in plain words, by field, so
    the user sees them all at once next to their fields."""
    problems: dict[str, str] = {}
    for field in fields(kind):
        value = (form.get(field.name) or "").strip()
        if field.required and not value:
            problems[field.name] = "Fill this in."
        elif value and field.widget == "select" and value not in {code for code, _ in field.options}:
            problems[field.name] = f"Choose one of the list; “{value}” is not one."
        elif value and field.widget == "number" and not (value.isascii() and value.isdigit()):
            problems[field.name] = f"A whole number, such as 12; got “{value}”."
        elif value and field.name in STATE_FIELDS and _state(value) == value and bodies.get(value) is None:
            problems[field.name] = f"A state's code or name, such as POL or Poland; “{value}” is neither."
        elif value and field.name in DATE_FIELDS and not _is_date(value):
            problems[field.name] = f"A date such as 1981, 1981-12 or 1981-12-13; got “{value}”."
    url = (form.get("source_url") or "").strip()
    if not url and not (existing or {}).get("sources"):
        problems["source_url"] = "Every record needs a source: give the address (URL) of what you read."
    elif url and not url.lower().startswith(("http://", "https://")):
        problems["source_url"] = "An address starting with http:// or https://."
    for name in ("published", "accessed"):
        value = (form.get(f"source_{name}") or "").strip()
        if value and not _is_date(value):
            problems[f"source_{name}"] = f"A date such as 2022-05-02; got “{value}”."
    return problems


DATE_FIELDS = {"start", "end", "date", "birth"}


def _is_date(value: str) -> bool:
    try:
        dates.normalise(value)
    except ValueError:
        return False
    return True


def to_raw(
    kind: str, form: dict[str, str], existing: dict[str, Any] | None, known: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The interchange record a submitted form describes; the form's source comes first. `known`
    holds what the store already has of the form's source address."""
    raw: dict[str, Any] = {"kind": kind}
    for field in fields(kind):
        value = (form.get(field.name) or "").strip()
        if field.widget == "lines":
            raw[field.name] = [line.strip() for line in value.splitlines() if line.strip()]
        elif value:
            if field.name in STATE_FIELDS:
                value = _state(value)
            raw[field.name] = (
                int(value) if field.widget == "number" and value.isascii() and value.lstrip("-").isdigit() else value
            )
    source = {k: (form.get(f"source_{k}") or "").strip() or None for k in SOURCE_FIELDS}
    own = (existing or {}).get("sources", [])
    kept = [s for s in own if s.get("url") != source["url"]]
    if source["url"]:
        # A known address keeps what is known of it: blank fields do not wipe its title or dates.
        before: dict[str, Any] = next((s for s in [*own, *(known or [])] if s.get("url") == source["url"]), {})
        source = {k: v if v is not None else before.get(k) for k, v in source.items()}
        raw["sources"] = [source, *kept]
    else:
        raw["sources"] = kept
    return raw


def located(raw: dict[str, Any]) -> Located:
    return Located("<web form>", None, raw)
