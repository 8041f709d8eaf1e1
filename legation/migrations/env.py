"""Alembic environment: the store hands over its open connection (see legation.registry.store.migrate)."""

from __future__ import annotations

from alembic import context

from legation.registry.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
