"""Precedents: counts by exit type, consequence shares, dated peer groups, lineage and user groups."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from legation.analysis import peer_groups
from legation.analysis.precedents import precedents
from legation.errors import InputError, NotFound
from legation.registry.store import Store
from tests.analysis_fixtures import consequence, load, posting

RECORDS = [
    posting("pos-a-jpn-1981", None, "POL", "JPN", group="Envoy A", count=1, end="1981-12", exit_type="defected"),
    consequence("pos-a-jpn-1981", "sentenced_to_death_in_absentia"),
    consequence("pos-a-jpn-1981", "citizenship_stripped"),
    posting("pos-b-usa-1982", None, "POL", "USA", group="Envoy B", count=1, end="1982", exit_type="defected"),
    consequence("pos-b-usa-1982", "citizenship_stripped", certainty="rumoured"),
    posting("pos-c-fra-1985", None, "POL", "FRA", group="Envoy C", count=1, end="1985", exit_type="expelled"),
    # Hungary: a member of the Warsaw Pact in 1989, not in 1995.
    posting("pos-d-aut-1989", None, "HUN", "AUT", group="Envoy D", count=1, end="1989", exit_type="defected"),
    consequence("pos-d-aut-1989", "prosecuted"),
    posting("pos-e-aut-1995", None, "HUN", "AUT", group="Envoy E", count=1, end="1995", exit_type="defected"),
    posting("pos-f-gbr-1985", None, "SUN", "GBR", group="Envoy F", count=1, end="1985-09", exit_type="expelled"),
]


def test_counts_and_consequence_shares(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, RECORDS)
    data = precedents(store, "POL")
    assert list(data["exit_types"]) == ["defected", "expelled"]
    defected = data["exit_types"]["defected"]
    assert defected["count"] == 2
    # both cases lost citizenship (one only rumoured); one of two was sentenced to death
    assert defected["consequences"] == {"sentenced_to_death_in_absentia": 0.5, "citizenship_stripped": 1.0}
    assert [c["posting"] for c in defected["cases"]] == ["pos-a-jpn-1981", "pos-b-usa-1982"]
    assert defected["cases"][0]["year"] == 1981 and all(c["sources"] for c in defected["cases"])
    rumoured = defected["cases"][1]["consequences"][0]
    assert rumoured["certainty"] == "rumoured"
    expelled = data["exit_types"]["expelled"]
    assert (expelled["count"], expelled["consequences"]) == (1, {})
    assert "One case only" in expelled["note"]
    assert data["peers"] == {"members": [], "group": None, "exit_types": {}}


def test_peer_group_counts_a_peer_only_in_its_membership_years(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, RECORDS)
    grouped = precedents(store, "POL", peer_group="Warsaw Pact")
    assert grouped["peers"]["group"]["key"] == "warsaw_pact"
    assert "POL" not in grouped["peers"]["members"] and "HUN" in grouped["peers"]["members"]
    defected = grouped["peers"]["exit_types"]["defected"]
    assert [c["posting"] for c in defected["cases"]] == ["pos-d-aut-1989"]
    assert defected["consequences"] == {"prosecuted": 1.0}
    assert [c["posting"] for c in grouped["peers"]["exit_types"]["expelled"]["cases"]] == ["pos-f-gbr-1985"]
    chosen = precedents(store, "POL", peers=["HUN"])
    assert chosen["peers"]["exit_types"]["defected"]["count"] == 2
    assert chosen["peers"]["exit_types"]["defected"]["consequences"] == {"prosecuted": 0.5}


def test_a_state_includes_the_former_state_it_continues(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, RECORDS)
    data = precedents(store, "RUS")
    assert data["lineage"] == ["RUS", "SUN"]
    assert [c["sending"] for c in data["exit_types"]["expelled"]["cases"]] == ["SUN"]


def test_at_keeps_only_exits_known_by_then(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, RECORDS)
    assert precedents(store, "POL", at="1981")["exit_types"]["defected"]["count"] == 1


def test_bad_input_names_the_field(store: Store) -> None:
    with pytest.raises(InputError, match="state"):
        precedents(store, "Narnia")
    with pytest.raises(InputError, match="peers"):
        precedents(store, "POL", peers=["XXX"])
    with pytest.raises(InputError, match="not both"):
        precedents(store, "POL", peers=["HUN"], peer_group="nato")
    with pytest.raises(NotFound, match="known groups"):
        precedents(store, "POL", peer_group="Hanseatic League")


def test_bundled_groups_are_sourced_and_dated() -> None:
    groups = peer_groups.bundled()
    assert {"warsaw_pact", "nato", "eu", "cis", "comecon", "arab_league", "asean"} <= set(groups)
    for group in groups.values():
        assert group.sources and all(s["url"].startswith("http") and s["accessed"] for s in group.sources)
    nato = groups["nato"]
    assert nato.member_in("POL", 1999) and not nato.member_in("POL", 1998)
    assert "SWE" in nato.codes("2024-03-07") and "SWE" not in nato.codes("2024-03-06")
    assert peer_groups.default_for("POL", "1981-12") is groups["warsaw_pact"]
    assert peer_groups.default_for("RUS", "2022-04") is groups["cis"]


USER_GROUP = """
groups:
  visegrad:
    name: Visegrad Group
    sources: [{url: "https://example.org/v4", accessed: "2026-11-29"}]
    members:
      - {code: POL, joined: "1991"}
      - {code: HUN, joined: "1991"}
"""


def test_cli_precedents_with_a_user_group_file(cli: Any, sqlite_path: str, tmp_path: Path) -> None:
    store = Store.open(sqlite_path)
    load(store, tmp_path, RECORDS)
    store.close()
    group_file = tmp_path / "groups.yaml"
    group_file.write_text(USER_GROUP, encoding="utf-8")
    args = ("precedents", "POL", "--peer-group", "Visegrad Group", "--peer-group-file", str(group_file))
    result = cli(sqlite_path, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"state", "exit_types", "peers"} and data["peers"]["members"] == ["HUN"]
    # only the 1995 Hungarian case falls inside Visegrad membership (from 1991)
    assert [c["posting"] for c in data["peers"]["exit_types"]["defected"]["cases"]] == ["pos-e-aut-1995"]
    md = cli(sqlite_path, *args, "--format", "md")
    assert md.exit_code == 0 and "### Defected (`defected`): 2 cases" in md.stdout
    group_file.write_text("groups:\n  broken:\n    name: Broken\n    members: [{code: ZZZ}]\n", encoding="utf-8")
    bad = cli(sqlite_path, *args, "--format", "json")
    assert bad.exit_code == 2 and "groups.yaml" in bad.stderr and "broken" in bad.stderr
