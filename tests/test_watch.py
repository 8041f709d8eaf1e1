"""`legation watch` against a real local news site (tests/newsroom.py): RSS, Atom, broken, slow, Latin-1."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from legation.errors import InputError
from legation.extraction import reviews
from legation.importers import feeds, watch
from legation.registry.store import Store
from tests.newsroom import FACTS, Site, page, rss, serve, standard

LEGATION = str(Path(sys.executable).parent / "legation")


def _feeds_file(tmp_path: Path, base: str) -> Path:
    lines = [
        ("wire", "/rss.xml"),
        ("Atom Desk", "/atom.xml"),
        ("Broken Wire", "/broken.xml"),
        ("Slow Wire", "/slow.xml"),
        ("Latin Wire", "/latin1.xml"),
    ]
    path = tmp_path / "feeds.yaml"
    path.write_text("".join(f"- url: {base}{p}\n  name: {n}\n" for n, p in lines), encoding="utf-8")
    return path


def test_watch_once_queues_sources_reports_bad_feeds_and_a_second_run_adds_nothing(
    cli: Any, sqlite_path: str, tmp_path: Path
) -> None:
    with serve(Site()) as site:
        standard(site)
        path = _feeds_file(tmp_path, site.base)
        args = ("watch", "--once", "--feeds", str(path), "--timeout", "0.5", "--retries", "0")
        first = cli(sqlite_path, *args)
        assert first.exit_code == 1, first.output  # a feed failed: cron sees it
        for name in ("Broken Wire", "Slow Wire"):
            assert f"feed {name}" in first.output
        assert "Latin Wire" in first.output and "not UTF-8" in first.output
        assert "4 proposals queued" in first.output
        # the duplicate entry (tracking parameters and a fragment) and the syndicated copy cost one fetch each
        assert site.hits["/a/belgian"] == 1 and site.hits["/copy/expel"] == 1
        assert all(agent.startswith("Legation/") for agent in site.agents)
        second = cli(sqlite_path, *args, "--format", "json")
    summary = json.loads(second.stdout)
    assert summary["entries_new"] == 0 and summary["proposals_queued"] == 0
    store = Store.open(sqlite_path)
    pending = reviews.listing(store)
    assert len(pending) == 4
    by_section = {r.section for r in pending}
    assert by_section == {"exits", "measures"}
    latin = next(r for r in pending if r.data.get("person") == "René Lévêque")
    source = store.get(latin.source_id)
    assert source is not None
    assert source["url"] == f"{site.base}/a/latin" and source["publisher"] == "Test Wire"
    assert source["published"] == "2026-11-02" and source["title"] == "Latin story"
    assert FACTS["latin"] in latin.data["evidence"]["excerpt"]
    ledger = {r["url"]: r["outcome"] for r in store.rows("SELECT url, outcome FROM feed_entries")}
    assert ledger[f"{site.base}/copy/expel"] == "duplicate"
    assert ledger[f"{site.base}/a/dutch"] == "queued" and f"{site.base}/a/dutch/" not in ledger
    assert store.scalar("SELECT count(*) FROM records WHERE kind = 'posting'") == 0  # nothing enters unreviewed


def test_keywords_filter_entries_and_a_bad_feeds_file_names_the_place(tmp_path: Path, store: Store) -> None:
    with serve(Site()) as site:
        standard(site)
        only = [feeds.Feed(f"{site.base}/rss.xml", "wire", ("expels",))]
        summary = watch.run(store, only, fetcher=feeds.Fetcher(retries=0))
    assert summary.totals()["entries_new"] == 1 and site.hits["/a/belgian"] == 0
    bad = tmp_path / "feeds.yaml"
    bad.write_text("- url: ftp://nowhere\n  name: x\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        feeds.load(str(bad))
    assert caught.value.describe() == f"{bad}:record 1: field 'url': expected an http(s) address; got 'ftp://nowhere'"


def test_canonical_addresses_and_the_backoff() -> None:
    assert (
        feeds.canonical("HTTPS://Example.org:443/a/b/?utm_medium=x&b=2&a=1#frag") == "https://example.org/a/b?a=1&b=2"
    )
    schedule = watch.Schedule([feeds.Feed("http://x/f", "x")], 60)
    assert schedule.ready(0.0)
    schedule.done(watch.FeedReport("x", "http://x/f", error="down"), 0.0)
    schedule.done(watch.FeedReport("x", "http://x/f", error="down"), 120.0)
    assert schedule.next_due() == 120.0 + 240  # doubled after each failure
    schedule.done(watch.FeedReport("x", "http://x/f"), 400.0)
    assert schedule.next_due() == 460.0
    assert watch.parse_every("15m") == 900 and watch.parse_every("2h") == 7200
    with pytest.raises(InputError):
        watch.parse_every("soon")


# Made-up names that read as names: the trained pipeline finds a person by how a name looks.
NAMES = [
    f"{first} {last}"
    for first, last in zip(
        (
            "Jan",
            "Pieter",
            "Willem",
            "Hendrik",
            "Maarten",
            "Sanne",
            "Eva",
            "Lotte",
            "Bram",
            "Ruud",
            "Femke",
            "Joost",
            "Ilse",
            "Koen",
        ),
        (
            "Bakker",
            "Visser",
            "Smit",
            "Meijer",
            "Mulder",
            "Bos",
            "Vos",
            "Peters",
            "Hendriks",
            "Dekker",
            "Brouwer",
            "Kok",
            "Jacobs",
            "Vermeulen",
        ),
        strict=True,
    )
]


def _many(site: Site, n: int) -> None:
    """n articles, each with its own resignation, served slowly enough to kill the watcher mid-run."""
    items = []
    for i in range(n):
        fact = f"The Dutch ambassador to Peru, {NAMES[i]}, resigned in protest in {1990 + i}."
        site.add(f"/many/{i}", page(f"story {i}", fact), delay=0.15)
        items.append((f"Story {i}", f"/many/{i}"))
    site.add("/many.xml", rss(site.base, items), "application/rss+xml")


def _ledger(path: str) -> list[str]:
    try:
        with sqlite3.connect(path) as conn:
            return [r[0] for r in conn.execute("SELECT url FROM feed_entries ORDER BY url")]
    except sqlite3.OperationalError:  # not created yet
        return []


def _watch(db: str, feed: str) -> subprocess.Popen[bytes]:
    command = [LEGATION, "--db", db, "watch", "--once", feed]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())


def test_sigkill_mid_run_then_a_rerun_neither_loses_nor_duplicates(tmp_path: Path) -> None:
    n = 14
    killed, clean = str(tmp_path / "killed.db"), str(tmp_path / "clean.db")
    with serve(Site()) as site:
        _many(site, n)
        feed = f"{site.base}/many.xml"
        process = _watch(killed, feed)
        deadline = time.monotonic() + 60
        while len(_ledger(killed)) < 3 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait()
        noted = len(_ledger(killed))
        assert 3 <= noted < n, "the kill came too late to test anything"
        assert _watch(killed, feed).wait(timeout=120) == 0
        assert _watch(clean, feed).wait(timeout=120) == 0
    assert _ledger(killed) == _ledger(clean) and len(_ledger(clean)) == n
    queued = {}
    for path in (killed, clean):
        with sqlite3.connect(path) as conn:
            rows = conn.execute("SELECT id, source_id FROM review_queue ORDER BY id").fetchall()
            queued[path] = rows
            assert conn.execute("SELECT count(DISTINCT source_id) FROM review_queue").fetchone()[0] == n
    assert queued[killed] == queued[clean] and len(queued[clean]) == n


def test_every_keeps_polling_and_backs_off_a_failing_feed(tmp_path: Path) -> None:
    db = str(tmp_path / "poll.db")
    with serve(Site()) as site:
        standard(site)
        command = [LEGATION, "--db", db, "watch", "--every", "1s", "--retries", "0"]
        process = subprocess.Popen(
            [*command, f"{site.base}/rss.xml", f"{site.base}/broken.xml"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while site.hits["/rss.xml"] < 5 and time.monotonic() < deadline:
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert site.hits["/rss.xml"] >= 5
    # after each failure the broken feed waits twice as long: 1 s, 2 s, 4 s while the good one is read every second
    assert site.hits["/broken.xml"] <= 3
    assert site.hits["/a/belgian"] == 1  # polled five times, fetched once
    assert b"stopped" in stderr and process.returncode == 0
