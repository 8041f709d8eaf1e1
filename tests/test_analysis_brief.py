"""The options brief: its blocks on a hand-built store, on the bundled data, and in a real browser."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from legation.analysis import reports
from legation.analysis.briefs import brief
from legation.registry.store import Store
from tests.analysis_fixtures import consequence, contact, load, measure, person, posting

PATHS = ["stay", "retire", "resign_quietly", "resign_in_protest", "defect", "seek_asylum", "await_expulsion"]
RECORDS = [
    person("p-envoy", "Envoy <b>Bold</b>", citizenship="RUS"),
    posting("pos-envoy-usa", "p-envoy", "RUS", "USA", start="2017-08"),
    contact("c-1", "p-envoy", "declined", "2022-04-02", count=4),
    contact("c-2", "p-envoy", "accepted", "2022-05-10"),
    measure("m-1", "staff_expulsion", "USA", "RUS", "2022-03-01", count=1),
    measure("m-2", "expulsion", "RUS", "USA", "2022-03-20", count=1),
    posting("pos-sov-gbr-1985", None, "SUN", "GBR", group="Soviet defector", count=1, end="1985", exit_type="defected"),
    consequence("pos-sov-gbr-1985", "sentenced_to_death_in_absentia"),
    posting(
        "pos-rus-ok-2019", None, "RUS", "FRA", group="Russian envoy", count=1, end="2019", exit_type="term_completed"
    ),
    posting("pos-blr-2021", None, "BLR", "POL", group="Belarusian envoy", count=1, end="2021", exit_type="defected"),
    consequence("pos-blr-2021", "prosecuted"),
]


def test_brief_blocks_on_a_hand_built_store(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, RECORDS)
    data = brief(store, "p-envoy")
    assert data["posting"]["id"] == "pos-envoy-usa"
    assert (data["isolation"]["attempts"], data["isolation"]["refused"], data["isolation"]["share"]) == (5, 4, 0.8)
    measures = data["measures"]
    assert [m["id"] for m in measures["by_sending"]] == ["m-2"] and [m["id"] for m in measures["by_receiving"]] == [
        "m-1"
    ]
    assert [(p["measure"], p["answers"]) for p in measures["reciprocal_pairs"]] == [("m-2", "m-1")]
    assert [p["path"] for p in data["paths"]] == PATHS
    paths = {p["path"]: p for p in data["paths"]}
    assert paths["stay"]["exit_type"] == "term_completed" and paths["stay"]["state"]["count"] == 1
    defect = paths["defect"]
    assert defect["state"]["count"] == 1 and defect["state"]["consequences"] == {"sentenced_to_death_in_absentia": 1.0}
    # default peers: the CIS (Russia's group today); Belarus's 2021 case counts
    assert data["peers"]["group"]["key"] == "cis" and data["peers"]["default"] is True
    assert defect["peers"]["count"] == 1 and defect["peers"]["consequences"] == {"prosecuted": 1.0}
    assert paths["seek_asylum"]["state"] == paths["seek_asylum"]["state"] | {"count": 0, "cases": []}
    chosen = brief(store, "p-envoy", peers=["FRA"])
    assert chosen["peers"]["group"] is None and chosen["peers"]["members"] == ["FRA"]
    assert "advice" not in json.dumps(data["paths"]).lower() and "score" not in json.dumps(data["paths"]).lower()


def test_html_escapes_text_and_inlines_svg(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, RECORDS)
    page = reports.html("brief", brief(store, "p-envoy"))
    assert "Envoy &lt;b&gt;Bold&lt;/b&gt;" in page and "<b>Bold</b>" not in page
    assert page.count("<svg") >= 2 and "<script" not in page
    md = reports.markdown("brief", brief(store, "p-envoy"))
    assert "## Paths" in md and "### Defect (exit type `defected`)" in md


def _cases(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [case for path in data["paths"] for column in ("state", "peers") for case in path[column]["cases"]]


def test_antonov_brief_json_on_the_bundled_data(cli: Any, bundled_db: str) -> None:
    result = cli(bundled_db, "brief", "Anatoly Antonov", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"person", "posting", "isolation", "measures", "paths"} <= set(data)
    assert data["posting"]["sending"] == "RUS" and data["posting"]["receiving"] == "USA"
    assert data["isolation"]["attempts"] >= 1 and data["isolation"]["ci95"] is not None
    assert data["measures"]["by_sending"] and data["measures"]["by_receiving"]
    assert [p["path"] for p in data["paths"]] == PATHS
    for path in data["paths"]:
        for column in ("state", "peers"):
            block = path[column]
            assert {"count", "cases", "consequences"} <= set(block) and block["count"] == len(block["cases"])
    cases = _cases(data)
    assert cases and all(case["sources"] and all(s["url"] for s in case["sources"]) for case in cases)
    assert all(c["sources"] for case in cases for c in case["consequences"])


def test_cli_brief_writes_png_chart(cli: Any, bundled_db: str, tmp_path: Path) -> None:
    png = tmp_path / "iso.png"
    result = cli(bundled_db, "brief", "Anatoly Antonov", "--format", "md", "--chart", str(png))
    assert result.exit_code == 0, result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "# Options brief: Anatoly Antonov" in result.stdout


@pytest.mark.browser
def test_html_brief_renders_with_visible_charts_in_chromium(
    cli: Any, bundled_db: str, tmp_path: Path, chromium: Any
) -> None:
    result = cli(bundled_db, "brief", "Anatoly Antonov", "--format", "html")
    assert result.exit_code == 0, result.output
    page_file = tmp_path / "brief.html"
    page_file.write_text(result.stdout, encoding="utf-8")
    page = chromium.new_page()
    page.goto(page_file.as_uri())
    assert page.locator("h1").inner_text() == "Options brief: Anatoly Antonov"
    charts = page.locator("figure.chart svg")
    assert charts.count() == 2
    for i in range(2):
        chart = charts.nth(i)
        assert chart.is_visible()
        box = chart.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 100
    marks = page.locator("figure.chart svg path, figure.chart svg rect")
    assert marks.count() > 10
    assert "Isolation of Anatoly Antonov" in page.locator("figure.chart").first.inner_text()
    page.close()
