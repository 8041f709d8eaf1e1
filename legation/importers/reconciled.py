"""A registry's records into the store: persons reconciled first, then the one way in.

Every registry importer (POCOM, Wikidata) and `legation init --bundled` end here, so a registry's
persons become the store's persons the same way whichever door they came through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from legation.errors import InputError
from legation.registry import imports, matching
from legation.registry.imports import ImportReport, Located, Progress
from legation.registry.store import Store


@dataclass
class Outcome:
    """What a registry import did: the import's counts, the persons merged and those proposed."""

    report: ImportReport
    merged: list[dict[str, Any]] = field(default_factory=list)
    proposed: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {**self.report.as_dict(), "merged": self.merged, "proposed": self.proposed}


def load(
    store: Store,
    raws: list[dict[str, Any]],
    *,
    prefix: str,
    name: str,
    source: dict[str, Any],
    base: list[Located] | None = None,
    propose: bool = True,
    dry_run: bool = False,
    actor: str | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """Reconcile `raws` (ids starting with `prefix`) with the store's persons, then import them in
    one transaction. Unsure matches are queued for review (not on a dry run, nor without `propose`).

    `base` are other records to import in the same transaction (the curated bundled files); a
    registry's person merges into them as into the store, and the merged record takes the base
    record's place, so importing both again changes nothing."""
    base = base or []
    plain = [b.raw for b in base if isinstance(b.raw, dict)]
    result = matching.reconcile(store, raws, prefix=prefix, base=plain)
    ids = {str(raw.get("id")) for raw in plain}
    merged = {r["id"]: r for r in result.records if r["id"] in ids}
    items = [Located(b.file, b.line, merged.get(_id(b), b.raw)) for b in base]
    items += [Located(name, n, raw) for n, raw in enumerate(result.records, 1) if raw["id"] not in ids]
    report = imports.import_records(store, items, dry_run=dry_run, actor=actor, progress=progress)
    if propose and not dry_run:
        matching.propose(store, source, result.proposals, actor=actor)
    return Outcome(report, [m.as_dict() for m in result.merged], [m.as_dict() for m in result.proposals])


def _id(item: Located) -> str:
    return str(item.raw.get("id")) if isinstance(item.raw, dict) else ""


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """A registry's records as its importer wrote them (the bundled files)."""
    found: list[dict[str, Any]] = []
    with open(path, "rb") as handle:
        for line, text in enumerate(handle, 1):
            if not text.strip():
                continue
            try:
                found.append(orjson.loads(text))
            except orjson.JSONDecodeError as exc:
                raise InputError(f"expected a JSON object ({exc})", file=str(path), line=line) from None
    return found
