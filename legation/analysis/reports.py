"""Renderers for the analysis figures: Markdown, and standalone HTML with inline SVG charts.

Each figure is one data dict (the JSON output); these turn it into text without computing anything new.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt
from jinja2 import Environment, PackageLoader, select_autoescape

from legation.analysis import charts
from legation.registry import vocabularies

KINDS = ("isolation", "precedents", "dyad", "brief")


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def interval(ci: list[float] | None) -> str:
    return "n/a" if not ci else f"[{ci[0]:.3f}, {ci[1]:.3f}]"


def sources(items: list[dict[str, Any]]) -> str:
    return "; ".join(dict.fromkeys(s["url"] for s in items))


def cases(count: int) -> str:
    return f"{count} case" if count == 1 else f"{count} cases"


def consequence_shares(block: dict[str, Any]) -> str:
    shares = block.get("consequences") or {}
    return ", ".join(f"{vocabularies.label('consequences', k)} {pct(v)}" for k, v in shares.items()) or "none recorded"


def _cell(value: Any) -> str:
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def _table(columns: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    return lines + ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]


def events_md(events: dict[str, Any] | None, level: str = "##") -> list[str]:
    """The dyad's event-data signals (GDELT), month by month against its own baseline."""
    gdelt = (events or {}).get("gdelt")
    if not gdelt:
        return []
    lines = ["", f"{level} Event data: {' and '.join(gdelt['dyad'])} ({gdelt['source']})", "", gdelt["definition"], ""]
    rows = [
        [m["month"], m["consults"], m["consult_baseline"], m["consult_ratio"], m["rejections"], m["rejection_baseline"]]
        for m in gdelt["months"]
    ]
    columns = ["month", "consults", "consult baseline", "consult ratio", "rejected meetings", "rejection baseline"]
    return lines + _table(columns, rows)


def isolation_md(data: dict[str, Any], level: str = "#") -> list[str]:
    lines = [f"{level} Isolation: {data['who']['name']}", ""]
    lines.append(
        f"Refused share: **{pct(data['share'])}** ({data['refused']} of {data['attempts']} attempts), "
        f"95% Wilson interval {interval(data['ci95'])}."
    )
    if data["note"]:
        lines += ["", f"_{data['note']}_"]
    if data["by_month"]:
        rows = [[m["month"], m["attempts"], m["refused"], pct(m["share"])] for m in data["by_month"]]
        lines += ["", *_table(["month", "attempts", "refused", "share"], rows)]
    coarse = data["not_in_months"]
    if coarse["attempts"]:
        lines += ["", f"Dated only to the year or undated: {coarse['attempts']} attempts, {coarse['refused']} refused."]
    rows = [
        [c["id"], c.get("date"), c["to"], c["channel"], c["outcome"], c.get("count", 1), sources(c["sources"])]
        for c in data["contacts"]
    ]
    if rows:
        lines += ["", *_table(["contact", "date", "to", "channel", "outcome", "count", "sources"], rows)]
    return lines + events_md(data.get("events"), level + "#")


def _cases_md(block: dict[str, Any]) -> list[str]:
    rows = [
        [
            c["person"],
            c["year"],
            c["posting"],
            ", ".join(f"{x['type']} ({x['certainty']})" for x in c["consequences"]) or "none recorded",
            sources(c["sources"] + [s for x in c["consequences"] for s in x["sources"]]),
        ]
        for c in block["cases"]
    ]
    return _table(["person", "year", "posting", "consequences", "sources"], rows)


def _exit_types_md(title: str, figures: dict[str, Any], level: str) -> list[str]:
    lines = [f"{level} {title}", ""]
    if not figures:
        return [*lines, "No recorded cases."]
    for exit_type, block in figures.items():
        label = vocabularies.label("exit_types", exit_type)
        lines += ["", f"{level}# {label} (`{exit_type}`): {cases(block['count'])}", ""]
        lines += [f"Consequences (share of cases): {consequence_shares(block)}."]
        if block.get("note"):
            lines += ["", f"_{block['note']}_"]
        lines += ["", *_cases_md(block)]
    return lines


def precedents_md(data: dict[str, Any], level: str = "#") -> list[str]:
    lines = [f"{level} Precedents: {data['state_name']} ({data['state']})", ""]
    if len(data["lineage"]) > 1:
        lines += [f"Includes the former states it continues: {', '.join(data['lineage'][1:])}.", ""]
    lines += _exit_types_md(f"Exits from {data['state']}", data["exit_types"], level + "#")
    peers = data["peers"]
    group = peers["group"]
    title = f"Peers: {group['name']}" if group else "Peers"
    lines += ["", f"{level}# {title}", "", f"Members counted: {', '.join(peers['members']) or 'none'}."]
    if group:
        lines += ["A peer's case counts only if the peer was a member in the case's year."]
        lines += [f"Membership sources: {sources(group['sources'])}."]
    lines += _exit_types_md("Exits from peers", peers["exit_types"], level + "##")[2:]
    return lines


def dyad_md(data: dict[str, Any], level: str = "#") -> list[str]:
    a, b = data["a"], data["b"]
    lines = [f"{level} Measures between {data['names'][a]} and {data['names'][b]}", ""]
    if data["note"]:
        lines += [f"_{data['note']}_", ""]
    rows = [
        [m.get("date"), f"{m['actor']}→{m['target']}", m["type"], m.get("count"), m["id"], sources(m["sources"])]
        for m in data["measures"]
    ]
    lines += _table(["date", "direction", "measure", "count", "id", "sources"], rows)
    lines += ["", f"{level}# Reciprocal pairs (window {data['window_days']} days)", ""]
    pair_rows = [
        [
            p["measure"],
            p["answers"],
            p["lag_days"],
            p["count_ratio"],
            "explicit" if p["explicit"] else "inferred",
            "yes" if p["within_window"] else "no",
        ]
        for p in data["reciprocal_pairs"]
    ]
    lines += (
        _table(["measure", "answers", "lag_days", "count_ratio", "link", "in window"], pair_rows)
        if pair_rows
        else ["None found."]
    )
    return lines + events_md(data.get("events"), level + "#")


def brief_md(data: dict[str, Any], level: str = "#") -> list[str]:
    person, posting = data["person"], data["posting"]
    lines = [f"{level} Options brief: {person['name']}", "", f"_{data['disclaimer']}_", ""]
    lines += [
        f"Posting `{posting['id']}`: {posting['role']} of {posting['sending']} "
        f"to {posting.get('receiving') or 'no receiving state'}"
        + (f" ({posting['post']})" if posting.get("post") else "")
        + f", {posting.get('start') or '?'} – {posting.get('end') or 'in force'}."
        + f" Sources: {sources(posting['sources'])}."
    ]
    lines += ["", *isolation_md(data["isolation"], level + "#")]
    if data["measures"]:
        m = data["measures"]
        lines += ["", f"{level}# Measures in the dyad {m['sending']}–{m['receiving']}", ""]
        rows = [
            [x.get("date"), f"{x['actor']}→{x['target']}", x["type"], x.get("count"), sources(x["sources"])]
            for x in sorted(m["by_sending"] + m["by_receiving"], key=lambda x: x.get("date") or "")
        ]
        lines += _table(["date", "direction", "measure", "count", "sources"], rows)
    peers = data["peers"]
    group = peers["group"]
    lines += ["", f"{level}# Paths", ""]
    lines += [
        f"Peers: {group['name'] if group else 'chosen states'} ({', '.join(peers['members']) or 'none'})"
        + (" — the default group for this state and date." if peers["default"] else ".")
    ]
    for path in data["paths"]:
        lines += ["", f"{level}## {path['label']} (exit type `{path['exit_type']}`)", ""]
        for column in ("state", "peers"):
            block = path[column]
            who = "/".join(data["lineage"]) if column == "state" else "Peers"
            lines += [f"**{who}**: {cases(block['count'])}; consequences: {consequence_shares(block)}."]
            if block["cases"]:
                lines += ["", *_cases_md(block), ""]
    return lines


MARKDOWN: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "isolation": isolation_md,
    "precedents": precedents_md,
    "dyad": dyad_md,
    "brief": brief_md,
}


def markdown(kind: str, data: dict[str, Any]) -> str:
    return "\n".join(MARKDOWN[kind](data)).rstrip() + "\n"


def figure_charts(kind: str, data: dict[str, Any]) -> list[alt.TopLevelMixin]:
    """The charts a figure shows: the brief shows its isolation trend, and its dyad when there is one."""
    if kind == "isolation":
        return [charts.isolation_chart(data)]
    if kind == "precedents":
        return [charts.precedents_chart(data)]
    if kind == "dyad":
        return [charts.dyad_chart(data)]
    found = [charts.isolation_chart(data["isolation"])]
    if data["measures"]:
        m = data["measures"]
        found.append(
            charts.dyad_chart({"a": m["sending"], "b": m["receiving"], "measures": m["by_sending"] + m["by_receiving"]})
        )
    return found


_ENV = Environment(
    loader=PackageLoader("legation", "templates/reports"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters.update(pct=pct, interval=interval, shares=consequence_shares)
_ENV.globals["label"] = vocabularies.label


def html(kind: str, data: dict[str, Any]) -> str:
    """A standalone page: the figure's tables, its charts as inline SVG, every case with its sources."""
    svgs = [charts.svg(c) for c in figure_charts(kind, data)]
    return _ENV.get_template(f"{kind}.html").render(data=data, charts=svgs, kind=kind)
