"""Commands over the figures: isolation, precedents, dyad and the options brief.

Each opens the store, calls one library function, and renders its data dict as a table, JSON, Markdown
or a standalone HTML page; `--chart` also writes the figure's chart as PNG or SVG.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from legation.cli.common import emit_json, failures, lazy, out, state, table
from legation.registry import vocabularies

if TYPE_CHECKING:
    from legation.analysis import briefs, charts, isolation, precedents, reciprocity, reports
else:  # altair and vl-convert load only when a command runs
    briefs, charts, isolation = (
        lazy("legation.analysis.briefs"),
        lazy("legation.analysis.charts"),
        lazy("legation.analysis.isolation"),
    )
    precedents, reciprocity, reports = (
        lazy("legation.analysis.precedents"),
        lazy("legation.analysis.reciprocity"),
        lazy("legation.analysis.reports"),
    )


class Output(StrEnum):
    table = "table"
    json = "json"
    md = "md"
    html = "html"


FormatOption = Annotated[
    Output, typer.Option("--format", "-f", help="table (default), json, md (Markdown) or html (a standalone page).")
]
ChartOption = Annotated[
    Path | None, typer.Option("--chart", help="Also write the figure's chart to this .png or .svg file.")
]
GroupFileOption = Annotated[
    Path | None,
    typer.Option("--peer-group-file", help="A YAML file of extra peer groups, in the shape of the bundled one."),
]


def _render(kind: str, data: dict[str, Any], fmt: Output, chart: Path | None) -> None:
    if chart:
        charts.save(reports.figure_charts(kind, data)[0], chart)
    if fmt is Output.json:
        emit_json(data)
    elif fmt is Output.md:
        sys.stdout.write(reports.markdown(kind, data))
    elif fmt is Output.html:
        sys.stdout.write(reports.html(kind, data))
    else:
        TABLES[kind](data)


def _iso_table(data: dict[str, Any]) -> None:
    out.print(
        f"{data['who']['name']}: refused {data['refused']} of {data['attempts']} attempts, "
        f"share {reports.pct(data['share'])}, 95% Wilson {reports.interval(data['ci95'])}",
        highlight=False,
    )
    if data["note"]:
        out.print(data["note"], highlight=False)
    table(
        "by month",
        ["month", "attempts", "refused", "share"],
        [[m["month"], m["attempts"], m["refused"], reports.pct(m["share"])] for m in data["by_month"]],
    )
    table(
        "contacts",
        ["id", "date", "to", "outcome", "count"],
        [[c["id"], c.get("date"), c["to"], c["outcome"], c.get("count", 1)] for c in data["contacts"]],
    )


def _exit_rows(figures: dict[str, Any]) -> list[list[Any]]:
    return [
        [
            vocabularies.label("exit_types", k),
            b["count"],
            reports.consequence_shares(b),
            ", ".join(c["posting"] for c in b["cases"]),
        ]
        for k, b in figures.items()
    ]


def _precedents_table(data: dict[str, Any]) -> None:
    columns = ["exit type", "cases", "consequences (share of cases)", "postings"]
    table(f"precedents: {data['state_name']}", columns, _exit_rows(data["exit_types"]))
    members = ", ".join(data["peers"]["members"]) or "none"
    table(f"peers: {members}", columns, _exit_rows(data["peers"]["exit_types"]))


def _dyad_table(data: dict[str, Any]) -> None:
    table(
        f"measures {data['a']}–{data['b']}",
        ["date", "direction", "measure", "count", "id"],
        [[m.get("date"), f"{m['actor']}→{m['target']}", m["type"], m.get("count"), m["id"]] for m in data["measures"]],
    )
    table(
        f"reciprocal pairs (window {data['window_days']} days)",
        ["measure", "answers", "lag_days", "count_ratio", "link"],
        [
            [p["measure"], p["answers"], p["lag_days"], p["count_ratio"], "explicit" if p["explicit"] else "inferred"]
            for p in data["reciprocal_pairs"]
        ],
    )


def _brief_table(data: dict[str, Any]) -> None:
    p = data["posting"]
    out.print(f"{data['person']['name']}: {p['role']} of {p['sending']} to {p.get('receiving') or '-'} ({p['id']})")
    out.print(data["disclaimer"], highlight=False)
    _iso_table(data["isolation"])
    rows = [
        [
            x["label"],
            x["exit_type"],
            x["state"]["count"],
            reports.consequence_shares(x["state"]),
            x["peers"]["count"],
            reports.consequence_shares(x["peers"]),
        ]
        for x in data["paths"]
    ]
    members = ", ".join(data["peers"]["members"]) or "none"
    table(
        f"paths (peers: {members})", ["path", "exit type", p["sending"], "consequences", "peers", "consequences"], rows
    )


TABLES = {"isolation": _iso_table, "precedents": _precedents_table, "dyad": _dyad_table, "brief": _brief_table}


def isolation_(
    ctx: typer.Context,
    who: Annotated[str, typer.Argument(help="A person (name, alias or id) or a mission: RUS, or RUS@USA.")],
    start: Annotated[
        str | None, typer.Option("--from", help="First date of the window (YYYY, YYYY-MM or YYYY-MM-DD).")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last date of the window.")] = None,
    fmt: FormatOption = Output.table,
    chart: ChartOption = None,
) -> None:
    """Isolation: the refused share of attempts at contact, with its 95% Wilson interval and monthly trend."""
    with failures():
        _render("isolation", isolation.isolation(state(ctx).store(), who, start=start, end=end), fmt, chart)


def precedents_(
    ctx: typer.Context,
    sending: Annotated[str, typer.Argument(metavar="STATE", help="The sending state's code, e.g. POL or PRK.")],
    peers: Annotated[str | None, typer.Option("--peers", help="Peer states, comma-separated: HUN,CSK,DDR.")] = None,
    peer_group: Annotated[
        str | None, typer.Option("--peer-group", help="A named peer group, e.g. 'Warsaw Pact'.")
    ] = None,
    group_file: GroupFileOption = None,
    at: Annotated[str | None, typer.Option("--at", help="Only exits known by this date.")] = None,
    fmt: FormatOption = Output.table,
    chart: ChartOption = None,
) -> None:
    """Precedents: each exit type's cases from a state and its peers, and the share with each consequence."""
    with failures():
        data = precedents.precedents(
            state(ctx).store(),
            sending,
            peers=peers.split(",") if peers else None,
            peer_group=peer_group,
            at=at,
            group_file=str(group_file) if group_file else None,
        )
        _render("precedents", data, fmt, chart)


def dyad_(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="One body's code, e.g. RUS.")],
    b: Annotated[str, typer.Argument(help="The other body's code, e.g. USA.")],
    window: Annotated[int, typer.Option("--window", min=0, help="Days within which a measure answers another.")] = 60,
    fmt: FormatOption = Output.table,
    chart: ChartOption = None,
) -> None:
    """Measures between two bodies in both directions, with the reciprocal (tit-for-tat) pairs."""
    with failures():
        _render("dyad", reciprocity.dyad(state(ctx).store(), a, b, window_days=window), fmt, chart)


def brief_(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="A person's name, alias or id.")],
    peers: Annotated[str | None, typer.Option("--peers", help="Peer states, comma-separated.")] = None,
    peer_group: Annotated[str | None, typer.Option("--peer-group", help="A named peer group.")] = None,
    group_file: GroupFileOption = None,
    fmt: FormatOption = Output.table,
    chart: ChartOption = None,
) -> None:
    """The options brief: posting, isolation, the dyad's measures, and each path's precedents. No advice."""
    with failures():
        data = briefs.brief(
            state(ctx).store(),
            person,
            peers=peers.split(",") if peers else None,
            peer_group=peer_group,
            group_file=str(group_file) if group_file else None,
        )
        _render("brief", data, fmt, chart)


def register(app: typer.Typer) -> None:
    app.command("isolation")(isolation_)
    app.command("precedents")(precedents_)
    app.command("dyad")(dyad_)
    app.command("brief")(brief_)
