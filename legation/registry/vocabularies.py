"""The controlled vocabularies, read once from `data/vocabularies.yaml`.

Everything that needs an exit type, a role or a measure reads it from here, so the YAML file is
the single place where the vocabulary and its CAMEO, PLOVER, Wikidata and FtM mappings live.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml

TERMS = (
    "kinds",
    "certainties",
    "roles",
    "exit_types",
    "consequences",
    "measures",
    "channels",
    "outcomes",
)


# libyaml's loader when PyYAML was built with it: about ten times faster than the pure-Python one,
# which start-up pays for every data file (the vocabularies, the bodies, the source hosts).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """A YAML document as `yaml.safe_load` reads it (plain data only, no tags)."""
    return yaml.load(text, Loader=_LOADER)


@cache
def load() -> dict[str, Any]:
    text = resources.files("legation").joinpath("data/vocabularies.yaml").read_text("utf-8")
    data: dict[str, Any] = parse_yaml(text)
    return data


def terms(name: str) -> dict[str, dict[str, Any]]:
    """The terms of one vocabulary, in declared order, with their labels and mappings."""
    vocab: dict[str, dict[str, Any]] = load()[name]
    return vocab


def codes(name: str) -> tuple[str, ...]:
    return tuple(terms(name))


@lru_cache(maxsize=4096)  # the vocabularies are loaded once; an import asks for a label per record
def label(name: str, code: str) -> str:
    entry = terms(name).get(code, {})
    return str(entry.get("label", code))


def refused_outcomes() -> frozenset[str]:
    """Outcomes that count as refused in the isolation figure (DOMAIN.md)."""
    return frozenset(k for k, v in terms("outcomes").items() if v.get("refused"))


def measure_family(code: str) -> str:
    """The family of comparable measure types, used to pair reciprocal measures."""
    for family, members in load()["measure_families"].items():
        if code in members:
            return str(family)
    return code


def event_codes() -> dict[str, list[str]]:
    """The CAMEO codes that event data keeps, by the signal each one feeds."""
    found: dict[str, list[str]] = load()["event_codes"]
    return found
