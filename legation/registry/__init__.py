"""The core: records and their vocabularies, the store, import and export (docs/architecture.md).

Every write to the store keeps its derived tables in step: the query tables (`projections`) and the
full-text index (`search`). They are given to the store here, once, so the store itself never
imports what is derived from it.
"""

from __future__ import annotations

from legation.registry import projections, search, store

store.PROJECTIONS.extend((projections, search))
