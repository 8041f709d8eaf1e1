"""Reciprocity: pairs inside and outside the window, families, explicit links and partial-date lags."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from legation.analysis.reciprocity import dyad
from legation.errors import InputError
from legation.registry.store import Store
from tests.analysis_fixtures import load, measure

MEASURES = [
    measure("m-a", "expulsion", "USA", "RUS", "2020-01-01", count=10),
    measure("m-b", "expulsion", "RUS", "USA", "2020-01-20", count=5),  # answers m-a after 19 days
    measure("m-c", "visa_denial", "USA", "RUS", "2020-06-01"),
    measure("m-d", "harassment", "RUS", "USA", "2020-09-01"),  # same family as m-c, 92 days later
    measure("m-e", "mission_closure", "USA", "RUS", "2021-01-15"),
    measure("m-f", "mission_closure", "RUS", "USA", "2021-06", reciprocal_of="m-e"),  # explicit, 137+ days
    measure("m-g", "staff_cap", "USA", "RUS", "2022-02-10"),
    measure("m-h", "staff_expulsion", "RUS", "USA", "2022-03"),  # month precision: 19 to 49 days
    measure("m-x", "expulsion", "GBR", "RUS", "2020-01-02", count=3),  # another dyad
]


def test_pairs_within_the_default_window(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, MEASURES)
    data = dyad(store, "RUS", "USA")
    assert [m["id"] for m in data["measures"]] == ["m-a", "m-b", "m-c", "m-d", "m-e", "m-f", "m-g", "m-h"]
    pairs = {p["measure"]: p for p in data["reciprocal_pairs"]}
    assert set(pairs) == {"m-b", "m-f", "m-h"}
    b = pairs["m-b"]
    assert (b["answers"], b["lag_days"], b["count_ratio"], b["explicit"]) == ("m-a", 19, 0.5, False)
    assert data["by_direction"]["USA->RUS"] == {"measures": 4, "persons_affected": 10}


def test_a_reciprocal_outside_the_window_is_not_inferred(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, MEASURES)
    assert "m-d" not in {p["measure"] for p in dyad(store, "RUS", "USA")["reciprocal_pairs"]}
    wider = {p["measure"]: p for p in dyad(store, "RUS", "USA", window_days=92)["reciprocal_pairs"]}
    assert wider["m-d"]["answers"] == "m-c" and wider["m-d"]["lag_days"] == 92
    assert wider["m-d"]["same_type"] is False


def test_explicit_link_is_kept_and_marked_outside_the_window(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, MEASURES)
    pair = next(p for p in dyad(store, "RUS", "USA")["reciprocal_pairs"] if p["measure"] == "m-f")
    assert pair["answers"] == "m-e" and pair["explicit"] is True and pair["within_window"] is False
    assert (pair["lag_days"], pair["lag_days_max"]) == (137, 166)


def test_lag_at_month_precision_is_a_range(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, MEASURES)
    pair = next(p for p in dyad(store, "RUS", "USA")["reciprocal_pairs"] if p["measure"] == "m-h")
    assert (pair["answers"], pair["lag_days"], pair["lag_days_max"], pair["count_ratio"]) == ("m-g", 19, 49, None)


def test_empty_and_single_dyads_say_so(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, MEASURES)
    assert dyad(store, "FRA", "RUS")["note"] == "No recorded measures between these two."
    single = dyad(store, "RUS", "GBR")
    assert len(single["measures"]) == 1 and single["reciprocal_pairs"] == [] and "One measure" in single["note"]
    with pytest.raises(InputError):
        dyad(store, "RUS", "Mordor")


def test_cli_dyad_json_and_chart(cli: Any, sqlite_path: str, tmp_path: Path) -> None:
    store = Store.open(sqlite_path)
    load(store, tmp_path, MEASURES)
    store.close()
    svg = tmp_path / "dyad.svg"
    result = cli(sqlite_path, "dyad", "RUS", "USA", "--window", "100", "--format", "json", "--chart", str(svg))
    assert result.exit_code == 0, result.output
    assert {p["measure"] for p in json.loads(result.stdout)["reciprocal_pairs"]} == {"m-b", "m-d", "m-f", "m-h"}
    assert svg.read_text().lstrip().startswith("<svg") and "Russia" in svg.read_text()
    assert cli(sqlite_path, "dyad", "RUS", "USA", "--chart", str(tmp_path / "x.txt")).exit_code == 2
