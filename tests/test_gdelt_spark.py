"""The Spark job gives exactly the aggregates of the DuckDB import, on the same fixture files."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from legation import events
from legation.registry.store import Store

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs a Java runtime", allow_module_level=True)

from legation.events import spark

FIXTURES = Path(__file__).parent / "fixtures" / "gdelt"
REAL = Path("data/gdelt/arekziobrowski_gdelt-big-data")


@pytest.fixture(scope="module")
def session() -> Iterator[Any]:
    found = spark.session("local[1]", partitions=2)
    yield found
    found.stop()


def stored(store: Store) -> list[tuple[Any, ...]]:
    rows = store.rows(f"SELECT {', '.join(spark.COLUMNS)} FROM event_dyad_months")
    return sorted(tuple(r[c] for c in spark.COLUMNS) for r in rows)


@pytest.mark.slow
def test_spark_and_duckdb_give_identical_aggregates(session: Any, sqlite_path: str) -> None:
    folders = [str(FIXTURES / "v1"), str(FIXTURES / "v2")]
    store = Store.open(sqlite_path)
    events.import_files(store, folders)
    expected = stored(store)
    assert len(expected) == 16  # 5 (1.0 files) + 5 (January) + 6 (March)
    assert spark.dyad_months(session, folders) == expected


@pytest.mark.slow
def test_identical_on_the_real_sample(session: Any, sqlite_path: str, shared: Path) -> None:
    folder = str(shared / REAL)
    store = Store.open(sqlite_path)
    events.import_files(store, [folder])
    expected = stored(store)
    assert expected and spark.dyad_months(session, [folder]) == expected
