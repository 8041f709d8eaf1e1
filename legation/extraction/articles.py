"""Articles: the text an extractor reads, with what a source record needs (address, title, dates).

A SOURCE is a text file, an HTML file (trafilatura keeps the main text), an http(s) URL, or `-`
for standard input.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

import dateparser  # type: ignore[import-untyped]
import httpx
import trafilatura

from legation.errors import InputError

DATE_LINE = re.compile(r"^\s*(?:[A-Z][a-z]+\.? \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]+ \d{4}|\d{4}-\d{2}-\d{2})\b")
TIMEOUT = 20.0


@dataclass
class Article:
    text: str
    url: str
    title: str | None = None
    publisher: str | None = None
    published: str | None = None
    accessed: str | None = None
    canonical: str | None = None  # the page's own <link rel="canonical">, where it names one

    def source(self) -> dict[str, str]:
        fields = {"url": self.url, "title": self.title, "publisher": self.publisher}
        dates = {"published": self.published, "accessed": self.accessed}
        return {k: v for k, v in {**fields, **dates}.items() if v}


SUFFIXES = (".txt", ".html", ".htm", ".md")


def expand(sources: list[str]) -> list[str]:
    """SOURCES with each folder replaced by the text and HTML files in it (recursively, sorted)."""
    found: list[str] = []
    for source in sources:
        path = Path(source)
        if source not in ("-",) and not source.startswith(("http://", "https://")) and path.is_dir():
            files = sorted(str(p) for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not files:
                raise InputError(f"no {', '.join(SUFFIXES)} files in this folder", file=source)
            found += files
        else:
            found.append(source)
    return found


def read(source: str, *, stdin: IO[bytes] | None = None, url: str | None = None) -> Article:
    """Read one SOURCE; a missing file or a failed download raises InputError naming it.

    `url` is where a local copy (a file or stdin) was published: a record can only cite a page
    that its reader can open, so a queued proposal needs it."""
    article = _read(source, stdin)
    return dataclasses.replace(article, url=url) if url else article


def _read(source: str, stdin: IO[bytes] | None) -> Article:
    today = date.today().isoformat()
    if source == "-":
        raw = (stdin or sys.stdin.buffer).read().decode("utf-8", errors="replace")
        return _from_text(raw, "stdin:", today, html=raw.lstrip().startswith("<"))
    if source.startswith(("http://", "https://")):
        return _from_text(_download(source), source, today, html=True)
    path = Path(source)
    if not path.is_file():
        raise InputError("no such file; expected a text or HTML file, an http(s) URL or '-'", file=source)
    raw = path.read_text("utf-8", errors="replace")
    html = path.suffix.lower() in (".html", ".htm") or raw.lstrip().lower().startswith(("<!doctype html", "<html"))
    return _from_text(raw, path.resolve().as_uri(), today, html=html)


def from_page(raw: str, url: str) -> Article:
    """An article from an HTML page the caller downloaded itself (the feed watcher does)."""
    return _from_text(raw, url, date.today().isoformat(), html=True)


def _download(url: str) -> str:
    try:
        response = httpx.get(url, follow_redirects=True, timeout=TIMEOUT)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise InputError(f"cannot download the article: {exc}", file=url) from None
    return response.text


def _from_text(raw: str, url: str, today: str, *, html: bool) -> Article:
    if not html:
        return Article(raw, url, published=published(raw), accessed=today)
    text = trafilatura.extract(raw, include_comments=False, include_tables=True) or ""
    if not text.strip():
        raise InputError("no article text found in the HTML", file=url)
    meta = trafilatura.extract_metadata(raw)
    title = meta.title if meta else None
    publisher = meta.sitename if meta else None
    when = meta.date if meta and meta.date else published(text)
    canonical = meta.url if meta and meta.url and meta.url.startswith(("http://", "https://")) else None
    return Article(text, url, title=title, publisher=publisher, published=when, accessed=today, canonical=canonical)


def published(text: str) -> str | None:
    """A dateline among the first lines ("May 2, 2022   6 mins"), read by dateparser."""
    for line in text.splitlines()[:8]:
        match = DATE_LINE.match(line)
        if match:
            found = dateparser.parse(match.group(0), languages=["en"])
            if found:
                return str(found.date().isoformat())
    return None
