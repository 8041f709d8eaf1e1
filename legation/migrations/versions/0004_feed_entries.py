"""The news desk: the ledger of feed entries already read, and a rejected proposal's reason.

Revision ID: 0004_feed_entries
Revises: 0003_review
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_feed_entries"
down_revision = "0003_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_entries",
        sa.Column("url", sa.String, primary_key=True),
        sa.Column("feed", sa.String, nullable=False),
        sa.Column("title", sa.String),
        sa.Column("content_hash", sa.String),
        sa.Column("outcome", sa.String, nullable=False),
        sa.Column("reviews", sa.Text, nullable=False),
        sa.Column("seen_at", sa.String, nullable=False),
    )
    op.create_index("ix_feed_entries_content_hash", "feed_entries", ["content_hash"])
    with op.batch_alter_table("review_queue") as batch:
        batch.add_column(sa.Column("reason", sa.Text))
    op.create_index("ix_versions_changed_at", "versions", ["changed_at"])


def downgrade() -> None:
    op.drop_index("ix_versions_changed_at", "versions")
    with op.batch_alter_table("review_queue") as batch:
        batch.drop_column("reason")
    op.drop_table("feed_entries")
