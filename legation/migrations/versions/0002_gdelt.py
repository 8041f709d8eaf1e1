"""Event data (GDELT): kept events, dyad-month aggregates, candidate measures and the file ledger.

Revision ID: 0002_gdelt
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_gdelt"
down_revision = "0001"
branch_labels = None
depends_on = None

S = sa.String
T = sa.Text
I = sa.Integer  # noqa: E741


def upgrade() -> None:
    c = sa.Column
    op.create_table("gdelt_files", c("name", S, primary_key=True), c("location", T, nullable=False),
                    c("size", sa.BigInteger, nullable=False), c("rows_read", I, nullable=False),
                    c("rows_malformed", I, nullable=False), c("rows_diplomatic", I, nullable=False),
                    c("rows_duplicate", I, nullable=False), c("rows_kept", I, nullable=False),
                    c("candidates", I, nullable=False), c("malformed", T, nullable=False),
                    c("widths", T, nullable=False), c("imported_at", S, nullable=False),
                    c("imported_by", S, nullable=False))
    op.create_table("gdelt_events", c("id", S, primary_key=True), c("date", S, nullable=False),
                    c("month", S, nullable=False), c("actor", S, nullable=False),
                    c("target", S, nullable=False), c("actor1_code", S), c("actor2_code", S),
                    c("code", S, nullable=False), c("signal", S, nullable=False),
                    c("goldstein_tenths", I), c("mentions", I, nullable=False), c("source_url", T),
                    c("date_added", S, nullable=False), c("file", S, nullable=False))
    op.create_index("ix_gdelt_events_dyad", "gdelt_events", ["actor", "target", "month"])
    op.create_table("event_dyad_months", c("actor", S, primary_key=True), c("target", S, primary_key=True),
                    c("month", S, primary_key=True), c("code", S, primary_key=True),
                    c("signal", S, nullable=False), c("events", I, nullable=False),
                    c("mentions", I, nullable=False), c("goldstein_tenths", I, nullable=False))
    op.create_table("event_candidates", c("event_id", S, primary_key=True), c("date", S, nullable=False),
                    c("actor", S, nullable=False), c("target", S, nullable=False),
                    c("code", S, nullable=False), c("mentions", I, nullable=False), c("source_url", T),
                    c("file", S, nullable=False))
    op.create_index("ix_event_candidates_dyad", "event_candidates", ["actor", "target"])


def downgrade() -> None:
    for name in ("event_candidates", "event_dyad_months", "gdelt_events", "gdelt_files"):
        op.drop_table(name)
