"""Charts over the analysis figures, drawn by Altair (Vega-Lite) and rendered offline by vl-convert.

Each function takes the figure's data dict and returns an Altair chart. `svg` renders one to inline SVG
(the HTML reports embed that, so no script or network is needed to see them) and `save` writes PNG or SVG.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import altair as alt
import vl_convert

from legation.errors import InputError
from legation.registry import bodies, dates, vocabularies

WIDTH = 520


def _data(rows: list[dict[str, Any]]) -> alt.Data:
    return alt.Data(values=rows)  # type: ignore[no-untyped-call]


def colours(vocab: str, present: Any) -> alt.Scale:
    """A colour scale over the labels of the terms present, each term in its one colour from
    vocabularies.yaml (colour-blind safe), in the vocabulary's declared order."""
    chosen = [(v["label"], v["colour"]) for k, v in vocabularies.terms(vocab).items() if k in set(present)]
    return alt.Scale(domain=[label for label, _ in chosen], range=[colour for _, colour in chosen])


def tooltips(*fields: str | alt.Tooltip) -> list[alt.Tooltip]:
    """Tooltip channels from shorthands ("year:Q"). Given as plain strings, altair looks each up
    by hashing its whole schema (~2.5 ms a field, 10 ms a chart); as channels, it does not."""
    return [f if isinstance(f, alt.Tooltip) else alt.Tooltip(f) for f in fields]


# Two series beside each other (attempts and refused; a state and its peers): Tol's blue and orange-red.
PAIR = ["#4477AA", "#CC6677"]


def isolation_chart(data: dict[str, Any]) -> alt.TopLevelMixin:
    """Attempts and refused attempts by month, with the refused share in the tooltip."""
    rows = [
        {"month": m["month"], "series": series, "n": m[key], "share": m["share"]}
        for m in data["by_month"]
        for series, key in (("attempts", "attempts"), ("refused", "refused"))
    ]
    # A continuous month axis (months with no attempt stay visible as gaps) and whole attempts only.
    chart: alt.TopLevelMixin = (
        alt.Chart(_data(rows), title=f"Isolation of {data['who']['name']}: attempts at contact by month")
        .mark_bar(opacity=0.85)
        .encode(
            x=alt.X("yearmonth(month):T", title="month", axis=alt.Axis(format="%b %Y", labelOverlap=True)),
            xOffset=alt.XOffset("series:N"),
            y=alt.Y("n:Q", title="attempts", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=["attempts", "refused"], range=PAIR),
                legend=alt.Legend(orient="bottom", labelFontSize=12),
            ),
            tooltip=tooltips("month:O", "series:N", "n:Q", alt.Tooltip("share:Q", format=".0%")),
        )
        .properties(width=WIDTH, height=220)
    )
    return chart


def _precedent_rows(data: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    counts: list[dict[str, Any]] = []
    shares: list[dict[str, Any]] = []
    for column, figures in (("state", data["exit_types"]), ("peers", data["peers"]["exit_types"])):
        label = bodies.name(data["state"]) if column == "state" else "peers"
        for exit_type, block in figures.items():
            name = vocabularies.label("exit_types", exit_type)
            counts.append({"column": label, "exit_type": name, "count": block["count"]})
            for consequence, value in block["consequences"].items():
                shares.append(
                    {
                        "column": label,
                        "exit_type": name,
                        "consequence": vocabularies.label("consequences", consequence),
                        "share": value,
                    }
                )
    return counts, shares


def precedents_chart(data: dict[str, Any]) -> alt.TopLevelMixin:
    """Cases by exit type (state beside peers), and the share of each exit type's cases per consequence."""
    counts, shares = _precedent_rows(data)
    bars = (
        alt.Chart(_data(counts), title=f"Exits from {bodies.name(data['state'])} and peers")
        .mark_bar()
        .encode(
            y=alt.Y("exit_type:N", title=None),
            yOffset=alt.YOffset("column:N"),
            x=alt.X("count:Q", title="cases"),
            color=alt.Color("column:N", title=None, scale=alt.Scale(range=PAIR), legend=alt.Legend(orient="bottom")),
            tooltip=tooltips("column:N", "exit_type:N", "count:Q"),
        )
        .properties(width=240, height=alt.Step(14))
    )
    heat = (
        alt.Chart(_data(shares), title="Share of cases with each consequence")
        .mark_rect()
        .encode(
            x=alt.X("consequence:N", title=None),
            y=alt.Y("exit_type:N", title=None),
            color=alt.Color(
                "share:Q", scale=alt.Scale(domain=[0, 1], scheme="oranges"), legend=alt.Legend(format=".0%")
            ),
            column=alt.Column("column:N", title=None),
            tooltip=tooltips("column:N", "exit_type:N", "consequence:N", alt.Tooltip("share:Q", format=".0%")),
        )
        .properties(width=180)
    )
    return alt.vconcat(bars, heat) if shares else bars


def dyad_chart(data: dict[str, Any]) -> alt.TopLevelMixin:
    """Every dated measure between the two, by direction over time; size shows the count where one is given."""
    rows = [
        {
            "date": dates.lower(m["date"]).isoformat(),
            "as_reported": m["date"],
            "direction": f"{bodies.name(m['actor'])} → {bodies.name(m['target'])}",
            "type": vocabularies.label("measures", m["type"]),
            "precision": "day" if len(m["date"]) == 10 else "month or year only",
            "count": m.get("count") or 1,
            "id": m["id"],
        }
        for m in data["measures"]
        if m.get("date")
    ]
    chart: alt.TopLevelMixin = (
        alt.Chart(_data(rows), title=f"Measures between {bodies.name(data['a'])} and {bodies.name(data['b'])}")
        .mark_point(filled=True, strokeWidth=1.5)
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("direction:N", title=None),
            color=alt.Color(
                "type:N",
                title="measure",
                scale=colours("measures", {m["type"] for m in data["measures"]}),
                legend=alt.Legend(orient="bottom", columns=3, labelFontSize=12, labelLimit=220),
            ),
            # A date known only to the month or year is drawn hollow: its day is not known.
            shape=alt.Shape("precision:N", title="date", legend=alt.Legend(orient="bottom")),
            fillOpacity=alt.FillOpacity(
                "precision:N", scale=alt.Scale(domain=["day", "month or year only"], range=[0.85, 0.1]), legend=None
            ),
            size=alt.Size("count:Q", title="count", scale=alt.Scale(range=[40, 600]), legend=None),
            tooltip=tooltips("as_reported:N", "direction:N", "type:N", "count:Q"),
        )
        .properties(width=WIDTH, height=120)
    )
    return chart


def svg(chart: alt.TopLevelMixin) -> str:
    """The chart as standalone SVG markup, rendered without a browser or network."""
    return str(vl_convert.vegalite_to_svg(chart.to_dict()))


def save(chart: alt.TopLevelMixin, path: str | Path) -> Path:
    """Write the chart to a .png or .svg file, by the file's suffix."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".svg":
        target.write_text(svg(chart), encoding="utf-8")
    elif suffix == ".png":
        target.write_bytes(vl_convert.vegalite_to_png(chart.to_dict(), scale=2))
    else:
        raise InputError(f"a chart file ending in .png or .svg; got {target.name!r}", file=str(target), field="chart")
    return target
