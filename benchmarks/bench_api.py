"""GET /api/search for 20 queries against `legation serve`, beside Datasette serving the same SQLite
file with the equivalent FTS5 query through its ?sql= JSON API. One worker each, the same closed-loop
client, in the same run, the servers taking turns round by round. Goal: at least Datasette's throughput.

Each of the 20 queries comes 25 times, so `legation serve` answers most of them from its search cache
(pages kept until the next write); a second `legation serve` with the cache off shows the cost of
working every page out, and its ratio is printed too. Datasette caches nothing here.

What each side computes per request: legation runs the FTS5 match over every matching record
(up to 5,000, ranked by bm25), counts six facets over them, loads the 20 shown records and makes
their titles; Datasette runs the same MATCH ranked by bm25 with LIMIT 20 and returns the 20 rows."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.measure import curated_store
from legation.registry import search

QUERIES = [
    "Rurarz",
    "Antonov",
    "ambassador",
    "expelled",
    "defected",
    "Russia",
    "Tokyo",
    "martial law",
    "asylum",
    "protest",
    "Afghan",
    "consul",
    "Washington",
    "recalled",
    "Iran",
    "spy",
    "Poland",
    "China",
    "resigned",
    "embassy",
]
COLD = "  same, search cache off"
ROUNDS = 25  # 500 requests per server
WARMUP = 2
PEER_SQL = (
    "select records.id, records.kind, records.data from search_index "
    "join records on records.id = search_index.record_id where search_index match :q "
    "order by bm25(search_index), records.id limit 20"
)

# `datasette serve` runs uvicorn at log level info, which writes an access-log line per request;
# `legation serve` runs at warning, without one. The peer is the same `datasette serve` command
# with uvicorn's access log switched off, so neither side pays for logging.
PEER_LAUNCH = (
    "import functools, uvicorn; uvicorn.run = functools.partial(uvicorn.run, access_log=False); "
    "from datasette.cli import cli; cli()"
)


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start(command: list[str], ready: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    environ = {**os.environ, **(env or {})}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environ)
    for _ in range(300):
        try:
            if httpx.get(ready, timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server did not start: {' '.join(command)}")


def _load(client: httpx.Client, servers: dict[str, list[tuple[str, dict[str, str]]]]) -> dict[str, dict[str, float]]:
    """Closed loop: one request at a time. The servers take turns, a round of the 20 queries each,
    so a change in the machine's load during the run falls on both alike."""
    for urls in servers.values():
        for _ in range(WARMUP):
            for url, params in urls:
                client.get(url, params=params).raise_for_status()
    latencies: dict[str, list[float]] = {name: [] for name in servers}
    for _ in range(ROUNDS):
        for name, urls in servers.items():
            for url, params in urls:
                start = time.perf_counter()
                client.get(url, params=params).raise_for_status()
                latencies[name].append(time.perf_counter() - start)
    results = {}
    for name, taken in latencies.items():
        cuts = statistics.quantiles(taken, n=100)
        results[name] = {"rps": len(taken) / sum(taken), "p50": cuts[49] * 1000, "p99": cuts[98] * 1000}
    return results


def _peer_query(text: str) -> str:
    words = search.terms(text)
    return " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'


def run() -> None:
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "legation.db")
        store = curated_store(db)
        records = store.scalar("SELECT count(*) FROM records")
        store.close()
        ours_port, cold_port, peer_port = _port(), _port(), _port()
        ours = _start(
            [str(bin_dir / "legation"), "--db", db, "serve", "--port", str(ours_port), "--no-bundled"],
            f"http://127.0.0.1:{ours_port}/api/home",
        )
        cold = _start(  # the same, with the search cache off: every request runs the search
            [str(bin_dir / "legation"), "--db", db, "serve", "--port", str(cold_port), "--no-bundled"],
            f"http://127.0.0.1:{cold_port}/api/home",
            env={"LEGATION_SEARCH_CACHE": "0"},
        )
        peer = _start(
            [
                sys.executable,
                "-c",
                PEER_LAUNCH,
                "serve",
                db,
                "--port",
                str(peer_port),
                "--setting",
                "sql_time_limit_ms",
                "5000",
            ],
            f"http://127.0.0.1:{peer_port}/-/versions.json",
        )
        try:
            servers = {
                "legation serve /api/search": [(f"http://127.0.0.1:{ours_port}/api/search", {"q": q}) for q in QUERIES],
                COLD: [(f"http://127.0.0.1:{cold_port}/api/search", {"q": q}) for q in QUERIES],
                "datasette ?sql= (peer)": [
                    (
                        f"http://127.0.0.1:{peer_port}/legation.json",
                        {"sql": PEER_SQL, "q": _peer_query(q), "_shape": "array"},
                    )
                    for q in QUERIES
                ],
            }
            with httpx.Client(timeout=30) as client:
                results = _load(client, servers)
        finally:
            for process in (ours, cold, peer):
                process.terminate()
                process.wait(timeout=10)
    print(f"{records} records (bundled data); {len(QUERIES)} queries x {ROUNDS} rounds; one worker each")
    print(f"{'':30}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    for name, r in results.items():
        print(f"{name:30}{r['rps']:9.0f}{r['p50']:9.2f}{r['p99']:9.2f}")
    peer_rps = results["datasette ?sql= (peer)"]["rps"]
    ratio = results["legation serve /api/search"]["rps"] / peer_rps
    print(f"throughput ratio legation/datasette: {ratio:.2f}x (goal >= 1.0x)")
    print(f"  with the search cache off:         {results[COLD]['rps'] / peer_rps:.2f}x")
