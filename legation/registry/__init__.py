"""The core: records and their vocabularies, the store, import and export (docs/architecture.md).

Every write to the store keeps its derived tables in step: the query tables (`projections`) and the
full-text index (`search`). They are given to the store here, once, so the store itself never
imports what is derived from it. They are imported on a store's first write of records, not here:
they load the pydantic records, which opening a store does not need.
"""

from __future__ import annotations

from collections.abc import Iterable

from legation.registry import store


def _derived() -> Iterable[store.Projection]:
    from legation.registry import projections, search

    return (projections, search)


store.DERIVED.append(_derived)
