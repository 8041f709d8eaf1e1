"""Charts as inline SVG, drawn on the server with altair and vl-convert (no script, no CDN)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import altair as alt
import vl_convert as vlc

from legation.registry import vocabularies

WIDTH = 640


@lru_cache(maxsize=128)
def _svg(spec: str) -> str:
    svg: str = vlc.vegalite_to_svg(json.loads(spec))
    return svg


def _data(rows: list[dict[str, Any]]) -> alt.Data:
    return alt.Data(values=rows)  # type: ignore[no-untyped-call]


def svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG element; identical charts are drawn once."""
    return _svg(json.dumps(chart.to_dict(), sort_keys=True))


def exits_per_year(rows: list[dict[str, Any]]) -> str | None:
    if not rows:
        return None
    order = list(vocabularies.codes("exit_types"))
    chart = (
        alt.Chart(_data(rows), width=WIDTH, height=220, title="Exits per year, by exit type")
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="year", axis=alt.Axis(labelOverlap=True)),
            y=alt.Y("sum(exits):Q", title="exits"),
            color=alt.Color("exit_type:N", sort=order, title="exit type"),
            order=alt.Order("exit_type:N"),
        )
    )
    return svg(chart)


def postings_timeline(postings: list[dict[str, Any]]) -> str | None:
    rows = [
        {
            "posting": f"{p['role']} → {p.get('receiving') or p.get('post') or 'at large'}",
            "start": (p.get("start") or p.get("end") or "")[:4],
            "end": (p.get("end") or p.get("start") or "")[:4],
            "exit_type": p.get("exit_type") or "in post",
        }
        for p in postings
        if p.get("start") or p.get("end")
    ]
    if not rows:
        return None
    chart = (
        alt.Chart(_data(rows), width=WIDTH, height=max(40, 28 * len(rows)), title="Postings")
        .mark_bar(size=14)
        .encode(
            x=alt.X("start:T", title="year", timeUnit="year"),
            x2="end:T",
            y=alt.Y("posting:N", title=None, sort=None),
            color=alt.Color("exit_type:N", title="exit"),
        )
    )
    return svg(chart)


def measures_timeline(measures: list[dict[str, Any]]) -> str | None:
    rows = [
        {"date": m["date"], "direction": f"{m['actor']} → {m['target']}", "type": m["type"], "count": m.get("count")}
        for m in measures
        if m.get("date")
    ]
    if not rows:
        return None
    chart = (
        alt.Chart(_data(rows), width=WIDTH, height=140, title="Measures over time")
        .mark_point(filled=True, size=90)
        .encode(
            x=alt.X("date:T", title="date"),
            y=alt.Y("direction:N", title=None),
            color=alt.Color("type:N", title="measure"),
            shape=alt.Shape("type:N", legend=None),
        )
    )
    return svg(chart)


def analysis_chart(name: str, data: dict[str, Any] | None) -> str | None:
    """A chart from legation.analysis.charts (`isolation_chart`, `precedents_chart`, `dyad_chart`), if present."""
    if not data:
        return None
    try:
        from legation.analysis import charts
    except ImportError:
        return None
    make = getattr(charts, name, None)
    if make is None:
        return None
    try:
        return svg(make(data))
    except (KeyError, ValueError, TypeError):  # a figure with nothing to draw
        return None
