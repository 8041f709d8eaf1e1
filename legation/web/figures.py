"""Charts as inline SVG, drawn on the server with altair and vl-convert (no script, no CDN).

Each function returns a `Figure`: the SVG and a caption that says what the chart counts and what it
leaves out, worked out from the same rows, so the caption and the bars cannot disagree.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from collections import OrderedDict
from collections.abc import Callable
from functools import cache, lru_cache, wraps
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import altair as alt
import orjson
import vl_convert as vlc

from legation.analysis.charts import colours, tooltips
from legation.registry import bodies, dates, vocabularies

WIDTH = 640


NARROW = 300  # the phone version's plot width: at 390 px a 640 px chart would shrink its text to 5 px


class Figure(NamedTuple):
    svg: str
    caption: str
    narrow: str | None = None  # the same chart drawn for a phone's width, where it can be


def figure(chart: alt.TopLevelMixin, caption: str) -> Figure:
    """The chart at a laptop's width and, for a single chart, again at a phone's."""
    narrow = svg(chart.properties(width=NARROW)) if isinstance(chart, alt.Chart) else None
    return Figure(svg(chart), caption, narrow)


@lru_cache(maxsize=128)
def _svg(spec: str) -> str:
    svg: str = vlc.vegalite_to_svg(json.loads(spec))
    return svg


def _data(rows: list[dict[str, Any]]) -> alt.Data:
    return alt.Data(values=rows)  # type: ignore[no-untyped-call]


def svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG element; identical charts are drawn once. The spec is built by our own
    code, so altair's schema validation (most of the time of to_dict) is skipped."""
    return _svg(json.dumps(chart.to_dict(validate=False), sort_keys=True))


_FIGURES: OrderedDict[bytes, Figure | None] = OrderedDict()


class Shelf:
    """Figures drawn before, kept on disk: shared by every `serve` worker and kept across restarts,
    so a chart is drawn once, not once per worker and again after each restart (drawing is
    80-130 ms of a fresh page's 90-140). A figure is filed under a digest of what drew it (the
    chart function and its rows), of the code and data that draw (this module, analysis.charts,
    the package's data files, the versions of altair and vl-convert) and of the day (open
    postings run to today), so a stale figure is never found. `limit` files at most."""

    def __init__(self, folder: Path | None = None, limit: int = 20_000) -> None:
        self.folder = folder
        self.limit = limit
        self._puts = 0

    def _path(self, key: bytes) -> Path | None:
        if self.folder is None:
            return None
        digest = hashlib.sha256(_stamp() + _today().isoformat().encode() + key).hexdigest()
        return self.folder / digest[:2] / f"{digest}.json"

    def get(self, key: bytes) -> tuple[bool, Figure | None]:
        """(found, the figure or None when the function drew none)."""
        path = self._path(key)
        try:
            text = path.read_bytes() if path else None
        except OSError:
            return False, None
        if text is None:
            return False, None
        try:
            found = orjson.loads(text)
        except orjson.JSONDecodeError:  # a file cut short by a full disk: draw it again
            return False, None
        return True, Figure(*found) if found else None

    def put(self, key: bytes, figure: Figure | None) -> None:
        path = self._path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            spare = path.with_suffix(f".{os.getpid()}.tmp")
            spare.write_bytes(orjson.dumps(list(figure) if figure else None))
            spare.replace(path)  # atomic: another worker reads the whole figure or none
        except OSError:
            return  # a read-only or full disk: the figure is drawn again next time, no harm
        self._puts += 1
        if self._puts % 500 == 0:
            self.prune()

    def prune(self) -> None:
        """Keep the `limit` most recently written files."""
        if self.folder is None:
            return
        files = sorted(self.folder.glob("*/*.json"), key=lambda f: f.stat().st_mtime, reverse=True)
        for old in files[self.limit :]:
            old.unlink(missing_ok=True)


SHELF = Shelf()


def _today() -> datetime.date:
    return datetime.date.today()


@cache
def _stamp() -> bytes:
    """A digest of what draws the figures: a new Legation, altair or vl-convert files them anew."""
    import legation
    from legation.analysis import charts

    versions = f"{legation.__version__} {alt.__version__} {getattr(vlc, '__version__', '')}"
    digest = hashlib.sha256(versions.encode())
    for source in (Path(__file__), Path(charts.__file__)):
        digest.update(source.read_bytes())
    data = resources.files("legation").joinpath("data")
    for entry in sorted(data.iterdir(), key=lambda e: e.name):
        if entry.is_file():
            digest.update(entry.name.encode() + entry.read_bytes())
    return digest.digest()


def memo(make: Callable[..., Figure | None]) -> Callable[..., Figure | None]:
    """A figure is worked out once for the same data: building the altair chart costs more than
    the page around it, and a page asks again with the same rows until the store changes. In
    memory for this process, and on the SHELF for every process."""

    @wraps(make)
    def cached(*args: Any, **kwargs: Any) -> Figure | None:
        key = orjson.dumps([make.__name__, args, kwargs], option=orjson.OPT_SORT_KEYS, default=str)
        if key in _FIGURES:
            _FIGURES.move_to_end(key)
            return _FIGURES[key]
        found, figure = SHELF.get(key)
        if not found:
            figure = make(*args, **kwargs)
            SHELF.put(key, figure)
        _FIGURES[key] = figure
        if len(_FIGURES) > 256:
            _FIGURES.popitem(last=False)
        return figure

    return cached


def _legend(columns: int = 3) -> alt.Legend:
    """Legends under the chart, in several columns, so they stay legible on a phone."""
    return alt.Legend(orient="bottom", columns=columns, labelFontSize=12, titleFontSize=12, labelLimit=220)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


@memo
def exits_per_year(rows: list[dict[str, Any]], undated: int = 0) -> Figure | None:
    """Exits by the year they ended, on a continuous year axis (years with none stay as gaps)."""
    if not rows:
        return None
    shown = [{**r, "exit": vocabularies.label("exit_types", r["exit_type"])} for r in rows]
    chart = (
        alt.Chart(_data(shown), width=WIDTH, height=220, title="Exits per year, by how the posting ended")
        .mark_bar()
        .encode(
            x=alt.X("year:Q", bin=alt.Bin(step=1), title="year the posting ended", axis=alt.Axis(format="d")),
            y=alt.Y("sum(exits):Q", title="postings that ended", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "exit:N",
                title="how it ended",
                scale=colours("exit_types", {r["exit_type"] for r in rows}),
                legend=_legend(),
            ),
            tooltip=tooltips("year:Q", "exit:N", "sum(exits):Q", "sum(group_people):Q"),
        )
    )
    groups = sum(r.get("groups", 0) for r in rows)
    people = sum(r.get("group_people", 0) for r in rows)
    caption = "Each bar counts postings that ended, by year and how. "
    if groups:
        caption += (
            f"A group posting counts once: {_plural(groups, 'exit')} shown are group postings "
            f"(such as many ambassadors recalled together), covering {_plural(people, 'person', 'people')}. "
        )
    caption += f"Left out: {_plural(undated, 'exit')} with no known end year." if undated else "No exit is left out."
    return figure(chart, caption)


def _span(p: dict[str, Any], today: datetime.date) -> dict[str, Any] | None:
    """A posting's bar: from its start to its end, with an unknown end or start drawn as a one-year
    stub, marked uncertain, so a posting with one date known still shows."""
    start, end = p.get("start"), p.get("end")
    if not start and not end:
        return None
    if start and end:
        first, last, sure = dates.lower(start), dates.upper(end), True
    elif start:
        first = dates.lower(start)
        last, sure = (today, True) if not p.get("exit_type") else (dates.upper(start), False)
    else:
        last = dates.upper(end)
        first, sure = last.replace(year=last.year - 1), False
    where = bodies.name(p.get("receiving")) if p.get("receiving") else p.get("post") or "at large"
    return {
        "posting": f"{vocabularies.label('roles', p['role'])} → {where}",
        "start": first.isoformat(),
        "end": last.isoformat(),
        "exit": vocabularies.label("exit_types", p["exit_type"]) if p.get("exit_type") else "In post",
        "dates": f"{start or '?'} – {end or ('?' if p.get('exit_type') else 'in post')}",
        "known": "start and end" if sure else "one end unknown",
    }


@memo
def postings_timeline(postings: list[dict[str, Any]]) -> Figure | None:
    today = datetime.date.today()
    rows = [row for p in postings if (row := _span(p, today))]
    if not rows:
        return None
    present = {p["exit_type"] for p in postings if p.get("exit_type")}
    scale = colours("exit_types", present)
    if any(r["exit"] == "In post" for r in rows):
        scale = alt.Scale(domain=[*scale.domain, "In post"], range=[*scale.range, "#4477AA"])
    chart = (
        alt.Chart(_data(rows), width=WIDTH, height=max(40, 28 * len(rows)), title="Postings")
        .mark_bar(size=14, strokeWidth=2)
        .encode(
            x=alt.X("start:T", title=None),
            x2=alt.X2("end:T"),
            y=alt.Y("posting:N", title=None, sort=None),
            color=alt.Color("exit:N", title="how it ended", scale=scale, legend=_legend()),
            # An end that is not known is drawn pale and dashed: the bar shows a year, not the span.
            opacity=alt.Opacity(
                "known:N",
                scale=alt.Scale(domain=["start and end", "one end unknown"], range=[0.9, 0.35]),
                title="dates",
                legend=_legend(2),
            ),
            strokeDash=alt.StrokeDash(
                "known:N",
                scale=alt.Scale(domain=["start and end", "one end unknown"], range=[[1, 0], [4, 3]]),
                legend=None,
            ),
            stroke=alt.Stroke("exit:N", scale=scale, legend=None),
            tooltip=tooltips("posting:N", "dates:N", "exit:N"),
        )
    )
    unknown = sum(1 for r in rows if r["known"] != "start and end")
    left = len(postings) - len(rows)
    caption = "Each posting from its start to its end, coloured by how it ended."
    if unknown:
        caption += f" {_plural(unknown, 'posting')} with one date unknown: drawn pale and dashed, one year long."
    if left:
        caption += f" Left out: {_plural(left, 'posting')} with no date at all."
    return figure(chart, caption)


@memo
def measures_timeline(measures: list[dict[str, Any]]) -> Figure | None:
    rows = [
        {
            "date": dates.lower(m["date"]).isoformat(),
            "direction": f"{bodies.name(m['actor'])} → {bodies.name(m['target'])}",
            "type": vocabularies.label("measures", m["type"]),
        }
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
            color=alt.Color(
                "type:N", title="measure", scale=colours("measures", {m["type"] for m in measures}), legend=_legend()
            ),
        )
    )
    return figure(chart, _measures_caption(measures))


def _measures_caption(measures: list[dict[str, Any]]) -> str:
    undated = sum(1 for m in measures if not m.get("date"))
    rough = sum(1 for m in measures if m.get("date") and len(m["date"]) < 10)
    caption = "Each dated measure, by who took it against whom; larger marks for larger counts."
    if rough:
        caption += f" {_plural(rough, 'measure')} dated only to the month or year: drawn hollow, on its first day."
    if undated:
        caption += f" Left out: {_plural(undated, 'undated measure')}."
    return caption


def _isolation_caption(data: dict[str, Any]) -> str:
    caption = "Attempts at contact by month, and how many were refused (declined, unanswered or cancelled)."
    coarse = (data.get("not_in_months") or {}).get("attempts", 0)
    if coarse:
        caption += (
            f" Left out: {_plural(coarse, 'attempt')} dated only to the year, which the totals below include "
            f"({data['attempts']} in all)."
        )
    return caption


CAPTIONS: dict[str, Callable[[dict[str, Any]], str]] = {
    "isolation_chart": _isolation_caption,
    "dyad_chart": lambda data: _measures_caption(data["measures"]),
    "precedents_chart": lambda data: (
        "How its diplomats left, beside its peers, and the share of each exit type followed by each "
        "consequence. Postings still in force, and exits of unknown type, have no precedent to show."
    ),
}


@memo
def analysis_chart(name: str, data: dict[str, Any] | None) -> Figure | None:
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
        return figure(make(data), CAPTIONS[name](data))
    except (KeyError, ValueError, TypeError):  # a figure with nothing to draw
        return None


@memo
def heads_of_mission(rows: list[dict[str, Any]], receiving: str) -> Figure | None:
    """Who headed each mission to a state, when: one row per head, oldest at the top, coloured by
    role; an end taken from the successor's start is drawn paler."""
    today = datetime.date.today()
    senders = {r["sending"] for r in rows}
    bars = []
    for r in rows:
        first = dates.lower(r["start_date"])
        last = (
            dates.upper(r["end_date"])
            if r["end_date"]
            else (today if not r["exit_type"] else dates.upper(r["start_date"]))
        )
        who = r["person_name"] or r["group_name"] or "?"
        bars.append(
            {
                "head": f"{who} ({bodies.name(r['sending'])})" if len(senders) > 1 else who,
                "start": first.isoformat(),
                "end": max(last, first).isoformat(),
                "role": vocabularies.label("roles", r["role"]),
                "dates": f"{r['start_date']} – {r['end_date'] or 'in post'}",
                "end known": "until the successor" if r["end_assumed"] else "as recorded",
            }
        )
    if not bars:
        return None
    title = f"Heads of mission to {bodies.name(receiving)}"
    chart = (
        alt.Chart(_data(bars), width=WIDTH, height=max(60, 13 * len(bars)), title=title)
        .mark_bar(size=9)
        .encode(
            x=alt.X("start:T", title=None),
            x2=alt.X2("end:T"),
            y=alt.Y("head:N", title=None, sort=None, axis=alt.Axis(labelFontSize=10, labelLimit=260)),
            color=alt.Color("role:N", title="role", legend=_legend()),
            opacity=alt.Opacity(
                "end known:N",
                scale=alt.Scale(domain=["as recorded", "until the successor"], range=[0.9, 0.4]),
                title="end",
                legend=_legend(2),
            ),
            tooltip=tooltips("head:N", "role:N", "dates:N"),
        )
    )
    assumed = sum(1 for b in bars if b["end known"] != "as recorded")
    caption = f"{_plural(len(bars), 'head')} of mission, each from taking up the post to leaving it, by role."
    if assumed:
        caption += f" {_plural(assumed, 'end')} not recorded: drawn paler, up to the successor's start."
    if len(senders) == 1:
        caption += f" All were sent by {bodies.name(next(iter(senders)))}."
    return Figure(svg(chart), caption)
