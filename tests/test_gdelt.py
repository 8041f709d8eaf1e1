"""GDELT import: every row counted, diplomatic events kept once, files ledgered, series against a baseline.

The fixtures in tests/fixtures/gdelt are written by its make.py; the counts below follow from the rows
listed there (e.g. the January file: 15 lines, 6 malformed, 6 diplomatic rows between two states of
which one repeats a GLOBALEVENTID).
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from legation import events
from legation.errors import InputError
from legation.events import files, ledger, scan
from legation.registry import bodies
from legation.registry.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "gdelt"
JANUARY = FIXTURES / "v2" / "20240131000000.export.CSV"
MARCH_ZIP = FIXTURES / "v2" / "20240331000000.export.CSV.zip"
TRUNCATED = FIXTURES / "broken" / "20240401000000.export.CSV.zip"
REAL = Path("data/gdelt/arekziobrowski_gdelt-big-data/20191024143000.export.CSV")


def counts(report: ledger.FileReport) -> tuple[int, ...]:
    r = report
    return (r.rows_read, r.rows_malformed, r.rows_diplomatic, r.rows_duplicate, r.rows_kept, r.candidates)


def test_v2_file_counts_every_row_with_a_reason(store: Store) -> None:
    (report,) = events.import_files(store, [str(JANUARY)])
    assert report.status == ledger.IMPORTED
    assert counts(report) == (15, 6, 6, 1, 5, 1)
    assert report.malformed == {
        "10 columns, expected 57, 58 or 61": 1,
        "GLOBALEVENTID is not an integer": 1,
        "GoldsteinScale is not a number": 1,
        "SQLDATE is not a date YYYYMMDD": 1,
        "empty line": 1,
        "unreadable line: invalid encoding": 1,
    }
    assert report.widths == {"61": 9}
    kept = store.rows("SELECT id, actor, target, code, signal, goldstein_tenths FROM gdelt_events ORDER BY id")
    assert [(r["id"], r["actor"], r["target"], r["code"]) for r in kept] == [
        ("1001", "RUS", "USA", "042"),
        ("1002", "USA", "RUS", "125"),
        ("1003", "RUS", "USA", "161"),
        ("1004", "USA", "RUS", "161"),
        ("1008", "ROU", "USA", "1313"),  # CAMEO's ROM is ISO's ROU (vocabularies.yaml)
    ]
    assert kept[4]["signal"] == "threat" and kept[4]["goldstein_tenths"] == -44


def test_candidates_are_161_events_above_the_mention_threshold(store: Store) -> None:
    events.import_files(store, [str(JANUARY)])
    found = events.candidates(store)
    assert [(c["event_id"], c["actor"], c["target"], c["mentions"]) for c in found] == [("1003", "RUS", "USA", 12)]
    assert found[0]["source_url"] == "https://example.org/expel"
    assert events.candidates(store, actor="USA") == []


def test_lower_threshold_makes_more_candidates(store: Store) -> None:
    (report,) = events.import_files(store, [str(JANUARY)], min_mentions=2)
    assert report.candidates == 2


def test_gdelt_1_files_of_57_and_58_columns(store: Store) -> None:
    backfile, daily = events.import_files(store, [str(FIXTURES / "v1")])
    assert (backfile.file, counts(backfile), backfile.widths) == (
        "19791231.backfile.CSV",
        (3, 0, 2, 0, 2, 0),
        {"57": 3},
    )
    assert (daily.file, counts(daily), daily.widths) == ("20130401.export.CSV", (4, 1, 3, 0, 3, 1), {"58": 3})
    assert daily.malformed == {"60 columns, expected 57, 58 or 61": 1}
    assert store.scalar("SELECT source_url FROM gdelt_events WHERE id = '3001'") is None
    assert store.scalar("SELECT date FROM gdelt_events WHERE id = '3001'") == "1979-12-31"
    assert store.scalar("SELECT source_url FROM gdelt_events WHERE id = '4003'") == "https://example.org/iran-uk"
    assert store.scalar("SELECT signal FROM gdelt_events WHERE id = '4002'") == "expel_or_deport"


def test_zip_and_an_event_already_held_from_an_earlier_file(store: Store) -> None:
    january, march = events.import_files(store, [str(FIXTURES / "v2")])
    assert march.file == MARCH_ZIP.name
    assert counts(march) == (7, 0, 7, 1, 6, 0)
    assert store.scalar("SELECT count(*) FROM gdelt_events") == january.rows_kept + march.rows_kept == 11
    assert store.scalar("SELECT file FROM gdelt_events WHERE id = '1003'") == JANUARY.name


def test_a_file_already_imported_adds_nothing(store: Store) -> None:
    events.import_files(store, [str(FIXTURES / "v2")])
    before = store.rows("SELECT * FROM event_dyad_months ORDER BY actor, target, month, code")
    again = events.import_files(store, [str(FIXTURES / "v2")])
    assert [(r.status, counts(r)) for r in again] == [(ledger.ALREADY, (0, 0, 0, 0, 0, 0))] * 2
    assert store.rows("SELECT * FROM event_dyad_months ORDER BY actor, target, month, code") == before
    assert store.scalar("SELECT count(*) FROM gdelt_events") == 11


def test_dyad_months_sum_the_kept_events(store: Store) -> None:
    events.import_files(store, [str(FIXTURES / "v2")])
    rows = store.rows(
        "SELECT month, code, events, goldstein_tenths FROM event_dyad_months "
        "WHERE actor = 'RUS' AND target = 'USA' ORDER BY month, code"
    )
    assert [(r["month"], r["code"], r["events"], r["goldstein_tenths"]) for r in rows] == [
        ("2024-01", "042", 1, 19),
        ("2024-01", "161", 1, -40),
        ("2024-02", "042", 1, 19),
        ("2024-03", "040", 1, 10),
        ("2024-03", "042", 1, 19),
    ]


class Interrupted(Exception):
    pass


def test_an_interrupted_import_resumes_without_duplicates(store: Store) -> None:
    def stop_inside_march(report: ledger.FileReport) -> None:
        if report.file == MARCH_ZIP.name and report.rows_kept:
            raise Interrupted

    with pytest.raises(Interrupted):
        events.import_files(store, [str(FIXTURES / "v2")], batch=2, progress=stop_inside_march)
    assert [e["name"] for e in _ledger(store)] == [JANUARY.name]
    assert store.scalar("SELECT count(*) FROM gdelt_events") == 5
    assert store.scalar("SELECT count(*) FROM gdelt_events WHERE file = :f", f=MARCH_ZIP.name) == 0
    resumed = events.import_files(store, [str(FIXTURES / "v2")], batch=2)
    assert [(r.status, r.rows_kept) for r in resumed] == [(ledger.ALREADY, 0), (ledger.IMPORTED, 6)]
    assert store.scalar("SELECT count(*) FROM gdelt_events") == 11
    assert store.scalar("SELECT sum(events) FROM event_dyad_months") == 11


def _ledger(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        return ledger.entries(conn)


def test_the_ledger_keeps_the_counts(store: Store) -> None:
    events.import_files(store, [str(JANUARY)])
    (entry,) = _ledger(store)
    assert (entry["rows_read"], entry["rows_malformed"], entry["rows_kept"]) == (15, 6, 5)
    assert entry["malformed"]["empty line"] == 1 and entry["size"] == JANUARY.stat().st_size


def test_a_truncated_zip_is_an_error_naming_it(store: Store) -> None:
    with pytest.raises(InputError) as caught:
        events.import_files(store, [str(TRUNCATED)])
    assert caught.value.file == str(TRUNCATED)
    assert _ledger(store) == []


def test_a_missing_file_is_an_error_naming_it(store: Store, tmp_path: Path) -> None:
    missing = tmp_path / "20240101000000.export.CSV"
    with pytest.raises(InputError, match="no such file") as caught:
        events.import_files(store, [str(missing)])
    assert caught.value.file == str(missing)


def test_series_against_the_dyads_own_baseline(store: Store) -> None:
    events.import_files(store, [str(FIXTURES / "v2")])
    series = events.dyad_series(store, "USA", "RUS")
    got = [
        (m["month"], m["consults"], m["consult_baseline"], m["consult_ratio"], m["rejections"], m["rejection_baseline"])
        for m in series["months"]
    ]
    assert got == [
        ("2024-01", 1, None, None, 1, None),
        ("2024-02", 2, 1.0, 2.0, 0, 1.0),
        ("2024-03", 3, 1.5, 2.0, 1, 0.5),
    ]
    assert series["months"][2]["consults_by_kind"] == {"040": 1, "042": 1, "046": 1}
    directed = events.dyad_series(store, "RUS", "USA", directed=True)
    assert [m["consults"] for m in directed["months"]] == [1, 1, 2]
    window = events.dyad_series(store, "RUS", "USA", start="2024-03")
    assert [(m["month"], m["consult_baseline"]) for m in window["months"]] == [("2024-03", 1.5)]


def test_cli_import_prints_counts_and_json(cli: Any, sqlite_path: str) -> None:
    result = cli(sqlite_path, "gdelt", "import", str(FIXTURES / "v1"), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(f["file"], f["rows_read"], f["rows_kept"]) for f in data["files"]] == [
        ("19791231.backfile.CSV", 3, 2),
        ("20130401.export.CSV", 4, 3),
    ]
    again = cli(sqlite_path, "gdelt", "import", str(FIXTURES / "v1"))
    assert again.exit_code == 0 and again.stdout.count("already") == 2


def test_cli_names_the_corrupt_file_and_exits_non_zero(cli: Any, sqlite_path: str) -> None:
    result = cli(sqlite_path, "gdelt", "import", str(TRUNCATED))
    assert result.exit_code == 2
    assert TRUNCATED.name in result.stderr and "zip" in result.stderr


def test_dyad_command_carries_the_events_block(cli: Any, sqlite_path: str) -> None:
    assert cli(sqlite_path, "gdelt", "import", str(FIXTURES / "v2")).exit_code == 0
    result = cli(sqlite_path, "dyad", "RUS", "USA", "--format", "json")
    assert result.exit_code == 0, result.output
    block = json.loads(result.stdout)["events"]["gdelt"]
    assert [m["consults"] for m in block["months"]] == [1, 2, 3]
    own = cli(sqlite_path, "gdelt", "dyad", "RUS", "USA", "--format", "json")
    assert json.loads(own.stdout)["months"] == block["months"]


def test_masterfilelist_downloads_and_verifies(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = MARCH_ZIP.read_bytes()
    url = "http://data.gdeltproject.org/gdeltv2/20240331000000.export.CSV.zip"
    client = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200, content=body)))
    monkeypatch.setattr(httpx, "stream", client.stream)  # only the network is faked
    monkeypatch.setenv(files.ENV_CACHE, str(tmp_path / "cache"))
    good = tmp_path / "masterfilelist.txt"
    md5 = hashlib.md5(body).hexdigest()
    mentions = url.replace("export", "mentions")
    good.write_text(f"{len(body)} {md5} {url}\n{len(body)} {md5} {mentions}\n")
    (report,) = events.import_files(store, [str(good)])
    assert (report.file, report.rows_kept) == (MARCH_ZIP.name, 7)
    assert (tmp_path / "cache" / "gdelt" / MARCH_ZIP.name).read_bytes() == body
    bad = tmp_path / "masterfilelist-bad.txt"
    bad.write_text(f"{len(body)} {'0' * 32} {url.replace('0331', '0330')}\n")
    with pytest.raises(InputError, match="md5") as caught:
        events.import_files(store, [str(bad)])
    assert caught.value.file == url.replace("0331", "0330")


def test_real_sample_gives_a_dyad_series(cli: Any, sqlite_path: str, shared: Path) -> None:
    real = shared / REAL
    assert cli(sqlite_path, "gdelt", "import", str(real)).exit_code == 0
    consults: set[str] = set()
    with real.open(encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if {row[7], row[17]} == {"CHN", "BRA"} and row[26].startswith("04") and row[1].startswith("201910"):
                consults.add(row[0])
    result = cli(sqlite_path, "dyad", "CHN", "BRA", "--format", "json")
    months = json.loads(result.stdout)["events"]["gdelt"]["months"]
    assert {m["month"]: m["consults"] for m in months}["2019-10"] == len(consults) > 0


def test_candidates_can_be_pushed_into_the_review_queue(store: Store) -> None:
    from legation.events import review
    from legation.extraction import reviews

    events.import_files(store, [str(JANUARY)])
    ids = review.push(store)
    assert len(ids) == 1 and review.push(store) == ids
    (pending,) = reviews.listing(store)
    assert pending.section == "measures"
    assert (pending.data["actor"], pending.data["target"], pending.data["measure"]) == ("RUS", "USA", "expulsion")


def test_real_sample_shows_in_the_markdown_dyad_and_web_page(cli: Any, sqlite_path: str, shared: Path) -> None:
    from legation.registry.store import Store
    from legation.web import page_data

    assert cli(sqlite_path, "gdelt", "import", str(shared / REAL)).exit_code == 0
    report = cli(sqlite_path, "dyad", "CHN", "BRA", "--format", "md").stdout
    assert "Event data: CHN and BRA (GDELT)" in report and "| 2019-10 |" in report
    page = page_data.dyad_page(Store.open(sqlite_path), "CHN", "BRA")
    assert page["reciprocity"]["events"]["gdelt"]["months"]


def _both_passes(plain: Path, text: bytes) -> tuple[Any, Any]:
    from legation.events import scan

    plain.write_bytes(text)
    item = files.EventFile(str(plain))
    with files.readable(item, plain) as source:
        fast = scan.scan(scan.connect(), source, item.location)
    return fast, scan.exact(scan.connect(), plain, item.location)


def _figures(found: Any) -> tuple[Any, ...]:
    return (found.read, found.widths, found.malformed, found.diplomatic, found.not_dyadic, found.duplicate)


def test_fast_pass_counts_exactly_like_whole_lines(tmp_path: Path) -> None:
    """DuckDB's column reader (the fast pass) and the whole-line reader agree on a clean file with empty
    lines, malformed rows, a short row and a GDELT 1.0 row among 2.0 rows."""
    good = [line for line in JANUARY.read_bytes().split(b"\n") if line and b"\xff" not in line]
    v1 = (FIXTURES / "v1" / "20130401.export.CSV").read_bytes().split(b"\n")[0]
    text = b"\n".join([b"", *good, b"", v1, b"a\tb"]) + b"\n"
    fast, slow = _both_passes(tmp_path / "20240201000000.export.CSV", text)
    assert not fast.exact and slow.exact
    assert _figures(fast) == _figures(slow)
    assert fast.read == text.count(b"\n") == 17
    assert fast.malformed["empty line"] == 2 and fast.malformed["2 columns, expected 57, 58 or 61"] == 1
    assert fast.widths == {61: 9, 58: 1}


def test_extra_empty_columns_send_the_file_to_whole_lines(tmp_path: Path) -> None:
    """DuckDB's reader takes a row with extra empty trailing columns as a full row; the tab census sees it."""
    good = [line for line in JANUARY.read_bytes().split(b"\n") if line and b"\xff" not in line]
    extra = good[0].replace(b"1001", b"1101", 1) + b"\t\t"  # 63 columns, the last two empty
    fast, slow = _both_passes(tmp_path / "20240201000000.export.CSV", b"\n".join([*good, extra]) + b"\n")
    assert fast.exact and _figures(fast) == _figures(slow)
    assert fast.malformed["63 columns, expected 57, 58 or 61"] == 1


def test_a_repeated_id_keeps_its_earliest_added_row(store: Store, tmp_path: Path) -> None:
    """Two rows of one GLOBALEVENTID that differ (DATEADDED, mentions): the earlier added is kept, wherever
    it stands in the file, and the other is counted as a duplicate (identical rows are the January file's)."""
    line = next(x for x in JANUARY.read_bytes().split(b"\n") if x.startswith(b"1001\t")).split(b"\t")

    def row(added: bytes, mentions: bytes) -> bytes:
        return b"\t".join([*line[:31], mentions, *line[32:59], added, *line[60:]])

    path = tmp_path / "20240201000000.export.CSV"
    path.write_bytes(row(b"20240401000000", b"7") + b"\n" + row(b"20240301000000", b"9") + b"\n")
    (report,) = events.import_files(store, [str(path)])
    assert counts(report) == (2, 0, 2, 1, 1, 0)
    kept = store.rows("SELECT id, mentions, date_added FROM gdelt_events")
    assert [(r["id"], r["mentions"], r["date_added"]) for r in kept] == [("1001", 9, "20240301000000")]


def test_census_checks_utf8_across_blocks_and_finds_carriage_returns() -> None:
    split_letter = [b"1\tZdzis\xc5", b"\x82aw\n2\t\n"]  # "ł" cut in two by the block boundary
    assert files._count(iter(split_letter)) == files.Census(lines=2, tabs=2, clean=True)
    assert not files._count(iter([b"1\tZdzis\xc5", b"aw\n"])).clean  # a lead byte with no continuation
    assert not files._count(iter([b"1\tx\r\n"])).clean
    assert files._count(iter([b"1\tx\n2"])).lines == 2  # a last line without its newline


def test_state_codes_are_the_registrys_states() -> None:
    states = {code for code, body in bodies.registry().items() if body.kind in ("state", "former_state")}
    assert bodies.state_codes() == states


def test_a_memory_cap_too_small_for_the_pass_is_raised_and_counts_stay_exact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB cannot read even a small file under an 8 MiB cap (its aggregate keeps part of its groups
    in memory); the statement is run again under a larger cap, and nothing is counted twice."""
    inputs = [str(JANUARY), str(MARCH_ZIP)]
    wide = events.import_files(Store.open(f"sqlite:///{tmp_path / 'wide.db'}"), inputs, batch=2)
    monkeypatch.setattr(scan, "MEMORY", 8)
    narrow_store = Store.open(f"sqlite:///{tmp_path / 'narrow.db'}")
    narrow = events.import_files(narrow_store, inputs, batch=2)
    assert [r.as_dict() for r in narrow] == [r.as_dict() for r in wide]
    assert counts(narrow[0]) == (15, 6, 6, 1, 5, 1)
    assert narrow_store.scalar("SELECT count(*) FROM gdelt_events") == 11
    monkeypatch.setattr(scan, "MAX_MEMORY", 16)  # no cap large enough is allowed: a clear error, nothing kept
    with pytest.raises(InputError, match="Out of Memory") as caught:
        events.import_files(Store.open(f"sqlite:///{tmp_path / 'none.db'}"), [str(JANUARY)])
    assert caught.value.file == str(JANUARY)


def test_empty_fields_of_a_kept_event_come_out_as_they_went_in(tmp_path: Path) -> None:
    """The scan carries the kept fields packed into one string: an empty GoldsteinScale and an empty
    SOURCEURL still come out as NULL, an empty actor code as '', and the numbers as integers, on both
    passes (the second line is a 58-column 1.0 row, which the fast pass takes again whole)."""
    from legation.events import scan

    line = next(x for x in JANUARY.read_bytes().split(b"\n") if x.startswith(b"1001\t")).split(b"\t")
    blank = [*line[:5], b"", *line[6:30], b"", b"007", *line[32:60], b""]
    v1 = [*blank[:57], b""]
    v1[0] = b"1002"
    text = b"\t".join(blank) + b"\n" + b"\t".join(v1) + b"\n"
    fast, slow = _both_passes(tmp_path / "20240201000000.export.CSV", text)
    assert not fast.exact and _figures(fast) == _figures(slow) and fast.widths == {61: 1, 58: 1}
    path = tmp_path / "20240201000000.export.CSV"
    with files.readable(files.EventFile(str(path)), path) as source:
        con = scan.connect()
        scan.scan(con, source, "x")
    kept = {row[0]: dict(zip(scan.KEPT, row, strict=False)) for batch in scan.new(con, 10, "f") for row in batch}
    first, second = kept["1001"], kept["1002"]
    assert (first["goldstein_tenths"], first["source_url"], first["actor1_code"]) == (None, None, "")
    day = line[1].decode()
    assert first["mentions"] == 7 and first["date"] == f"{day[:4]}-{day[4:6]}-{day[6:]}"
    assert first["actor"] == line[7].decode() and first["code"] == line[26].decode()
    assert second["source_url"] is None and second["goldstein_tenths"] is None and second["mentions"] == 7
