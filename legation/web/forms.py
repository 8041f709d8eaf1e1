"""Record forms, built from each record model's JSON schema, so they follow the vocabularies.

A form is one record plus one source (required); submitting it goes through the import, so an
edit makes a new version and the history keeps the old one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from legation.registry import records, vocabularies
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
    """A stored record as form values; its first source fills the source fields."""
    if not record:
        return {}
    shown = {k: "\n".join(v) if isinstance(v, list) else str(v) for k, v in record.items() if k != "sources"}
    first = (record.get("sources") or [{}])[0]
    shown.update({f"source_{k}": str(first.get(k) or "") for k in SOURCE_FIELDS})
    return shown


def to_raw(kind: str, form: dict[str, str], existing: dict[str, Any] | None) -> dict[str, Any]:
    """The interchange record a submitted form describes; the form's source comes first."""
    raw: dict[str, Any] = {"kind": kind}
    for field in fields(kind):
        value = (form.get(field.name) or "").strip()
        if field.widget == "lines":
            raw[field.name] = [line.strip() for line in value.splitlines() if line.strip()]
        elif value:
            raw[field.name] = (
                int(value) if field.widget == "number" and value.isascii() and value.lstrip("-").isdigit() else value
            )
    source = {k: (form.get(f"source_{k}") or "").strip() or None for k in SOURCE_FIELDS}
    kept = [s for s in (existing or {}).get("sources", []) if s.get("url") != source["url"]]
    raw["sources"] = [source, *kept] if source["url"] else kept[:0]
    return raw


def located(raw: dict[str, Any]) -> Located:
    return Located("<web form>", None, raw)
