"""The checks a standards desk asked for: duplicate measures, source quality, addresses, exit words.

Each is run on bad data written here for it, and on its good twin, so a check that flags
everything or nothing fails.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from legation.registry import addresses, checks, imports, records
from legation.registry.store import Store
from tests.conftest import rec, write_jsonl


def page(url: str) -> dict[str, Any]:
    return {"url": url, "title": "A page", "publisher": "Someone", "accessed": "2026-12-01"}


def run(items: list[dict[str, Any]]) -> list[checks.Finding]:
    by_id = {str(i["id"]): dict(i) for i in items}
    return [f for check in checks.CHECKS for f in check(by_id)]


def flagged(items: list[dict[str, Any]], name: str) -> set[str]:
    return {f.record for f in run(items) if f.check == name}


def measure(id: str, date: str, **extra: Any) -> dict[str, Any]:
    return rec("measure", id, type="expulsion", actor="GBR", target="SUN", date=date, **extra)


# duplicate measures


def test_same_act_a_day_apart_is_a_duplicate_and_a_fortnight_apart_is_not() -> None:
    assert flagged([measure("m-a", "1971-09-24"), measure("m-b", "1971-09-25")], "duplicate_measures") == {"m-b"}
    assert flagged([measure("m-a", "1971-09-24"), measure("m-b", "1971-10-08")], "duplicate_measures") == set()


def test_an_undated_measure_beside_a_dated_one_of_its_year_is_a_duplicate() -> None:
    assert flagged([measure("m-a", "1985"), measure("m-b", "1985-09-12")], "duplicate_measures")
    assert not flagged([measure("m-a", "1984"), measure("m-b", "1985-09-12")], "duplicate_measures")


def test_other_actor_target_or_type_is_not_a_duplicate() -> None:
    first = measure("m-a", "2018-03-14")
    for other in ({"actor": "FRA"}, {"target": "RUS"}, {"type": "staff_cap"}):
        assert not flagged([first, {**measure("m-b", "2018-03-15"), **other}], "duplicate_measures")


def test_a_second_round_that_answers_the_reply_is_not_a_duplicate() -> None:
    first = measure("m-gbr-1", "1985-09-12", count=25)
    reply = rec(
        "measure", "m-sun-1", type="expulsion", actor="SUN", target="GBR", date="1985-09-14", reciprocal_of="m-gbr-1"
    )
    second = measure("m-gbr-2", "1985-09-16", count=6, reciprocal_of="m-sun-1")
    assert not flagged([first, reply, second], "duplicate_measures")


def test_an_id_marked_as_the_second_of_the_day_is_told_apart() -> None:
    assert not flagged([measure("m-a", "2018-03-17"), measure("m-a-2", "2018-03-17")], "duplicate_measures")


# addresses


@pytest.mark.parametrize(
    "url", ["ftp://example.org/file.txt", "javascript:alert(1)", "mailto:desk@example.org", "file:///etc/hosts"]
)
def test_a_source_that_is_not_http_is_an_error(url: str) -> None:
    bad = run([rec("measure", "m-a", type="expulsion", actor="GBR", target="SUN", sources=[page(url)])])
    assert [(f.severity, f.check, f.field) for f in bad if f.check == "addresses"] == [
        (checks.ERROR, "addresses", "sources.0.url")
    ]


def test_a_staging_host_is_named_with_its_canonical_host() -> None:
    found = [f for f in run([measure("m-a", "2020", sources=[page("https://staging.unherd.com/2020/x")])])]
    staging = [f for f in found if f.check == "addresses"]
    assert staging and staging[0].severity == checks.WARNING and "unherd.com" in staging[0].message
    clean = run([measure("m-a", "2020", sources=[page("https://unherd.com/2020/x")])])
    assert not [f for f in clean if f.check == "addresses"]


def test_an_address_stored_without_normalising_is_flagged() -> None:
    found = run([measure("m-a", "2020", sources=[page("https://History.State.Gov./d1#top")])])
    assert [f.message for f in found if f.check == "addresses"] == ["not normalised: cite https://history.state.gov/d1"]


# source quality


def test_a_record_resting_only_on_mirrors_and_farms_is_warned() -> None:
    weak = [page("https://wikimili.com/en/Oleg_Lyalin"), page("https://todayheadline.co/kgb-obituary")]
    assert flagged([measure("m-a", "1971", sources=weak)], "weak_sources") == {"m-a"}
    mixed = [*weak, page("https://www.theguardian.com/world/1971/sep/25/x")]
    assert not flagged([measure("m-a", "1971", sources=mixed)], "weak_sources")


def test_shares_count_sites_not_pages_and_leave_weak_hosts_out() -> None:
    items = {
        "m-two": measure("m-two", "2020", sources=[page("https://www.bbc.co.uk/a"), page("https://apnews.com/b")]),
        "m-one-site": measure(
            "m-one-site", "2020", sources=[page("https://www.latimes.com/a"), page("https://articles.latimes.com/b")]
        ),
        "m-mirror": measure(
            "m-mirror", "2020", sources=[page("https://www.bbc.co.uk/a"), page("https://wikimili.com/b")]
        ),
        "m-staging": measure(
            "m-staging", "2020", sources=[page("https://beta.scmp.com/a"), page("https://www.reuters.com/b")]
        ),
        "pos-x": rec(
            "posting", "pos-x", role="ambassador", sending="POL", receiving="JPN", end="1981", exit_type="defected"
        ),
    }
    shares = checks.source_shares(items)
    assert shares["measure"] == {"records": 4, "two_or_more": 2, "share": 0.5}
    assert shares["exit"] == {"records": 1, "two_or_more": 0, "share": 0.0}
    assert shares["exits and measures"]["records"] == 5
    assert shares["measure (curated)"] == shares["measure"]  # none of these came from a registry


def test_shares_show_the_curated_records_apart_from_the_registries() -> None:
    two = [page("https://www.bbc.co.uk/a"), page("https://apnews.com/b")]
    fields = {"role": "ambassador", "sending": "USA", "receiving": "JPN", "end": "1981", "exit_type": "term_completed"}
    items = {
        "pocom-1": rec("posting", "pocom-1", **fields, sources=two),
        "pocom-2": rec("posting", "pocom-2", **fields, sources=two),
        "pos-one": rec("posting", "pos-one", **fields, sources=[page("https://www.bbc.co.uk/c")]),
    }
    shares = checks.source_shares(items)
    assert shares["exit"] == {"records": 3, "two_or_more": 2, "share": 0.667}
    assert shares["exit (curated)"] == {"records": 1, "two_or_more": 0, "share": 0.0}
    assert shares["exits and measures (curated)"]["records"] == 1


# exit type against the words of its reason


def exit(exit_type: str, reason: str, **extra: Any) -> dict[str, Any]:
    fields = {"role": "ambassador", "sending": "CAN", "receiving": "IND", "end": "2023", "exit_type": exit_type}
    return rec("posting", "pos-a", **fields, reason=reason, **extra)


@pytest.mark.parametrize(
    ("exit_type", "reason"),
    [
        ("expelled", "Ottawa withdrew 41 diplomats before the deadline"),
        ("recalled", "The receiving state expelled him within 72 hours"),
        ("recalled", "Declared persona non grata over spying"),
        ("resigned_in_protest", "Left the post at the end of the year"),
        ("defected", "Quit the post in 2001"),
    ],
)
def test_a_reason_that_contradicts_its_type_is_warned(exit_type: str, reason: str) -> None:
    assert flagged([exit(exit_type, reason)], "exit_words") == {"pos-a"}


@pytest.mark.parametrize(
    ("exit_type", "reason", "extra"),
    [
        ("expelled", "Declared persona non grata and given a week to leave", {}),
        ("recalled", "Called home for consultations over the submarine deal", {}),
        ("resigned_in_protest", "Resigned in protest at the crackdown", {}),
        ("resigned_in_protest", "Wrote an op-ed denouncing the policy", {}),
        ("defected", "Asked for political asylum", {}),
        ("defected", "Left the embassy one night", {"destination": "USA"}),
    ],
)
def test_a_reason_that_agrees_with_its_type_passes(exit_type: str, reason: str, extra: dict[str, Any]) -> None:
    assert not flagged([exit(exit_type, reason, **extra)], "exit_words")


def test_a_group_named_withdrawn_on_an_expelled_exit_is_warned() -> None:
    group = exit("expelled", "India set a deadline", group="41 Canadian diplomats withdrawn", count=41)
    assert flagged([group], "exit_words") == {"pos-a"}


# normalising addresses on the way in


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("https://History.State.Gov./historicaldocuments/d526", "https://history.state.gov/historicaldocuments/d526"),
        ("HTTPS://www.Example.org/a?utm_source=rss&utm_medium=x&id=7", "https://www.example.org/a?id=7"),
        ("https://example.org/a?fbclid=IwAR0&p=2#comments", "https://example.org/a?p=2"),
        ("https://example.org:8443/A%20B/?q=a+b", "https://example.org:8443/A%20B/?q=a+b"),
        ("https://user@Example.org./x", "https://user@example.org/x"),
        ("  https://example.org/plain  ", "https://example.org/plain"),
    ],
)
def test_normalise(given: str, stored: str) -> None:
    assert addresses.normalise(given) == stored


def test_import_stores_the_normalised_address_and_the_original_only_where_it_differs(tmp_path: Path) -> None:
    items = [
        measure("m-a", "2020", sources=[page("https://History.State.Gov./d1?utm_source=x#p2")]),
        measure("m-b", "2021", sources=[page("https://history.state.gov/d2")]),
    ]
    store = Store.open(str(tmp_path / "s.db"))
    path = write_jsonl(tmp_path / "in.jsonl", items)
    imports.import_records(store, imports.read_paths([str(path)]))
    stored = {r["id"]: r["sources"][0] for r in (json.loads(x["data"]) for x in store.rows("SELECT data FROM records"))}
    store.close()
    assert stored["m-a"]["url"] == "https://history.state.gov/d1"
    assert stored["m-a"]["original_url"] == "https://History.State.Gov./d1?utm_source=x#p2"
    assert stored["m-b"] == {**page("https://history.state.gov/d2"), "accessed": "2026-12-01"}
    assert "original_url" not in stored["m-b"]


def test_normalising_twice_changes_nothing() -> None:
    once = records.parse(measure("m-a", "2020", sources=[page("https://Example.org./a#x")])).canonical()
    assert records.parse(once).canonical() == once


def test_cli_check_prints_the_two_source_shares(tmp_path: Path, cli: Any) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", [measure("m-a", "2020")])
    result = cli(str(tmp_path / "unused.db"), "check", str(path))
    assert result.exit_code == 0
    assert "two or more independent" in result.stdout and "measure" in result.stdout
