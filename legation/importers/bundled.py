"""The bundled dataset with its registries: what `legation init --bundled` and a first `serve` load.

The curated files and each registry's records (POCOM) go in one transaction: the registries'
persons are matched with the curated ones first (registry.matching), and a merged record takes the
curated record's place, so loading twice changes nothing. Unsure matches are not queued for review
here, so that a new store starts with an empty queue: `legation check` reports them (across sources),
and `legation pocom import` queues them.
"""

from __future__ import annotations

from legation.importers import pocom, reconciled
from legation.registry import bundled, imports
from legation.registry.imports import Progress
from legation.registry.store import Store

SOURCES = {"pocom": pocom.DATASET}  # the dataset each bundled registry file cites


def size() -> int:
    """Roughly how many records the bundled files hold, for a progress bar."""
    paths = [*bundled.files(), *(path for _, path in bundled.registries())]
    return sum(sum(1 for line in open(path, "rb") if line.strip()) for path in paths)


def load(store: Store, *, actor: str = "legation-bundled", progress: Progress | None = None) -> reconciled.Outcome:
    curated = list(imports.read_paths(bundled.files(), plain=True))
    found = bundled.registries()
    if not found:
        report = imports.import_records(store, curated, actor=actor, progress=progress)
        return reconciled.Outcome(report)
    (name, path), *more = found
    assert not more, "one registry is bundled today; merge the others in turn when there are more"
    return reconciled.load(
        store,
        reconciled.read_jsonl(path),
        prefix=f"{name}-",
        name=path,
        source=SOURCES[name],
        base=curated,
        propose=False,  # a fresh store's review queue stays empty; `legation check` lists the pairs
        actor=actor,
        progress=progress,
    )
