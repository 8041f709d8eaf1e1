"""The store tables of event data, created by migration 0002_gdelt.

`gdelt_events` holds the kept diplomatic events, one per GLOBALEVENTID. `event_dyad_months` is
derived from it at import time: one row per (actor state, target state, month, CAMEO code).
`event_candidates` holds the events that may be measures, for the review queue, and `gdelt_files`
is the ledger: one row per imported file with what it held.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, Text

metadata = MetaData()

gdelt_files = Table(
    "gdelt_files",
    metadata,
    Column("name", String, primary_key=True),
    Column("location", Text, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("rows_read", Integer, nullable=False),
    Column("rows_malformed", Integer, nullable=False),
    Column("rows_diplomatic", Integer, nullable=False),
    Column("rows_duplicate", Integer, nullable=False),
    Column("rows_kept", Integer, nullable=False),
    Column("candidates", Integer, nullable=False),
    Column("malformed", Text, nullable=False),
    Column("widths", Text, nullable=False),
    Column("imported_at", String, nullable=False),
    Column("imported_by", String, nullable=False),
)

gdelt_events = Table(
    "gdelt_events",
    metadata,
    Column("id", String, primary_key=True),
    Column("date", String, nullable=False),
    Column("month", String, nullable=False),
    Column("actor", String, nullable=False),
    Column("target", String, nullable=False),
    Column("actor1_code", String),
    Column("actor2_code", String),
    Column("code", String, nullable=False),
    Column("signal", String, nullable=False),
    Column("goldstein_tenths", Integer),
    Column("mentions", Integer, nullable=False),
    Column("source_url", Text),
    Column("date_added", String, nullable=False),
    Column("file", String, nullable=False),
)

event_dyad_months = Table(
    "event_dyad_months",
    metadata,
    Column("actor", String, primary_key=True),
    Column("target", String, primary_key=True),
    Column("month", String, primary_key=True),
    Column("code", String, primary_key=True),
    Column("signal", String, nullable=False),
    Column("events", Integer, nullable=False),
    Column("mentions", Integer, nullable=False),
    Column("goldstein_tenths", Integer, nullable=False),
)

event_candidates = Table(
    "event_candidates",
    metadata,
    Column("event_id", String, primary_key=True),
    Column("date", String, nullable=False),
    Column("actor", String, nullable=False),
    Column("target", String, nullable=False),
    Column("code", String, nullable=False),
    Column("mentions", Integer, nullable=False),
    Column("source_url", Text),
    Column("file", String, nullable=False),
)
