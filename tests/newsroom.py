"""A local news site for the watcher's tests: RSS and Atom feeds and their articles, on loopback.

The people and events in these pages are made up for the tests; nothing here is bundled data.
Besides good feeds it serves a broken one, one that never answers in time, and one in Latin-1.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.pg import free_port

FILLER = (
    "<p>The ministry did not answer questions about the decision on Tuesday evening. Officials in the "
    "capital described the mood in the building as tense, and several staff members declined to comment.</p>"
    "<p>Analysts said the step fits a pattern of recent months, in which both governments have traded "
    "statements and summoned each other's envoys over a series of disputes.</p>"
)

# Each article's one fact, in the patterns the extractor reads (tests/extraction/test_reviews.py).
FACTS = {
    "belgian": "The Belgian ambassador to Chile, Luc Peeters, resigned in protest in 2021.",
    "expel": "In 2021 Chile expelled 3 Belgian diplomats after the dispute.",
    "dutch": "The Dutch ambassador to Peru, Anna de Vries, resigned in protest in 2019.",
    "latin": "The French ambassador to Chile, René Lévêque, resigned in protest in 2018.",
}


def page(slug: str, fact: str, *, canonical: str | None = None) -> bytes:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    html = (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{slug.title()} story</title>'
        f'<meta property="og:site_name" content="Test Wire">{link}</head><body><article>'
        f"<h1>{slug.title()} story</h1><p>{fact}</p>{FILLER}</article></body></html>"
    )
    return html.encode("utf-8")


def rss(base: str, items: list[tuple[str, str]], *, encoding: str = "utf-8") -> bytes:
    body = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><pubDate>Mon, 02 Nov 2026 08:00:00 GMT</pubDate>"
        f"<description>{title}</description></item>"
        for title, path in items
    )
    xml = (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel><title>Test Wire</title>'
        f"<link>{base}/</link><description>test</description>{body}</channel></rss>"
    )
    return xml.encode(encoding)


def atom(base: str, items: list[tuple[str, str]]) -> bytes:
    body = "".join(
        f'<entry><title>{title}</title><link href="{base}{path}"/><id>{base}{path}</id>'
        f"<updated>2026-11-03T09:00:00Z</updated><summary>{title}</summary></entry>"
        for title, path in items
    )
    xml = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title>'
        f'<id>{base}/atom.xml</id><updated>2026-11-03T09:00:00Z</updated><link href="{base}/"/>{body}</feed>'
    )
    return xml.encode()


@dataclass
class Site:
    base: str = ""
    routes: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    agents: set[str] = field(default_factory=set)

    def add(self, path: str, body: bytes, kind: str = "text/html; charset=utf-8", delay: float = 0.0) -> None:
        self.routes[path] = (kind, body)
        if delay:
            self.delays[path] = delay


def standard(site: Site) -> None:
    """The feeds of the main test: RSS, Atom, broken, slow and Latin-1."""
    b = site.base
    site.add("/a/belgian", page("belgian", FACTS["belgian"]))
    site.add("/a/expel", page("expel", FACTS["expel"]))
    # the same text as /a/expel under another address: a syndicated copy, read once
    site.add("/copy/expel", page("expel", FACTS["expel"]))
    site.add("/a/dutch", page("dutch", FACTS["dutch"], canonical=f"{b}/a/dutch"))
    site.add("/a/latin", page("latin", FACTS["latin"]))
    items = [
        ("Envoy resigns", "/a/belgian"),
        ("Chile expels diplomats", "/a/expel"),
        ("Again", "/a/belgian?utm_source=x#top"),
    ]
    site.add("/rss.xml", rss(b, items), "application/rss+xml")
    site.add(
        "/atom.xml", atom(b, [("Dutch envoy quits", "/a/dutch/"), ("Copy", "/copy/expel")]), "application/atom+xml"
    )
    site.add("/broken.xml", b"<rss><channel><item><title>half", "application/rss+xml")
    site.add("/slow.xml", rss(b, []), "application/rss+xml", delay=3.0)
    site.add("/latin1.xml", rss(b, [("Démission à Santiago", "/a/latin")], encoding="iso-8859-1"), "text/xml")


@contextmanager
def serve(site: Site) -> Iterator[Site]:
    """Serve the site on 127.0.0.1 at a free port until the block ends."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path
            site.hits[path] += 1
            site.agents.add(self.headers.get("user-agent", ""))
            time.sleep(site.delays.get(path, 0.0))
            found = site.routes.get(path) or site.routes.get(path.split("?")[0])
            if found is None:
                self.send_error(404)
                return
            kind, body = found
            self.send_response(200)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            with suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
