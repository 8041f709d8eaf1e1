"""News feeds: the feeds file, polite downloads, and the entries of an RSS or Atom feed.

A feed is read with httpx (timeouts, a few retries with a pause, a User-Agent that says who is
asking) and parsed by feedparser, which also works out the encoding of a feed that is not UTF-8.
An entry's address is made canonical (no fragment, no tracking parameters, lower-case host) so
the same article reached through two feeds, or twice through one, is read once.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import feedparser  # type: ignore[import-untyped]
import httpx
import yaml

from legation import __version__
from legation.errors import InputError, LegationError
from legation.registry import vocabularies

USER_AGENT = f"Legation/{__version__} (news desk feed watcher; python-httpx)"
TIMEOUT = 15.0
RETRIES = 2
PAUSE = 1.0  # seconds before the first retry; doubled for each further one
TRACKING = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|at_medium|at_campaign)$", re.I)


class FeedError(LegationError):
    """A feed or an article that cannot be read: down, too slow, or not a feed at all."""


@dataclass(frozen=True)
class Feed:
    url: str
    name: str
    keywords: tuple[str, ...] = ()

    def wants(self, text: str) -> bool:
        """An entry passes when the feed has no keywords, or its title or summary names one."""
        folded = text.casefold()
        return not self.keywords or any(k.casefold() in folded for k in self.keywords)


@dataclass(frozen=True)
class Entry:
    url: str
    title: str | None
    summary: str
    published: str | None
    publisher: str | None


def from_arguments(urls: list[str]) -> list[Feed]:
    """Feeds named on the command line: each is named after its host."""
    feeds = []
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise InputError("expected an http(s) feed address", field="FEED", record=url)
        feeds.append(Feed(url, urlsplit(url).netloc or url))
    return feeds


def load(path: str) -> list[Feed]:
    """A feeds file: a YAML list (or `feeds:` list) of {url, name, keywords}."""
    try:
        data = vocabularies.parse_yaml(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the feeds file: {exc.strerror}", file=path) from None
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise InputError(
            "expected YAML: a list of feeds", file=path, line=line + 1 if line is not None else None
        ) from None
    items = data.get("feeds") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise InputError("expected a list of feeds, each with a url and a name", file=path)
    return [_feed(path, n, item) for n, item in enumerate(items, 1)]


def _feed(path: str, number: int, item: Any) -> Feed:
    record = str(number)  # "feeds.yaml:record 2: field 'url': ..."
    if not isinstance(item, dict):
        raise InputError("expected a mapping with url, name and optional keywords", file=path, record=record)
    url = item.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise InputError(f"expected an http(s) address; got {url!r}", field="url", file=path, record=record)
    keywords = item.get("keywords") or []
    if isinstance(keywords, str):
        keywords = [keywords]
    if not isinstance(keywords, list) or not all(isinstance(k, str) and k.strip() for k in keywords):
        raise InputError("expected a list of words", field="keywords", file=path, record=record)
    name = item.get("name") or urlsplit(url).netloc
    return Feed(url, str(name), tuple(k.strip() for k in keywords))


def canonical(url: str) -> str:
    """The address an article is known by: lower-case scheme and host, no default port, no
    fragment, no tracking parameters, the other parameters sorted, no trailing slash."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    netloc = host if parts.port in (None, default) else f"{host}:{parts.port}"
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING.match(k))
    )
    path = parts.path.rstrip("/") if parts.path not in ("", "/") else ""
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


class Fetcher:
    """One HTTP client for a pass: connection reuse, timeouts, retries on failures worth retrying."""

    def __init__(self, *, timeout: float = TIMEOUT, retries: int = RETRIES, pause: float = PAUSE) -> None:
        self.retries, self.pause = retries, pause
        self.client = httpx.Client(
            headers={"User-Agent": USER_AGENT}, timeout=httpx.Timeout(timeout), follow_redirects=True
        )

    def get(self, url: str) -> httpx.Response:
        """The response to a GET; FeedError names what went wrong after the last attempt."""
        for attempt in range(self.retries + 1):
            try:
                response = self.client.get(url)
                if response.status_code < 500 and response.status_code != 429:
                    response.raise_for_status()
                    return response
                problem = f"the server answered {response.status_code} {response.reason_phrase}"
            except httpx.TimeoutException:
                problem = f"no answer within {self.client.timeout.read:g} s"
            except httpx.HTTPStatusError as exc:
                raise FeedError(
                    f"the server answered {exc.response.status_code} {exc.response.reason_phrase}"
                ) from None
            except httpx.HTTPError as exc:
                problem = f"cannot connect: {exc}"
            if attempt < self.retries:
                time.sleep(self.pause * 2**attempt)
        raise FeedError(problem)

    def close(self) -> None:
        self.client.close()


def entries(response: httpx.Response) -> tuple[list[Entry], str | None]:
    """The entries of a downloaded feed, and a warning for a feed read despite a flaw (such as a
    wrong encoding declaration). A document with no entries and a parse error is not a feed."""
    kind = response.headers.get("content-type", "")
    parsed = feedparser.parse(response.content, response_headers={"content-type": kind})
    problem = parsed.get("bozo_exception")
    publisher = parsed.feed.get("title")
    found = [e for e in (_entry(item, publisher, str(response.url)) for item in parsed.entries) if e.url]
    if not found and (parsed.bozo or not parsed.get("version")):
        raise FeedError(f"not an RSS or Atom feed: {_short(problem or 'no channel or feed element')}")
    warning = None
    if parsed.bozo:
        warning = f"read despite a flaw: {_short(problem)}"
    if str(parsed.get("encoding", "utf-8")).lower() not in ("utf-8", "us-ascii"):
        warning = f"not UTF-8, read as {parsed.get('encoding')}" + (f"; {warning}" if warning else "")
    return found, warning


def _entry(item: Any, publisher: str | None, base: str) -> Entry:
    link = item.get("link") or next((x.get("href") for x in item.get("links", []) if x.get("href")), None) or ""
    if link and not link.startswith(("http://", "https://")):
        link = str(httpx.URL(base).join(link))
    when = item.get("published_parsed") or item.get("updated_parsed")
    published = time.strftime("%Y-%m-%d", when) if when else None  # feedparser gives UTC struct_time
    return Entry(canonical(link) if link else "", item.get("title"), item.get("summary", ""), published, publisher)


def _short(problem: object) -> str:
    text = str(problem or "unknown error").strip().splitlines()[0]
    return text[:160]
