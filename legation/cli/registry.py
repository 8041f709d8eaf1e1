"""Commands over the registry: init, import, export, search, show, history and stats."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from legation.cli.common import Format, emit_json, err, failures, lazy, out, state, table
from legation.errors import InputError
from legation.registry.store import Store

if TYPE_CHECKING:
    from legation.importers import bundled as bundled_import
    from legation.registry import backups, exports, histories, imports, persons, search
    from legation.registry import stats as stats_mod
else:  # the records (pydantic) load only when a command that reads them runs
    bundled_import, stats_mod = lazy("legation.importers.bundled"), lazy("legation.registry.stats")
    backups, exports, histories = (lazy(f"legation.registry.{m}") for m in ("backups", "exports", "histories"))
    imports, persons, search = (lazy(f"legation.registry.{m}") for m in ("imports", "persons", "search"))

FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output: a table, or JSON.")]


def init(
    ctx: typer.Context,
    bundled_data: Annotated[bool, typer.Option("--bundled", help="Load the dataset shipped with Legation.")] = False,
) -> None:
    """Create (or migrate) the store, and optionally load the bundled dataset."""
    with failures():
        store = state(ctx).store()
        if bundled_data:
            _load_bundled(store)
        err.print(f"store ready: {store.engine.url.render_as_string(hide_password=True)}", highlight=False)


def _load_bundled(store: Store) -> None:
    """The curated files and the registries' records (POCOM), with a progress bar."""
    with _bar(bundled_import.size()) as (bar, task):
        outcome = bundled_import.load(store, progress=lambda n: bar.advance(task, n))
    err.print(
        f"bundled data: {_counts(outcome.report)}; {len(outcome.merged)} registry persons merged into curated ones, "
        f"{len(outcome.proposed)} unsure matches for review",
        highlight=False,
    )


def _counts(report: imports.ImportReport) -> str:
    return f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged"


@contextmanager
def _bar(total: int | None, quiet: bool = False) -> Iterator[tuple[Progress, Any]]:
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, disable=quiet or not err.is_terminal) as bar:
        yield bar, bar.add_task("import", total=total)


def _run_import(
    store: Store,
    paths: list[str],
    *,
    fmt: str | None = None,
    dry_run: bool = False,
    keep_going: bool = False,
    actor: str | None = None,
) -> imports.ImportReport:
    """Import with a progress bar on a terminal; the library call does the work."""
    file_errors: list[InputError] | None = [] if keep_going else None
    items = imports.read_paths(paths, fmt=fmt, errors=file_errors)
    total = _lines(paths) if err.is_terminal else None  # the bar shows only on a terminal: read no file twice
    with _bar(total, quiet=(total or 0) < 2000) as (bar, task):
        return imports.import_records(
            store,
            items,
            dry_run=dry_run,
            keep_going=keep_going,
            actor=actor,
            progress=lambda n: bar.advance(task, n),
            file_errors=file_errors,
        )


def _lines(paths: list[str]) -> int | None:
    """Roughly how many records the files hold, for the progress bar; None for stdin and folders."""
    total = 0
    for path in paths:
        target = Path(path)
        if not target.is_file():
            return None
        with target.open("rb") as handle:
            total += sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
    return total


def import_(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(help="JSONL, YAML or CSV files, folders, or - for stdin.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate everything, write nothing.")] = False,
    keep_going: Annotated[
        bool, typer.Option("--keep-going", help="Import good records; write bad ones to the reject file.")
    ] = False,
    reject: Annotated[Path, typer.Option("--reject", help="Where --keep-going writes rejected records.")] = Path(
        "rejected.jsonl"
    ),
    input_format: Annotated[
        str | None, typer.Option("--input-format", help="jsonl, yaml or csv (default: from the file name).")
    ] = None,
    history: Annotated[
        bool, typer.Option("--history", help="Read every version with its author (from export --history).")
    ] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Import records in the interchange format: all or nothing, unless --keep-going."""
    with failures():
        if history:
            restored = histories.import_history(state(ctx).store(), paths, dry_run=dry_run)
            if fmt is Format.json:
                emit_json(restored.as_dict())
                return
            verb = "would restore" if dry_run else "restored"
            out.print(f"{verb}: {restored.records} records with {restored.versions} versions", highlight=False)
            return
        report = _run_import(state(ctx).store(), paths, dry_run=dry_run, keep_going=keep_going, fmt=input_format)
        if report.rejected:
            imports.write_rejects(report, str(reject))
        if fmt is Format.json:
            emit_json(report.as_dict())
            return
        verb = "would import" if dry_run else "imported"
        out.print(
            f"{verb}: {report.valid} valid of {report.read} read; {report.created} created, "
            f"{report.updated} updated, {report.unchanged} unchanged, {report.rejected} rejected"
            + (f" (see {reject})" if report.rejected else ""),
            highlight=False,
        )


def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl, csv (one file per kind) or ftm.")] = "jsonl",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File (or folder for csv); default stdout.")
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Only records of this kind.")] = None,
    history: Annotated[
        bool, typer.Option("--history", help="Every version with when and by whom (JSON Lines; import --history).")
    ] = False,
) -> None:
    """Export the store as JSON Lines, CSV or FollowTheMoney entities."""
    with failures():
        store = state(ctx).store()
        if history:
            if fmt != "jsonl" or kind:
                raise InputError(
                    "--history writes JSON Lines of every record; drop --format and --kind", field="history"
                )
            with output.open("w", encoding="utf-8") if output else nullcontext(sys.stdout) as handle:
                histories.export_history(store, handle)
        elif fmt == "csv":
            result = exports.export(store, fmt, folder=output, kind=kind)
            err.print(f"wrote {result['files']} to {output}", highlight=False)
        elif output:
            with output.open("w", encoding="utf-8") as handle:
                exports.export(store, fmt, out=handle, kind=kind)
        else:
            exports.export(store, fmt, out=sys.stdout, kind=kind)


def search_(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Words to find in names, aliases, roles, reasons and details.")],
    kind: Annotated[str | None, typer.Option("--kind", help="Only records of this kind.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 20,
    offset: Annotated[int, typer.Option("--offset", min=0)] = 0,
    fmt: FormatOption = Format.table,
) -> None:
    """Full-text search over the registry."""
    with failures():
        result = search.run(state(ctx).store(), text, kind=kind, limit=limit, offset=offset)
        if fmt is Format.json:
            emit_json(result)
            return
        table(
            f"{result['total']} matches for {text!r}",
            ["id", "kind", "record"],
            [[h["id"], h["kind"], h["title"]] for h in result["hits"]],
        )


def show(
    ctx: typer.Context,
    who: Annotated[str, typer.Argument(help="A person's name, alias or id, or any record id.")],
    fmt: FormatOption = Format.table,
) -> None:
    """Show a person with postings, exits, consequences and contacts, or any record."""
    with failures():
        store = state(ctx).store()
        record = store.get(who)
        if record and record["kind"] != "person":
            emit_json(record) if fmt is Format.json else out.print_json(data=record)
            return
        data = persons.profile(store, persons.resolve(store, who))
        if fmt is Format.json:
            emit_json(data)
            return
        _print_profile(data)


def _print_profile(data: dict[str, Any]) -> None:
    person = data["person"]
    aliases = ", ".join(person.get("aliases", []))
    out.print(
        f"[bold]{person['name']}[/bold]  ({person['id']}, {person['certainty']})"
        + (f"\naliases: {aliases}" if aliases else "")
    )
    for key, cols in (
        ("postings", ["id", "role", "sending", "receiving", "start", "end", "exit_type", "reason"]),
        ("consequences", ["id", "type", "date", "authority", "certainty"]),
        ("contacts", ["id", "from", "to", "channel", "outcome", "date", "count"]),
        ("measures", ["id", "type", "actor", "target", "date", "count"]),
    ):
        items = data[key]
        if items:
            table(key, cols, [[i.get(c) for c in cols] for i in items])
    urls = sorted(
        {
            s["url"]
            for key in ("postings", "consequences", "contacts", "measures")
            for i in data[key]
            for s in i.get("sources", [])
        }
        | {s["url"] for s in person.get("sources", [])}
    )
    out.print("sources:\n" + "\n".join(f"  {u}" for u in urls), highlight=False)


def history(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(help="A record id.")],
    fmt: FormatOption = Format.table,
) -> None:
    """Every version of a record: when, by whom, and what it said."""
    with failures():
        versions = state(ctx).store().history(record_id)
        if not versions:
            raise InputError(f"no record with id {record_id!r}", field="id")
        if fmt is Format.json:
            emit_json(versions)
            return
        table(
            f"history of {record_id}",
            ["version", "change", "changed_at", "changed_by", "record"],
            [[v["version"], v["change"], v["changed_at"], v["changed_by"], search.title(v["data"])] for v in versions],
        )


def stats(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """Counts by kind, exit type, decade and sending state."""
    with failures():
        data = stats_mod.stats(state(ctx).store())
        if fmt is Format.json:
            emit_json(data)
            return
        table("records", ["kind", "count"], [[k, v] for k, v in data["records"].items()])
        out.print(f"exits: {data['exits']} from {data['sending_states']} sending states", highlight=False)
        for key in ("by_exit_type", "by_decade", "by_region", "measures_by_type", "consequences_by_type"):
            table(key.replace("_", " "), ["", "count"], [[k, v] for k, v in data[key].items()])
        table("by sending state (top 20)", ["state", "exits"], list(data["by_sending_state"].items())[:20])


def backup(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The backup file to write (replaced if it exists).")],
) -> None:
    """Copy the whole store, versions included: SQLite's online backup, or pg_dump for PostgreSQL."""
    with failures():
        result = backups.backup(state(ctx).store(), path)
        out.print(f"backed up the store to {result['path']} ({result['bytes']:,} bytes)", highlight=False)


def restore(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A file made by `legation backup`.")],
) -> None:
    """Replace the store's contents with a backup, after checking that the backup is sound."""
    with failures():
        result = backups.restore(state(ctx).store(), path)
        out.print(f"restored {result['records']:,} records from {result['path']}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(backup)
    app.command()(restore)
    app.command("import")(import_)
    app.command()(export)
    app.command("search")(search_)
    app.command()(show)
    app.command()(history)
    app.command()(stats)
