"""The feed watcher: new entries of news feeds become pending proposals in the review queue.

For each entry not seen before, the article is downloaded, its main text read (trafilatura) and
extracted (`legation.extraction.extract`), and its proposals queued with the article as their
source. The ledger of seen entries (`feed_entries`) is written in the same transaction as the
queue, so a watcher killed at any moment has either queued an entry and noted it, or done neither:
the next run picks up exactly where it stopped. Entries are known by canonical address and by a
hash of their text, so a syndicated copy under another address is read once.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Connection, MetaData, String, Table, Text, select
from sqlalchemy.exc import IntegrityError

from legation import extraction
from legation.errors import InputError
from legation.extraction import articles, reviews
from legation.importers.feeds import Entry, Feed, FeedError, Fetcher, canonical, entries
from legation.registry.store import Store, now

ACTOR = "legation-watch"
BACKOFF_LIMIT = 24 * 3600  # a failing feed is retried at least once a day

metadata = MetaData()
ledger = Table(
    "feed_entries",
    metadata,
    Column("url", String, primary_key=True),
    Column("feed", String, nullable=False),
    Column("title", String),
    Column("content_hash", String),
    Column("outcome", String, nullable=False),  # queued | nothing proposed | duplicate
    Column("reviews", Text, nullable=False),
    Column("seen_at", String, nullable=False),
)


@dataclass
class FeedReport:
    name: str
    url: str
    entries: int = 0
    new: int = 0
    proposals: int = 0
    error: str | None = None
    warning: str | None = None
    failed_articles: list[str] = field(default_factory=list)


@dataclass
class Summary:
    feeds: list[FeedReport]
    seconds: float = 0.0

    @property
    def errors(self) -> list[FeedReport]:
        return [f for f in self.feeds if f.error or f.failed_articles]

    def totals(self) -> dict[str, Any]:
        return {
            "feeds_read": sum(1 for f in self.feeds if not f.error),
            "entries": sum(f.entries for f in self.feeds),
            "entries_new": sum(f.new for f in self.feeds),
            "proposals_queued": sum(f.proposals for f in self.feeds),
            "errors": sum(bool(f.error) + len(f.failed_articles) for f in self.feeds),
            "seconds": round(self.seconds, 3),
        }

    def as_dict(self) -> dict[str, Any]:
        return {**self.totals(), "feeds": [vars(f) for f in self.feeds]}


Progress = Callable[[Feed, Entry | None], None]


def content_hash(text: str) -> str:
    return hashlib.sha256(re.sub(r"\s+", " ", text).strip().casefold().encode()).hexdigest()


def seen(conn: Connection, url: str) -> bool:
    return conn.execute(select(ledger.c.url).where(ledger.c.url == url)).first() is not None


def _hash_seen(conn: Connection, digest: str) -> bool:
    return conn.execute(select(ledger.c.url).where(ledger.c.content_hash == digest).limit(1)).first() is not None


def run(
    store: Store,
    feeds: list[Feed],
    *,
    fetcher: Fetcher | None = None,
    progress: Progress | None = None,
    actor: str = ACTOR,
) -> Summary:
    """One pass over the feeds. A feed that fails is reported by name and the others go on."""
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    started = time.perf_counter()
    summary = Summary([])
    try:
        for feed in feeds:
            summary.feeds.append(_read_feed(store, feed, fetcher, progress, actor))
    finally:
        if own:
            fetcher.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _read_feed(store: Store, feed: Feed, fetcher: Fetcher, progress: Progress | None, actor: str) -> FeedReport:
    report = FeedReport(feed.name, feed.url)
    try:
        found, report.warning = entries(fetcher.get(feed.url))
    except FeedError as exc:
        report.error = str(exc)
        return report
    report.entries = len(found)
    for entry in found:
        if progress:
            progress(feed, entry)
        if not feed.wants(f"{entry.title or ''} {entry.summary}"):
            continue
        with store.engine.connect() as conn:
            if seen(conn, entry.url):
                continue
        try:
            report.proposals += _read_entry(store, feed, entry, fetcher, actor)
            report.new += 1
        except (FeedError, InputError) as exc:
            report.failed_articles.append(f"{entry.url}: {exc}")
    return report


def _read_entry(store: Store, feed: Feed, entry: Entry, fetcher: Fetcher, actor: str) -> int:
    """Read, extract and queue one new entry; returns the proposals queued."""
    response = fetcher.get(entry.url)
    article = _article(response.text, entry)
    digest = content_hash(article.text)
    addresses = sorted({entry.url, canonical(article.canonical or entry.url)})
    with store.engine.connect() as conn:
        duplicate = any(seen(conn, a) for a in addresses) or _hash_seen(conn, digest)
    if duplicate:
        with store.transaction() as conn:
            _note(conn, addresses, feed, entry, digest, "duplicate", [])
        return 0
    found = extraction.extract(article.text, store=store)
    count = sum(len(found.get(s, [])) for s in extraction.SECTIONS)
    if count:
        reviews.save_source(store, article, actor=actor)  # idempotent: a rerun after a crash finds it unchanged
    try:
        with store.transaction() as conn:
            ids = reviews.enqueue(conn, article, found, actor=actor) if count else []
            _note(conn, addresses, feed, entry, digest, "queued" if ids else "nothing proposed", ids)
    except IntegrityError:  # another watcher noted this entry first: its transaction queued it
        return 0
    return len(ids)


def _article(html: str, entry: Entry) -> articles.Article:
    """The page's text; the feed's title, publisher and date fill what the page does not say."""
    article = articles.from_page(html, entry.url)
    article.title = article.title or entry.title
    article.publisher = article.publisher or entry.publisher
    article.published = entry.published or article.published
    return article


def _note(
    conn: Connection, addresses: list[str], feed: Feed, entry: Entry, digest: str, outcome: str, ids: list[str]
) -> None:
    known = {r[0] for r in conn.execute(select(ledger.c.url).where(ledger.c.url.in_(addresses)))}
    rows = [
        {
            "url": url,
            "feed": feed.name,
            "title": entry.title,
            "content_hash": digest,
            "outcome": outcome,
            "reviews": json.dumps(ids),
            "seen_at": now(),
        }
        for url in addresses
        if url not in known
    ]
    if rows:
        conn.execute(ledger.insert(), rows)


class Schedule:
    """When each feed is next read: every `every` seconds, and after a failure twice as long as
    the last wait (up to a day), so a feed that is down is not hammered."""

    def __init__(self, feeds: list[Feed], every: float) -> None:
        self.every = every
        self.due = {f.url: 0.0 for f in feeds}
        self.wait = {f.url: every for f in feeds}
        self.feeds = feeds

    def ready(self, clock: float) -> list[Feed]:
        return [f for f in self.feeds if self.due[f.url] <= clock]

    def done(self, report: FeedReport, clock: float) -> None:
        if report.error:
            self.wait[report.url] = min(self.wait[report.url] * 2, max(BACKOFF_LIMIT, self.every))
        else:
            self.wait[report.url] = self.every
        self.due[report.url] = clock + self.wait[report.url]

    def next_due(self) -> float:
        return min(self.due.values())


def parse_every(text: str) -> float:
    """`30s`, `15m`, `2h` or `1d` in seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text)
    if not match or float(match.group(1)) <= 0:
        raise InputError(f"expected a duration such as 30s, 15m, 2h or 1d; got {text!r}", field="--every")
    return float(match.group(1)) * {"": 60, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
