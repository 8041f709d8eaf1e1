"""Warm page times for every page of the bundled data against `legation serve`, beside Datasette
serving the same SQLite file's records table (its plain table page, 50 rows), in the same run.

Each URL is asked for once to warm it (charts drawn, caches filled), then timed once more; the
table shows each page type's median and slowest warm time. Goal (issue 14): every page under
200 ms warm, /state/RUS included. `LEGATION_BENCH_PAGES` caps the URLs per page type (0: all)."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

from benchmarks.bench_api import PEER_LAUNCH, _port, _start
from benchmarks.measure import curated_store
from legation.registry.store import Store
from legation.web import tables

GOAL_MS = 200.0
CAP = int(os.environ.get("LEGATION_BENCH_PAGES", "0"))
SEARCHES = ["Rurarz", "expelled", "martial law", "expelled OR defected", '"martial law"', "gordievski"]


def pages(store: Store) -> dict[str, list[str]]:
    """Every page of the bundled data, by page type."""
    persons = [r["id"] for r in store.rows("SELECT id FROM persons ORDER BY id")]
    states = sorted({r["c"] for r in store.rows("SELECT sending AS c FROM postings UNION SELECT actor FROM measures")})
    dyads = store.rows("SELECT DISTINCT actor, target FROM measures WHERE actor <> target ORDER BY 1, 2")
    found = {
        "home": ["/"],
        "search": [f"/search?q={quote(q)}" for q in SEARCHES],
        "person": [f"/person/{p}" for p in persons],
        "brief": [f"/brief/{p}" for p in persons],
        "state": ["/state/RUS", *(f"/state/{s}" for s in states if s != "RUS")],
        "dyad": [f"/dyad/{d['actor']}/{d['target']}" for d in dyads],
        "tables": [f"/{t}" for t in tables.TABLES] + [f"/{t}?page=2" for t in ("postings", "measures", "sources")],
        "indexes": ["/states", "/dyads"],
        "record": [f"/record/{r['id']}" for r in store.rows("SELECT id FROM records ORDER BY id LIMIT 40")],
    }
    return {k: v[:CAP] if CAP else v for k, v in found.items()}


def _time(client: httpx.Client, url: str) -> float:
    client.get(url).raise_for_status()  # warm
    start = time.perf_counter()
    client.get(url).raise_for_status()
    return (time.perf_counter() - start) * 1000


def run() -> None:
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "legation.db")
        store = curated_store(db)
        urls = pages(store)
        store.close()
        ours_port, peer_port = _port(), _port()
        ours = _start(
            [str(bin_dir / "legation"), "--db", db, "serve", "--port", str(ours_port), "--no-bundled"],
            f"http://127.0.0.1:{ours_port}/api/home",
        )
        peer = _start(
            [sys.executable, "-c", PEER_LAUNCH, "serve", db, "--port", str(peer_port)],
            f"http://127.0.0.1:{peer_port}/-/versions.json",
        )
        try:
            with httpx.Client(timeout=60, base_url=f"http://127.0.0.1:{ours_port}") as client:
                times = {kind: [_time(client, u) for u in found] for kind, found in urls.items()}
                state_rus = _time(client, "/state/RUS")
            with httpx.Client(timeout=60, base_url=f"http://127.0.0.1:{peer_port}") as client:
                peer_times = [_time(client, "/legation/records?_size=50") for _ in range(20)]
        finally:
            for process in (ours, peer):
                process.terminate()
                process.wait(timeout=10)
    every = [t for found in times.values() for t in found]
    peer_p50 = statistics.median(peer_times)
    print(f"{len(every)} pages of the bundled data, each timed warm once; goal: every page < {GOAL_MS:.0f} ms")
    print(f"{'page type':12}{'pages':>7}{'p50 ms':>9}{'max ms':>9}")
    for kind, found in times.items():
        print(f"{kind:12}{len(found):7d}{statistics.median(found):9.1f}{max(found):9.1f}")
    print(f"{'/state/RUS':12}{1:7d}{state_rus:9.1f}{state_rus:9.1f}")
    print(f"{'datasette':12}{len(peer_times):7d}{peer_p50:9.1f}{max(peer_times):9.1f}  (peer: records table, 50 rows)")
    slow = sum(1 for t in every if t >= GOAL_MS)
    print(
        f"slowest page {max(every):.0f} ms; {slow} of {len(every)} at or over {GOAL_MS:.0f} ms: "
        f"{'ok' if not slow else 'MISSED'}"
    )
    ratio = statistics.median(every) / peer_p50
    print(f"median page time ratio legation/datasette: {ratio:.2f}x")
