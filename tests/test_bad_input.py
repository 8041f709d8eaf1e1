"""Bad input gets one clear line naming the file, the line or record, the field and what was expected;
the store is exactly as it was before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from legation.registry import bulk, exports
from legation.registry.store import Store
from tests.conftest import rec, write_jsonl

PERSON = rec("person", "p-a", name="Anna Example")
POSTING = rec("posting", "pos-a", person="p-a", role="ambassador", sending="POL", receiving="JPN", end="1981")


def snapshot(db: str) -> str:
    """Everything in the store, versions included, as text to compare before and after."""
    store = Store.open(db)
    rows = store.rows("SELECT record_id, version, hash, changed_at FROM versions ORDER BY record_id, version")
    text = json.dumps(rows) + "".join(json.dumps(r) for r in store.iter_records())
    text += str(store.scalar("SELECT count(*) FROM search_index"))
    store.close()
    return text


@pytest.fixture(params=["0", "2"], ids=["one process", "two workers"])
def workers(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each bad JSON Lines file is imported by one process and by two forked workers (registry.bulk,
    which a large file gets): the message must be the same."""
    monkeypatch.setenv(bulk.ENV_WORKERS, request.param)
    return str(request.param)


@pytest.fixture
def seeded(tmp_path: Path, cli: object) -> str:
    db = str(tmp_path / "store.db")
    result = cli(db, "import", str(write_jsonl(tmp_path / "good.jsonl", [PERSON, POSTING])))  # type: ignore[operator]
    assert result.exit_code == 0, result.output
    return db


def good_then(bad: dict[str, object]) -> list[dict[str, object]]:
    return [rec("person", "p-b", name="Bea Example"), bad]


CASES = [
    ("unknown exit type", good_then({**POSTING, "id": "pos-b", "exit_type": "flew"}), "line 2", "exit_type", "one of"),
    ("unknown body", good_then({**POSTING, "id": "pos-b", "sending": "XXX"}), "line 2", "sending", "body code"),
    (
        "end before start",
        good_then({**POSTING, "id": "pos-b", "start": "1990", "end": "1981"}),
        "line 2",
        "end",
        "on or after start",
    ),
    ("no source", good_then({**POSTING, "id": "pos-b", "sources": []}), "line 2", "sources", "at least 1"),
    (
        "missing certainty",
        good_then({k: v for k, v in POSTING.items() if k != "certainty"} | {"id": "pos-b"}),
        "line 2",
        "certainty",
        "required",
    ),
    (
        "dangling person",
        good_then({**POSTING, "id": "pos-b", "person": "p-nobody"}),
        "line 2",
        "person",
        "neither this import nor the store",
    ),
    ("unknown kind", good_then({"kind": "diplomat", "id": "x"}), "line 2", "kind", "one of person"),
]


@pytest.mark.parametrize(("name", "items", "where", "field", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_record_is_refused_and_store_unchanged(
    tmp_path: Path,
    cli: object,
    seeded: str,
    workers: str,
    name: str,
    items: list[dict[str, object]],
    where: str,
    field: str,
    expected: str,
) -> None:
    before = snapshot(seeded)
    path = write_jsonl(tmp_path / "bad.jsonl", items)
    result = cli(seeded, "import", str(path))  # type: ignore[operator]
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert str(path) in message and where in message and f"'{field}'" in message and expected in message
    assert snapshot(seeded) == before


RAW_CASES = [
    ("broken yaml", "bad.yaml", b"- kind: person\n  id: p-c\n  name: [unclosed\n", "line", "broken YAML"),
    (
        "truncated jsonl",
        "bad.jsonl",
        (json.dumps(PERSON | {"id": "p-c"}) + "\n" + '{"kind": "person", "id": "p-d", "na').encode(),
        "line 2",
        "invalid JSON",
    ),
    ("empty file", "empty.jsonl", b"", "", "empty"),
    ("binary file", "photo.jsonl", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "", "binary"),
    ("not utf-8", "latin.jsonl", '{"kind": "person", "name": "Renée"}\n'.encode("latin-1"), "line 1", "UTF-8"),
    ("a json array line", "list.jsonl", b"[1, 2]\n", "line 1", "expected an object"),
    (
        "csv bad list cell",
        "persons.csv",
        b"id,name,aliases,certainty,source_url\np-e,E,[oops,confirmed,http://x\n",
        "line 2",
        "JSON list",
    ),
]


@pytest.mark.parametrize(("name", "filename", "content", "where", "expected"), RAW_CASES, ids=[c[0] for c in RAW_CASES])
def test_unreadable_file_is_refused_and_store_unchanged(
    tmp_path: Path,
    cli: object,
    seeded: str,
    workers: str,
    name: str,
    filename: str,
    content: bytes,
    where: str,
    expected: str,
) -> None:
    before = snapshot(seeded)
    path = tmp_path / filename
    path.write_bytes(content)
    result = cli(seeded, "import", str(path))  # type: ignore[operator]
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert str(path) in message and where in message and expected in message
    assert snapshot(seeded) == before


def test_a_one_gigabyte_line_is_refused_without_reading_it_all(tmp_path: Path, cli: object, seeded: str) -> None:
    before = snapshot(seeded)
    path = tmp_path / "huge.jsonl"
    chunk = b"a" * (1 << 24)
    with path.open("wb") as handle:
        handle.write(b'{"kind": "person", "id": "p-huge", "name": "')
        for _ in range(64):  # 64 x 16 MiB: a real 1 GiB line
            handle.write(chunk)
    result = cli(seeded, "import", str(path))  # type: ignore[operator]
    assert result.exit_code == 2
    assert "line 1" in result.stderr and "longer than 1 MiB" in result.stderr
    assert snapshot(seeded) == before
    path.unlink()


def test_missing_file_names_it(tmp_path: Path, cli: object, seeded: str) -> None:
    result = cli(seeded, "import", str(tmp_path / "nope.jsonl"))  # type: ignore[operator]
    assert result.exit_code == 2 and "nope.jsonl" in result.stderr and "no such file" in result.stderr


def test_keep_going_imports_good_records_and_writes_rejects(tmp_path: Path, cli: object, seeded: str) -> None:
    items = [
        rec("person", "p-b", name="Bea"),
        {**POSTING, "id": "pos-bad", "exit_type": "flew"},
        rec("posting", "pos-c", person="p-b", role="consul", sending="FRA", receiving="ITA"),
        rec("consequence", "con-x", posting="pos-bad", type="prosecuted"),
    ]
    path = write_jsonl(tmp_path / "mixed.jsonl", items)
    broken = tmp_path / "broken.yaml"
    broken.write_text("- kind: [\n")
    reject = tmp_path / "rejects.jsonl"
    result = cli(seeded, "import", "--keep-going", "--reject", str(reject), str(path), str(broken))  # type: ignore[operator]
    assert result.exit_code == 0, result.output
    store = Store.open(seeded)
    assert store.get("p-b") and store.get("pos-c")
    assert store.get("pos-bad") is None and store.get("con-x") is None
    rejected = [json.loads(line) for line in reject.read_text().splitlines()]
    assert {r["record"] for r in rejected} == {None, "pos-bad", "con-x"}
    assert {r["field"] for r in rejected if r["record"]} == {"exit_type", "posting"}
    assert any("broken.yaml" in r["error"] for r in rejected)


def test_dry_run_validates_and_writes_nothing(tmp_path: Path, cli: object, seeded: str) -> None:
    before = snapshot(seeded)
    path = write_jsonl(tmp_path / "new.jsonl", [rec("person", "p-new", name="New Person")])
    result = cli(seeded, "import", "--dry-run", "--format", "json", str(path))  # type: ignore[operator]
    assert result.exit_code == 0
    assert json.loads(result.stdout)["valid"] == 1
    assert snapshot(seeded) == before


def test_conflicting_duplicate_ids_in_one_import(tmp_path: Path, cli: object, seeded: str, workers: str) -> None:
    items = [rec("person", "p-z", name="Zed"), rec("person", "p-z", name="Zed Other")]
    result = cli(seeded, "import", str(write_jsonl(tmp_path / "dup.jsonl", items)))  # type: ignore[operator]
    assert result.exit_code == 2 and "'id'" in result.stderr and "line 1" in result.stderr.split("already used at")[1]


def test_export_to_unknown_format_is_a_clean_error(seeded: str, cli: object) -> None:
    result = cli(seeded, "export", "--format", "xml")  # type: ignore[operator]
    assert result.exit_code == 2 and "'format'" in result.stderr and "jsonl" in result.stderr
    assert exports.EXPORT_FORMATS == ("jsonl", "csv", "ftm")
