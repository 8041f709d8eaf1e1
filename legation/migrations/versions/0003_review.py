"""The review queue: records an extractor proposed, waiting for a person to accept or reject them.

Revision ID: 0003_review
Revises: 0002_gdelt
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_review"
down_revision = "0002_gdelt"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_queue",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("source_id", sa.String, nullable=False),
        sa.Column("section", sa.String, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("created_at", sa.String, nullable=False),
        sa.Column("created_by", sa.String, nullable=False),
        sa.Column("decided_at", sa.String),
        sa.Column("decided_by", sa.String),
        sa.Column("records", sa.Text),
    )
    op.create_index("ix_review_queue_status", "review_queue", ["status"])


def downgrade() -> None:
    op.drop_table("review_queue")
