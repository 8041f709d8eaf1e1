"""Analysis figures on the bundled data, side by side with a named peer in the same run.

- precedents for every sending state vs. the peer: one raw SQL GROUP BY of exits by state and type
  (the bare counts, without cases, consequences or sources);
- the options brief for Anatoly Antonov vs. the peer: persons.profile, the data `legation show` prints;
- rendering the brief's charts to SVG with vl-convert vs. the peer: rendering the brief's Markdown.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.measure import curated_store
from legation.analysis import briefs, precedents, reports
from legation.registry import persons

ROUNDS = 5


def _best(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = curated_store(str(Path(tmp) / "bench.db"))
        states = [r["sending"] for r in store.rows("SELECT DISTINCT sending FROM postings WHERE exit_type IS NOT NULL")]
        sql = "SELECT sending, exit_type, count(*) AS n FROM postings WHERE exit_type IS NOT NULL GROUP BY 1, 2"
        data = briefs.brief(store, "Anatoly Antonov")
        rows = [
            (
                "precedents, all states",
                lambda: [precedents.precedents(store, s) for s in states],
                "raw SQL GROUP BY",
                lambda: store.rows(sql),
            ),
            (
                "brief: Anatoly Antonov",
                lambda: briefs.brief(store, "Anatoly Antonov"),
                "persons.profile",
                lambda: persons.profile(store, "p-anatoly-antonov"),
            ),
            (
                "brief charts to SVG",
                lambda: [reports.charts.svg(c) for c in reports.figure_charts("brief", data)],
                "brief as Markdown",
                lambda: reports.markdown("brief", data),
            ),
        ]
        print(f"{'figure':<26}{'ms':>9}  {'peer':<20}{'ms':>9}{'ratio':>9}")
        for name, fn, peer, peer_fn in rows:
            ours, theirs = _best(fn), _best(peer_fn)
            print(f"{name:<26}{ours * 1000:>9.1f}  {peer:<20}{theirs * 1000:>9.1f}{ours / theirs:>9.1f}x")
        print(f"({len(states)} sending states; best of {ROUNDS} rounds)")
        store.close()
