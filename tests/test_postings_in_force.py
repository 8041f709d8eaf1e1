"""Who is in post: `legation postings --at`, on a hand-built store and on the bundled data with POCOM."""

from __future__ import annotations

import json
from typing import Any

import pytest

from legation.registry import imports, matching
from legation.registry.imports import Located
from legation.registry.store import Store
from tests.conftest import SOURCE


def _at(cli: Any, db: str, *args: str) -> dict[str, Any]:
    result = cli(db, "postings", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_feeley_in_panama_and_antonov_in_washington(cli: Any, bundled_db: str) -> None:
    panama = _at(cli, bundled_db, "--at", "2018-01-01", "--sending", "USA", "--receiving", "PAN")
    assert [p["name"] for p in panama["postings"]] == ["John Feeley"]
    washington = _at(cli, bundled_db, "--at", "2022-05-02", "--receiving", "USA", "--sending", "RUS")
    assert "Anatoly Antonov" in [p["name"] for p in washington["postings"]]
    table = cli(bundled_db, "postings", "--at", "2018-01-01", "--sending", "USA", "--receiving", "PAN")
    assert "Feeley" in table.stdout and "Ambassad" in table.stdout


def test_the_bundled_data_holds_every_us_chief_of_mission(bundled_db: str) -> None:
    store = Store.open(bundled_db)
    assert store.scalar("SELECT count(*) FROM postings WHERE sending = 'USA'") >= 5500
    png = store.rows("SELECT exit_type FROM postings WHERE reason LIKE 'Declared persona non grata%'")
    assert len(png) >= 4 and {r["exit_type"] for r in png} == {"expelled"}
    assert store.scalar("SELECT count(*) FROM postings WHERE exit_type = 'died'") >= 80
    severed = store.scalar("SELECT count(*) FROM measures WHERE type = 'relations_severed' AND id LIKE 'pocom-%'")
    assert severed == 19


@pytest.mark.parametrize(
    ("person", "posting", "exit_type", "page"),
    [
        ("p-john-feeley", "pos-feeley-pan-2018", "resigned_in_protest", "feeley-john-d"),
        ("p-james-melville", "pos-melville-est-2018", "resigned_in_protest", "melville-james-desmond-jr"),
    ],
)
def test_feeley_and_melville_are_one_person_with_both_sources(
    bundled_db: str, person: str, posting: str, exit_type: str, page: str
) -> None:
    store = Store.open(bundled_db)
    assert store.get(f"pocom-{page}") is None
    record = store.get(posting)
    assert record is not None and record["person"] == person and record["exit_type"] == exit_type
    urls = [s["url"] for s in record["sources"]]
    assert any("unherd.com" in u for u in urls)
    assert f"https://history.state.gov/departmenthistory/people/{page}" in urls
    assert record["start"] and len(record["end"]) == 10  # POCOM's start and exact end filled in
    assert store.get(person)["aliases"]  # type: ignore[index]
    assert store.scalar("SELECT count(*) FROM postings WHERE person_id LIKE :p", p=f"pocom-{page}") == 0


def test_check_shows_the_disagreement_and_possible_duplicates(cli: Any, bundled_db: str) -> None:
    result = cli(bundled_db, "check", "--format", "json")
    report = json.loads(result.stdout)
    assert report["errors"] == 0, [f for f in report["findings"] if f["severity"] == "error"]
    feeley = [f for f in report["findings"] if f["check"] == "disagreements" and f["record"] == "pos-feeley-pan-2018"]
    assert feeley and feeley[0]["field"] == "exit_type" and "resigned_in_protest" in feeley[0]["message"]
    assert any(f["check"] == "across sources" for f in report["findings"])
    assert "person_merge" not in cli(bundled_db, "review", "--format", "json").stdout  # a new store's queue is empty


def _store_with(db: str, raws: list[dict[str, Any]]) -> Store:
    store = Store.open(db)
    imports.import_records(store, [Located("test", n, r) for n, r in enumerate(raws, 1)])
    return store


def _posting(pid: str, person: str, start: str | None, end: str | None, **extra: Any) -> dict[str, Any]:
    raw = {"kind": "posting", "id": pid, "person": person, "role": "ambassador", "sending": "USA", "receiving": "PAN"}
    raw.update({k: v for k, v in (("start", start), ("end", end)) if v})
    return {**raw, **extra, "certainty": "confirmed", "sources": [SOURCE]}


def test_year_only_dates_count_for_the_whole_year_and_are_flagged(sqlite_path: str, cli: Any) -> None:
    person = {"kind": "person", "id": "p-a", "name": "Ann Able", "certainty": "confirmed", "sources": [SOURCE]}
    _store_with(
        sqlite_path,
        [
            person,
            _posting("pos-exact", "p-a", "2010-01-05", "2012-06-30"),
            _posting("pos-year", "p-a", "2012", "2014", role="charge_d_affaires"),
            _posting("pos-open", "p-a", "2015-01-01", None),
            _posting("pos-next", "p-a", "2016-03-01", None),
        ],
    )
    mid = _at(cli, sqlite_path, "--at", "2012-03-01")
    assert {p["id"]: p["uncertain"] for p in mid["postings"]} == {"pos-exact": False, "pos-year": True}
    assert "start known only to the year (2012)" in mid["postings"][1]["notes"]
    assert [p["id"] for p in _at(cli, sqlite_path, "--at", "2013-07-01")["postings"]] == ["pos-year"]
    later = _at(cli, sqlite_path, "--at", "2017-01-01")["postings"]
    assert [p["id"] for p in later] == ["pos-next"]  # the open 2015 posting gave way to its successor
    assert _at(cli, sqlite_path, "--at", "2017-01-01", "--role", "charge_d_affaires")["count"] == 0
    bad = cli(sqlite_path, "postings", "--at", "2017")
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.stderr
    assert "a body code" in cli(sqlite_path, "postings", "--at", "2017-01-01", "--sending", "XX").stderr


def test_a_name_match_without_a_shared_posting_is_a_proposal_not_a_merge(sqlite_path: str) -> None:
    curated = {"kind": "person", "id": "p-ann", "name": "Ann Able", "certainty": "confirmed", "sources": [SOURCE]}
    store = _store_with(sqlite_path, [curated, _posting("pos-ann", "p-ann", None, "2018")])
    incoming = [
        {
            "kind": "person",
            "id": "pocom-able-ann-b",
            "name": "Ann B. Able",
            "certainty": "confirmed",
            "sources": [SOURCE],
        },
        {
            "kind": "person",
            "id": "pocom-able-ann-c",
            "name": "Ann C. Able",
            "certainty": "confirmed",
            "sources": [SOURCE],
        },
        _posting("pocom-p1", "pocom-able-ann-b", "2016-02-01", "2018-03-09"),
        {**_posting("pocom-p2", "pocom-able-ann-c", "1990", "1992"), "receiving": "BOL"},
    ]
    result = matching.reconcile(store, incoming, prefix="pocom-")
    assert [(m.incoming, m.existing) for m in result.merged] == [("pocom-able-ann-b", "p-ann")]
    assert [(m.incoming, m.existing, m.sure) for m in result.proposals] == [("pocom-able-ann-c", "p-ann", False)]
    folded = next(r for r in result.records if r["id"] == "pos-ann")
    assert (folded["start"], folded["end"], folded["person"]) == ("2016-02-01", "2018-03-09", "p-ann")
    assert not any(r["id"] == "pocom-p1" for r in result.records)
    again = matching.reconcile(store, incoming, prefix="pocom-", base=[*result.records[:1], folded])
    assert next(r for r in again.records if r["id"] == "pos-ann") == folded


def test_the_posts_page_and_its_json_agree(bundled_db: str) -> None:
    from tests.webapp import client

    with client(Store.open(bundled_db)) as web:
        api = web.get("/api/posts", params={"at": "2018-01-01", "sending": "USA", "receiving": "PAN"})
        assert api.status_code == 200 and [p["name"] for p in api.json()["postings"]] == ["John Feeley"]
        page = web.get("/posts", params={"at": "2018-01-01", "sending": "USA", "receiving": "PAN"})
        assert page.status_code == 200 and "John Feeley" in page.text and "Panama" in page.text
        assert 'href="/person/p-john-feeley"' in page.text
        bad = web.get("/api/posts", params={"at": "1 May"})
        assert bad.status_code in (400, 422) and "YYYY-MM-DD" in bad.text
        state = web.get("/state/PAN")
        assert state.status_code == 200 and "Heads of mission to Panama" in state.text and "John Feeley" in state.text
        crocker = web.get("/person/p-ryan-crocker")
        assert "Career, in order" in crocker.text
        order = [crocker.text.index(w) for w in ("→ Lebanon", "→ Kuwait", "→ Syria", "→ Pakistan", "→ Iraq")]
        assert order == sorted(order)


def test_in_force_and_matching_on_both_backends(store: Store) -> None:
    from legation.registry import postings

    person = {"kind": "person", "id": "p-a", "name": "Ann Able", "certainty": "confirmed", "sources": [SOURCE]}
    raws = [person, _posting("pos-year", "p-a", "2012", "2014"), _posting("pos-open", "p-a", "2015-01-01", None)]
    imports.import_records(store, [Located("test", n, r) for n, r in enumerate(raws, 1)])
    assert [p["id"] for p in postings.in_force(store, "2013-05-01")["postings"]] == ["pos-year"]
    assert [p["id"] for p in postings.in_force(store, "2020-05-01", sending="usa")["postings"]] == ["pos-open"]
    assert [h["id"] for h in postings.heads_of_mission(store, "PAN")] == ["pos-year", "pos-open"]
    incoming = [
        {
            "kind": "person",
            "id": "pocom-able-ann",
            "name": "Ann B. Able",
            "certainty": "confirmed",
            "sources": [SOURCE],
        },
        _posting("pocom-1", "pocom-able-ann", "2012-02-01", "2014-03-09"),
    ]
    result = matching.reconcile(store, incoming, prefix="pocom-")
    assert [(m.incoming, m.existing) for m in result.merged] == [("pocom-able-ann", "p-a")]
