"""Strangers: big unauthenticated bodies, cross-site writes, guessed tokens, headers, schema limits."""

from __future__ import annotations

import asyncio
import select
import socket
import threading
import time
from collections.abc import Awaitable
from urllib.parse import urlsplit

from legation.registry.store import Store
from legation.web.tokens import Verifier, hash_token
from tests.conftest import rec
from tests.webapp import TOKEN, auth, client, load
from tests.webserver import run_async, serve

MB = 1 << 20


def _post_huge(url: str, size: int) -> tuple[bytes, int]:
    """POST `size` bytes of JSON without a token over a raw socket, stopping as soon as the server
    answers; returns the answer's first bytes and how many body bytes were sent."""
    parts = urlsplit(url)
    head = (
        f"POST /api/records HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {size}\r\n\r\n"
    ).encode()
    chunk = b"[" + b'{"kind": "person", "id": "p-x", "name": "x"},' * (MB // 46)
    sent = 0
    with socket.create_connection((parts.hostname, parts.port)) as sock:
        sock.sendall(head)
        while sent < size:
            readable, writable, _ = select.select([sock], [sock], [], 5)
            if readable:
                break
            if writable:
                try:
                    sent += sock.send(chunk[: size - sent])
                except (BrokenPipeError, ConnectionResetError):
                    break
        answer = b""
        sock.settimeout(10)
        try:
            while b"\r\n\r\n" not in answer and (data := sock.recv(65536)):
                answer += data
        except (ConnectionResetError, TimeoutError):
            pass
    return answer, sent


def test_an_unauthenticated_160_mb_post_is_refused_before_the_server_holds_it(sqlite_path: str) -> None:
    store = Store.open(sqlite_path)
    load(store)
    store.close()
    with serve(sqlite_path, "--no-bundled", env={"LEGATION_WRITE_TOKEN": TOKEN}) as server:
        before = server.rss_mb()
        peak = [before]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak.append(server.rss_mb())
                time.sleep(0.01)

        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            answer, sent = _post_huge(server.url, 160 * MB)
        finally:
            done.set()
            sampler.join()
        after = server.rss_mb()
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    assert sent < 160 * MB
    assert max(peak) - before < 50 and after - before < 50, (before, max(peak), after)


def test_bodies_over_the_limit_are_413_while_streaming(store: Store) -> None:
    load(store)
    with client(store, body_limit=10_000) as web:
        big = [rec("person", f"p-big-{n}", name="Big " * 20) for n in range(100)]
        assert web.post("/api/records", json=big, headers=auth()).status_code == 413

        def chunks():  # no Content-Length: counted as it streams
            yield b"["
            for n in range(200):
                yield b'{"kind": "person", "id": "p-s%d", "name": "Streamed"},' % n
            yield b"{}]"

        streamed = web.post("/api/records", content=chunks(), headers={**auth(), "Content-Type": "application/json"})
        assert streamed.status_code == 413 and "10000 bytes" in streamed.json()["message"]
        assert store.get("p-s1") is None and store.get("p-big-1") is None
        small = web.post("/api/records", json=rec("person", "p-small", name="Small"), headers=auth())
        assert small.status_code == 200


def _csrf(web, url: str) -> str:  # type: ignore[no-untyped-def]
    return str(web.get(url).text.split('name="csrf" value="', 1)[1].split('"', 1)[0])


def test_cross_site_writes_are_refused_on_every_route(store: Store) -> None:
    load(store)
    with client(store) as web:
        csrf = _csrf(web, "/login")
        assert web.post("/login", data={"token": TOKEN, "csrf": csrf}).status_code == 303  # logged in
        form = {"csrf": csrf, "kind": "person", "id": "p-csrf", "name": "Cross Site", "certainty": "confirmed"}
        form["source_url"] = "https://example.org/report"
        for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}):
            assert web.post("/records/new", data=form, headers=headers).status_code == 403
            assert web.post("/logout", data={"csrf": csrf}, headers=headers).status_code == 403
            api = web.post("/api/records", json=rec("person", "p-csrf", name="X"), headers={**auth(), **headers})
            assert api.status_code == 403
        # the session cookie opens the forms, never the API
        assert web.post("/api/records", json=rec("person", "p-csrf", name="X")).status_code == 401
        files = {"file": ("x.jsonl", b'{"kind": "person", "id": "p-csrf", "name": "X"}')}
        assert web.post("/api/import", files=files).status_code == 401
        assert store.get("p-csrf") is None
        same = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
        assert web.post("/records/new", data=form, headers=same).status_code == 303
        assert store.get("p-csrf") is not None


def test_guessed_tokens_are_rate_limited_per_client(store: Store) -> None:
    load(store)
    with client(store, auth_failures=3) as web:
        person = rec("person", "p-guess", name="Guess")
        for n in range(3):
            assert (
                web.post("/api/records", json=person, headers={"Authorization": f"Bearer guess-{n}"}).status_code == 401
            )
        refused = web.post("/api/records", json=person, headers=auth())
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert store.get("p-guess") is None


def test_token_checks_run_off_the_event_loop_and_are_remembered() -> None:
    verifier = Verifier([hash_token("the-right-token", user="alice")])

    async def ticks_during(check: Awaitable[str | None]) -> tuple[str | None, int]:
        """The verdict, and how often the loop ran another task while the check was pending."""
        ticks, stop = 0, False

        async def heartbeat() -> None:
            nonlocal ticks
            while not stop:
                ticks += 1
                await asyncio.sleep(0)

        beat = asyncio.create_task(heartbeat())
        await asyncio.sleep(0)  # the heartbeat starts
        ticks = 0
        user = await check
        stop = True
        await beat
        return user, ticks

    async def both() -> tuple[tuple[str | None, int], tuple[str | None, int]]:
        first = await ticks_during(verifier.user("the-right-token"))
        return first, await ticks_during(verifier.user("the-right-token"))

    (user, ticks), (again, ticks_again) = run_async(both())
    assert user == again == "alice"
    assert ticks > 10  # the loop kept running while scrypt worked in a thread
    assert ticks_again == 0  # the second check is remembered: it never leaves the loop


def test_security_headers_and_api_caching(store: Store) -> None:
    load(store)
    with client(store) as web:
        page, api = web.get("/"), web.get("/api/home")
        assert "camera=()" in page.headers["permissions-policy"]
        assert api.headers["cache-control"] == "no-store"
        assert "strict-transport-security" not in page.headers
    with client(store, https=True) as web:
        page = web.get("/")
        assert page.headers["strict-transport-security"].startswith("max-age=")
        assert "secure" in web.get("/login").headers["set-cookie"].lower()


def test_405_names_the_allowed_methods(store: Store) -> None:
    load(store)
    with client(store) as web:
        response = web.delete("/api/home")
        assert response.status_code == 405 and response.headers["allow"] == "GET"
        assert web.patch("/api/records/p-evil", headers=auth()).headers["allow"]


def test_the_schema_declares_the_size_limit_and_a_typed_record_body(store: Store) -> None:
    with client(store) as web:
        schema = web.get("/openapi.json").json()
    search = schema["paths"]["/api/search"]["get"]["parameters"]
    size = next(p for p in search if p["name"] == "size")["schema"]
    assert size["maximum"] == 100 and size["minimum"] == 1
    put = schema["paths"]["/api/records/{record_id}"]["put"]["requestBody"]["content"]["application/json"]["schema"]
    body = schema["components"]["schemas"][put["$ref"].rsplit("/", 1)[1]] if "$ref" in put else put
    kinds = {ref["$ref"].rsplit("/", 1)[1] for ref in body["oneOf"]}
    assert {"Person", "Posting", "Measure"} <= kinds
    assert "name" in schema["components"]["schemas"]["Person"]["properties"]
