"""A large JSON Lines import is validated in forked worker processes (registry.bulk), a block of
lines each: the store it leaves, and the first bad line it reports, are those of one process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from legation.errors import InputError
from legation.registry import bulk, imports
from legation.registry.store import Store
from tests.conftest import rec, write_jsonl

TABLES = ("records", "versions", "persons", "aliases", "postings", "measures", "sources", "record_sources")


def records(n: int) -> list[dict[str, Any]]:
    """Persons with postings before and after them, a repeat, a measure naming persons, and pages
    cited with fields that differ between citations."""
    out: list[dict[str, Any]] = []
    for i in range(n):
        page = {"url": f"https://example.org/{i % 7}", "title": f"Page {i % 7}" if i % 2 else None}
        source = {k: v for k, v in page.items() if v}
        if i % 3 == 0:  # the posting comes before its person, and sometimes twice
            out += [rec("posting", f"pos-{i}", person=f"p-{i}", role="ambassador", sending="POL", end="1981")] * (
                1 + (i % 30 == 0)
            )
        out.append(rec("person", f"p-{i}", name=f"Zdzisław {i}", aliases=[f"Z. {i}"], sources=[source]))
        if i % 3 == 1:  # after it
            out.append(rec("posting", f"pos-{i}", person=f"p-{i}", role="consul", sending="FRA", receiving="ITA"))
        if i % 50 == 0:
            out.append(out[-1])  # the same record again: written once
    persons = [f"p-{i}" for i in range(0, n, 97)]
    out.append(rec("measure", "m-1", type="expulsion", actor="RUS", target="USA", persons=persons, date="2018-03"))
    out.append(rec("posting", "pos-stored", person="p-stored", role="ambassador", sending="JPN"))
    return out


def contents(db: str) -> dict[str, list[Any]]:
    """Every row of the tables an import writes, but the times of writing."""
    store = Store.open(db)
    found = {t: store.rows(f"SELECT * FROM {t}") for t in TABLES}
    found["search"] = store.rows("SELECT record_id, kind, body FROM search_index")
    store.close()
    return {
        t: sorted(repr({k: v for k, v in r.items() if not k.endswith("_at")}) for r in rows)
        for t, rows in found.items()
    }


def run(tmp_path: Path, name: str, paths: list[Path], workers: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(bulk.ENV_WORKERS, workers)
    db = str(tmp_path / f"{name}.db")
    store = Store.open(db)
    imports.import_records(store, [imports.Located("seed", 1, rec("person", "p-stored", name="Stored One"))])
    imports.import_records(store, imports.read_paths([str(p) for p in paths]), actor="tester")
    store.close()
    return db


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "BLOCK", 4096)  # dozens of blocks, taken by the workers in turn


def test_workers_leave_the_store_one_process_leaves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_blocks: None
) -> None:
    items = records(300)
    first = write_jsonl(tmp_path / "first.jsonl", items[:400])
    second = tmp_path / "second.jsonl"
    second.write_text("\n\n" + "".join(json.dumps(i, ensure_ascii=False) + "\n\n" for i in items[400:]))
    one = contents(run(tmp_path, "one", [first, second], "0", monkeypatch))
    assert len(one["records"]) == 300 + 200 + 3  # persons, postings, the measure, the stored ones
    assert any("zdzislaw 4" in row for row in one["search"])
    for count in ("1", "2", "3"):
        assert contents(run(tmp_path, f"workers{count}", [first, second], count, monkeypatch)) == one


def test_an_import_into_an_empty_store_writes_each_id_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_blocks: None
) -> None:
    """Into a store with no records the import looks up no ids: repeats, and postings held back
    for their person's name, are still written once, and a second import finds them all."""
    items = records(300)[:-1]  # all but the posting of a person only a seeded store holds
    path = write_jsonl(tmp_path / "all.jsonl", items)
    ids = {str(item["id"]) for item in items}
    assert len(ids) < len(items)
    for workers in ("0", "2"):
        monkeypatch.setenv(bulk.ENV_WORKERS, workers)
        store = Store.open(str(tmp_path / f"fresh{workers}.db"))
        report = imports.import_records(store, imports.read_paths([str(path)]))
        assert report.created == len(ids) == store.scalar("SELECT count(*) FROM records")
        again = imports.import_records(store, imports.read_paths([str(path)]))
        assert (again.created, again.unchanged) == (0, len(ids))
        store.close()


def _refusal(tmp_path: Path, name: str, lines: list[str], workers: str, monkeypatch: pytest.MonkeyPatch) -> str:
    path = tmp_path / f"{name}.jsonl"
    path.write_text("".join(line + "\n" for line in lines))
    monkeypatch.setenv(bulk.ENV_WORKERS, workers)
    store = Store.open(str(tmp_path / f"{name}-{workers}.db"))
    with pytest.raises(InputError) as caught:
        imports.import_records(store, imports.read_paths([str(path)]))
    assert store.scalar("SELECT count(*) FROM records") == 0
    store.close()
    return caught.value.describe()


@pytest.mark.parametrize(
    ("case", "bad", "expected"),
    [
        ("bad field", json.dumps(rec("person", "p-x", name="X", certainty="sure")), "field 'certainty'"),
        ("broken json", '{"kind": "person", "id": "p-x", "na', "invalid JSON"),
        ("repeated key", '{"kind": "person", "kind": "person", "id": "p-x", "name": "X"}', "appears twice"),
        ("other content", json.dumps(rec("person", "p-3", name="Someone Else")), "already used at"),
        ("long line", json.dumps(rec("person", "p-x", name="X" * (3 << 20))), "longer than 1 MiB"),
    ],
)
def test_the_first_bad_line_is_the_one_one_process_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_blocks: None, case: str, bad: str, expected: str
) -> None:
    good = [json.dumps(rec("person", f"p-{i}", name=f"Envoy {i}")) for i in range(2000)]
    later = json.dumps(rec("person", "p-y", name="Y", certainty="sure"))  # a second bad line, further on
    lines = [*good[:1500], bad, *good[1500:], later]
    one = _refusal(tmp_path, case, lines, "0", monkeypatch)
    assert "line 1501" in one and expected in one
    assert _refusal(tmp_path, case, lines, "2", monkeypatch) == one


@pytest.mark.parametrize(
    ("case", "bad", "expected"),
    [
        ("broken reference", rec("posting", "pos-x", person="p-gone", role="ambassador", sending="POL"), "neither"),
        ("kind in the store", rec("person", "m-stored", name="X"), "already a measure in the store"),
    ],
)
def test_what_the_importing_process_refuses_names_the_line_a_worker_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_blocks: None, case: str, bad: dict[str, Any], expected: str
) -> None:
    """The reference check and the kinds the store holds are the importing process's, which keeps
    only file, line and id of a worker's records: the message is still the one process's."""
    lines = [json.dumps(r) for r in records(1200)]
    lines.insert(1500, json.dumps(bad))
    path = tmp_path / f"{case}.jsonl"
    path.write_text("".join(line + "\n" for line in lines))
    said = []
    for workers in ("0", "2"):
        monkeypatch.setenv(bulk.ENV_WORKERS, workers)
        store = Store.open(str(tmp_path / f"{case}-{workers}.db"))
        stored = rec("measure", "m-stored", type="expulsion", actor="RUS", target="USA")
        imports.import_records(store, [imports.Located("seed", 1, stored)])
        imports.import_records(store, [imports.Located("seed", 1, rec("person", "p-stored", name="Stored One"))])
        with pytest.raises(InputError) as caught:
            imports.import_records(store, imports.read_paths([str(path)]))
        assert store.scalar("SELECT count(*) FROM records") == 2
        store.close()
        said.append(caught.value.describe())
    assert "line 1501" in said[0] and expected in said[0] and str(path) in said[0]
    assert said[1] == said[0]


def test_a_reference_to_a_record_taken_earlier_is_still_checked_for_its_kind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_blocks: None
) -> None:
    """References to records already taken are settled as the blocks come in, not at the end: one
    to an earlier record of another kind is still refused, before a dangling one further on."""
    lines = [json.dumps(r) for r in records(1200)]
    lines.insert(9, json.dumps(rec("measure", "m-early", type="expulsion", actor="RUS", target="USA")))
    wrong = rec("posting", "pos-wrong", person="m-early", role="ambassador", sending="POL")
    lines.insert(1500, json.dumps(wrong))
    lines.insert(2000, json.dumps(rec("posting", "pos-gone", person="p-gone", role="ambassador", sending="POL")))
    said = [_refusal(tmp_path, "kinds", lines, workers, monkeypatch) for workers in ("0", "2")]
    assert "line 1501" in said[0] and "field 'person'" in said[0] and "'m-early' is a measure" in said[0]
    assert said[1] == said[0]


def test_an_empty_file_after_a_good_one_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_blocks: None
) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", [rec("person", f"p-{i}", name=f"Envoy {i}") for i in range(500)])
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n \n")
    monkeypatch.setenv(bulk.ENV_WORKERS, "2")
    store = Store.open(str(tmp_path / "store.db"))
    with pytest.raises(InputError, match="empty") as caught:
        imports.import_records(store, imports.read_paths([str(good), str(empty)]))
    assert caught.value.file == str(empty)
    assert store.scalar("SELECT count(*) FROM records") == 0


@pytest.mark.parametrize("workers", ["0", "2"])
def test_a_page_cited_across_chunks_gets_each_field_from_its_first_citation_that_gives_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_blocks: None, workers: str
) -> None:
    """The importing process leaves out a citation that adds nothing to a page it wrote already;
    one that adds a field still fills it in, and a field the store held stays. Within one chunk of
    writing (5 records here) a later citation fills what the first left empty: record 3's date
    used to be dropped, because only record 0 counted in its chunk."""
    url = "https://example.org/page"
    monkeypatch.setattr(imports, "WRITE_CHUNK", 5)
    monkeypatch.setenv(bulk.ENV_WORKERS, workers)
    store = Store.open(str(tmp_path / "store.db"))
    seed = rec("person", "p-seed", name="Seed", sources=[{"url": url, "publisher": "Old"}])
    imports.import_records(store, [imports.Located("seed", 1, seed)])
    cited = {0: {"url": url}, 15: {"url": url, "publisher": "New"}, 20: {"url": url, "published": "1990"}}
    cited[25] = {"url": url, "title": "B"}
    cited[3] = {"url": url, "title": "C", "accessed": "2020-05"}
    items = [
        rec("person", f"p-{i}", name=f"Envoy {i}", sources=[cited.get(i, {"url": url, "title": "A"})])
        for i in range(30)
    ]
    imports.import_records(store, imports.read_paths([str(write_jsonl(tmp_path / "in.jsonl", items))]))
    assert store.rows("SELECT title, publisher, published, accessed FROM sources WHERE url = :u", u=url) == [
        {"title": "A", "publisher": "Old", "published": "1990", "accessed": "2020-05"}
    ]
    assert store.scalar("SELECT count(*) FROM record_sources WHERE url = :u", u=url) == 31


@pytest.mark.parametrize("workers", ["0", "2"])
def test_codes_with_spaces_around_them_are_taken_and_stored_bare(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    """Vocabulary terms and body codes are checked by pydantic-core first (records.quick_adapter),
    which takes a code only as it is; the exact models strip it, so such a record is still valid."""
    monkeypatch.setenv(bulk.ENV_WORKERS, workers)
    spaced = rec("posting", "pos-s", group="Staff", role=" ambassador ", sending=" POL", exit_type="expelled ")
    items = [
        rec("posting", "pos-plain", group="Staff", role="consul", sending="FRA"),
        {**spaced, "certainty": " reported"},
    ]
    store = Store.open(str(tmp_path / "store.db"))
    imports.import_records(store, imports.read_paths([str(write_jsonl(tmp_path / "in.jsonl", items))]))
    stored = store.get("pos-s")
    assert stored is not None
    assert (stored["role"], stored["sending"], stored["exit_type"], stored["certainty"]) == (
        "ambassador",
        "POL",
        "expelled",
        "reported",
    )
    assert store.rows("SELECT role, sending FROM postings WHERE id = 'pos-s'") == [
        {"role": "ambassador", "sending": "POL"}
    ]


TRICKY_TEXTS = [
    "plain",
    " spaced ",
    "",
    "   ",
    "Zdzisław",
    "tab\there",
    "\u00a0nbsp\u00a0",
    "ends\u2003",
    "\x1fend",
    "x\u3000",
]
TRICKY_DATES = [
    "1981",
    "1981-02-29",
    "1981-04-31",
    "1981-02-28",
    "1980-02-29",
    "1981-04-30",
    "1981-12-31",
    " 1981-03 ",
    "",
    "0001",
    "0999-01",
]


def test_the_quick_models_store_what_the_exact_ones_do() -> None:
    """Texts, names and dates are checked by pydantic-core first (records.quick_adapter), which
    takes only a value the exact models would keep as it is: text with no space around it and no
    control character, a date up to the 28th (or a day every such month has). For anything else
    the exact models decide, so every record is stored as the exact models alone would store it."""
    from legation.registry import records as models

    quick, taken = models.quick_adapter(), 0
    for text in [*TRICKY_TEXTS, "bell\x07"]:
        for date in TRICKY_DATES:
            raw = rec("posting", "pos-1", person="p-1", role="consul", sending="FRA", reason=text, post=text)
            raw |= {"end": date, "sources": [{"url": "https://example.org/a", "title": text, "published": date}]}
            person = rec("person", "p-1", name=f"N{text}", aliases=[f"A{text}"], birth=date)
            for item in (raw, person):
                try:
                    exact = models._ADAPTER.validate_python(dict(item))
                except ValueError:
                    with pytest.raises(ValueError):
                        quick.validate_python(dict(item))
                    continue
                try:
                    fast = quick.validate_python(dict(item))
                except ValueError:
                    continue  # the exact models decide (records.parse)
                taken += 1
                assert models.dumps(fast.canonical()) == models.dumps(exact.canonical())
                assert models.parse(dict(item)).canonical() == exact.canonical()
    assert taken > 20  # the quick models do take the usual records
