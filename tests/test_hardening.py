"""Issue 12, sections 1 and 2: what a hostile file or an older store must never do.

Accepted data must not break a later command or page; a broken file must not crash the import.
Each case failed before the fix: it was imported, or it raised a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from legation.registry import imports, records
from legation.registry.records import Contact, Measure, Posting
from legation.registry.store import Store
from tests.conftest import SOURCE, rec, rurarz, rurarz_posting, write_jsonl
from tests.test_bad_input import snapshot
from tests.webapp import TOKEN, auth, client, load

MEASURE = rec("measure", "m-x", type="expulsion", actor="RUS", target="USA", date="2020-01-02", count=3)


def _one_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output[:2000]
    assert "Traceback" not in output
    return lines[0]


ACCEPTED_BEFORE = [
    ("year 0", {"date": "0000"}, "date", "a year from 0001"),
    ("Arabic-Indic digits", {"date": "١٩٨١-٠٢"}, "date", "ASCII digits"),
    ("full-width digits", {"date": "１９８１"}, "date", "ASCII digits"),
    ("count true", {"count": True}, "count", "a whole number"),
    ("count as text", {"count": "3"}, "count", "a whole number"),
    ("count 1.0", {"count": 1.0}, "count", "a whole number"),
    ("count of 2^63", {"count": 2**63}, "count", "at most 1000000"),
    ("javascript: source", {"sources": [{**SOURCE, "url": "javascript:alert(1)"}]}, "sources.0.url", "http"),
    ("data: source", {"sources": [{**SOURCE, "url": "data:text/html,x"}]}, "sources.0.url", "http"),
    ("source without host", {"sources": [{**SOURCE, "url": "https://"}]}, "sources.0.url", "http"),
    ("escaped NUL", {"detail": "before\u0000after"}, "detail", "control characters"),
    ("escape character", {"detail": "red\u001b[31m"}, "detail", "control characters"),
]


@pytest.mark.parametrize(("name", "change", "field", "expected"), ACCEPTED_BEFORE, ids=[c[0] for c in ACCEPTED_BEFORE])
def test_strict_values_are_refused_naming_the_field(
    tmp_path: Path, cli: Any, name: str, change: dict[str, Any], field: str, expected: str
) -> None:
    db = str(tmp_path / "store.db")
    assert cli(db, "import", str(write_jsonl(tmp_path / "ok.jsonl", [MEASURE]))).exit_code == 0
    before = snapshot(db)
    path = write_jsonl(tmp_path / "bad.jsonl", [{**MEASURE, "id": "m-bad", **change}])
    result = cli(db, "import", str(path))
    assert result.exit_code == 2
    line = _one_line(result.output)
    assert f"bad.jsonl:line 1 (record m-bad): field '{field}': expected" in line and expected in line
    assert snapshot(db) == before


def test_good_values_still_pass() -> None:
    """The strict rules keep what real records hold: years at every precision, http and https."""
    for change in ({"date": "0001"}, {"date": "9999-12-31"}, {"count": 0}, {"detail": "tab\there\nand a line"}):
        records.parse({**MEASURE, **change})
    records.parse({**MEASURE, "sources": [{**SOURCE, "url": "HTTP://example.org"}]})


def test_duplicate_yaml_keys_are_an_error(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(
        "- kind: measure\n  id: m-dup\n  type: expulsion\n  actor: RUS\n  actor: USA\n  target: GBR\n"
        "  certainty: confirmed\n  sources: [{url: 'https://example.org/a'}]\n"
    )
    result = cli(str(tmp_path / "s.db"), "import", str(path))
    assert result.exit_code == 2
    assert "dup.yaml:line 5:" in _one_line(result.output) and "'actor' appears twice" in result.output


@pytest.mark.parametrize(
    "line",
    [
        '{"kind": "measure", "id": "m-dup", "type": "expulsion", "actor": "RUS", "actor": "USA", "target": "GBR",'
        ' "certainty": "confirmed", "sources": [{"url": "https://example.org/a"}]}',
        '{"kind": "measure", "id": "m-dup", "type": "expulsion", "actor": "RUS", "target": "GBR",'
        ' "certainty": "confirmed", "sources": [{"url": "https://example.org/a", "url": "https://example.org/b"}]}',
        # a space before the colon: the fast path counts '":' and must not miss this key
        '{"kind": "measure", "id": "m-dup", "type": "expulsion", "actor": "RUS", "actor" : "USA", "target": "GBR",'
        ' "certainty": "confirmed", "sources": [{"url": "https://example.org/a"}]}',
    ],
    ids=["top level", "in a source", "spaced colon"],
)
def test_duplicate_json_lines_keys_are_an_error(tmp_path: Path, cli: Any, line: str) -> None:
    """JSON itself lets the last key win; a record that says two things in one field is refused."""
    path = tmp_path / "dup.jsonl"
    path.write_text(json.dumps(MEASURE | {"id": "m-ok"}) + "\n" + line + "\n")
    db = str(tmp_path / "s.db")
    cli(db, "init")
    before = snapshot(db)
    result = cli(db, "import", str(path))
    assert result.exit_code == 2, result.output
    message = _one_line(result.output)
    field = "actor" if 'RUS", "actor' in line else "url"
    assert f"dup.jsonl:line 2: field '{field}': the key appears twice" in message, message
    assert snapshot(db) == before


def test_unquoted_bad_yaml_date_names_the_date_field(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "dates.yaml"
    path.write_text(
        "- kind: measure\n  id: m-feb\n  type: expulsion\n  actor: RUS\n  target: USA\n  date: 2023-02-30\n"
        "  certainty: confirmed\n  sources: [{url: 'https://example.org/a'}]\n"
    )
    result = cli(str(tmp_path / "s.db"), "import", str(path))
    assert result.exit_code == 2
    assert "field 'date': expected a day that exists in 2023-02" in _one_line(result.output)


def test_a_bad_start_names_start_not_record(tmp_path: Path, cli: Any) -> None:
    bad = rurarz_posting(start="0000-05", end="1981")
    result = cli(str(tmp_path / "s.db"), "import", str(write_jsonl(tmp_path / "p.jsonl", [rurarz(), bad])))
    assert "field 'start': expected a year" in _one_line(result.output)


def test_api_refuses_year_zero_and_javascript_urls(store: Store) -> None:
    load(store)
    with client(store) as web:
        for change in ({"date": "0000"}, {"sources": [{**SOURCE, "url": "javascript:alert(1)"}]}):
            response = web.post("/api/records", json={**MEASURE, **change}, headers=auth())
            assert response.status_code == 422, response.text
            assert response.json()["field"] in ("date", "sources.0.url")
    assert store.get("m-x") is None


def test_form_refuses_a_javascript_source_url_next_to_the_field(store: Store) -> None:
    """Issue 14, defect 7: the form shows the error beside the URL field and writes nothing."""
    load(store)
    with client(store) as web:
        page = web.get("/records/new?kind=person").text
        csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        form = {"kind": "person", "id": "p-js", "name": "J. S.", "certainty": "confirmed", "csrf": csrf}
        form |= {"token": TOKEN, "source_url": "javascript:alert(document.cookie)", "source_title": "x"}
        response = web.post("/records/new", data=form)
    assert response.status_code == 422
    assert 'id="source_url-error"' in response.text and "http:// or https://" in response.text
    assert store.get("p-js") is None


# --- records that slipped into a store before the strict rules --------------------------------


def _slipped_in(store: Store) -> None:
    """Write records the way an older Legation accepted them, past today's validation."""
    load(store)
    source = records.Source(url=SOURCE["url"])
    legacy = [
        Measure.model_construct(
            kind="measure", id="m-zero", type="expulsion", actor="USA", target="RUS", date="0000",
            count=1, persons=[], certainty="confirmed", sources=[source],
            reciprocal_of="m-usa-rus-2022-03-01-expulsion",
        ),
        Measure.model_construct(
            kind="measure", id="m-arabic", type="expulsion", actor="RUS", target="USA", date="٢٠٢٢-٠٥",
            count=None, persons=[], certainty="confirmed", sources=[source], reciprocal_of=None,
        ),
        Contact.model_construct(
            kind="contact", id="c-zero", from_="p-evil", to="Someone", channel="meeting_request",
            outcome="declined", date="0000-02", count=1, certainty="confirmed", sources=[source],
        ),
        Posting.model_construct(
            kind="posting", id="pos-zero", person="p-evil", person_name="Evil", role="diplomat", sending="RUS",
            receiving="USA", start="0000", end="0000-03", exit_type="expelled", certainty="confirmed",
            sources=[source], count=None, group=None,
        ),
    ]  # fmt: skip
    with store.transaction() as conn:
        store.write(conn, legacy, actor="older-legation")  # type: ignore[arg-type]


def test_cli_readers_survive_records_from_before_the_rules(db_url: str, cli: Any) -> None:
    store = Store.open(db_url)
    _slipped_in(store)
    store.close()
    result = cli(db_url, "check", "--format", "json")
    assert result.exit_code == 1 and "Traceback" not in result.output
    findings = json.loads(result.output.split("\nerror:", 1)[0])["findings"]
    flagged = {(f["record"], f["field"]) for f in findings if f["check"] == "codes"}
    assert {("m-zero", "date"), ("m-arabic", "date"), ("c-zero", "date"), ("pos-zero", "start")} <= flagged
    for command in (["dyad", "USA", "RUS"], ["brief", "p-evil"], ["isolation", "p-evil"], ["export"], ["stats"]):
        outcome = cli(db_url, *command)
        assert outcome.exit_code == 0, (command, outcome.output[-2000:])


def test_pages_and_apis_survive_records_from_before_the_rules(store: Store) -> None:
    _slipped_in(store)
    with client(store) as web:
        for url in (
            "/dyad/USA/RUS", "/api/dyad/USA/RUS", "/brief/p-evil", "/api/brief/p-evil", "/state/RUS",
            "/api/state/RUS", "/person/p-evil", "/api/person/p-evil", "/", "/search?q=expulsion",
            "/record/m-zero", "/api/records/m-zero",
        ):  # fmt: skip
            response = web.get(url)
            assert response.status_code == 200, (url, response.text[:500])


# --- files that crashed the import -----------------------------------------------------------


def _refused(tmp_path: Path, cli: Any, name: str, content: str | bytes, *args: str) -> str:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    db = str(tmp_path / "store.db")
    if not Path(db).exists():
        assert cli(db, "import", str(write_jsonl(tmp_path / "seed.jsonl", [MEASURE]))).exit_code == 0
    before = snapshot(db)
    result = cli(db, "import", *args, str(path))
    assert snapshot(db) == before
    assert result.exit_code in (0, 2), result.output[-3000:]
    return _one_line(result.output) if result.exit_code else result.output


MEASURE_YAML = (
    "- kind: measure\n  id: m-y\n  type: expulsion\n  actor: RUS\n  target: USA\n  count: {count}\n"
    "  certainty: confirmed\n  sources: [{{url: 'https://example.org/a'}}]\n"
)
CRASHED = [
    ("JSON nested 5,000 levels", "deep.jsonl", "[" * 5000 + "]" * 5000 + "\n", "line 1: nested too deeply"),
    ("YAML nested 5,000 levels", "deep.yaml", "- " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
    ("YAML integer 2^70", "big.yaml", MEASURE_YAML.format(count=2**70), "field 'count': expected a number at most"),
    (
        "JSON integer 2^70",
        "big.jsonl",
        json.dumps({**MEASURE, "id": "m-big", "count": 0}).replace('"count": 0', f'"count": {2**70}') + "\n",
        "field 'count': expected a number at most",
    ),
    (
        "CSV cell of 2 MB",
        "persons.csv",
        "id,name,certainty,source_url\np-long," + "a" * 2_000_000 + ",confirmed,https://example.org\n",
        "persons.csv:line 2: broken CSV",
    ),
    ("control character in YAML", "ctl.yaml", "- kind: person\n  id: p\x11\n", "ctl.yaml:line 2: a control character"),
    ("bad UTF-8 in YAML", "bad.yaml", b"- kind: person\n  id: p\n  name: Bad \xff\n", "bad.yaml:line 3: not UTF-8"),
    ("bad UTF-8 in CSV", "persons.csv", b"id,name\np-1,Good\np-2,Bad \xff\n", "persons.csv:line 3: not UTF-8"),
]


@pytest.mark.parametrize(("name", "file", "content", "expected"), CRASHED, ids=[c[0] for c in CRASHED])
def test_files_that_crashed_the_import_give_one_line(
    tmp_path: Path, cli: Any, name: str, file: str, content: str | bytes, expected: str
) -> None:
    assert expected in _refused(tmp_path, cli, file, content)


def test_a_csv_cell_over_128_kib_is_read(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "persons.csv"
    path.write_text("id,name,certainty,source_url\np-long," + "a" * 200_000 + ",confirmed,https://example.org\n")
    result = cli(str(tmp_path / "s.db"), "import", str(path))
    assert result.exit_code == 0 and "1 created" in result.output


def test_yaml_alias_bomb_is_refused_without_expanding(tmp_path: Path, cli: Any) -> None:
    layers = ["x0: &x0 [" + ", ".join(["lol"] * 9) + "]"]
    layers += [f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * 9) + "]" for i in range(1, 9)]
    bomb = "- kind: person\n  id: p-lol\n  name: Lol\n  notes:\n" + "".join(f"    {line}\n" for line in layers)
    assert len(bomb) < 1000
    reject = tmp_path / "rejects.jsonl"
    line = _refused(tmp_path, cli, "bomb.yaml", bomb, "--keep-going", "--reject", str(reject))
    assert "bomb.yaml: YAML aliases expand" in line
    assert not reject.exists() or reject.stat().st_size < 10_000


def test_a_huge_id_makes_a_short_message(tmp_path: Path, cli: Any) -> None:
    huge = {**MEASURE, "id": "m" * 1_000_000}
    line = _refused(tmp_path, cli, "huge.jsonl", json.dumps(huge) + "\n")
    assert len(line) < 1000 and "field 'id'" in line


def test_keep_going_writes_an_unparsed_line_to_the_reject_file(tmp_path: Path, cli: Any) -> None:
    reject = tmp_path / "rejects.jsonl"
    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps(MEASURE) + "\n" + "[" * 5000 + "\n")
    result = cli(str(tmp_path / "s.db"), "import", "--keep-going", "--reject", str(reject), str(path))
    assert result.exit_code == 0 and "1 rejected" in result.output
    assert json.loads(reject.read_text())["line"] == 2


def test_a_chain_of_references_is_refused_in_two_passes(store: Store) -> None:
    """1,600 measures each answering the one before, the first answering a missing one: every
    link is refused, and the import does not repeat itself once per link (it took 71 s before)."""
    chain = [
        rec("measure", f"m-{i}", type="expulsion", actor="RUS", target="USA", reciprocal_of=f"m-{i - 1}")
        for i in range(1600)
    ]
    items = [imports.Located("chain.jsonl", i + 1, raw) for i, raw in enumerate(chain)]
    passes: list[int] = []
    event.listen(store.engine, "begin", lambda _conn: passes.append(1))
    report = imports.import_records(store, items, keep_going=True)
    assert (report.rejected, report.created) == (1600, 0)
    assert len(passes) <= 3
    assert report.errors[1]["field"] == "reciprocal_of"
