"""200 connections on a mix of home, search, person, dyad and brief pages against `legation serve`.

A bounded async client (h11 over asyncio streams, cheap enough to leave the cores to the server)
on loopback keeps CONNECTIONS requests in flight for SECONDS (at most MAX_REQUESTS requests), over
the bundled data, and prints req/s, p50, p99, errors, the CPU milliseconds per request of the server
and of the client, and the server's resident memory, against the goal of issue 12: at least 200
req/s with p99 at most 1 s and no errors, on 2 cores. The server runs with `--workers WORKERS`.

Three phases: "cold", from a fresh server with an empty chart shelf until each URL has been
answered COLD_PASSES times (every page worked out, every chart drawn); "warm", the next SECONDS,
when pages come from the page cache until the next write, as on a server that has been up a
while; "restart", a new server over the same shelf, cold again but with the charts drawn before.
On SQLite, and on PostgreSQL when its server binaries are installed.

`LEGATION_BENCH_SECONDS` and `LEGATION_BENCH_WORKERS` change the run's length and the worker count;
`LEGATION_BENCH_BACKENDS` (default `sqlite,postgresql`) the stores it runs on.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import h11
import httpx

from benchmarks.measure import curated_store
from legation.registry.store import Store

CONNECTIONS = 200
SECONDS = float(os.environ.get("LEGATION_BENCH_SECONDS", "20"))
WORKERS = int(os.environ.get("LEGATION_BENCH_WORKERS", "2"))
MAX_REQUESTS = 200_000
LOG = None if os.environ.get("LEGATION_BENCH_LOG") else subprocess.DEVNULL  # set it to see the server's log
COLD_PASSES = 4  # answers per URL before the warm phase; each worker sees some of them
COLD_LIMIT = 120.0  # seconds: the cold phase ends here whatever it has answered
TIMEOUT = 30.0
GOAL_RPS, GOAL_P99 = 200.0, 1.0
SEARCHES = ["Rurarz", "ambassador", "expelled", "Russia", "martial law", "asylum", "spy", "Poland", "embassy"]


def _port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _family(pid: int) -> list[int]:
    """A process and its children (uvicorn's workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [pid, *(int(p) for p in children.read_text().split())] if children.exists() else [pid]


def cpu_seconds(*pids: int) -> float:
    """CPU time used so far by processes and their children, from /proc (user + system, with
    that of children that have ended: PostgreSQL's backends come and go)."""
    total = 0
    for pid in pids:
        for one in _family(pid):
            try:
                fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += sum(int(f) for f in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (uvicorn's workers), in MB, from /proc."""
    total = 0
    for one in _family(pid):
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
    mix += [f"/search?{urlencode({'q': q})}" for q in SEARCHES]
    mix += [f"/person/{p}" for p in persons[:60]]
    mix += [f"/dyad/{d['actor']}/{d['target']}" for d in dyads]
    mix += [f"/brief/{p}" for p in persons[:30]]
    return mix


@dataclass
class Phase:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    sent: int = 0
    elapsed: float = 0.0
    server_cpu: float = 0.0
    client_cpu: float = 0.0

    def row(self, name: str) -> str:
        cuts = statistics.quantiles(self.latencies, n=100)
        rps, failed = len(self.latencies) / self.elapsed, sum(self.errors.values())
        p50, p99 = cuts[49] * 1000, cuts[98] * 1000
        server, client = (1000 * cpu / len(self.latencies) for cpu in (self.server_cpu, self.client_cpu))
        counts = f"{failed:8d}{self.elapsed:7.0f}{self.sent:9d}"
        return f"{name:8}{rps:9.0f}{p50:9.0f}{p99:9.0f}{counts}{server:9.2f}{client:9.2f}"


class _Connection:
    """One kept-alive HTTP/1.1 connection, spoken with h11 over asyncio streams: a fraction of
    httpx's CPU per request (httpx's async stack took 4 ms a request, more than a cached page costs
    the server), so the client takes less of the cores it shares with the server."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        self.http = h11.Connection(h11.CLIENT)

    async def get(self, target: str, method: str = "GET", body: bytes = b"", token: str = "") -> int:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
            self.http = h11.Connection(h11.CLIENT)
        reader, writer = self.streams
        headers = [("Host", f"{self.host}:{self.port}")]
        if body:
            headers += [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            headers += [("Authorization", f"Bearer {token}")]
        request = h11.Request(method=method, target=target, headers=headers)
        data = self.http.send(request) or b""
        data += (self.http.send(h11.Data(data=body)) or b"") if body else b""
        writer.write(data + (self.http.send(h11.EndOfMessage()) or b""))
        status = 0
        while True:
            event = self.http.next_event()
            if event is h11.NEED_DATA:
                data = await reader.read(1 << 16)
                if not data:
                    raise ConnectionError("the server closed the connection")
                self.http.receive_data(data)
            elif isinstance(event, h11.Response):
                status = event.status_code
            elif isinstance(event, h11.EndOfMessage):
                break
        if self.http.our_state is h11.MUST_CLOSE or self.http.their_state is h11.MUST_CLOSE:
            self.close()
        else:
            self.http.start_next_cycle()
        return status

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
        self.streams = None


@dataclass
class Edits:
    """One edit a second through the API during a phase: each drops every cached page."""

    record: dict[str, Any]
    token: str
    done: int = 0
    failed: int = 0

    async def run(self, host: str, port: int, going: Callable[[], bool]) -> None:
        connection = _Connection(host, port)
        while going():
            await asyncio.sleep(1)
            body = json.dumps({**self.record, "notes": f"Edited by the load benchmark, edit {self.done + 1}."})
            try:
                target = f"/api/records/{self.record['id']}"
                status = await connection.get(target, "PUT", body.encode(), self.token)
            except (OSError, h11.ProtocolError):
                status = 0
                connection.close()
            self.done += status == 200
            self.failed += status != 200
        connection.close()


async def _load(base: str, mix: list[str], cold: bool, server: tuple[int, ...], edits: Edits | None = None) -> Phase:
    phase = Phase()
    server_cpu, client_cpu = cpu_seconds(*server), time.process_time()
    answered = {url: 0 for url in mix}
    deadline = time.perf_counter() + (COLD_LIMIT if cold else SECONDS)
    pick = random.Random(12)
    host, port = base.removeprefix("http://").split(":")

    def going() -> bool:
        if time.perf_counter() >= deadline or phase.sent >= MAX_REQUESTS:
            return False
        return not cold or min(answered.values()) < COLD_PASSES

    async def one_connection() -> None:
        connection = _Connection(host, int(port))
        while going():
            phase.sent += 1
            # the cold phase asks for the least-answered pages first, so it ends when all are done
            url = min(mix, key=answered.__getitem__) if cold else pick.choice(mix)
            answered[url] += 1
            start = time.perf_counter()
            try:
                status = await asyncio.wait_for(connection.get(url), TIMEOUT)
                if status != 200:
                    phase.errors[str(status)] = phase.errors.get(str(status), 0) + 1
            except (OSError, TimeoutError, h11.ProtocolError) as exc:
                phase.errors[type(exc).__name__] = phase.errors.get(type(exc).__name__, 0) + 1
                connection.close()
            phase.latencies.append(time.perf_counter() - start)
        connection.close()

    began = time.perf_counter()
    writer = [edits.run(host, int(port), going)] if edits else []
    await asyncio.gather(*(one_connection() for _ in range(CONNECTIONS)), *writer)
    phase.elapsed = time.perf_counter() - began
    phase.server_cpu, phase.client_cpu = cpu_seconds(*server) - server_cpu, time.process_time() - client_cpu
    return phase


def _start(db: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    """`legation serve` with a write token for the edits (LEGATION_WRITE_TOKEN, set by `run`)."""
    command = [str(Path(sys.executable).parent / "legation"), "--db", db, "serve", "--port", str(port), "--no-bundled"]
    if workers > 1:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=LOG)
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/home", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("legation serve did not start")


def _phases(
    db: str, mix: list[str], database: int | None, edits: Edits
) -> tuple[dict[str, Phase], tuple[float, float]]:
    """cold, warm, warm with an edit a second, and, after a restart with the charts already drawn
    on the shelf, cold again. The server's CPU counts the database server's too (`database`,
    PostgreSQL's postmaster)."""
    phases: dict[str, Phase] = {}
    idle = loaded = 0.0
    for restart in (False, True):
        port = _port()
        server = _start(db, port, WORKERS)
        try:
            base = f"http://127.0.0.1:{port}"
            pids = (server.pid,) if database is None else (server.pid, database)
            if restart:
                phases["restart"] = asyncio.run(_load(base, mix, cold=True, server=pids))
                continue
            idle = rss_mb(server.pid)
            phases["cold"] = asyncio.run(_load(base, mix, cold=True, server=pids))
            phases["warm"] = asyncio.run(_load(base, mix, cold=False, server=pids))
            phases["edits"] = asyncio.run(_load(base, mix, cold=False, server=pids, edits=edits))
            if edits.failed or not edits.done:
                phases["edits"].errors["edit"] = edits.failed or 1
            loaded = rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=10)
    return phases, (idle, loaded)


def _report(backend: str, mix: list[str], phases: dict[str, Phase], rss: tuple[float, float]) -> None:
    print(f"\n{backend}: {len(mix)} URLs (home, search, person, dyad, brief) over the bundled data")
    header = ["req/s", "p50 ms", "p99 ms", "errors", "s", "requests", "server", "client"]
    print(
        f"{'phase':8}"
        + "".join(f"{h:>{7 if h in ('errors', 's') else 9}}" for h in header).replace("  errors", " errors")
    )
    for name, phase in phases.items():
        print(phase.row(name))
    print(f"{'goal':8}{'>= 200':>9}{'':>9}{'<= 1000':>9}{'0':>8}")
    warm = phases["warm"]
    cuts = statistics.quantiles(warm.latencies, n=100)
    met = len(warm.latencies) / warm.elapsed >= GOAL_RPS and cuts[98] <= GOAL_P99 and not warm.errors
    errors = {k: v for p in phases.values() for k, v in p.errors.items()}
    print(f"warm phase against the goal: {'met' if met else 'MISSED'}; errors {errors or 'none'}")
    print(f"server RSS: {rss[0]:.0f} MB idle, {rss[1]:.0f} MB after the load (all processes)")


def _backends(tmp: str) -> Iterator[tuple[str, str, int | None]]:
    """(name, store) for SQLite and, where its server binaries are installed, PostgreSQL (a
    throwaway cluster, as the tests start); `LEGATION_BENCH_BACKENDS=sqlite` keeps to one."""
    wanted = os.environ.get("LEGATION_BENCH_BACKENDS", "sqlite,postgresql").split(",")
    if "sqlite" in wanted:
        yield "SQLite", str(Path(tmp) / "legation.db"), None
    if "postgresql" not in wanted:
        return
    try:
        from tests import pg  # benchmarks run from the repository's root, beside tests/
    except ImportError:
        return
    if not pg.available():
        print("PostgreSQL: skipped, its server binaries are not installed")
        return
    cluster = pg.Cluster()
    cluster.start()
    try:
        postmaster = int((cluster.dir / "data" / "postmaster.pid").read_text().split()[0])
        yield "PostgreSQL", cluster.new_database(), postmaster
    finally:
        cluster.stop()


def run() -> None:
    print(
        f"{CONNECTIONS} connections; legation serve --workers {WORKERS}; {os.cpu_count()} cores shared with the client"
    )
    print("phases: cold (a fresh server, no chart drawn), warm (the next seconds), edits (as warm, with an")
    print("  edit a second through the API, each dropping every cached page), restart (a new server whose")
    print("  charts are already on the shelf); cpu/req: CPU milliseconds per answered request, of the")
    print("  server (all its processes, and PostgreSQL's) and of this client: the load-independent figures")
    token = secrets.token_urlsafe(24)
    os.environ["LEGATION_WRITE_TOKEN"] = token
    with tempfile.TemporaryDirectory() as tmp:
        for backend, db, database in _backends(tmp):
            store = curated_store(db)
            mix = urls(store)
            edited = store.get(mix[-1].rsplit("/", 1)[1])  # a person whose page and brief are in the mix
            store.close()
            assert edited is not None
            # a chart shelf of its own, empty at first: the cold phase draws every chart
            os.environ["LEGATION_FIGURE_CACHE"] = str(Path(tmp) / f"figures-{backend}")
            phases, rss = _phases(db, mix, database, Edits(edited, token))
            _report(backend, mix, phases, rss)
    print(f"load average {_load_average()}")


def _load_average() -> str:
    """The machine's 1-minute load average: other work on the cores shows in the figures."""
    return Path("/proc/loadavg").read_text().split()[0]
