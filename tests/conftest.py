"""Shared fixtures: a real SQLite file, a real PostgreSQL server, the CLI runner, the shared data."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from typer.testing import CliRunner

from legation.cli import app
from legation.registry.store import Store
from tests import pg

# The import fuzzer (tests/fuzzing.py): a bounded run in the suite, 3,000 inputs under `make fuzz`.
# No shrinking: a failing file is reported as generated, at once, rather than after minutes.
_FUZZ = {"deadline": None, "database": None, "suppress_health_check": list(HealthCheck), "phases": [Phase.generate]}
# The suite's run is derandomised, so CI sees the same inputs each time; `make fuzz` explores anew.
settings.register_profile(
    "default", max_examples=int(os.environ.get("LEGATION_FUZZ_EXAMPLES", "40")), derandomize=True, **_FUZZ
)
settings.register_profile("fuzz", max_examples=3000, **_FUZZ)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

CHROMIUM = Path("/usr/bin/chromium")  # Debian's chromium: no browser downloads
# The flags keep a headless Chromium off the closed network (no update or sync connections).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SOURCE = {
    "url": "https://example.org/report",
    "title": "A report",
    "publisher": "Example",
    "published": "2020-01-02",
    "accessed": "2026-11-29",
}


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[pg.Cluster | None]:
    if not pg.available():
        if os.environ.get("CI"):
            raise RuntimeError(f"PostgreSQL server binaries not found in {pg.BIN}; CI must run these tests")
        yield None
        return
    cluster = pg.Cluster()
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, pg_cluster: pg.Cluster | None) -> str:
    """A fresh, empty store location on each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "legation.db")
    if pg_cluster is None:
        pytest.skip("PostgreSQL server binaries are not installed")
    return pg_cluster.new_database()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = Store.open(db_url)
    yield opened
    opened.close()


@pytest.fixture
def sqlite_path(tmp_path: Path) -> str:
    return str(tmp_path / "legation.db")


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store loaded by `legation init --bundled`, once per test process; tests only read it."""
    db = str(tmp_path_factory.mktemp("bundled") / "legation.db")
    result = CliRunner().invoke(app, ["--db", db, "init", "--bundled"])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def cli() -> Any:
    runner = CliRunner()

    def invoke(db: str, *args: str, input: str | bytes | None = None) -> Any:
        return runner.invoke(app, ["--db", db, *args], input=input)

    return invoke


@pytest.fixture
def shared() -> Path:
    if not SHARED.exists():
        pytest.skip("../shared is missing")
    return SHARED


def rec(kind: str, id: str, **fields: Any) -> dict[str, Any]:
    """A valid record of a kind, with a source and a certainty, for hand-built stores."""
    return {
        "kind": kind,
        "id": id,
        **fields,
        "certainty": fields.pop("certainty", "confirmed"),
        "sources": fields.pop("sources", [SOURCE]),
    }


def rurarz(**extra: Any) -> dict[str, Any]:
    """The seed essay's Polish ambassador, the tests' usual person; `extra` adds fields."""
    return rec("person", "p-zdzislaw-rurarz", name="Zdzisław Rurarz", aliases=["Zdzislaw Rurarz"], **extra)


def rurarz_posting(**extra: Any) -> dict[str, Any]:
    """His posting in Tokyo and his defection; `extra` adds fields."""
    fields = {
        "person": "p-zdzislaw-rurarz",
        "role": "ambassador",
        "sending": "POL",
        "receiving": "JPN",
        "end": "1981-12",
        "exit_type": "defected",
        **extra,
    }
    return rec("posting", "pos-rurarz-jpn-1981", **fields)


def write_jsonl(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """A real headless Chromium; absent locally it skips, in CI it must be there."""
    if not CHROMIUM.exists() and not os.environ.get("CI"):
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
