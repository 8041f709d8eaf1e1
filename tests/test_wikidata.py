"""`legation wikidata import` end to end against a local SPARQL endpoint serving recorded responses."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs

import pytest

from legation.importers import wikidata
from legation.registry import imports
from legation.registry.imports import Located
from legation.registry.store import Store
from tests.conftest import SOURCE
from tests.pg import free_port

FIXTURES = Path(__file__).parent / "fixtures" / "wikidata"


class Endpoint(BaseHTTPRequestHandler):
    """/sparql/<scenario>: `paging` answers the second page with one 429 first; `malformed` sends
    a broken second page. Every request is noted, with its query and User-Agent."""

    seen: ClassVar[list[dict[str, str]]] = []
    refused: ClassVar[set[str]] = set()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        sparql = parse_qs(body)["query"][0]
        offset = int(re.findall(r"OFFSET (\d+)", sparql)[-1])
        scenario = self.path.rsplit("/", 1)[-1]
        self.seen.append(
            {"scenario": scenario, "offset": str(offset), "agent": self.headers["User-Agent"], "query": sparql}
        )
        if scenario == "paging" and offset == 2 and scenario not in self.refused:
            self.refused.add(scenario)
            self._send(429, b"slow down", {"Retry-After": "1"})
            return
        name = "malformed.json" if scenario == "malformed" and offset == 2 else f"page-{offset // 2 + 1}.json"
        self._send(200, (FIXTURES / name).read_bytes(), {"Content-Type": "application/sparql-results+json"})

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[str]:
    Endpoint.seen, Endpoint.refused = [], set()
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


def _run(cli: Any, db: str, url: str, cache: Path, *args: str) -> Any:
    return cli(
        db, "wikidata", "import", "--endpoint", url, "--page-size", "2", "--interval", "0", "--cache", str(cache), *args
    )


def test_pages_waits_on_429_and_imports_once(endpoint: str, sqlite_path: str, tmp_path: Path, cli: Any) -> None:
    result = _run(cli, sqlite_path, f"{endpoint}/paging", tmp_path / "cache", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [s["offset"] for s in Endpoint.seen] == ["0", "2", "2", "4"]
    assert report["requests"] == 4 and report["waited"] == pytest.approx(1, abs=0.5)
    assert report["rows"] == 5 and report["skipped"] == {"no known sending and receiving state": 1}
    assert all(s["agent"].startswith("Legation/") for s in Endpoint.seen)
    assert report["created"] == 2 + 3
    store = Store.open(sqlite_path)
    ann = store.get("wikidata-Q900000001")
    assert ann is not None and (ann["wikidata"], ann["birth"]) == ("Q900000001", "1961")
    assert ann["sources"][0]["url"] == "https://www.wikidata.org/wiki/Q900000001"
    resigned = store.get("wikidata-Q900000001-7A1B2C3D-0001")
    assert resigned is not None
    assert (resigned["start"], resigned["end"], resigned["exit_type"]) == ("2015-02-16", "2018-03-09", "resigned")
    open_ = store.get("wikidata-Q900000002-7A1B2C3D-0002")
    assert open_ is not None and (open_["start"], open_.get("end"), open_.get("exit_type")) == ("2017", None, None)
    died = store.get("wikidata-Q900000002-7A1B2C3D-0003")
    assert died is not None and (died["start"], died["end"], died["exit_type"]) == ("2008-06", "2012", "died")
    Endpoint.seen.clear()
    again = json.loads(_run(cli, sqlite_path, f"{endpoint}/paging", tmp_path / "cache", "--format", "json").stdout)
    assert Endpoint.seen == [] and again["requests"] == 0  # every page came from the cache
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5)


def test_a_malformed_response_is_a_clean_error_and_writes_nothing(
    endpoint: str, sqlite_path: str, tmp_path: Path, cli: Any
) -> None:
    result = _run(cli, sqlite_path, f"{endpoint}/malformed", tmp_path / "cache")
    assert result.exit_code == 2
    assert "expected SPARQL 1.1 query results in JSON" in result.stderr and "page 2" in result.stderr
    store = Store.open(sqlite_path)
    assert store.scalar("SELECT count(*) FROM records") == 0
    assert not (tmp_path / "cache").exists() or len(list((tmp_path / "cache").iterdir())) == 1  # the good page only


def test_narrowing_and_a_query_file(endpoint: str, sqlite_path: str, tmp_path: Path, cli: Any) -> None:
    shown = cli(sqlite_path, "wikidata", "import", "--sending", "rus", "--receiving", "USA", "--show-query")
    assert 'FILTER(?sending = "RUS")' in shown.stdout and 'FILTER(?receiving = "USA")' in shown.stdout
    assert "wd:Q121998" in shown.stdout and "LIMIT {limit} OFFSET {offset}" in shown.stdout
    mine = tmp_path / "mine.rq"
    mine.write_text("SELECT ?statement ?person ?personLabel ?sending ?receiving WHERE { ?s ?p ?o }")
    result = _run(cli, sqlite_path, f"{endpoint}/mine", tmp_path / "cache", "--query-file", str(mine))
    assert result.exit_code == 0, result.output
    assert Endpoint.seen[0]["query"].startswith("SELECT ?statement") and "LIMIT 2 OFFSET 0" in Endpoint.seen[0]["query"]
    bad = cli(sqlite_path, "wikidata", "import", "--sending", "XX", "--show-query")
    assert bad.exit_code == 2 and "--sending" in bad.stderr


def test_a_wikidata_person_merges_into_the_curated_one(endpoint: str, sqlite_path: str, tmp_path: Path) -> None:
    store = Store.open(sqlite_path)
    curated = [
        {"kind": "person", "id": "p-ann", "name": "Ann Example", "certainty": "confirmed", "sources": [SOURCE]},
        {
            "kind": "posting",
            "id": "pos-ann-pan",
            "person": "p-ann",
            "role": "ambassador",
            "sending": "USA",
            "receiving": "PAN",
            "end": "2018",
            "exit_type": "resigned_in_protest",
            "certainty": "confirmed",
            "sources": [SOURCE],
        },
    ]
    imports.import_records(store, [Located("t", n, r) for n, r in enumerate(curated)])
    client = wikidata.Client(endpoint=f"{endpoint}/paging", cache=None, interval=0, sleep=lambda s: None)
    outcome, _ = wikidata.import_query(store, client, wikidata.query(), page=2)
    assert [(m["incoming"], m["existing"]) for m in outcome.merged] == [("wikidata-Q900000001", "p-ann")]
    ann = store.get("p-ann")
    assert ann is not None and ann["wikidata"] == "Q900000001" and ann["birth"] == "1961"
    posting = store.get("pos-ann-pan")
    assert posting is not None and posting["exit_type"] == "resigned_in_protest" and posting["end"] == "2018-03-09"
    assert posting["sources"][-1]["differs"] == {"exit_type": "resigned"}


def test_retry_after_reads_seconds_and_dates() -> None:
    assert wikidata.retry_after("7") == 7
    assert wikidata.retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert wikidata.retry_after(None) == 5
