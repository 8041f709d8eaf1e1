"""Issue 12, section 6: backups, history, newer and damaged stores, leftover logs."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from legation.registry import imports
from legation.registry.store import Store
from tests.conftest import rec, rurarz, rurarz_posting, write_jsonl


def _store_with_history(db: str) -> None:
    """Three authors and several versions, the way a newsroom's store grows."""
    store = Store.open(db)
    first = [rurarz(), rurarz_posting(), rec("measure", "m-1", type="expulsion", actor="RUS", target="USA", count=3)]
    for actor, items in (
        ("alice", first),
        ("bob", [rurarz_posting(reason="Martial law in Poland")]),
        ("carol", [rurarz_posting(reason="Protest against martial law"), rurarz(birth="1930")]),
    ):
        imports.import_records(store, [imports.Located("<t>", n, raw) for n, raw in enumerate(items)], actor=actor)
    store.close()


def _history(cli: Any, db: str) -> str:
    result = cli(db, "export", "--history")
    assert result.exit_code == 0, result.output
    return str(result.output)


def test_backup_then_restore_gives_an_identical_history(db_url: str, tmp_path: Path, cli: Any) -> None:
    _store_with_history(db_url)
    before = _history(cli, db_url)
    lines = [json.loads(line) for line in before.splitlines()]
    assert [(v["version"], v["changed_by"]) for v in lines if v["id"] == "pos-rurarz-jpn-1981"] == [
        (1, "alice"),
        (2, "bob"),
        (3, "carol"),
    ]
    backup = tmp_path / "store.backup"
    assert cli(db_url, "backup", str(backup)).exit_code == 0
    assert cli(db_url, "import", str(write_jsonl(tmp_path / "more.jsonl", [rurarz(notes="later")]))).exit_code == 0
    assert _history(cli, db_url) != before
    restored = cli(db_url, "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert _history(cli, db_url) == before
    assert cli(db_url, "check").exit_code == 0


def test_export_history_reads_back_with_versions_and_authors(db_url: str, tmp_path: Path, cli: Any) -> None:
    source = str(tmp_path / "source.db")
    _store_with_history(source)
    path = tmp_path / "history.jsonl"
    assert cli(source, "export", "--history", "-o", str(path)).exit_code == 0
    result = cli(db_url, "import", "--history", str(path))
    assert result.exit_code == 0 and "3 records with 6 versions" in result.output, result.output
    assert _history(cli, db_url) == path.read_text()
    store = Store.open(db_url)
    versions = store.history("pos-rurarz-jpn-1981")
    assert [v["changed_by"] for v in versions] == ["alice", "bob", "carol"]
    assert versions[1]["data"]["reason"] == "Martial law in Poland"
    assert store.get("pos-rurarz-jpn-1981")["reason"] == "Protest against martial law"  # type: ignore[index]
    assert store.scalar("SELECT count(*) FROM search_index") > 0
    store.close()
    again = cli(db_url, "import", "--history", str(path))
    assert again.exit_code == 2 and "is in it (restore into an empty store)" in again.output


def test_a_broken_history_names_the_line_and_changes_nothing(tmp_path: Path, cli: Any) -> None:
    source = str(tmp_path / "source.db")
    _store_with_history(source)
    lines = _history(cli, source).splitlines()
    gap = [line for line in lines if '"version":2' not in line]
    path = tmp_path / "gap.jsonl"
    path.write_text("\n".join(gap) + "\n")
    db = str(tmp_path / "target.db")
    result = cli(db, "import", "--history", str(path))
    assert result.exit_code == 2
    assert "field 'version': expected version 2 of posting" in result.output
    bad = json.loads(lines[0]) | {"changed_by": ""}
    path.write_text(json.dumps(bad) + "\n")
    assert "line 1 (record" in cli(db, "import", "--history", str(path)).output
    assert Store.open(db).scalar("SELECT count(*) FROM versions") == 0


def test_restore_refuses_what_is_not_a_sound_backup(tmp_path: Path, cli: Any) -> None:
    db = str(tmp_path / "store.db")
    _store_with_history(db)
    before = _history(cli, db)
    text = tmp_path / "notes.txt"
    text.write_text("not a backup")
    assert "not a SQLite backup" in cli(db, "restore", str(text)).output
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    assert "not a Legation store" in cli(db, "restore", str(other)).output
    assert _history(cli, db) == before


def test_a_store_from_a_newer_legation_says_so(tmp_path: Path, cli: Any) -> None:
    db = str(tmp_path / "store.db")
    Store.open(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0042_future'")
    conn.close()
    for command in (["stats"], ["check"], ["export"]):
        result = cli(db, *command)
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert result.output.strip() == (
            "error: this store was written by a newer Legation (revision 0042_future); upgrade Legation to open it"
        )


def _damage(db: str) -> None:
    """Overwrite the middle of the file with noise, as a failing disk or a bad copy would."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    noise = random.Random(12)
    size = os.path.getsize(db)
    with open(db, "r+b") as handle:
        for offset in range(size // 3, size, 4096):
            handle.seek(offset + 200)
            handle.write(bytes(noise.randrange(256) for _ in range(900)))


def test_a_damaged_store_gives_one_line_and_check_integrity_finds_it(tmp_path: Path, cli: Any) -> None:
    db = str(tmp_path / "store.db")
    assert cli(db, "init", "--bundled").exit_code == 0
    assert cli(db, "check", "--integrity").exit_code == 0
    _damage(db)
    integrity = cli(db, "check", "--integrity")
    assert integrity.exit_code == 1 and "the store is damaged" in integrity.output
    failed = 0
    for command in (["check"], ["export"], ["stats"], ["dyad", "RUS", "USA"], ["export", "--history"]):
        result = cli(db, *command)
        assert result.exception is None or isinstance(result.exception, SystemExit), (command, result.exception)
        if result.exit_code:
            failed += 1
            assert result.output.splitlines()[-1].startswith("error: "), (command, result.output[-500:])
    assert failed >= 2


def test_a_leftover_write_ahead_log_is_checkpointed_on_open(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    Store.open(str(db)).close()
    crash = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA journal_mode=WAL')\n"
        "c.execute('PRAGMA wal_autocheckpoint=0')\n"
        "c.execute('CREATE TABLE ballast (x BLOB)')\n"
        "for _ in range(40): c.execute('INSERT INTO ballast VALUES (randomblob(262144))')\n"
        "c.commit(); os._exit(9)  # killed before any checkpoint\n"
    )
    subprocess.run([sys.executable, "-c", crash, str(db)], check=False)
    log = Path(f"{db}-wal")
    assert log.stat().st_size > 8 << 20
    store = Store.open(str(db))
    assert log.stat().st_size == 0
    assert store.scalar("SELECT count(*) FROM ballast") == 40
    store.close()


@pytest.mark.parametrize("fmt", ["csv", "ftm"])
def test_history_is_json_lines_only(tmp_path: Path, cli: Any, fmt: str) -> None:
    result = cli(str(tmp_path / "s.db"), "export", "--history", "--format", fmt)
    assert result.exit_code == 2 and "--history writes JSON Lines" in result.output
