"""The store on both backends: writes, versions, search, and the export/import round trip."""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from legation.errors import InputError
from legation.registry import exports, imports, search
from legation.registry.store import PAGE_SIZE, Store
from tests.conftest import rec, rurarz, rurarz_posting, write_jsonl

PERSON = rurarz(birth="1930-02-24")
POSTING = rurarz_posting(post="Tokyo", reason="Martial law in Poland")


def load(store: Store, tmp_path: Path, items: list[dict[str, object]], name: str = "in.jsonl") -> imports.ImportReport:
    path = write_jsonl(tmp_path / name, items)
    return imports.import_records(store, imports.read_paths([str(path)]), actor="tester")


def test_import_writes_records_projections_and_fills_person_name(store: Store, tmp_path: Path) -> None:
    report = load(store, tmp_path, [PERSON, POSTING])
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    posting = store.get("pos-rurarz-jpn-1981")
    assert posting is not None and posting["person_name"] == "Zdzisław Rurarz"
    assert store.scalar("SELECT exit_type FROM postings WHERE id = 'pos-rurarz-jpn-1981'") == "defected"
    assert store.scalar("SELECT end_year FROM postings") == 1981
    assert store.scalar("SELECT count(*) FROM record_sources") == 2


def test_same_file_twice_changes_nothing(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, [PERSON, POSTING])
    again = load(store, tmp_path, [PERSON, POSTING])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert store.scalar("SELECT count(*) FROM versions") == 2


def test_changed_record_gets_a_new_version_and_keeps_the_old(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, [PERSON, POSTING])
    changed = {**POSTING, "reason": "Protest against martial law"}
    report = load(store, tmp_path, [changed], "edit.jsonl")
    assert report.updated == 1
    history = store.history("pos-rurarz-jpn-1981")
    assert [v["version"] for v in history] == [1, 2]
    assert history[0]["data"]["reason"] == "Martial law in Poland"
    assert history[1]["data"]["reason"] == "Protest against martial law"
    assert history[1]["changed_by"] == "tester" and history[1]["change"] == "update"
    first = {k: history[0][k] for k in ("record_id", "version", "kind", "changed_by", "change")}
    assert first == {
        "record_id": POSTING["id"],
        "version": 1,
        "kind": "posting",
        "changed_by": "tester",
        "change": "create",
    }
    stored = store.rows("SELECT id, version, kind, certainty, updated_by FROM records ORDER BY id")
    assert stored == [
        {"id": "p-zdzislaw-rurarz", "version": 1, "kind": "person", "certainty": "confirmed", "updated_by": "tester"},
        {"id": POSTING["id"], "version": 2, "kind": "posting", "certainty": "confirmed", "updated_by": "tester"},
    ]
    assert store.scalar("SELECT reason FROM postings") == "Protest against martial law"
    assert store.scalar("SELECT count(*) FROM postings") == 1


def test_search_folds_accents_and_matches_prefixes(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, [PERSON, POSTING])
    hits = search.run(store, "Zdzislaw")["hits"]
    assert {h["id"] for h in hits} == {"p-zdzislaw-rurarz", "pos-rurarz-jpn-1981"}
    assert search.run(store, "Rura", kind="person")["hits"][0]["id"] == "p-zdzislaw-rurarz"
    assert search.run(store, "martial")["total"] == 1
    assert search.run(store, "nobody-here")["total"] == 0
    assert search.run(store, '"); DROP TABLE records; --')["total"] == 0


def test_export_import_export_is_identical(store: Store, tmp_path: Path) -> None:
    measure = rec(
        "measure",
        "m-usa-rus-2016-12-29-expulsion",
        type="expulsion",
        actor="USA",
        target="RUS",
        date="2016-12-29",
        count=35,
    )
    answer = rec(
        "measure",
        "m-rus-usa-2017-07-30-staff_cap",
        type="staff_cap",
        actor="RUS",
        target="USA",
        date="2017-07-30",
        count=755,
        reciprocal_of="m-usa-rus-2016-12-29-expulsion",
    )
    contact = rec(
        "contact",
        "c-1",
        **{"from": "p-zdzislaw-rurarz", "to": "USA", "channel": "visit", "outcome": "accepted", "date": "1981-12-24"},
    )
    load(store, tmp_path, [PERSON, POSTING, measure, answer, contact])
    first = io.StringIO()
    exports.export(store, "jsonl", out=first)
    fresh = Store.open(str(tmp_path / "fresh.db"))
    path = tmp_path / "export.jsonl"
    path.write_text(first.getvalue(), encoding="utf-8")
    imports.import_records(fresh, imports.read_paths([str(path)]))
    second = io.StringIO()
    exports.export(fresh, "jsonl", out=second)
    assert first.getvalue() == second.getvalue()
    assert len(first.getvalue().splitlines()) == 5


def test_search_survives_odd_queries(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, [PERSON, POSTING])
    for query in ("0_0", "a_b_c", "Rurarz_", "-", "'", "Zdzisław*", "日本", "x" * 500, "AND OR NOT", "NEAR(a b)"):
        result = search.run(store, query)
        assert result["total"] >= 0
    assert search.run(store, "rurarz_1981")["total"] == 0
    assert search.run(store, "rurarz japan")["total"] == 1


def test_a_page_cited_twice_is_one_source_filled_by_later_citations(store: Store, tmp_path: Path) -> None:
    bare = {"url": "https://example.org/shared"}
    full = {"url": "https://example.org/shared", "title": "Shared page", "publisher": "Example"}
    other = {"url": "https://example.org/shared", "title": "Another title"}
    load(store, tmp_path, [rec("person", "p-1", name="One", sources=[bare, bare])], "a.jsonl")
    load(store, tmp_path, [rec("person", "p-2", name="Two", sources=[full])], "b.jsonl")
    load(store, tmp_path, [rec("person", "p-3", name="Three", sources=[other])], "c.jsonl")
    rows = store.rows("SELECT url, title, publisher FROM sources")
    assert rows == [{"url": "https://example.org/shared", "title": "Shared page", "publisher": "Example"}]
    assert store.scalar("SELECT count(*) FROM record_sources") == 3


def test_head_constant_is_alembics_head(store: Store) -> None:
    from alembic.script import ScriptDirectory

    from legation.registry.store import HEAD, alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD
    with store.engine.connect() as conn:
        assert store.revision(conn) == HEAD


def test_an_error_in_a_chunk_being_written_comes_before_a_later_one(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks are written while the next is read; the first error in the input is still the one
    reported, and nothing of the import is kept."""
    load(store, tmp_path, [rec("person", "p-1", name="One")], "first.jsonl")
    monkeypatch.setattr(imports, "WRITE_CHUNK", 2)
    clash = rec("measure", "p-1", type="expulsion", actor="RUS", target="POL")
    bad = rec("person", "p-9", name="Nine", certainty="sure")  # read while the first chunk is written
    with pytest.raises(InputError, match="already a person in the store") as caught:
        load(store, tmp_path, [clash, rec("person", "p-2", name="Two"), bad, rec("person", "p-3", name="Three")])
    assert caught.value.as_dict()["line"] == 1
    assert store.scalar("SELECT count(*) FROM records") == 1
    assert store.scalar("SELECT count(*) FROM search_index") == 1


def test_a_new_sqlite_store_gets_the_schema_alembic_makes(tmp_path: Path) -> None:
    """A new file is made from the bundled script, not by Alembic: both must give the same schema."""
    from legation.migrations import snapshot

    assert snapshot.text() == snapshot.from_alembic(), "run `python -m legation.migrations.snapshot`"
    Store.open(str(tmp_path / "new.db")).close()
    assert snapshot.dump(str(tmp_path / "new.db")) == snapshot.text()
    store = Store.open(str(tmp_path / "new.db"))
    load(store, tmp_path, [rurarz()])
    assert store.rows("SELECT record_id FROM search_index WHERE search_index MATCH 'rurarz'") == [
        {"record_id": "p-zdzislaw-rurarz"}
    ]


def test_a_new_store_has_large_pages_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    """New files get PAGE_SIZE pages (fewer pages and log frames for a bulk load); a store made with
    SQLite's default 4 KiB pages keeps them, and takes records as before."""
    from legation.migrations import snapshot

    new = Store.open(str(tmp_path / "new.db"))
    load(new, tmp_path, [rurarz()])
    assert new.scalar("PRAGMA page_size") == PAGE_SIZE == 16384
    stored = new.get("p-zdzislaw-rurarz")
    new.close()
    raw = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")  # as stores were made before: WAL first, so 4 KiB pages
    for statement in snapshot.statements():
        raw.execute(statement)
    raw.close()
    old = Store.open(str(tmp_path / "old.db"))
    load(old, tmp_path, [rurarz()])
    assert old.scalar("PRAGMA page_size") == 4096
    assert old.get("p-zdzislaw-rurarz") == stored is not None
    old.close()


def _family(pid: int) -> dict[int, float]:
    """A process and its live children (an import's worker processes): pid -> CPU seconds."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            found[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return found


def _cpu_seconds(pid: int) -> float:
    return sum(_family(pid).values())


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_an_import_killed_midway_leaves_the_store_as_it_was(sqlite_path: str, tmp_path: Path) -> None:
    """SIGKILL while the bulk load is under way (big page cache, one transaction): nothing of it is
    kept, the file is sound, and the same import run again writes everything."""
    store = Store.open(sqlite_path)
    load(store, tmp_path, [PERSON, POSTING], "before.jsonl")
    people = [rec("person", f"p-{i}", name=f"Envoy {i}", aliases=[f"E. {i}"]) for i in range(60_000)]
    big = write_jsonl(tmp_path / "big.jsonl", people)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    command = [str(Path(sys.executable).parent / "legation"), "--db", sqlite_path, "import", str(big)]
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while child.poll() is None and _cpu_seconds(child.pid) < 1.2:  # past start-up, inside the import
        time.sleep(0.01)
    assert child.poll() is None, "the import finished before it could be killed; make the file bigger"
    workers = set(_family(child.pid)) - {child.pid}
    child.send_signal(signal.SIGKILL)
    child.wait()
    deadline = time.monotonic() + 60
    while any(_running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers and not any(_running(w) for w in workers), "worker processes outlived the import"
    assert store.scalar("PRAGMA integrity_check") == "ok"
    assert store.scalar("SELECT count(*) FROM records") == 2
    assert store.scalar("SELECT count(*) FROM search_index") == 2
    assert store.scalar("SELECT count(*) FROM versions") == 2
    report = imports.import_records(store, imports.read_paths([str(big)]), actor="tester")
    assert report.created == 60_000
    assert store.scalar("SELECT count(*) FROM persons") == 60_001
    assert search.run(store, "envoy 59999")["total"] == 1
    store.close()
