"""Isolation: refused share, Wilson interval, monthly trend, windows, missions and the events seam."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from legation.analysis import signals
from legation.analysis.isolation import isolation, wilson
from legation.errors import InputError
from legation.registry.store import Store
from tests.analysis_fixtures import contact, load, person, posting

ENVOY = person("p-ivan-envoy", "Ivan Envoy")
POSTING = posting("pos-envoy-usa", "p-ivan-envoy", "RUS", "USA", start="2021-01")
# 10 attempts: 5 declined (one report, count 5), 3 unanswered, 2 accepted -> 8 refused.
CONTACTS = [
    contact("c-1", "p-ivan-envoy", "declined", "2022-03-02", count=5),
    contact("c-2", "p-ivan-envoy", "unanswered", "2022-04", count=3),
    contact("c-3", "p-ivan-envoy", "accepted", "2022-03-20"),
    contact("c-4", "p-ivan-envoy", "accepted", "2022"),
]


def test_eight_of_ten_refused_gives_share_and_wilson_interval(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, [ENVOY, POSTING, *CONTACTS])
    data = isolation(store, "Ivan Envoy")
    assert (data["attempts"], data["refused"], data["share"]) == (10, 8, 0.8)
    lo, hi = data["ci95"]
    assert lo == pytest.approx(0.490, abs=0.0005) and hi == pytest.approx(0.943, abs=0.0005)
    assert data["by_month"] == [
        {"month": "2022-03", "attempts": 6, "refused": 5, "share": pytest.approx(5 / 6, abs=1e-6)},
        {"month": "2022-04", "attempts": 3, "refused": 3, "share": 1.0},
    ]
    assert data["not_in_months"] == {"attempts": 1, "refused": 0, "contacts": ["c-4"]}
    assert [c["id"] for c in data["contacts"]] == ["c-4", "c-1", "c-3", "c-2"]
    assert all(c["sources"] for c in data["contacts"])
    assert data["events"] is None and data["note"] is None


def test_no_contacts_gives_no_share_and_says_so(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, [ENVOY, POSTING])
    data = isolation(store, "p-ivan-envoy")
    assert (data["attempts"], data["refused"], data["share"], data["ci95"]) == (0, 0, None, None)
    assert data["by_month"] == [] and "cannot be computed" in data["note"]
    assert "NaN" not in json.dumps(data)


def test_one_contact_is_flagged(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, [ENVOY, POSTING, CONTACTS[1]])
    data = isolation(store, "Ivan Envoy")
    assert (data["attempts"], data["refused"], data["share"]) == (3, 3, 1.0)
    assert "single report" in data["note"]


def test_window_keeps_contacts_whose_date_can_fall_inside(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, [ENVOY, POSTING, *CONTACTS])
    data = isolation(store, "Ivan Envoy", start="2022-04")
    # c-2 (2022-04) and c-4 (dated only 2022, which overlaps the window) remain.
    assert {c["id"] for c in data["contacts"]} == {"c-2", "c-4"}
    assert (data["attempts"], data["refused"]) == (4, 3)
    with pytest.raises(InputError):
        isolation(store, "Ivan Envoy", start="April 2022")


def test_mission_counts_its_own_and_its_envoys_contacts_during_the_posting(store: Store, tmp_path: Path) -> None:
    before = contact("c-0", "p-ivan-envoy", "declined", "2019-05")  # before the posting began
    own = contact("c-9", "RUS@USA", "cancelled", "2022-05-01", count=2)
    load(store, tmp_path, [ENVOY, POSTING, *CONTACTS, before, own])
    data = isolation(store, "RUS@USA")
    assert data["who"]["kind"] == "mission"
    assert {c["id"] for c in data["contacts"]} == {"c-1", "c-2", "c-3", "c-4", "c-9"}
    assert (data["attempts"], data["refused"]) == (12, 10)
    assert isolation(store, "RUS@GBR")["attempts"] == 0


def test_events_provider_fills_the_seam(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, [ENVOY, POSTING, *CONTACTS])
    seen: list[Any] = []

    def provider(query: signals.EventsQuery) -> dict[str, Any]:
        seen.append((query.figure, query.actor, query.target))
        return {"consult_events": 3}

    signals.register_events_provider(provider)
    try:
        assert isolation(store, "Ivan Envoy")["events"] == {"consult_events": 3}
    finally:
        signals.unregister_events_provider(provider)
    assert seen == [("isolation", "RUS", "USA")]


def test_wilson_edges() -> None:
    assert wilson(0, 0) is None
    lo, hi = wilson(1, 1) or [math.nan, math.nan]
    assert lo == pytest.approx(0.2065, abs=0.0005) and hi == 1.0
    assert wilson(0, 4) == [0.0, pytest.approx(0.4899, abs=0.0005)]


def test_cli_isolation_json_and_bad_input(cli: Any, sqlite_path: str, tmp_path: Path) -> None:
    store = Store.open(sqlite_path)
    load(store, tmp_path, [ENVOY, POSTING, *CONTACTS])
    store.close()
    result = cli(sqlite_path, "isolation", "Ivan Envoy", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["share"] == 0.8
    bad = cli(sqlite_path, "isolation", "Ivan Envoy", "--from", "yesterday")
    assert bad.exit_code == 2 and "from" in bad.stderr
    assert cli(sqlite_path, "isolation", "Nobody At All").exit_code == 1
