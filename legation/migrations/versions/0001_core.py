"""The core registry: records, their versions, projections, sources and full-text search.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

S = sa.String
T = sa.Text
I = sa.Integer  # noqa: E741


def _table(name: str, *columns: sa.Column, index: tuple[str, ...] = ()) -> None:
    op.create_table(name, *columns)
    for col in index:
        op.create_index(f"ix_{name}_{col}", name, [col])


def upgrade() -> None:
    c = sa.Column
    _table("records", c("id", S, primary_key=True), c("kind", S, nullable=False),
           c("version", I, nullable=False), c("certainty", S), c("data", T, nullable=False),
           c("hash", S, nullable=False), c("updated_at", S, nullable=False),
           c("updated_by", S, nullable=False), index=("kind",))
    _table("versions", c("record_id", S, primary_key=True), c("version", I, primary_key=True),
           c("kind", S, nullable=False), c("data", T), c("hash", S, nullable=False),
           c("changed_at", S, nullable=False), c("changed_by", S, nullable=False),
           c("change", S, nullable=False))
    _table("persons", c("id", S, primary_key=True), c("name", S, nullable=False), c("birth", S),
           c("citizenship", S), c("wikidata", S), c("certainty", S))
    _table("aliases", c("person_id", S, nullable=False), c("alias", S, nullable=False),
           index=("person_id", "alias"))
    _table("postings", c("id", S, primary_key=True), c("person_id", S), c("person_name", S),
           c("group_name", S), c("count", I), c("role", S, nullable=False),
           c("sending", S, nullable=False), c("receiving", S), c("post", S), c("start_date", S),
           c("end_date", S), c("end_year", I), c("exit_type", S), c("reason", T),
           c("statement", S), c("destination", S), c("next_role", S), c("certainty", S),
           index=("person_id", "sending", "receiving", "exit_type"))
    _table("consequences", c("id", S, primary_key=True), c("posting_id", S, nullable=False),
           c("type", S, nullable=False), c("date", S), c("authority", S), c("detail", T),
           c("certainty", S), index=("posting_id",))
    _table("measures", c("id", S, primary_key=True), c("type", S, nullable=False),
           c("actor", S, nullable=False), c("target", S, nullable=False), c("date", S),
           c("count", I), c("detail", T), c("reciprocal_of", S), c("certainty", S),
           index=("actor", "target"))
    _table("measure_persons", c("measure_id", S, nullable=False), c("person_id", S, nullable=False),
           index=("measure_id", "person_id"))
    _table("contacts", c("id", S, primary_key=True), c("from_ref", S, nullable=False),
           c("to_ref", S, nullable=False), c("channel", S, nullable=False),
           c("outcome", S, nullable=False), c("date", S), c("count", I, nullable=False),
           c("detail", T), c("certainty", S), index=("from_ref",))
    _table("sources", c("url", S, primary_key=True), c("title", S), c("publisher", S),
           c("published", S), c("accessed", S))
    # One b-tree, keyed by record: the links are rebuilt by record on every write.
    op.create_table("record_sources", c("record_id", S, primary_key=True), c("url", S, primary_key=True),
                    sqlite_with_rowid=False)
    if op.get_bind().dialect.name == "sqlite":
        # remove_diacritics 2 lets "Zdzislaw" find "Zdzisław" (legation.search folds queries too).
        op.execute(
            "CREATE VIRTUAL TABLE search_index USING fts5("
            "record_id UNINDEXED, kind UNINDEXED, body, tokenize='unicode61 remove_diacritics 2', detail=none)"
        )
    else:
        op.execute(
            "CREATE TABLE search_index (record_id TEXT PRIMARY KEY, kind TEXT NOT NULL, "
            "body TEXT NOT NULL, "
            "tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED)"
        )
        op.execute("CREATE INDEX ix_search_index_tsv ON search_index USING GIN (tsv)")


def downgrade() -> None:
    op.execute("DROP TABLE search_index")
    for name in ("record_sources", "sources", "contacts", "measure_persons", "measures",
                 "consequences", "postings", "aliases", "persons", "versions", "records"):
        op.drop_table(name)
