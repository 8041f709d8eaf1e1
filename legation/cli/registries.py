"""`legation pocom`, `legation wikidata` and `legation postings`: registries in, who is in post out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from legation.cli.common import Format, emit_json, err, failures, lazy, out, state, table
from legation.errors import InputError

if TYPE_CHECKING:
    from legation.importers import pocom as pocom_mod
    from legation.importers import reconciled
    from legation.importers import wikidata as wikidata_mod
    from legation.registry import postings as postings_mod
else:  # httpx and the records (pydantic) load only when the command runs
    pocom_mod, reconciled = lazy("legation.importers.pocom"), lazy("legation.importers.reconciled")
    wikidata_mod, postings_mod = lazy("legation.importers.wikidata"), lazy("legation.registry.postings")
pocom = typer.Typer(help="POCOM, the Office of the Historian's U.S. chiefs of mission since 1778.")
wikidata = typer.Typer(help="Wikidata: ambassadors and other heads of mission (P39), by SPARQL.")
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output: a table, or JSON.")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Do all the work, write nothing.")]


def _bar(total: int | None) -> Progress:
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, console=err, transient=True, disable=not err.is_terminal)


def report_outcome(outcome: reconciled.Outcome, fmt: Format, extra: dict[str, Any]) -> None:
    if fmt is Format.json:
        emit_json({**outcome.as_dict(), **extra})
        return
    r = outcome.report
    verb = "would import" if r.dry_run else "imported"
    out.print(
        f"{verb}: {r.valid} records; {r.created} created, {r.updated} updated, {r.unchanged} unchanged",
        highlight=False,
    )
    if outcome.merged:
        table(
            "persons merged",
            ["incoming", "into", "evidence"],
            [[m["incoming"], m["existing"], "; ".join(m["reasons"])] for m in outcome.merged],
        )
    if outcome.proposed:
        out.print(f"{len(outcome.proposed)} unsure matches queued for review (see `legation review`)", highlight=False)


@pocom.command("import")
def pocom_import(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="pocom.tar.gz (a git archive) or a checkout of HistoryAtState/pocom.")],
    dry_run: DryRun = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Import every U.S. chief of mission as a posting, and their persons; one transaction."""
    with failures():
        store = state(ctx).store()
        with _bar(None) as bar:
            task = bar.add_task("pocom", total=None)
            outcome, reading = pocom_mod.import_snapshot(
                store, path, dry_run=dry_run, progress=lambda n: bar.advance(task, n)
            )
        report_outcome(outcome, fmt, {"exits": dict(reading.exits.most_common())})
        if fmt is Format.table:
            table("end notes", ["rule", "postings"], [[k, v] for k, v in reading.exits.most_common()])


@pocom.command("export")
def pocom_export(
    path: Annotated[Path, typer.Argument(help="pocom.tar.gz or a checkout of HistoryAtState/pocom.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="JSONL file; default stdout.")] = None,
) -> None:
    """Write the records the importer makes from a snapshot as JSON Lines, importing nothing."""
    with failures():
        reading = pocom_mod.read(pocom_mod.open_snapshot(path))
        if output:
            with output.open("wb") as handle:
                pocom_mod.write_jsonl(reading.records, handle)
            err.print(f"wrote {len(reading.records)} records to {output}", highlight=False)
        else:
            pocom_mod.write_jsonl(reading.records, sys.stdout.buffer)


@wikidata.command("import")
def wikidata_import(
    ctx: typer.Context,
    sending: Annotated[str | None, typer.Option("--sending", help="Only envoys of this state (USA, RUS, ...).")] = None,
    receiving: Annotated[str | None, typer.Option("--receiving", help="Only envoys to this state.")] = None,
    query_file: Annotated[
        Path | None, typer.Option("--query-file", help="Your own SPARQL, returning the variables of the default query.")
    ] = None,
    endpoint: Annotated[
        str, typer.Option("--endpoint", help="The SPARQL endpoint.")
    ] = "https://query.wikidata.org/sparql",
    page_size: Annotated[int, typer.Option("--page-size", min=1, max=10000, help="Rows per request.")] = 5000,
    interval: Annotated[float, typer.Option("--interval", min=0, help="Seconds between requests.")] = 1.0,
    cache: Annotated[
        Path | None, typer.Option("--cache", help="Folder of cached responses (default ~/.cache).")
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Ask the service again; keep nothing.")] = False,
    show_query: Annotated[bool, typer.Option("--show-query", help="Print the SPARQL and exit.")] = False,
    dry_run: DryRun = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Import ambassadors' positions held (P39) from the Wikidata Query Service; one transaction."""
    with failures():
        text = _read_query(query_file)
        sparql = wikidata_mod.query(sending=sending, receiving=receiving, text=text)
        if show_query:
            typer.echo(sparql)
            return
        folder = None if no_cache else cache or wikidata_mod.default_cache()
        client = wikidata_mod.Client(endpoint=endpoint, cache=folder, interval=interval)
        with _bar(None) as bar:
            task = bar.add_task("wikidata", total=None)
            outcome, reading = wikidata_mod.import_query(
                state(ctx).store(),
                client,
                sparql,
                page=page_size,
                dry_run=dry_run,
                progress=lambda n: bar.advance(task, n),
            )
        extra = {"rows": reading.rows, "skipped": reading.skipped, "requests": client.requests, "waited": client.waited}
        report_outcome(outcome, fmt, extra)
        if fmt is Format.table:
            out.print(
                f"{reading.rows} rows in {client.requests} requests; skipped: {reading.skipped or 'none'}",
                highlight=False,
            )


def _read_query(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the query ({exc})", file=str(path)) from None


def postings(
    ctx: typer.Context,
    at: Annotated[str, typer.Option("--at", help="The day, YYYY-MM-DD.")],
    sending: Annotated[str | None, typer.Option("--sending", help="Sending body code (USA, RUS, ...).")] = None,
    receiving: Annotated[str | None, typer.Option("--receiving", help="Receiving body code (PAN, UN, ...).")] = None,
    role: Annotated[str | None, typer.Option("--role", help="Only this role (ambassador, minister, ...).")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """The postings in force on a day; a year-only start or end is flagged as uncertain."""
    with failures():
        data = postings_mod.in_force(state(ctx).store(), at, sending=sending, receiving=receiving, role=role)
        if fmt is Format.json:
            emit_json(data)
            return
        rows = [
            [p["name"], p["role_label"], p["sending"], p["receiving"], p["start"], p["end"], "; ".join(p["notes"])]
            for p in data["postings"]
        ]
        table(
            f"{data['count']} postings in force on {at}",
            ["person", "role", "sending", "receiving", "start", "end", "uncertain"],
            rows,
        )


def register(app: typer.Typer) -> None:
    app.add_typer(pocom, name="pocom")
    app.add_typer(wikidata, name="wikidata")
    app.command()(postings)
