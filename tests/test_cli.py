"""The CLI through its runner, then the real SQLite file opened with the library."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from followthemoney import model

from legation.registry.store import Store
from tests.conftest import rec, rurarz, rurarz_posting, write_jsonl

PERSON = rurarz(birth="1930-02-24", citizenship="POL")
POSTING = rurarz_posting(destination="USA")
CONSEQUENCE = rec("consequence", "con-1", posting="pos-rurarz-jpn-1981", type="citizenship_stripped")
MEASURE = rec(
    "measure",
    "m-1",
    type="persona_non_grata",
    actor="USA",
    target="RUS",
    date="2022-02-17",
    count=1,
    persons=["p-zdzislaw-rurarz"],
)
GROUP = rec(
    "posting",
    "pos-afg",
    group="55 Afghan ambassadors and staff",
    count=55,
    role="ambassador",
    sending="AFG",
    receiving="USA",
    end="2021",
    exit_type="sought_asylum",
)
ALL = [PERSON, POSTING, CONSEQUENCE, MEASURE, GROUP]


def loaded(tmp_path: Path, cli: object) -> str:
    db = str(tmp_path / "cli.db")
    result = cli(db, "import", str(write_jsonl(tmp_path / "in.jsonl", ALL)))  # type: ignore[operator]
    assert result.exit_code == 0, result.output
    assert "5 created" in result.stdout
    return db


def test_show_finds_a_person_by_name_without_accents(tmp_path: Path, cli: object) -> None:
    db = loaded(tmp_path, cli)
    result = cli(db, "show", "zdzislaw rurarz", "--format", "json")  # type: ignore[operator]
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["person"]["id"] == "p-zdzislaw-rurarz"
    assert [p["id"] for p in data["postings"]] == ["pos-rurarz-jpn-1981"]
    assert [c["type"] for c in data["consequences"]] == ["citizenship_stripped"]
    assert [m["id"] for m in data["measures"]] == ["m-1"]
    table = cli(db, "show", "Rurarz")  # type: ignore[operator]
    assert "defected" in table.stdout and "https://example.org/report" in table.stdout


def test_show_unknown_person_is_a_clean_error(tmp_path: Path, cli: object) -> None:
    db = loaded(tmp_path, cli)
    result = cli(db, "show", "Nobody Atall")  # type: ignore[operator]
    assert result.exit_code == 1 and result.stderr.startswith("error: no person matches")


def test_search_and_history(tmp_path: Path, cli: object) -> None:
    db = loaded(tmp_path, cli)
    found = json.loads(cli(db, "search", "Afghan", "--format", "json").stdout)  # type: ignore[operator]
    assert [h["id"] for h in found["hits"]] == ["pos-afg"]
    edited = write_jsonl(tmp_path / "edit.jsonl", [{**GROUP, "count": 56}])
    assert "1 updated" in cli(db, "import", str(edited)).stdout  # type: ignore[operator]
    history = json.loads(cli(db, "history", "pos-afg", "--format", "json").stdout)  # type: ignore[operator]
    assert [(v["version"], v["data"]["count"]) for v in history] == [(1, 55), (2, 56)]


def test_stats_counts_by_kind_exit_type_decade_and_state(tmp_path: Path, cli: object) -> None:
    db = loaded(tmp_path, cli)
    data = json.loads(cli(db, "stats", "--format", "json").stdout)  # type: ignore[operator]
    assert data["records"]["posting"] == 2 and data["records"]["measure"] == 1
    assert data["by_exit_type"] == {"defected": 1, "sought_asylum": 1}
    assert data["by_decade"] == {"1980s": 1, "2020s": 1}
    assert data["by_sending_state"] == {"POL": 1, "AFG": 1}


def test_import_from_stdin_yaml_and_csv(tmp_path: Path, cli: object) -> None:
    db = str(tmp_path / "forms.db")
    stdin = "".join(json.dumps(r) + "\n" for r in [PERSON, POSTING])
    assert cli(db, "import", "-", input=stdin).exit_code == 0  # type: ignore[operator]
    yaml_file = tmp_path / "more.yaml"
    yaml_file.write_text(
        "- kind: person\n  id: p-yaml\n  name: Yaml Person\n  certainty: reported\n"
        "  sources:\n    - url: https://example.org/y\n",
        encoding="utf-8",
    )
    csv_file = tmp_path / "persons.csv"
    csv_file.write_text(
        "id,name,aliases,certainty,source_url,source_title\n"
        'p-csv,Csv Person,"[""C. Person""]",confirmed,https://example.org/c,C\n',
        encoding="utf-8",
    )
    result = cli(db, "import", str(yaml_file), str(csv_file))  # type: ignore[operator]
    assert result.exit_code == 0, result.output
    store = Store.open(db)
    assert store.get("p-yaml")["certainty"] == "reported"  # type: ignore[index]
    assert store.get("p-csv")["aliases"] == ["C. Person"]  # type: ignore[index]
    assert store.get("pos-rurarz-jpn-1981")["person_name"] == "Zdzisław Rurarz"  # type: ignore[index]


def test_csv_export_round_trips(tmp_path: Path, cli: object) -> None:
    db = loaded(tmp_path, cli)
    folder = tmp_path / "csv"
    assert cli(db, "export", "--format", "csv", "-o", str(folder)).exit_code == 0  # type: ignore[operator]
    assert sorted(p.name for p in folder.iterdir()) == [
        "consequences.csv",
        "measures.csv",
        "persons.csv",
        "postings.csv",
    ]
    rows = list(csv.DictReader((folder / "postings.csv").open(encoding="utf-8")))
    assert {r["id"] for r in rows} == {"pos-afg", "pos-rurarz-jpn-1981"}
    again = str(tmp_path / "again.db")
    assert cli(again, "import", *sorted(str(p) for p in folder.iterdir())).exit_code == 0  # type: ignore[operator]
    first = cli(db, "export").stdout  # type: ignore[operator]
    second = cli(again, "export").stdout  # type: ignore[operator]
    assert first == second and len(first.splitlines()) == 5


def test_ftm_export_is_read_back_by_followthemoney(tmp_path: Path, cli: object) -> None:
    db = loaded(tmp_path, cli)
    out = tmp_path / "entities.ftm.json"
    assert cli(db, "export", "--format", "ftm", "-o", str(out)).exit_code == 0  # type: ignore[operator]
    entities = [model.get_proxy(json.loads(line)) for line in out.read_text().splitlines()]
    by_schema: dict[str, list[object]] = {}
    for entity in entities:
        by_schema.setdefault(entity.schema.name, []).append(entity)
    assert set(by_schema) == {"Person", "Position", "Occupancy", "Event"}
    person = next(e for e in entities if e.id == "p-zdzislaw-rurarz")
    assert person.get("citizenship") == ["pl"] and "Zdzislaw Rurarz" in person.get("alias")
    occupancy = next(e for e in entities if e.schema.name == "Occupancy")
    assert occupancy.get("holder") == ["p-zdzislaw-rurarz"] and occupancy.get("status") == ["ended"]
    names = sorted(e.first("name") for e in entities if e.schema.name == "Event")
    assert any(n.startswith("defected: ") for n in names) and any(n.startswith("sought_asylum: ") for n in names)
    assert any(n.startswith("citizenship_stripped: ") for n in names)
    assert any(n.startswith("persona_non_grata: ") for n in names)
    for entity in entities:
        assert entity.schema.validate(entity.to_dict()) is None


def test_init_bundled_loads_the_seed_records_with_sources(tmp_path: Path, cli: object) -> None:
    db = str(tmp_path / "bundled.db")
    assert cli(db, "init", "--bundled").exit_code == 0  # type: ignore[operator]
    store = Store.open(db)
    for record_id in (
        "pos-antonov-usa",
        "pos-melville-est-2018",
        "pos-feeley-pan-2018",
        "pos-rurarz-jpn-1981",
        "pos-chubais-envoy-2022",
        "pos-dvorkovich-skolkovo-2022",
        "pos-afg-asylum-usa-2022",
        "pos-prk-defectors-kor",
        "m-usa-rus-2022-visa_denial",
        "m-usa-rus-2022-staff_expulsion",
        "m-rus-usa-harassment",
        "m-un-rus-2022-suspension_from_body",
        "c-antonov-2022-1",
    ):
        record = store.get(record_id)
        assert record is not None, record_id
        assert any("unherd.com" in s["url"] for s in record["sources"])
    assert store.get("pos-dvorkovich-skolkovo-2022")["role"] == "official"  # type: ignore[index]
    assert store.get("pos-afg-asylum-usa-2022")["count"] == 55  # type: ignore[index]
    again = cli(db, "init", "--bundled")  # type: ignore[operator]
    assert "0 created, 0 updated" in again.stderr


def test_json_output_is_what_json_dumps_writes(capsys: pytest.CaptureFixture[str]) -> None:
    """emit_json writes with orjson (a tenth of the time for `check`'s 100k findings), byte for byte
    as json.dumps(indent=2) did, and falls back to json for what orjson cannot write."""
    import datetime

    from legation.cli.common import emit_json

    value = {"a": 1.5, 3: "x", "when": datetime.datetime(2026, 1, 2, 3, 4), "day": datetime.date(2026, 1, 1)}
    for data in (value, {**value, "name": "Zdzisław", "list": [1, None, True], "empty": {}}, {"big": 2**70}, []):
        emit_json(data)
        assert capsys.readouterr().out == json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
