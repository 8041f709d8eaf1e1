"""The options brief: a person's posting, isolation and dyad, and for each path what happened to others.

It states facts and gives no advice: no recommendation, no score, no ranking of paths. Paths come from
`brief_paths` in data/vocabularies.yaml, in that order.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from legation.analysis import peer_groups
from legation.analysis.isolation import isolation
from legation.analysis.precedents import precedents, summary
from legation.analysis.reciprocity import dyad
from legation.errors import InputError
from legation.registry import persons, vocabularies
from legation.registry.store import Store


def paths() -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = vocabularies.load()["brief_paths"]
    return found


def _reference_date(posting: dict[str, Any]) -> str:
    """The date whose peer-group membership picks the default peers: the exit, or today while in force."""
    return str(posting.get("end") or date.today().isoformat())


def _measures(store: Store, posting: dict[str, Any]) -> dict[str, Any] | None:
    """The measures between the sending and the receiving state; None for an envoy-at-large."""
    if not posting.get("receiving") or posting["receiving"] == posting["sending"]:
        return None
    data = dyad(store, posting["sending"], posting["receiving"])
    sending, receiving = posting["sending"], posting["receiving"]
    return {
        "sending": sending,
        "receiving": receiving,
        "by_sending": [m for m in data["measures"] if m["actor"] == sending],
        "by_receiving": [m for m in data["measures"] if m["actor"] == receiving],
        "reciprocal_pairs": data["reciprocal_pairs"],
        "window_days": data["window_days"],
        "note": data["note"],
    }


def _path_block(figures: dict[str, Any], exit_type: str) -> dict[str, Any]:
    return figures.get(exit_type) or summary([])


def brief(
    store: Store,
    person: str,
    *,
    peers: list[str] | None = None,
    peer_group: str | None = None,
    group_file: str | None = None,
) -> dict[str, Any]:
    """The options brief for a person (name, alias or id).

    Default peers, when none are given: the first bundled peer group (file order) that had the sending
    state as a member on the posting's end date, or today for a posting in force.
    """
    person_id = persons.resolve(store, person)
    profile = persons.profile(store, person_id)
    posting = persons.current_posting(profile)
    if posting is None:
        raise InputError(f"a person with a posting; {profile['person']['name']} has none", field="person")
    state = posting["sending"]
    chosen = peer_group
    if not peers and not peer_group:
        default = peer_groups.default_for(state, _reference_date(posting), group_file)
        chosen = default.key if default else None
    figures = precedents(store, state, peers=peers, peer_group=chosen, group_file=group_file)
    return {
        "person": profile["person"],
        "posting": posting,
        "isolation": isolation(store, person_id),
        "measures": _measures(store, posting),
        "peers": {
            "members": figures["peers"]["members"],
            "group": figures["peers"]["group"],
            "default": not (peers or peer_group),
        },
        "lineage": figures["lineage"],
        "paths": [
            {
                "path": key,
                "label": spec["label"],
                "exit_type": spec["exit_type"],
                "state": _path_block(figures["exit_types"], spec["exit_type"]),
                "peers": _path_block(figures["peers"]["exit_types"], spec["exit_type"]),
            }
            for key, spec in paths().items()
        ],
        "disclaimer": "Facts from the registry, with their sources. No advice, no score.",
    }
