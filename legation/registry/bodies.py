"""Bodies: every ISO 3166-1 state, the former states ISO 3166-3 keeps, and international bodies.

pycountry gives the codes and names, countryinfo the demonyms, spellings and regions, and
`data/bodies.yaml` what neither knows: international bodies, former states' successors and the
aliases that news text uses.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import pycountry

from legation.registry import vocabularies


@dataclass(frozen=True)
class Body:
    code: str
    name: str
    kind: str  # state | former_state | international
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    region: str | None = None
    continued_by: str | None = None
    dissolved_into: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "aliases": list(self.aliases),
            "demonyms": list(self.demonyms),
            "region": self.region,
            "continued_by": self.continued_by,
            "dissolved_into": list(self.dissolved_into),
        }


def _extra() -> dict[str, Any]:
    text = resources.files("legation").joinpath("data/bodies.yaml").read_text("utf-8")
    data: dict[str, Any] = vocabularies.parse_yaml(text)
    return data


def _unique(*groups: Any) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for group in groups:
        for item in group or ():
            if item and len(item) > 1:
                seen.setdefault(str(item), None)
    return tuple(seen)


def _state(country: Any, extra: dict[str, Any]) -> Body:
    from countryinfo import CountryInfo  # 0.06 s to import (it indexes its files): only `registry()` needs it

    info: dict[str, Any] = {}
    with suppress(KeyError, ValueError):  # a code countryinfo lacks keeps the ISO names only
        info = dict(CountryInfo(country.alpha_3).info())
    common = getattr(country, "common_name", None)
    name = common or info.get("name") or country.name
    spellings = [s for s in info.get("altSpellings", []) if len(s) > 3]
    demonym = info.get("demonym")
    return Body(
        code=country.alpha_3,
        name=name,
        kind="state",
        aliases=_unique(
            [country.name, getattr(country, "official_name", None), info.get("name")],
            spellings,
            extra.get("aliases"),
        ),
        demonyms=_unique(extra.get("demonyms"), [demonym]),
        region=info.get("subregion") or info.get("region") or None,
    )


@cache
def registry() -> dict[str, Body]:
    """All bodies by code; built once, since countryinfo reads its files on every lookup."""
    extra = _extra()
    found: dict[str, Body] = {}
    for country in pycountry.countries:
        found[country.alpha_3] = _state(country, extra["aliases"].get(country.alpha_3, {}))
    for old in pycountry.historic_countries:
        entry = extra["former"].get(old.alpha_3, {})
        found.setdefault(
            old.alpha_3,
            Body(
                code=old.alpha_3,
                name=entry.get("name", old.name),
                kind="former_state",
                aliases=_unique([old.name], entry.get("aliases")),
                demonyms=_unique(entry.get("demonyms")),
                continued_by=entry.get("continued_by"),
                dissolved_into=tuple(entry.get("dissolved_into", ())),
            ),
        )
    for code, entry in extra["former"].items():  # former states ISO 3166-3 never kept
        found.setdefault(code, _listed(code, entry, "former_state"))
    for code, entry in extra.get("unlisted", {}).items():
        found.setdefault(code, _listed(code, entry, "state"))
    for code, entry in extra["international"].items():
        found[code] = Body(
            code=code,
            name=entry["name"],
            kind="international",
            aliases=_unique(entry.get("aliases")),
            demonyms=_unique(entry.get("demonyms")),
        )
    return found


def _listed(code: str, entry: dict[str, Any], kind: str) -> Body:
    return Body(
        code=code,
        name=entry["name"],
        kind=kind,
        aliases=_unique(entry.get("aliases")),
        demonyms=_unique(entry.get("demonyms")),
        continued_by=entry.get("continued_by"),
    )


@cache
def state_codes() -> frozenset[str]:
    """The codes of every state and former state, as `registry()` has them, without building it
    (countryinfo reads its files per country: a fifth of a second that a GDELT import need not pay)."""
    extra = _extra()
    found = {c.alpha_3 for c in pycountry.countries} | {c.alpha_3 for c in pycountry.historic_countries}
    found |= set(extra["former"]) | set(extra.get("unlisted", {}))  # the states bodies.yaml adds
    return frozenset(found - set(extra["international"]))


def get(code: str) -> Body | None:
    return registry().get(code)


def exists(code: str) -> bool:
    return code in registry()


@lru_cache(maxsize=4096)  # the registry is loaded once; an import asks for two names per record
def name(code: str | None) -> str:
    if not code:
        return ""
    body = get(code)
    return body.name if body else code


def lookup(text: str) -> Body | None:
    """Find a body by code, name, alias or demonym, case-insensitively."""
    return _index().get(text.strip().casefold())


@cache
def _index() -> dict[str, Body]:
    index: dict[str, Body] = {}
    for body in registry().values():
        for key in (body.name, *body.aliases, *body.demonyms):
            index.setdefault(key.casefold(), body)
    for body in registry().values():  # codes win over names: "US" the code beats nothing else
        index[body.code.casefold()] = body
    return index


def region_of(code: str | None) -> str:
    """The UN-style subregion of a state; former states take their continuation's region."""
    body = get(code or "")
    if body is None:
        return "unknown"
    if body.region:
        return body.region
    heir = body.continued_by or (body.dissolved_into[0] if body.dissolved_into else None)
    if heir and heir != body.code:
        return region_of(heir)
    return "international" if body.kind == "international" else "unknown"
