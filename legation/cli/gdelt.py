"""`legation gdelt`: import GDELT event files, and read the dyad series and candidate measures."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from legation import events
from legation.cli.common import Format, emit_json, err, failures, out, state, table
from legation.events import ledger
from legation.events.layout import MIN_MENTIONS

gdelt = typer.Typer(help="GDELT event data: import files, dyad series against a baseline, candidate measures.")
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output: a table, or JSON.")]
COUNTS = [
    "file",
    "status",
    "rows_read",
    "rows_malformed",
    "rows_diplomatic",
    "rows_duplicate",
    "rows_kept",
    "candidates",
]


@gdelt.command("import")
def import_(
    ctx: typer.Context,
    inputs: Annotated[
        list[str],
        typer.Argument(help="GDELT events files (.CSV, .CSV.zip), folders, masterfilelist.txt files, or URLs."),
    ],
    min_mentions: Annotated[
        int, typer.Option("--min-mentions", min=0, help="Mentions a 161 event needs to become a candidate measure.")
    ] = MIN_MENTIONS,
    fmt: FormatOption = Format.table,
) -> None:
    """Import GDELT 1.0 and 2.0 events: keep the diplomatic ones, count every row, skip files already imported."""
    from legation.events import files, importer  # DuckDB and numpy: only for this command

    with failures():
        store = state(ctx).store()
        found = files.expand(inputs)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task("gdelt", total=len(found))
            reports = []
            for item in found:
                bar.update(task, description=item.name)
                reports.append(importer.import_file(store, item, min_mentions=min_mentions, batch=importer.BATCH))
                bar.advance(task)
        if fmt is Format.json:
            emit_json({"files": [r.as_dict() for r in reports]})
            return
        table("GDELT import", COUNTS, [[getattr(r, c) for c in COUNTS] for r in reports])
        for report in reports:
            for reason, count in report.malformed.items():
                out.print(f"{report.file}: {count} malformed: {reason}", highlight=False, markup=False)


@gdelt.command("files")
def files_(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """The ledger: every imported file with its counts."""
    with failures():
        with state(ctx).store().engine.connect() as conn:
            found = ledger.entries(conn)
        if fmt is Format.json:
            emit_json({"files": found})
            return
        table(
            "imported GDELT files",
            ["name", *COUNTS[2:], "imported_at"],
            [[f[c] for c in ["name", *COUNTS[2:], "imported_at"]] for f in found],
        )


@gdelt.command("dyad")
def dyad(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="One state's code, e.g. RUS.")],
    b: Annotated[str, typer.Argument(help="The other state's code, e.g. USA.")],
    start: Annotated[str | None, typer.Option("--from", help="First month shown (YYYY-MM).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last month shown (YYYY-MM).")] = None,
    directed: Annotated[bool, typer.Option("--directed", help="Only events from A to B.")] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """The dyad's consults and rejected meetings by month, against the dyad's own 12-month baseline."""
    with failures():
        data = events.dyad_series(state(ctx).store(), a, b, start=start, end=end, directed=directed)
        if fmt is Format.json:
            emit_json(data)
            return
        _print_series(data)


def _print_series(data: dict[str, Any]) -> None:
    cols = [
        "month",
        "consults",
        "consult_baseline",
        "consult_ratio",
        "rejections",
        "rejection_baseline",
        "goldstein_sum",
    ]
    title = f"GDELT events {' - '.join(data['dyad'])}"
    table(title, cols, [[m[c] for c in cols] for m in data["months"]])
    out.print(data["definition"], highlight=False, markup=False)


@gdelt.command("candidates")
def candidates(
    ctx: typer.Context,
    actor: Annotated[str | None, typer.Option("--actor", help="Only measures by this state.")] = None,
    target: Annotated[str | None, typer.Option("--target", help="Only measures against this state.")] = None,
    min_mentions: Annotated[int, typer.Option("--min-mentions", min=0, help="At least this many mentions.")] = 0,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10000)] = 100,
    queue: Annotated[
        bool, typer.Option("--queue", help="Also put them in the review queue (legation review) as proposals.")
    ] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Candidate measures from event data (CAMEO 161 between two states), for review."""
    with failures():
        if queue:
            from legation.events import review

            queued = review.push(state(ctx).store(), min_mentions=min_mentions, limit=limit)
            err.print(f"queued for review: {len(queued)}", highlight=False)
        found = events.candidates(
            state(ctx).store(), actor=actor, target=target, min_mentions=min_mentions, limit=limit
        )
        if fmt is Format.json:
            emit_json({"candidates": found})
            return
        cols = ["event_id", "date", "actor", "target", "code", "mentions", "source_url"]
        table("candidate measures", cols, [[c[k] for k in cols] for c in found])


def register(app: typer.Typer) -> None:
    app.add_typer(gdelt, name="gdelt")
