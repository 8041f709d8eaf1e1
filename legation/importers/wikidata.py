"""Wikidata: ambassadors' positions held (P39), read from the Wikidata Query Service by SPARQL.

The query (docs/registries.md) pages with LIMIT and OFFSET; every page is read before anything is
written, so a malformed page is one clean error and the store is left as it was. The client sends
a descriptive User-Agent (Wikimedia's policy), waits between requests, honours a 429's or a 503's
Retry-After, and caches each page on disk so that a repeated import asks the service nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx

from legation import __version__
from legation.errors import InputError, LegationError
from legation.importers import reconciled
from legation.registry import bodies, vocabularies
from legation.registry.imports import Progress
from legation.registry.store import Store

PREFIX = "wikidata-"
ENDPOINT = "https://query.wikidata.org/sparql"
USER_AGENT = f"Legation/{__version__} (evidence-backed tracker of diplomats; python-httpx) legation-importer"
PAGE = 5000
MAX_PAGES = 200
MAX_WAIT = 120.0  # seconds: a longer Retry-After is an error, not a hang
RETRIES = 5
SOURCE = {"url": "https://www.wikidata.org/", "title": "Wikidata", "publisher": "Wikimedia Foundation"}
REQUIRED = ("statement", "person", "sending")
PRECISION = {9: 4, 10: 7, 11: 10}  # Wikidata time precision -> length of our ISO date

# {filters} takes the narrowing by state; {limit} and {offset} the paging.
QUERY = """\
SELECT ?statement ?person ?personLabel ?birth ?sending ?receiving
       ?start ?startPrecision ?end ?endPrecision ?endCause WHERE {
  ?position wdt:P279* wd:Q121998 .
  ?person p:P39 ?statement .
  ?statement ps:P39 ?position .
  MINUS { ?statement wikibase:rank wikibase:DeprecatedRank . }
  ?position wdt:P17 ?sendingState .
  ?sendingState wdt:P298 ?sending .
  OPTIONAL { ?statement pq:P642 ?of . ?of wdt:P298 ?ofCode . }
  OPTIONAL { ?position wdt:P1001 ?jurisdiction . ?jurisdiction wdt:P298 ?jurisdictionCode . }
  BIND(COALESCE(?ofCode, ?jurisdictionCode) AS ?receiving)
  OPTIONAL { ?statement pqv:P580 [ wikibase:timeValue ?start ; wikibase:timePrecision ?startPrecision ] . }
  OPTIONAL { ?statement pqv:P582 [ wikibase:timeValue ?end ; wikibase:timePrecision ?endPrecision ] . }
  OPTIONAL { ?statement pq:P1534 ?endCause . }
  OPTIONAL { ?person wdt:P569 ?birth . }
  {filters}
  SERVICE wikibase:label { bd:serviceParam wikibase:language "en" . }
}
ORDER BY ?statement
LIMIT {limit} OFFSET {offset}
"""


def query(*, sending: str | None = None, receiving: str | None = None, text: str | None = None) -> str:
    """The SPARQL text with the narrowing filled in, and {limit} and {offset} left for paging."""
    filters = []
    for var, code in (("sending", sending), ("receiving", receiving)):
        if code:
            if not bodies.exists(code.upper()):
                raise InputError(f"expected a state code such as USA or RUS; got {code!r}", field=f"--{var}")
            filters.append(f'FILTER(?{var} = "{code.upper()}")')
    template = text or QUERY
    if "{limit}" not in template:
        template = template.rstrip() + "\nLIMIT {limit} OFFSET {offset}\n"
    return template.replace("{filters}", "\n  ".join(filters))


@dataclass
class Client:
    """The Query Service, politely: one request at a time, spaced, retried on 429/503, cached."""

    endpoint: str = ENDPOINT
    cache: Path | None = None
    interval: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0
    waited: float = 0.0
    _last: float = field(default=0.0, repr=False)

    def page(self, sparql: str) -> dict[str, Any]:
        cached = self._cached(sparql)
        if cached is not None:
            return cached
        body = self._fetch(sparql)
        data = parse(body, f"{self.endpoint} (page {sparql.rsplit('OFFSET', 1)[-1].strip()})")
        if self.cache:
            self.cache.mkdir(parents=True, exist_ok=True)
            self._path(sparql).write_bytes(body)
        return data

    def _path(self, sparql: str) -> Path:
        assert self.cache is not None
        return self.cache / (hashlib.sha256(f"{self.endpoint}\n{sparql}".encode()).hexdigest()[:32] + ".json")

    def _cached(self, sparql: str) -> dict[str, Any] | None:
        if not self.cache or not self._path(sparql).is_file():
            return None
        return parse(self._path(sparql).read_bytes(), str(self._path(sparql)))

    def _fetch(self, sparql: str) -> bytes:
        headers = {"User-Agent": USER_AGENT, "Accept": "application/sparql-results+json"}
        with httpx.Client(timeout=90, headers=headers) as http:
            for _ in range(RETRIES):
                self._space()
                try:
                    response = http.post(self.endpoint, data={"query": sparql})
                except httpx.HTTPError as exc:
                    raise LegationError(f"cannot reach the Wikidata Query Service at {self.endpoint}: {exc}") from None
                self.requests += 1
                if response.status_code in (429, 503):
                    self._wait(response)
                    continue
                if response.status_code != 200:
                    raise LegationError(
                        f"the Query Service answered HTTP {response.status_code}: {response.text[:200]}"
                    )
                return response.content
        raise LegationError(f"the Query Service kept asking to wait; gave up after {RETRIES} tries")

    def _space(self) -> None:
        gap = self.interval - (time.monotonic() - self._last)
        if self._last and gap > 0:
            self.sleep(gap)
        self._last = time.monotonic()

    def _wait(self, response: httpx.Response) -> None:
        seconds = retry_after(response.headers.get("Retry-After"))
        if seconds > MAX_WAIT:
            raise LegationError(f"the Query Service asks to wait {seconds:.0f} s (Retry-After); try again later")
        self.waited += seconds
        self.sleep(seconds)


def retry_after(value: str | None) -> float:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return 5.0
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return 5.0


def parse(body: bytes, where: str) -> dict[str, Any]:
    """A SPARQL 1.1 JSON results document, checked for the shape we read."""
    try:
        data = json.loads(body)
        bindings = data["results"]["bindings"]
        ok = isinstance(data["head"]["vars"], list) and isinstance(bindings, list)
        ok = ok and all(
            isinstance(b, dict) and all(isinstance(v, dict) and "value" in v for v in b.values()) for b in bindings
        )
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise InputError("expected SPARQL 1.1 query results in JSON (head.vars, results.bindings)", file=where)
    result: dict[str, Any] = data
    return result


def fetch(client: Client, sparql: str, *, page: int = PAGE, progress: Progress | None = None) -> list[dict[str, str]]:
    """Every row of the query, page by page, as {variable: value}."""
    rows: list[dict[str, str]] = []
    for n in range(MAX_PAGES):
        data = client.page(sparql.replace("{limit}", str(page)).replace("{offset}", str(n * page)))
        found = [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]
        rows += found
        if progress:
            progress(len(found))
        if len(found) < page:
            return rows
    raise LegationError(f"more than {MAX_PAGES} pages of {page}: narrow the query (--sending, --receiving)")


def _qid(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


def _date(value: str | None, precision: str | None) -> str | None:
    """An xsd:dateTime cut to its Wikidata precision; dates before year 1 are left out."""
    if not value or value.startswith("-"):
        return None
    size = PRECISION.get(int(precision or 11), 4 if int(precision or 11) < 9 else 10)
    return value.lstrip("+")[:size]


@dataclass
class Reading:
    records: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1


def records(rows: list[dict[str, str]]) -> Reading:
    """Persons and postings from the rows; a statement seen twice keeps its first row."""
    causes = {v: k for k, v in vocabularies.load()["wikidata"]["exit_types"].items()}
    causes.update({v: k for k, v in vocabularies.load()["wikidata"].get("also_exit_types", {}).items()})
    reading = Reading(rows=len(rows))
    persons: dict[str, dict[str, Any]] = {}
    postings: dict[str, dict[str, Any]] = {}
    for n, row in enumerate(rows, 1):
        missing = [k for k in REQUIRED if not row.get(k)]
        if missing:
            raise InputError(f"expected the variables {', '.join(REQUIRED)}; missing {', '.join(missing)}", line=n)
        sending, receiving = row["sending"].upper(), (row.get("receiving") or "").upper() or None
        if not bodies.exists(sending) or (receiving and not bodies.exists(receiving)) or sending == receiving:
            reading.skip("no known sending and receiving state")
            continue
        qid = _qid(row["person"])
        source = {"url": f"https://www.wikidata.org/wiki/{qid}", "title": f"{row.get('personLabel') or qid} (Wikidata)"}
        source["publisher"] = "Wikidata"
        person = persons.setdefault(qid, _person(qid, row, source))
        statement = PREFIX + _qid(row["statement"]).replace("$", "-")
        if statement in postings:
            continue
        start, end = _date(row.get("start"), row.get("startPrecision")), _date(row.get("end"), row.get("endPrecision"))
        cause = causes.get(_qid(row.get("endCause") or ""))
        posting = {
            "kind": "posting",
            "id": statement,
            "person": person["id"],
            "person_name": person["name"],
            "role": "ambassador",
            "sending": sending,
            "receiving": receiving,
            "start": start,
            "end": end,
            "exit_type": cause or ("unknown" if end else None),
            "certainty": "confirmed",
            "sources": [source],
        }
        if start and end and end < start[: len(end)]:
            reading.skip("ends before it starts")
            continue
        postings[statement] = {k: v for k, v in posting.items() if v is not None}
    reading.records = [*persons.values(), *postings.values()]
    return reading


def _person(qid: str, row: dict[str, str], source: dict[str, Any]) -> dict[str, Any]:
    birth = _date(row.get("birth"), "9")
    record = {
        "kind": "person",
        "id": PREFIX + qid,
        "name": row.get("personLabel") or qid,
        "birth": birth,
        "wikidata": qid,
        "certainty": "confirmed",
        "sources": [source],
    }
    return {k: v for k, v in record.items() if v is not None}


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "legation" / "wikidata"


def import_query(
    store: Store,
    client: Client,
    sparql: str,
    *,
    page: int = PAGE,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> tuple[reconciled.Outcome, Reading]:
    """Fetch every page, build the records, and import them with the persons reconciled."""
    reading = records(fetch(client, sparql, page=page, progress=progress))
    if not reading.records:
        raise InputError("the query returned no postings with known sending and receiving states", file=client.endpoint)
    outcome = reconciled.load(
        store, reading.records, prefix=PREFIX, name=client.endpoint, source=SOURCE, dry_run=dry_run
    )
    return outcome, reading
