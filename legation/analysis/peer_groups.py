"""Peer groups: named, dated memberships (Warsaw Pact, NATO, EU, CIS...) that give precedents a second column.

The bundled groups live in `data/peer_groups.yaml`, each with the pages its dates were read on. A user's
file of the same shape adds groups or replaces bundled ones of the same key.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from legation.errors import InputError, NotFound
from legation.registry import bodies, dates, vocabularies


@dataclass(frozen=True)
class Membership:
    code: str
    joined: str | None
    left: str | None

    def covers(self, year: int) -> bool:
        """Whether the state was a member at some point in that year."""
        start = dates.year(self.joined) or -10_000
        end = dates.year(self.left) or 10_000
        return start <= year <= end

    def on(self, day: str) -> bool:
        """Whether the state could have been a member on a date (at its precision)."""
        return (not self.joined or dates.lower(self.joined) <= dates.upper(day)) and (
            not self.left or dates.upper(self.left) >= dates.lower(day)
        )


@dataclass(frozen=True)
class PeerGroup:
    key: str
    name: str
    aliases: tuple[str, ...]
    members: tuple[Membership, ...]
    sources: tuple[dict[str, Any], ...]
    note: str | None = None

    def codes(self, at: str | None = None) -> list[str]:
        """Member codes on a date, or every state that was ever a member."""
        found = [m.code for m in self.members if at is None or m.on(at)]
        return list(dict.fromkeys(found))

    def member_in(self, code: str, year: int | None) -> bool:
        """Whether a state was a member in a year; an undated case counts if it ever was."""
        spans = [m for m in self.members if m.code == code]
        return bool(spans) and (year is None or any(m.covers(year) for m in spans))

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "aliases": list(self.aliases),
            "note": self.note,
            "members": [{"code": m.code, "joined": m.joined, "left": m.left} for m in self.members],
            "sources": list(self.sources),
        }


def _date(value: Any, where: str, group: str, field: str) -> str | None:
    try:
        return dates.normalise(value)
    except ValueError as exc:
        raise InputError(str(exc), file=where, record=group, field=field) from None


def _member(raw: Any, where: str, key: str) -> Membership:
    if not isinstance(raw, dict) or not bodies.exists(str(raw.get("code", ""))):
        raise InputError(f"a member {{code, joined, left}} with a body code; got {raw!r}", file=where, record=key)
    return Membership(
        code=str(raw["code"]),
        joined=_date(raw.get("joined"), where, key, "joined"),
        left=_date(raw.get("left"), where, key, "left"),
    )


def _group(key: str, raw: Any, where: str) -> PeerGroup:
    if not isinstance(raw, dict) or not raw.get("name"):
        raise InputError("a group with a name and members", file=where, record=key, field="name")
    members = raw.get("members")
    if not isinstance(members, list) or not members:
        raise InputError("a non-empty list of members", file=where, record=key, field="members")
    sources = raw.get("sources") or []
    if not isinstance(sources, list) or not all(isinstance(s, dict) and s.get("url") for s in sources):
        raise InputError("a list of sources, each with a url", file=where, record=key, field="sources")
    return PeerGroup(
        key=key,
        name=str(raw["name"]),
        aliases=tuple(str(a) for a in raw.get("aliases") or ()),
        members=tuple(_member(m, where, key) for m in members),
        sources=tuple(sources),
        note=raw.get("note"),
    )


def parse(text: str, where: str) -> dict[str, PeerGroup]:
    """Groups from YAML text of the bundled shape: `groups: {key: {name, members, sources}}`."""
    try:
        data = vocabularies.parse_yaml(text)
    except yaml.YAMLError as exc:
        raise InputError(f"valid YAML: {exc}", file=where) from None
    if not isinstance(data, dict) or not isinstance(data.get("groups"), dict):
        raise InputError("a mapping with a `groups` key", file=where, field="groups")
    return {str(k): _group(str(k), v, where) for k, v in data["groups"].items()}


@cache
def bundled() -> dict[str, PeerGroup]:
    text = resources.files("legation").joinpath("data/peer_groups.yaml").read_text("utf-8")
    return parse(text, "peer_groups.yaml")


def load(path: str | None = None) -> dict[str, PeerGroup]:
    """The bundled groups, plus (and overridden by) the groups in a user's file."""
    groups = dict(bundled())
    if path:
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise InputError(f"a readable peer-group file: {exc.strerror}", file=path) from None
        groups.update(parse(text, path))
    return groups


def find(name: str, path: str | None = None) -> PeerGroup:
    """A group by key, name or alias, case-insensitively."""
    wanted = name.strip().casefold().replace("-", "_").replace(" ", "_")
    for group in load(path).values():
        keys = {group.key, group.name, *group.aliases}
        if wanted in {k.casefold().replace("-", "_").replace(" ", "_") for k in keys}:
            return group
    known = ", ".join(load(path))
    raise NotFound(f"no peer group {name!r}; known groups: {known}")


def default_for(state: str, at: str | None, path: str | None = None) -> PeerGroup | None:
    """The first group, in file order, that had the state as a member on the date (any date if None)."""
    for group in load(path).values():
        if any(m.code == state and (at is None or m.on(at)) for m in group.members):
            return group
    return None
