"""`legation check` catches each kind of error, and the bundled data passes it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from legation.registry import checks, imports, matching
from legation.registry.store import Store
from tests.conftest import rec, write_jsonl

PERSON = rec("person", "p-a", name="Zdzisław Rurarz", birth="1930-02-24")
POSTING = rec(
    "posting",
    "pos-a",
    person="p-a",
    role="ambassador",
    sending="POL",
    receiving="JPN",
    end="1981-12",
    exit_type="defected",
)


def findings(items: list[dict[str, object]]) -> list[checks.Finding]:
    by_id = {str(i["id"]): dict(i) for i in items}
    return [f for check in checks.CHECKS for f in check(by_id)]


def errors(items: list[dict[str, object]]) -> set[tuple[str, str, str | None]]:
    return {(f.check, f.record, f.field) for f in findings(items) if f.severity == checks.ERROR}


def test_clean_records_have_no_errors() -> None:
    assert errors([PERSON, POSTING]) == set()


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ({**POSTING, "sources": []}, ("sources", "pos-a", "sources")),
        ({**POSTING, "sources": [{"url": " "}]}, ("sources", "pos-a", "sources.0.url")),
        ({**POSTING, "sending": "ZZZ"}, ("codes", "pos-a", "sending")),
        ({**POSTING, "exit_type": "vanished"}, ("codes", "pos-a", "exit_type")),
        ({**POSTING, "start": "1985"}, ("dates", "pos-a", "end")),
        ({**POSTING, "end": "1920"}, ("dates", "pos-a", "end")),
        ({**POSTING, "end": f"{date.today().year + 2}"}, ("dates", "pos-a", "end")),
        ({**POSTING, "person": "p-nobody"}, ("references", "pos-a", "person")),
        ({**POSTING, "count": 3}, ("counts", "pos-a", "count")),
    ],
    ids=[
        "no source",
        "source without address",
        "unknown body",
        "unknown exit type",
        "end before start",
        "exit before birth",
        "future date",
        "dangling person",
        "count on one person",
    ],
)
def test_each_error_is_caught(bad: dict[str, object], expected: tuple[str, str, str]) -> None:
    assert expected in errors([PERSON, bad])


def test_reciprocal_of_pointing_to_nothing_or_to_a_later_measure() -> None:
    first = rec("measure", "m-1", type="expulsion", actor="GBR", target="RUS", date="2018-03-14", count=23)
    answer = rec(
        "measure", "m-2", type="expulsion", actor="RUS", target="GBR", date="2018-03-17", count=23, reciprocal_of="m-1"
    )
    assert errors([first, answer]) == set()
    backwards = {**answer, "date": "2018-03-01"}
    assert ("references", "m-2", "reciprocal_of") in errors([first, backwards])
    dangling = {**answer, "reciprocal_of": "m-404"}
    assert ("references", "m-2", "reciprocal_of") in errors([first, dangling])


def test_counts_that_do_not_add_up() -> None:
    persons = [rec("person", f"p-{i}", name=f"Envoy {i}") for i in range(3)]
    measure = rec(
        "measure",
        "m-1",
        type="expulsion",
        actor="USA",
        target="RUS",
        date="2021-04-15",
        count=2,
        persons=["p-0", "p-1", "p-2"],
    )
    assert ("counts", "m-1", "count") in errors([*persons, measure])


def test_duplicate_persons_under_two_spellings() -> None:
    twin = rec("person", "p-b", name="Zdzislaw Rurarz")
    assert ("duplicates", "p-a", "name") in errors([PERSON, twin])
    linked = {**PERSON, "aliases": ["Zdzislaw Rurarz"]}
    merged_away = [linked]
    assert errors(merged_away) == set()
    near = rec("person", "p-c", name="Zdzislaw Rurraz")
    warned = [f for f in findings([PERSON, near]) if f.check == "duplicates"]
    assert warned and warned[0].severity == checks.WARNING


def test_cli_check_on_files_fails_with_errors_and_names_them(tmp_path: Path, cli: object) -> None:
    bad = write_jsonl(
        tmp_path / "mine.jsonl", [PERSON, {**POSTING, "end": "1920"}, rec("person", "p-b", name="Zdzislaw Rurarz")]
    )
    result = cli(str(tmp_path / "unused.db"), "check", "--format", "json", str(bad))  # type: ignore[operator]
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert {(f["check"], f["record"]) for f in report["findings"] if f["severity"] == "error"} == {
        ("dates", "pos-a"),
        ("duplicates", "p-a"),
    }
    assert not (tmp_path / "unused.db").exists()


def test_bundled_data_passes_check(tmp_path: Path, cli: object) -> None:
    db = str(tmp_path / "bundled.db")
    assert cli(db, "init", "--bundled").exit_code == 0  # type: ignore[operator]
    result = cli(db, "check", "--format", "json")  # type: ignore[operator]
    report = json.loads(result.stdout)
    assert result.exit_code == 0, [f for f in report["findings"] if f["severity"] == "error"]
    assert report["errors"] == 0 and report["records"] > 500


def _namesakes_store(tmp_path: Path, n: int) -> Store:
    """n persons, in pairs sharing a name, each with a posting whose exit has no end date."""
    people = [rec("person", f"p-{i}", name=f"Anna Surname{i // 2}") for i in range(n)]
    postings = [
        rec("posting", f"pos-{i}", person=f"p-{i}", role="ambassador", sending="POL", exit_type="recalled")
        for i in range(n)
    ]
    store = Store.open(str(tmp_path / "many.db"))
    imports.import_records(store, imports.read_paths([str(write_jsonl(tmp_path / "many.jsonl", people + postings))]))
    return store


def test_check_streams_the_store_in_chunks_and_finds_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`run` checks the store a chunk at a time and keeps only the fields the checks across records
    read; the findings are those of every check over every whole record at once."""
    store = _namesakes_store(tmp_path, 40)
    whole = {r["id"]: r for r in store.iter_records()}
    expected = sorted((f.severity, f.check, f.record, f.field, f.message) for c in checks.CHECKS for f in c(whole))
    monkeypatch.setattr(checks, "CHUNK", 7)
    report = checks.run(store)
    assert sorted(tuple(f.values()) for f in report["findings"]) == expected
    assert report["records"] == 80 and report["errors"] == 20 and report["warnings"] == len(expected) - 20
    assert report["two_source_shares"] == checks.source_shares(whole)


def test_same_name_persons_of_one_source_are_not_compared_pairwise(monkeypatch: pytest.MonkeyPatch) -> None:
    """Thousands of one source's persons sharing a name cost one pass, not their square: only
    persons from different sources (a registry and the rest) are paired."""
    calls = 0
    real = matching.registry_of

    def counted(record_id: str) -> str | None:
        nonlocal calls
        calls += 1
        return real(record_id)

    monkeypatch.setattr(matching, "registry_of", counted)
    persons = [{"kind": "person", "id": f"p-{i}", "name": "Anna Kowalska"} for i in range(2000)]
    persons.append({"kind": "person", "id": "pocom-1", "name": "Anna Kowalska"})
    pairs = matching.possible_duplicates(persons)
    assert len(pairs) == 2000 and all(b["id"] == "pocom-1" for _, b in pairs)
    assert calls < 10 * len(persons)  # each person's source looked up a few times, not once a pair


def test_check_prints_a_long_table_as_plain_lines(tmp_path: Path, cli: object) -> None:
    """Past 500 findings the table is plain aligned lines, one a finding, printed at once (rich
    measured every cell first: 100k findings took 90 s and 800 MB)."""
    store = _namesakes_store(tmp_path, 1200)
    store.close()
    result = cli(str(tmp_path / "many.db"), "check")  # type: ignore[operator]
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["severity", "check", "record", "field", "message"]
    shared = [line for line in lines if "share the name" in line]
    assert len(shared) == 600 and "│" not in "".join(shared)
    assert shared[0].split()[:4] == ["error", "duplicates", "p-0", "name"]
    assert sum("an exit without an end date" in line for line in lines) == 1200
    report = checks.run(Store.open(str(tmp_path / "many.db")))
    assert sum(line.startswith(("error ", "warning ")) for line in lines) == report["errors"] + report["warnings"]
    assert lines[-1] == f"2400 records: 600 errors, {report['warnings']} warnings"
