"""POCOM: the Office of the Historian's Principal Officers and Chiefs of Mission, as records.

The dataset (https://github.com/HistoryAtState/pocom, CC0) is read from a `git archive` tarball or a
checkout. Each `<chief>` becomes a posting of the United States, each person a person; the end note
gives the exit type and, for a declaration of persona non grata or a severance of relations, a
measure. The rules live in `data/pocom.yaml` and are documented in docs/registries.md. Records keep
no trace of the snapshot (commit or date), so a newer snapshot changes only the records whose
chiefs or persons changed.
"""

from __future__ import annotations

import re
import tarfile
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import IO, Any

import orjson
import pycountry

from legation.errors import InputError
from legation.importers import reconciled
from legation.registry import dates, vocabularies
from legation.registry import records as records_mod
from legation.registry.imports import Progress
from legation.registry.store import Store

PREFIX = "pocom-"
DATASET_URL = "https://github.com/HistoryAtState/pocom"
PERSON_URL = "https://history.state.gov/departmenthistory/people/{}"
PUBLISHER = "Office of the Historian, U.S. Department of State"
DATASET = {
    "url": DATASET_URL,
    "title": "Principal Officers and Chiefs of Mission (POCOM) dataset",
    "publisher": PUBLISHER,
}
FOLDERS = ("missions-countries/", "missions-orgs/", "people/")


@cache
def rules() -> dict[str, Any]:
    text = resources.files("legation").joinpath("data/pocom.yaml").read_text("utf-8")
    data: dict[str, Any] = vocabularies.parse_yaml(text)
    for rule in data["exits"]:
        rule["regex"] = re.compile(rule["pattern"], re.IGNORECASE)
    return data


@dataclass
class Snapshot:
    """The XML files of one POCOM snapshot, by path inside the repository."""

    name: str
    files: dict[str, bytes]
    commit: str | None = None

    def paths(self, folder: str) -> list[str]:
        return sorted(p for p in self.files if p.startswith(folder) and p.endswith(".xml"))


def open_snapshot(path: str | Path) -> Snapshot:
    """Read a `git archive` tarball (.tar, .tar.gz) or a checkout of the repository."""
    target = Path(path)
    if target.is_dir():
        files = {
            str(p.relative_to(target)): p.read_bytes()
            for folder in FOLDERS
            for p in sorted((target / folder).rglob("*.xml"))
        }
        snapshot = Snapshot(str(target), files, _head(target))
    elif target.is_file():
        snapshot = _tarball(target)
    else:
        raise InputError("no such file or folder; expected a POCOM tarball or a checkout", file=str(path))
    if not snapshot.paths("missions-countries/") or not snapshot.paths("people/"):
        raise InputError(
            "no missions-countries/*.xml or people/*/*.xml; expected the HistoryAtState/pocom repository",
            file=str(path),
        )
    return snapshot


def _tarball(target: Path) -> Snapshot:
    try:
        with tarfile.open(target) as archive:
            files: dict[str, bytes] = {}
            for member in archive.getmembers():
                name = _inside(member.name)
                if member.isfile() and name.endswith(".xml") and name.startswith(FOLDERS):
                    handle = archive.extractfile(member)
                    files[name] = handle.read() if handle else b""
            commit = archive.pax_headers.get("comment")  # `git archive` writes the commit id here
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InputError(f"expected a POCOM tarball ({exc})", file=str(target)) from None
    return Snapshot(str(target), files, commit)


def _inside(name: str) -> str:
    """A member's path inside the repository, with or without a leading `pocom-<commit>/` folder."""
    name = name.removeprefix("./")
    for folder in FOLDERS:
        at = name.find(folder)
        if at >= 0 and (at == 0 or name[at - 1] == "/"):
            return name[at:]
    return name


def _head(folder: Path) -> str | None:
    head = folder / ".git" / "HEAD"
    if not head.is_file():
        return None
    ref = head.read_text().strip()
    if ref.startswith("ref: "):
        found = folder / ".git" / ref[5:]
        return found.read_text().strip() if found.is_file() else None
    return ref


@dataclass
class Reading:
    """The records of one snapshot, and what the end notes mapped to."""

    records: list[dict[str, Any]] = field(default_factory=list)
    exits: Counter[str] = field(default_factory=Counter)
    unknown_notes: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)


def read(snapshot: Snapshot) -> Reading:
    """Persons first, then each mission's chiefs in file order, then the measures."""
    reading = Reading()
    names: dict[str, str] = {}
    for path in snapshot.paths("people/"):
        person = _person(path, _parse(snapshot, path))
        names[person["id"]] = person["name"]
        reading.records.append(person)
    measures: list[dict[str, Any]] = []
    used: Counter[str] = Counter()
    for path in snapshot.paths("missions-countries/") + snapshot.paths("missions-orgs/"):
        root = _parse(snapshot, path)
        for chief in root.iter("chief"):
            posting, measure = _posting(path, root, chief, names, reading)
            used[posting["id"]] += 1
            if used[posting["id"]] > 1:  # a few chiefs share an id (bz-1983-barn-01): number the repeats
                posting["id"] += f"-{used[posting['id']]}"
                measure = {**measure, "id": f"{posting['id']}-{measure['type']}"} if measure else None
            reading.records.append(posting)
            measures += [measure] if measure else []
    reading.records += measures
    _drop_impossible_births(reading)
    return reading


def _drop_impossible_births(reading: Reading) -> None:
    """A birth year after the person's first posting began is a slip in the dataset: leave it out."""
    first: dict[str, str] = {}
    for record in reading.records:
        if record["kind"] == "posting" and record.get("start"):
            first[record["person"]] = min(first.get(record["person"], "9999"), record["start"][:4])
    for record in reading.records:
        if record["kind"] == "person" and record.get("birth", "0") > first.get(record["id"], "9999"):
            reading.skipped.append(f"{record['id']}: birth {record.pop('birth')} after the first posting began")


def _parse(snapshot: Snapshot, path: str) -> ET.Element:
    try:
        return ET.fromstring(snapshot.files[path])
    except ET.ParseError as exc:
        raise InputError(f"expected well-formed XML ({exc})", file=f"{snapshot.name}:{path}") from None


def _text(element: ET.Element | None) -> str:
    """All the text of an element, children included (notes italicise `persona non grata`)."""
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _date(element: ET.Element, name: str, where: str) -> str | None:
    value = _text(element.find(f"{name}/date"))
    if not value:
        return None
    try:
        return dates.normalise(value)
    except ValueError:
        raise InputError(
            f"expected an ISO date (YYYY, YYYY-MM or YYYY-MM-DD); got {value!r}", file=where, field=f"{name}/date"
        ) from None


def _sources(person_id: str, name: str) -> list[dict[str, Any]]:
    page = {"url": PERSON_URL.format(person_id), "title": f"{name}, Department History: People", "publisher": PUBLISHER}
    return [page, DATASET]


def _person(path: str, root: ET.Element) -> dict[str, Any]:
    pid = _text(root.find("id")) or Path(path).stem
    names = root.find("persName")
    parts = [_text(names.find(t)) if names is not None else "" for t in ("forename", "surname", "genName")]
    name = " ".join(p for p in parts if p) or pid
    alt = [_text(a) for a in (names.iter("altname") if names is not None else [])]
    record: dict[str, Any] = {
        "kind": "person",
        "id": PREFIX + pid,
        "name": name,
        "aliases": [a for a in dict.fromkeys(alt) if a and a != name],
        "birth": _year(_text(root.find("birth"))),
        "death": _year(_text(root.find("death"))),
        "citizenship": "USA",
        "certainty": "confirmed",
        "sources": _sources(pid, name),
    }
    return {k: v for k, v in record.items() if v not in (None, [])}


def _year(value: str) -> str | None:
    return value if re.fullmatch(r"\d{4}", value) else None


def _posting(
    path: str, root: ET.Element, chief: ET.Element, names: dict[str, str], reading: Reading
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    where = f"{path}: chief {_text(chief.find('id'))}"
    pid = _text(chief.find("person-id"))
    if PREFIX + pid not in names:
        raise InputError(f"expected a person in people/; no file for {pid!r}", file=where, field="person-id")
    end = _date(chief, "ended", where)
    start = _start(chief, end, where)
    receiving, post = _receiving(path, root, chief, start, where)
    note = _text(chief.find("ended/note"))
    exit_type, reason, rule = _exit(note, end)
    if exit_type:
        reading.exits[rule] += 1
        if rule == "unknown" and note:
            reading.unknown_notes[_tidy(note)] += 1
    person_id = PREFIX + pid
    record: dict[str, Any] = {
        "kind": "posting",
        "id": PREFIX + _text(chief.find("id")),
        "person": person_id,
        "person_name": names[person_id],
        "role": _role(_text(chief.find("role-title-id")), where),
        "sending": "USA",
        "receiving": receiving,
        "post": post,
        "start": start,
        "end": end,
        "exit_type": exit_type,
        "reason": reason,
        "certainty": "confirmed",
        "sources": _sources(pid, names[person_id]),
    }
    record = {k: v for k, v in record.items() if v is not None}
    return record, _measure(record, rule, note)


def _start(chief: ET.Element, end: str | None, where: str) -> str | None:
    """`started`, else `credentialed`, else `appointed`: the first that is not after the end."""
    for name in ("started", "credentialed", "appointed"):
        found = _date(chief, name, where)
        if found and not (end and dates.upper(end) < dates.lower(found)):
            return found
    return None


def _role(role_title: str, where: str) -> str:
    for pattern, role in rules()["roles"].items():
        if role_title == pattern or (pattern.endswith("*") and role_title.startswith(pattern[:-1])):
            return str(role)
    raise InputError(
        f"expected a role title listed in legation/data/pocom.yaml; got {role_title!r}",
        file=where,
        field="role-title-id",
    )


def _receiving(
    path: str, root: ET.Element, chief: ET.Element, start: str | None, where: str
) -> tuple[str | None, str | None]:
    if path.startswith("missions-orgs/"):
        org = rules()["organisations"].get(_text(root.find("id")) or Path(path).stem)
        if org is None:
            raise InputError("expected an organisation listed in legation/data/pocom.yaml", file=where, field="id")
        return org.get("body"), org.get("post")
    territory = _text(chief.find("contemporary-territory-id")) or _text(root.find("territory-id"))
    for period in rules()["periods"]:
        if period["territory"] == territory and start and period["from"] <= start <= period["to"]:
            return str(period["body"]), None
    return _body(territory, where), None


@cache
def _territory(territory: str) -> str | None:
    listed = rules()["territories"].get(territory)
    if listed:
        return str(listed)
    try:
        return str(pycountry.countries.lookup(territory.replace("-", " ")).alpha_3)
    except LookupError:
        return None


def _body(territory: str, where: str) -> str:
    code = _territory(territory)
    if code is None:
        raise InputError(
            f"expected a territory ISO 3166 names or legation/data/pocom.yaml lists; got {territory!r}",
            file=where,
            field="contemporary-territory-id",
        )
    return code


def _tidy(note: str) -> str:
    """The note without the dangling words its date followed ("Left post on")."""
    return re.sub(r"[\s,;.]*(\b(on|about|as of)\b)?[\s,;.]*$", "", note).strip() or note


def _exit(note: str, end: str | None) -> tuple[str | None, str | None, str]:
    """(exit type, reason, the rule's label) for an end note; no exit while the posting is open."""
    if not note and not end:
        return None, None, ""
    for rule in rules()["exits"]:
        if rule["regex"].match(note):
            reason = None if rule.get("keep_reason") is False else _tidy(note)
            return str(rule["exit_type"]), reason, str(rule["label"])
    return "unknown", _tidy(note) if note else None, "unknown"


def _measure(posting: dict[str, Any], label: str, note: str) -> dict[str, Any] | None:
    rule = next((r for r in rules()["exits"] if r["label"] == label and r.get("measure")), None)
    receiving = posting.get("receiving")
    if rule is None or receiving is None:
        return None
    actor, target = (receiving, "USA") if rule["by"] == "receiving" else ("USA", receiving)
    kind = str(rule["measure"])
    record: dict[str, Any] = {
        "kind": "measure",
        "id": f"{posting['id']}-{kind}",
        "type": kind,
        "actor": actor,
        "target": target,
        "date": posting.get("end"),
        "persons": [posting["person"]] if kind == "persona_non_grata" else [],
        "detail": _detail(kind, posting, note),
        "certainty": "confirmed",
        "sources": posting["sources"],
    }
    return {k: v for k, v in record.items() if v not in (None, [])}


def _detail(kind: str, posting: dict[str, Any], note: str) -> str:
    if kind == "persona_non_grata":
        return (
            f"The receiving government declared the U.S. chief of mission, {posting['person_name']}, persona non grata."
        )
    return f"Diplomatic relations were severed, ending the mission of {posting['person_name']} (POCOM: {_tidy(note)})."


def import_snapshot(
    store: Store,
    path: str | Path,
    *,
    dry_run: bool = False,
    actor: str | None = None,
    progress: Progress | None = None,
) -> tuple[reconciled.Outcome, Reading]:
    """Read a snapshot and import it: persons reconciled with the store's, one transaction."""
    reading = read(open_snapshot(path))
    outcome = reconciled.load(
        store,
        reading.records,
        prefix=PREFIX,
        name=str(path),
        source=DATASET,
        dry_run=dry_run,
        actor=actor,
        progress=progress,
    )
    return outcome, reading


def write_jsonl(records: list[dict[str, Any]], out: IO[bytes]) -> None:
    """The records as JSON Lines, in the interchange field order (the bundled file's form)."""
    for raw in records:
        out.write(orjson.dumps(records_mod.parse(raw).canonical()) + b"\n")
