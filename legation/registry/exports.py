"""Export the store as JSON Lines, one CSV per kind, or FollowTheMoney entities.

JSON Lines is the interchange format itself: exporting, importing into an empty store and
exporting again gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pycountry

from legation.errors import InputError
from legation.registry import bodies, formats, records, vocabularies
from legation.registry.records import dumps
from legation.registry.store import Store

if TYPE_CHECKING:
    from followthemoney.proxy import EntityProxy

EXPORT_FORMATS = ("jsonl", "csv", "ftm")


def jsonl(items: Iterable[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for item in items:
        out.write(dumps(item) + "\n")
        count += 1
    return count


def csv_files(items: Iterable[dict[str, Any]], folder: Path) -> dict[str, int]:
    """One CSV per kind in `folder` (persons.csv, postings.csv ...); list fields hold JSON."""
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_kind.setdefault(item["kind"], []).append(item)
    folder.mkdir(parents=True, exist_ok=True)
    for kind, rows in by_kind.items():
        model_fields = records.MODELS[kind].model_fields
        fields = [f.alias or name for name, f in model_fields.items()]
        fields = ["kind", "id"] + [f for f in fields if f not in ("kind", "id")]
        with (folder / f"{kind}s.csv").open("w", encoding="utf-8", newline="") as out:
            formats.write_csv(rows, out, fields)
    return {k: len(v) for k, v in by_kind.items()}


def _country(code: str | None) -> str | None:
    """FtM country codes: ISO alpha-2 in lower case; former states use ISO 3166-3 alpha-4."""
    if not code:
        return None
    found = pycountry.countries.get(alpha_3=code)
    if found:
        return str(found.alpha_2).lower()
    old = pycountry.historic_countries.get(alpha_3=code)
    return str(old.alpha_4).lower() if old else None


def _entity(schema: str, entity_id: str, item: dict[str, Any] | None = None, **props: Any) -> EntityProxy:
    from followthemoney import model  # loads its whole schema: only when exporting FtM

    entity = model.make_entity(schema)
    entity.id = entity_id
    for prop, value in props.items():
        for v in value if isinstance(value, list) else [value]:
            if v is not None and v != "":
                entity.add(prop, v)
    for source in (item or {}).get("sources", []):
        entity.add("sourceUrl", source["url"])
        entity.add("publisher", source.get("publisher"))
    return entity


def ftm_entities(items: Iterable[dict[str, Any]]) -> Iterator[EntityProxy]:
    """Persons, Positions, Occupancies, and Events for exits, consequences and measures."""
    people: dict[str, str] = {}
    posting_holder: dict[str, str | None] = {}
    positions: set[str] = set()
    for item in items:
        kind = item["kind"]
        if kind == "person":
            people[item["id"]] = item["name"]
            yield _entity(
                "Person",
                item["id"],
                item,
                name=item["name"],
                alias=item.get("aliases", []),
                birthDate=item.get("birth"),
                deathDate=item.get("death"),
                citizenship=_country(item.get("citizenship")),
                wikidataId=item.get("wikidata"),
                notes=item.get("notes"),
            )
        elif kind == "posting":
            yield from _posting(item, positions, posting_holder)
        elif kind == "consequence":
            holder = posting_holder.get(item["posting"])
            label = vocabularies.label("consequences", item["type"])
            yield _entity(
                "Event",
                f"consequence-{item['id']}",
                item,
                name=f"{item['type']}: {people.get(holder or '', holder or item['posting'])}",
                summary=f"{label} ({item['type']}) after posting {item['posting']}",
                description=item.get("detail"),
                date=item.get("date"),
                involved=holder,
                organizer=None,
            )
        elif kind == "measure":
            actor, target = item["actor"], item["target"]
            yield _entity(
                "Event",
                f"measure-{item['id']}",
                item,
                name=f"{item['type']}: {bodies.name(actor)} against {bodies.name(target)}",
                summary=f"{vocabularies.label('measures', item['type'])} ({item['type']})",
                description=item.get("detail"),
                date=item.get("date"),
                country=[_country(actor), _country(target)],
                involved=item.get("persons", []),
            )


def _posting(item: dict[str, Any], positions: set[str], holders: dict[str, str | None]) -> Iterator[EntityProxy]:
    person = item.get("person")
    holders[item["id"]] = person
    role = vocabularies.label("roles", item["role"])
    receiving = item.get("receiving")
    title = f"{role} of {bodies.name(item['sending'])}" + (f" to {bodies.name(receiving)}" if receiving else "")
    position_id = "position-" + "-".join(p for p in (item["role"], item["sending"], receiving) if p).lower()
    if position_id not in positions:
        positions.add(position_id)
        yield _entity("Position", position_id, None, name=title, country=_country(item["sending"]))
    status = "ended" if item.get("end") or item.get("exit_type") else "current"
    holder_name = item.get("person_name") or item.get("group")
    if person:
        yield _entity(
            "Occupancy",
            f"occupancy-{item['id']}",
            item,
            holder=person,
            post=position_id,
            startDate=item.get("start"),
            endDate=item.get("end"),
            status=status,
            description=title,
        )
    if item.get("exit_type"):
        exit_type = item["exit_type"]
        yield _entity(
            "Event",
            f"exit-{item['id']}",
            item,
            name=f"{exit_type}: {holder_name}",
            summary=f"{vocabularies.label('exit_types', exit_type)} ({exit_type}) from {title}",
            description=item.get("reason"),
            date=item.get("end"),
            involved=person,
            country=_country(item["sending"]),
        )


def ftm(items: Iterable[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for entity in ftm_entities(items):
        out.write(json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


def export(
    store: Store,
    fmt: str,
    out: IO[str] | None = None,
    folder: Path | None = None,
    kind: str | None = None,
    ids: set[str] | None = None,
) -> dict[str, Any]:
    """Write the store (or the records in `ids`) in one format; returns what was written."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"one of {', '.join(EXPORT_FORMATS)}; got {fmt!r}", field="format")
    items = store.iter_records(kind, ids)
    if fmt == "csv":
        if folder is None:
            raise InputError("a folder for the CSV files (-o FOLDER)", field="output")
        return {"files": csv_files(items, folder)}
    assert out is not None
    written = jsonl(items, out) if fmt == "jsonl" else ftm(items, out)
    return {"records" if fmt == "jsonl" else "entities": written}
