"""Gazetteers: the phrases that name bodies, and the persons the store already knows.

Bodies come from `legation.registry.bodies`. A phrase declared in `data/bodies.yaml` (curated for news text)
wins over one that countryinfo lists, so "American" is the United States and not the Northern
Mariana Islands.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cache

from countryinfo import CountryInfo

from legation.extraction import lexicon
from legation.registry import bodies, search
from legation.registry.store import Store


@cache
def body_phrases() -> dict[str, str]:
    """Capitalised phrase -> body code, curated phrases first."""
    found: dict[str, str] = {}
    extra = bodies._extra()
    for code, entry in extra["aliases"].items():
        for phrase in (*entry.get("aliases", ()), *entry.get("demonyms", ())):
            found.setdefault(phrase, code)
    for section in ("international", "former"):
        for code, entry in extra[section].items():
            for phrase in (entry.get("name"), *entry.get("aliases", ()), *entry.get("demonyms", ())):
                if phrase:
                    found.setdefault(phrase, code)
    for phrase, code in lexicon.institutions().items():
        found.setdefault(phrase, code)
    ranked = sorted(bodies.registry().values(), key=lambda b: (b.kind != "state", -_population(b.code)))
    for body in ranked:
        found.setdefault(body.name, body.code)
    for body in ranked:
        for phrase in (*body.aliases, *body.demonyms):
            found.setdefault(phrase, body.code)
    for body in ranked:
        for demonym in body.demonyms:
            if demonym.endswith(("an", "i")):
                found.setdefault(demonym + "s", body.code)  # "expelled 35 Russians"
            for old, new in (("ean", "ian"), ("ian", "ean")):
                if demonym.endswith(old) and body.kind == "state":  # "Ecuadorian" for Ecuadorean
                    found.setdefault(demonym[: -len(old)] + new, body.code)
    # archives and cables write names in capitals ("The government of IRAQ severed relations
    # with the UNITED STATES"): a name of four letters or more also in capitals
    for phrase, code in list(found.items()):
        if len(phrase) >= 4 and not phrase.isupper() and phrase[:1].isupper():
            found.setdefault(phrase.upper(), code)
    return {p: c for p, c in found.items() if p[:1].isupper() and len(p) > 1}


@cache
def capitals() -> dict[str, str]:
    """Capital -> state: in news a capital often stands for its government ("Moscow retaliated").

    A name that is also a state's own name or demonym is left to `body_phrases`.
    """
    found: dict[str, str] = {}
    phrases = body_phrases()
    ranked = sorted(bodies.registry().values(), key=lambda b: -_population(b.code))
    for body in ranked:
        if body.kind != "state":
            continue
        try:
            capital = str(CountryInfo(body.code).info().get("capital") or "")
        except Exception:  # countryinfo raises its own errors for codes it lacks
            continue
        for name in (capital, capital.removesuffix(" D.C."), _plain(capital)):
            if len(name) > 2 and name not in phrases:
                found.setdefault(name, body.code)
    return found


def _plain(name: str) -> str:
    """ "Bogota" for Bogotá, as English news often writes capitals."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


def _population(code: str) -> int:
    """A shared demonym ("French", "American") names the populous state, not its territory."""
    try:
        return int(CountryInfo(code).info().get("population") or 0)
    except Exception:  # countryinfo raises its own errors for codes it lacks (former states)
        return 0


@dataclass
class Persons:
    """The store's persons by folded name or alias, for linking names in the text."""

    by_name: dict[str, str] = field(default_factory=dict)
    citizenship: dict[str, str] = field(default_factory=dict)
    names: tuple[str, ...] = ()  # names and aliases as written, of two words or more

    def link(self, name: str) -> str | None:
        return self.by_name.get(search.fold(name))


def persons(store: Store | None) -> Persons:
    found = Persons()
    if store is None:
        return found
    for row in store.rows("SELECT id, name, citizenship FROM persons"):
        found.by_name.setdefault(search.fold(row["name"]), row["id"])
        if row["citizenship"]:
            found.citizenship[row["id"]] = row["citizenship"]
    written = {row["name"] for row in store.rows("SELECT name FROM persons")}
    for row in store.rows("SELECT person_id, alias FROM aliases"):
        found.by_name.setdefault(search.fold(row["alias"]), row["person_id"])
        written.add(row["alias"])
    found.names = tuple(sorted(n for n in written if n and len(n.split()) >= 2))
    return found
