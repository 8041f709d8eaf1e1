"""Concurrent writers through a real server: no edit is lost, none answers 5xx, stale edits get 409."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from legation.registry.store import Store
from tests.conftest import rurarz
from tests.webapp import load
from tests.webserver import serve

TOKEN = "writers-test-token-0123456789"
PERSON = "p-zdzislaw-rurarz"


async def _put_all(url: str, bodies: list[dict[str, Any]], headers: dict[str, str]) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=len(bodies))
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        auth = {"Authorization": f"Bearer {TOKEN}", **headers}
        return await asyncio.gather(*(client.put(f"/api/records/{PERSON}", json=b, headers=auth) for b in bodies))


def test_60_concurrent_puts_to_one_record_keep_every_acknowledged_edit(db_url: str) -> None:
    store = Store.open(db_url)
    load(store)
    store.close()
    bodies = [rurarz(citizenship="POL", notes=f"concurrent edit {n}") for n in range(60)]
    with serve(db_url, "--no-bundled", env={"LEGATION_WRITE_TOKEN": TOKEN}) as server:
        responses = asyncio.run(_put_all(server.url, bodies, {}))
        history = httpx.get(f"{server.url}/api/records/{PERSON}").json()["history"]
    statuses = [r.status_code for r in responses]
    assert [s for s in statuses if s >= 500] == []
    acknowledged = {bodies[n]["notes"] for n, r in enumerate(responses) if r.status_code == 200}
    assert len(acknowledged) == 60
    kept = [v["data"].get("notes") for v in history]
    assert acknowledged <= set(kept)
    assert [v["version"] for v in history] == list(range(1, len(history) + 1))
