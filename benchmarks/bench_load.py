"""200 connections on a mix of home, search, person, dyad and brief pages against `legation serve`.

A bounded async client (httpx) on loopback keeps CONNECTIONS requests in flight for SECONDS (at most
MAX_REQUESTS requests), over the bundled data, and prints req/s, p50, p99, errors and the server's
resident memory against the goal of issue 12: at least 200 req/s with p99 at most 1 s and no errors,
on 2 cores. The server runs with `--workers WORKERS`; the client shares the machine's cores with it.

`LEGATION_BENCH_SECONDS` and `LEGATION_BENCH_WORKERS` change the run's length and the worker count.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from legation.registry import bundled, imports
from legation.registry.store import Store

CONNECTIONS = 200
SECONDS = float(os.environ.get("LEGATION_BENCH_SECONDS", "20"))
WORKERS = int(os.environ.get("LEGATION_BENCH_WORKERS", "2"))
MAX_REQUESTS = 200_000
TIMEOUT = 30.0
GOAL_RPS, GOAL_P99 = 200.0, 1.0
SEARCHES = ["Rurarz", "ambassador", "expelled", "Russia", "martial law", "asylum", "spy", "Poland", "embassy"]


def _port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (uvicorn's workers), in MB, from /proc."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total = 0
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def urls(store: Store) -> list[str]:
    """The page mix: home, searches, every person with a posting, dyads with measures, briefs."""
    sql = "SELECT DISTINCT person_id FROM postings WHERE person_id IS NOT NULL ORDER BY person_id"
    persons = [r["person_id"] for r in store.rows(sql)]
    dyads = store.rows("SELECT actor, target, count(*) AS n FROM measures GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 20")
    mix = ["/"] * 10
    mix += [f"/search?q={q}" for q in SEARCHES]
    mix += [f"/person/{p}" for p in persons[:60]]
    mix += [f"/dyad/{d['actor']}/{d['target']}" for d in dyads]
    mix += [f"/brief/{p}" for p in persons[:30]]
    return mix


async def _load(base: str, mix: list[str]) -> tuple[list[float], int, dict[str, int], float]:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    sent = 0
    deadline = time.perf_counter() + SECONDS
    pick = random.Random(12)
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=TIMEOUT) as client:

        async def one_connection() -> None:
            nonlocal sent
            while time.perf_counter() < deadline and sent < MAX_REQUESTS:
                sent += 1
                url = pick.choice(mix)
                start = time.perf_counter()
                try:
                    response = await client.get(url)
                    if response.status_code != 200:
                        errors[str(response.status_code)] = errors.get(str(response.status_code), 0) + 1
                except httpx.HTTPError as exc:
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                latencies.append(time.perf_counter() - start)

        began = time.perf_counter()
        await asyncio.gather(*(one_connection() for _ in range(CONNECTIONS)))
        elapsed = time.perf_counter() - began
    return latencies, sent, errors, elapsed


def _start(db: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [str(Path(sys.executable).parent / "legation"), "--db", db, "serve", "--port", str(port), "--no-bundled"]
    if workers > 1:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/home", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("legation serve did not start")


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "legation.db")
        store = Store.open(db)
        imports.import_records(store, imports.read_paths(bundled.files()), actor="bench")
        mix = urls(store)
        store.close()
        port = _port()
        server = _start(db, port, WORKERS)
        try:
            idle = rss_mb(server.pid)
            latencies, sent, errors, elapsed = asyncio.run(_load(f"http://127.0.0.1:{port}", mix))
            loaded = rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=10)
    cuts = statistics.quantiles(latencies, n=100)
    rps, p50, p99 = len(latencies) / elapsed, cuts[49], cuts[98]
    failed = sum(errors.values())
    print(f"{len(mix)} URLs (home, search, person, dyad, brief); {CONNECTIONS} connections for {elapsed:.0f} s")
    print(f"legation serve --workers {WORKERS}; {os.cpu_count()} cores shared with the client")
    print(f"{'':14}{'measured':>12}{'goal':>12}")
    print(f"{'req/s':14}{rps:12.0f}{'>= 200':>12}  {'ok' if rps >= GOAL_RPS else 'MISSED'}")
    print(f"{'p50 ms':14}{p50 * 1000:12.0f}{'':>12}")
    print(f"{'p99 ms':14}{p99 * 1000:12.0f}{'<= 1000':>12}  {'ok' if p99 <= GOAL_P99 else 'MISSED'}")
    print(f"{'errors':14}{failed:12d}{'0':>12}  {'ok' if not failed else 'MISSED ' + str(errors)}")
    print(f"{'server RSS MB':14}{loaded:12.0f}{'':>12}  (idle {idle:.0f})")
    print(f"requests sent: {sent}")
