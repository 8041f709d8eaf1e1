"""Helpers for the web tests: an app over a store with a few records, and a write token."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from legation.registry import imports
from legation.registry.store import Store
from legation.web import Settings, create_app, tokens
from tests.conftest import rec, rurarz, rurarz_posting
from tests.webserver import serve

TOKEN = "test-token-0123456789"
TOKEN_HASH = tokens.hash_token(TOKEN, user="alice")
XSS = "<script>alert('x')</script>"

RECORDS: list[dict[str, Any]] = [
    rurarz(citizenship="POL"),
    rurarz_posting(post="Tokyo", start="1978", reason="Martial law in Poland", destination="USA"),
    rec(
        "consequence",
        "con-rurarz-jpn-1981-sentenced_to_death_in_absentia",
        posting="pos-rurarz-jpn-1981",
        type="sentenced_to_death_in_absentia",
        authority="POL",
    ),
    rec("person", "p-evil", name=f"Evil {XSS}", notes=XSS),
    rec(
        "posting",
        "pos-evil-rus-2022",
        person="p-evil",
        role="diplomat",
        sending="RUS",
        receiving="USA",
        post=XSS,
        start="2019",
        end="2022-03",
        exit_type="expelled",
        reason=f"Expelled {XSS}",
        certainty="reported",
    ),
    rec(
        "measure",
        "m-usa-rus-2022-03-01-expulsion",
        type="expulsion",
        actor="USA",
        target="RUS",
        date="2022-03-01",
        count=12,
        persons=["p-evil"],
        detail=f"Twelve expelled {XSS}",
    ),
    rec(
        "measure",
        "m-rus-usa-2022-04-01-expulsion",
        type="expulsion",
        actor="RUS",
        target="USA",
        date="2022-04-01",
        count=10,
        reciprocal_of="m-usa-rus-2022-03-01-expulsion",
        detail="The answer",
    ),
    rec(
        "contact",
        "c-p-evil-2022-1",
        **{"from": "p-evil", "to": f"State Department {XSS}"},
        channel="meeting_request",
        outcome="declined",
        date="2022-02",
        detail=XSS,
    ),
]


def load(store: Store, items: list[dict[str, Any]] | None = None) -> None:
    located = [imports.Located("<test>", i + 1, raw) for i, raw in enumerate(items or RECORDS)]
    imports.import_records(store, located, actor="tester")


@contextmanager
def client(store: Store, **settings: Any) -> Iterator[TestClient]:
    config = Settings(write_tokens=[TOKEN_HASH], **settings)
    with TestClient(create_app(config, store=store), follow_redirects=False) as test_client:
        yield test_client


def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


@contextmanager
def serving(db: Path, token: str) -> Iterator[str]:
    """A real `legation serve` on a free loopback port over a new store, which it fills with the
    bundled data (as the README's run command does); stopped on exit."""
    with serve(str(db), env={"LEGATION_WRITE_TOKEN": token}) as server:
        yield server.url
