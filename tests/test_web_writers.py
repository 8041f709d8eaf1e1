"""Concurrent writers through a real server: no edit is lost, none answers 5xx, stale edits get 409."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from legation.registry import imports
from legation.registry.store import Store
from tests.conftest import SOURCE, rec, rurarz, write_jsonl
from tests.webapp import TOKEN as WEB_TOKEN
from tests.webapp import auth, client, load
from tests.webserver import run_async, serve

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
        responses = run_async(_put_all(server.url, bodies, {}))
        history = httpx.get(f"{server.url}/api/records/{PERSON}").json()["history"]
    statuses = [r.status_code for r in responses]
    assert [s for s in statuses if s >= 500] == []
    acknowledged = {bodies[n]["notes"] for n, r in enumerate(responses) if r.status_code == 200}
    assert len(acknowledged) == 60
    kept = [v["data"].get("notes") for v in history]
    assert acknowledged <= set(kept)
    assert [v["version"] for v in history] == list(range(1, len(history) + 1))


def test_concurrent_puts_from_one_version_let_exactly_one_through(db_url: str) -> None:
    store = Store.open(db_url)
    load(store)
    store.close()
    bodies = [rurarz(citizenship="POL", notes=f"from version 1, edit {n}") for n in range(20)]
    with serve(db_url, "--no-bundled", env={"LEGATION_WRITE_TOKEN": TOKEN}) as server:
        tag = httpx.get(f"{server.url}/api/records/{PERSON}").headers["etag"]
        assert tag == '"1"'
        responses = run_async(_put_all(server.url, bodies, {"If-Match": tag}))
        history = httpx.get(f"{server.url}/api/records/{PERSON}").json()["history"]
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * 19
    winner = next(bodies[n]["notes"] for n, r in enumerate(responses) if r.status_code == 200)
    assert [v["data"].get("notes") for v in history] == [None, winner]
    refused = next(r.json() for r in responses if r.status_code == 409)
    assert refused["current_version"] == 2 and refused["expected_version"] == 1
    assert refused["current"]["notes"] == winner


def test_web_edits_during_a_cli_import_never_answer_5xx(tmp_path: Path, sqlite_path: str) -> None:
    store = Store.open(sqlite_path)
    load(store)
    store.close()
    many = [rec("person", f"p-bulk-{n:06d}", name=f"Bulk Person {n}") for n in range(60_000)]
    bulk = write_jsonl(tmp_path / "bulk.jsonl", many)
    legation = str(Path(sys.executable).parent / "legation")
    with serve(sqlite_path, "--no-bundled", env={"LEGATION_WRITE_TOKEN": TOKEN}) as server:
        importing = subprocess.Popen([legation, "--db", sqlite_path, "import", str(bulk)], stdout=subprocess.DEVNULL)
        statuses: list[int] = []
        with httpx.Client(base_url=server.url, timeout=60) as web:
            n = 0
            while importing.poll() is None or n < 5:
                body = rurarz(citizenship="POL", notes=f"edit during import {n}")
                response = web.put(f"/api/records/{PERSON}", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
                statuses.append(response.status_code)
                if response.status_code == 503:
                    assert int(response.headers["retry-after"]) >= 1
                n += 1
            assert importing.wait(timeout=120) == 0
            history = web.get(f"/api/records/{PERSON}").json()["history"]
    assert [s for s in statuses if s >= 500 and s != 503] == []
    assert statuses.count(200) >= 5
    assert len(history) == 1 + statuses.count(200)
    check = Store.open(sqlite_path)
    assert check.scalar("SELECT count(*) FROM records WHERE id LIKE 'p-bulk-%'") == 60_000
    check.close()


def test_a_store_that_stays_busy_answers_503_with_retry_after(sqlite_path: str) -> None:
    store = Store.open(sqlite_path)
    load(store)
    holder = sqlite3.connect(sqlite_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer that does not let go
    try:
        with client(store, write_wait=0.2) as web:
            response = web.put(f"/api/records/{PERSON}", json=rurarz(notes="blocked"), headers=auth())
            assert response.status_code == 503
            assert response.headers["retry-after"] == "2" and "busy" in response.json()["message"]
            csrf = _csrf(web, f"/record/{PERSON}/edit")
            form = web.post(f"/record/{PERSON}/edit", data=_form(csrf, "blocked too", version="1"))
            assert form.status_code == 503 and "busy" in form.text
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.history(PERSON)[-1]["version"] == 1
    store.close()


def _csrf(web: TestClient, url: str) -> str:
    page = web.get(url).text
    return page.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def _form(csrf: str, notes: str, **extra: str) -> dict[str, str]:
    return {
        "csrf": csrf,
        "token": WEB_TOKEN,
        "kind": "person",
        "name": "Zdzisław Rurarz",
        "aliases": "Zdzislaw Rurarz",
        "citizenship": "POL",
        "notes": notes,
        "certainty": "confirmed",
        **{f"source_{k}": str(v) for k, v in SOURCE.items()},
        **extra,
    }


def test_a_stale_form_edit_gets_409_and_a_page_with_both_versions(store: Store) -> None:
    load(store)
    with client(store) as web:
        edit = web.get(f"/record/{PERSON}/edit").text
        assert '<input type="hidden" name="version" value="1">' in edit
        csrf = _csrf(web, f"/record/{PERSON}/edit")
        # meanwhile an import changes the record
        imports.import_records(store, [imports.Located("<test>", 1, rurarz(notes="written by the import"))])
        stale = web.post(f"/record/{PERSON}/edit", data=_form(csrf, "typed in the form", version="1"))
        assert stale.status_code == 409
        assert "written by the import" in stale.text and "typed in the form" in stale.text
        assert "v2" in stale.text and 'name="version" value="2"' in stale.text
        assert store.get(PERSON)["notes"] == "written by the import"  # type: ignore[index]
        assert len(store.history(PERSON)) == 2
        fresh = web.post(f"/record/{PERSON}/edit", data=_form(csrf, "typed in the form", version="2"))
        assert fresh.status_code == 303
        assert store.get(PERSON)["notes"] == "typed in the form"  # type: ignore[index]
        api = web.put(
            f"/api/records/{PERSON}", json=rurarz(notes="stale API edit"), headers={**auth(), "If-Match": '"2"'}
        )
        assert api.status_code == 409 and api.json()["current_version"] == 3
        bad = web.put(f"/api/records/{PERSON}", json=rurarz(notes="x"), headers={**auth(), "If-Match": "yesterday"})
        assert bad.status_code == 422 and bad.json()["field"] == "If-Match"
        assert len(store.history(PERSON)) == 3


def test_creating_a_record_that_exists_is_409(store: Store) -> None:
    load(store)
    with client(store) as web:
        before = store.get(PERSON)
        csrf = _csrf(web, "/records/new?kind=person")
        form = _form(csrf, "overwritten?", id=PERSON)
        del form["aliases"], form["citizenship"]
        added = web.post("/records/new", data=form)
        assert added.status_code == 409 and "already exists" in added.text
        assert "overwritten?" in added.text and "POL" in added.text  # both versions side by side
        api = web.post("/api/records", json=rurarz(notes="overwritten?"), headers=auth())
        assert api.status_code == 409 and api.json()["record"] == PERSON
        assert api.json()["current"] == before
        assert store.get(PERSON) == before and len(store.history(PERSON)) == 1
