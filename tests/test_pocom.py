"""POCOM: a small checkout built here, the tarball form of it, and the real snapshot when ../shared is there."""

from __future__ import annotations

import io
import json
import sqlite3
import tarfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from legation.importers import pocom
from legation.registry import bundled
from legation.registry.store import Store
from tests.conftest import SHARED

SNAPSHOT = SHARED / "data" / "pocom" / "pocom.tar.gz"


def _chief(cid: str, person: str, role: str, start: str, end: str, note: str, territory: str = "") -> str:
    where = f"<contemporary-territory-id>{territory}</contemporary-territory-id>" if territory else ""
    return (
        f"<chief><id>{cid}</id><person-id>{person}</person-id><role-title-id>{role}</role-title-id>{where}"
        "<appointed><date>1900</date><note/></appointed><arrived><date/><note/></arrived>"
        f"<started><date>{start}</date><note/></started><ended><date>{end}</date><note>{note}</note></ended>"
        "<note/></chief>"
    )


PERSONS = {
    "smith-ann-b": ("Smith", "Ann B.", "", "1950", ""),
    "doe-john-q": ("Doe", "John Q.", "Jr.", "1820", "1890"),
    "roe-mary": ("Roe", "Mary", "", "", ""),
}
CHIEFS = {
    "missions-countries/panama.xml": (
        "panama",
        [
            _chief("pa-1903-doe-01", "doe-john-q", "envoy-extraordinary-minister-plenipotentiary", "1903-11", "", ""),
            _chief("pa-1950-doe-01", "doe-john-q", "ambassador-e-p", "1850", "1851-02-03", "Died at post on"),
            _chief("pa-2016-smit-01", "smith-ann-b", "ambassador-e-p", "2016-02-16", "2018-03-09", "Left post"),
        ],
    ),
    "missions-countries/bolivia.xml": (
        "bolivia",
        [
            _chief(
                "bo-2006-roe-01",
                "roe-mary",
                "ambassador-e-p",
                "2006-10-13",
                "2008-09-14",
                'Declared <hi rend="italic">persona non grata</hi> by the Government of Bolivia; left post,',
            ),
            _chief(
                "bo-1960-smit-01",
                "smith-ann-b",
                "charge-daffaires",
                "1960",
                "1961-01-03",
                "Bolivia severed diplomatic relations with the United States on",
            ),
            _chief("bo-1970-smit-01", "smith-ann-b", "charge-daffaires", "1970", "1971", "Superseded"),
        ],
    ),
}


def _person_xml(pid: str) -> str:
    surname, forename, gen, birth, death = PERSONS[pid]
    gen_xml = f"<genName>{gen}</genName>" if gen else ""
    return (
        f"<person><id>{pid}</id><persName><surname>{surname}</surname><forename>{forename}</forename>{gen_xml}"
        f"</persName><birth>{birth}</birth><death>{death}</death></person>"
    )


def _write(root: Path, chiefs: dict[str, tuple[str, list[str]]] = CHIEFS) -> Path:
    for pid in PERSONS:
        path = root / "people" / pid[0] / f"{pid}.xml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_person_xml(pid), encoding="utf-8")
    for name, (territory, items) in chiefs.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        body = "".join(items)
        path.write_text(
            f"<country-mission><territory-id>{territory}</territory-id><chiefs>{body}</chiefs></country-mission>"
        )
    un = root / "missions-orgs" / "representative-to-un.xml"
    un.parent.mkdir(parents=True, exist_ok=True)
    un.write_text(
        "<org-mission><id>representative-to-un</id><chiefs>"
        + _chief("un-2017-roe-01", "roe-mary", "representative-to-un", "2017-01-27", "2018-12-31", "Left post")
        + "</chiefs></org-mission>"
    )
    return root


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    return _write(tmp_path / "pocom")


def _records(store: Store) -> dict[str, dict[str, Any]]:
    return {r["id"]: json.loads(r["data"]) for r in store.rows("SELECT id, data FROM records")}


def test_import_maps_chiefs_persons_exits_and_measures(checkout: Path, sqlite_path: str, cli: Any) -> None:
    result = cli(sqlite_path, "pocom", "import", str(checkout), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["created"] == 3 + 7 + 2
    items = _records(Store.open(sqlite_path))
    doe = items["pocom-doe-john-q"]
    assert (doe["name"], doe["birth"], doe["death"], doe["citizenship"]) == ("John Q. Doe Jr.", "1820", "1890", "USA")
    assert doe["sources"][0]["url"] == "https://history.state.gov/departmenthistory/people/doe-john-q"
    assert doe["sources"][1]["url"] == pocom.DATASET_URL
    open_ = items["pocom-pa-1903-doe-01"]
    assert (open_["role"], open_["start"], open_.get("end"), open_.get("exit_type")) == (
        "minister",
        "1903-11",
        None,
        None,
    )
    died = items["pocom-pa-1950-doe-01"]
    assert (died["start"], died["end"], died["exit_type"], died["reason"]) == (
        "1850",
        "1851-02-03",
        "died",
        "Died at post",
    )
    left = items["pocom-pa-2016-smit-01"]
    assert (left["receiving"], left["exit_type"], left.get("reason")) == ("PAN", "term_completed", None)
    png = items["pocom-bo-2006-roe-01"]
    assert png["exit_type"] == "expelled"
    measure = items["pocom-bo-2006-roe-01-persona_non_grata"]
    assert (measure["actor"], measure["target"], measure["date"], measure["persons"]) == (
        "BOL",
        "USA",
        "2008-09-14",
        ["pocom-roe-mary"],
    )
    severed = items["pocom-bo-1960-smit-01-relations_severed"]
    assert (severed["type"], severed["actor"], severed["target"], severed["date"]) == (
        "relations_severed",
        "BOL",
        "USA",
        "1961-01-03",
    )
    other = items["pocom-bo-1970-smit-01"]
    assert (other["exit_type"], other["reason"], other["end"]) == ("unknown", "Superseded", "1971")
    un = items["pocom-un-2017-roe-01"]
    assert (un["receiving"], un["role"], un["post"]) == ("UN", "permanent_representative", "New York")


def test_reimport_changes_nothing_and_one_changed_chief_makes_one_version(
    checkout: Path, sqlite_path: str, cli: Any
) -> None:
    assert cli(sqlite_path, "pocom", "import", str(checkout)).exit_code == 0
    again = json.loads(cli(sqlite_path, "pocom", "import", str(checkout), "--format", "json").stdout)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 12)
    panama = checkout / "missions-countries" / "panama.xml"
    panama.write_text(panama.read_text().replace("2018-03-09", "2018-03-10"))
    newer = json.loads(cli(sqlite_path, "pocom", "import", str(checkout), "--format", "json").stdout)
    assert (newer["created"], newer["updated"], newer["unchanged"]) == (0, 1, 11)
    history = Store.open(sqlite_path).history("pocom-pa-2016-smit-01")
    assert [v["version"] for v in history] == [1, 2]
    assert (history[0]["data"]["end"], history[1]["data"]["end"]) == ("2018-03-09", "2018-03-10")


def test_a_tarball_reads_like_the_checkout(checkout: Path, tmp_path: Path) -> None:
    archive = tmp_path / "pocom.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(checkout, arcname="pocom-abc")
        tar.pax_headers = {"comment": "abc"}
    assert pocom.read(pocom.open_snapshot(archive)).records == pocom.read(pocom.open_snapshot(checkout)).records


def test_bad_input_is_one_clear_error_and_writes_nothing(checkout: Path, sqlite_path: str, cli: Any) -> None:
    bolivia = checkout / "missions-countries" / "bolivia.xml"
    bolivia.write_text(bolivia.read_text().replace("2008-09-14", "14 Sept 2008"))
    result = cli(sqlite_path, "pocom", "import", str(checkout))
    assert result.exit_code == 2
    assert "missions-countries/bolivia.xml: chief bo-2006-roe-01" in result.stderr
    assert "ended/date" in result.stderr and "'14 Sept 2008'" in result.stderr
    assert Store.open(sqlite_path).scalar("SELECT count(*) FROM records") == 0
    bolivia.write_text("<country-mission><chiefs>")
    broken = cli(sqlite_path, "pocom", "import", str(checkout))
    assert broken.exit_code == 2 and "bolivia.xml" in broken.stderr and "well-formed XML" in broken.stderr
    missing = cli(sqlite_path, "pocom", "import", str(checkout / "nowhere"))
    assert missing.exit_code == 2 and "no such file or folder" in missing.stderr
    not_tar = checkout / "notes.txt"
    not_tar.write_text("hello")
    assert "expected a POCOM tarball" in cli(sqlite_path, "pocom", "import", str(not_tar)).stderr


def test_export_writes_the_records_it_would_import(checkout: Path, tmp_path: Path, cli: Any) -> None:
    out = tmp_path / "pocom.jsonl"
    result = cli(str(tmp_path / "unused.db"), "pocom", "export", str(checkout), "-o", str(out))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in lines][:3] == ["pocom-doe-john-q", "pocom-roe-mary", "pocom-smith-ann-b"]
    assert len(lines) == 12


needs_snapshot = pytest.mark.skipif(not SNAPSHOT.exists(), reason="../shared/data/pocom is not here")


@needs_snapshot
def test_the_bundled_file_is_what_the_importer_makes_from_the_snapshot() -> None:
    (name, path), *_ = bundled.registries()
    made = io.BytesIO()
    pocom.write_jsonl(pocom.read(pocom.open_snapshot(SNAPSHOT)).records, made)
    assert name == "pocom"
    assert Path(path).read_bytes() == made.getvalue(), (
        "run `legation pocom export ... -o legation/data/bundled/registries/pocom.jsonl`"
    )


@pytest.fixture(scope="module")
def reading() -> pocom.Reading:
    return pocom.read(pocom.open_snapshot(SNAPSHOT))


@needs_snapshot
def test_the_docs_give_the_mapping_counts_of_the_snapshot(reading: pocom.Reading) -> None:
    postings = [r for r in reading.records if r["kind"] == "posting"]
    ends = Counter(p.get("exit_type") for p in postings)
    order = ("term_completed", "unknown", "died", "recalled", "expelled", "resigned")
    said = ", ".join(f"{ends[e]:,} in `{e}`" for e in order[1:-1]) + f" and {ends['resigned']:,} in `resigned`"
    text = " ".join((Path(__file__).parents[1] / "docs" / "registries.md").read_text().split())
    assert f"So {ends['term_completed']:,} postings end in `term_completed`, {said}" in text
    assert f"| {reading.exits['Left post']:,} |" in text and f"| {ends[None]:,} |" in text
    measures = Counter(r["type"] for r in reading.records if r["kind"] == "measure")
    severed = measures["relations_severed"]
    assert f"{measures['persona_non_grata']} persona non grata measures and {severed} severances" in text


@needs_snapshot
def test_the_snapshot_maps_its_end_notes(reading: pocom.Reading) -> None:
    postings = [r for r in reading.records if r["kind"] == "posting"]
    measures = [r for r in reading.records if r["kind"] == "measure"]
    assert len(postings) == 5968 and sum(r["kind"] == "person" for r in reading.records) == 4261
    png = [p for p in postings if (p.get("reason") or "").startswith("Declared persona non grata")]
    assert len(png) >= 4 and all(p["exit_type"] == "expelled" for p in png)
    assert {m["type"] for m in measures} == {"persona_non_grata", "relations_severed"}
    assert sum(m["type"] == "persona_non_grata" for m in measures) == len(png)
    assert sum(p.get("exit_type") == "died" for p in postings) >= 80
    noted = {m["id"].removesuffix("-relations_severed") for m in measures if m["type"] == "relations_severed"}
    assert {p["id"] for p in postings if "severed" in (p.get("reason") or "")} <= noted
    assert len(noted) == 19


@needs_snapshot
def test_importing_the_snapshot_over_the_bundled_data_changes_nothing(
    bundled_db: str, tmp_path: Path, cli: Any
) -> None:
    copy = tmp_path / "copy.db"
    with sqlite3.connect(bundled_db) as source, sqlite3.connect(copy) as target:
        source.backup(target)  # the WAL's pages too
    result = cli(str(copy), "pocom", "import", str(SNAPSHOT), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 10254)
    assert {m["existing"] for m in report["merged"]} >= {"p-john-feeley", "p-james-melville"}
    queued = json.loads(cli(str(copy), "review", "--format", "json").stdout)
    proposals = [r for r in queued if r["section"] == "person_merge"]
    assert len(proposals) == len(report["proposed"]) > 0
    again = cli(str(copy), "pocom", "import", str(SNAPSHOT))
    assert again.exit_code == 0 and len(json.loads(cli(str(copy), "review", "--format", "json").stdout)) == len(queued)
