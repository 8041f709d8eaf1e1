"""`legation check` and `legation coverage`: the registry's honesty and its reach."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from legation.cli.common import Format, emit_json, fail, failures, lazy, out, state, table
from legation.registry.store import Store

if TYPE_CHECKING:
    from legation.registry import checks, imports, stats
else:  # the records (pydantic) load only when a command that reads them runs
    checks, imports, stats = (lazy(f"legation.registry.{m}") for m in ("checks", "imports", "stats"))


def _check_files(paths: list[str]) -> dict[str, Any]:
    """Check files without touching any store: load them into a throwaway SQLite file first."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(str(Path(tmp) / "check.db"))
        file_errors: list[Any] = []
        items = imports.read_paths(paths, errors=file_errors)
        report = imports.import_records(store, items, keep_going=True, file_errors=file_errors)
        result = checks.run(store)
        store.close()
    rejected = [
        {
            "severity": "error",
            "check": "import",
            "record": e["record"] or e["file"],
            "field": e["field"],
            "message": e["error"],
        }
        for e in report.errors
    ]
    result["findings"] = rejected + result["findings"]
    result["errors"] += len(rejected)
    return result


def check(
    ctx: typer.Context,
    paths: Annotated[list[str] | None, typer.Argument(help="Files to check instead of the store.")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    integrity: Annotated[
        bool, typer.Option("--integrity", help="Check the store's file itself (SQLite's integrity_check).")
    ] = False,
) -> None:
    """Check sources, addresses, duplicates, impossible dates, codes, references, counts and exit words.

    Also prints the share of records, by kind, whose sources sit on two or more independent sites,
    and the same for the curated exits and measures alone (not from a registry such as POCOM).
    """
    with failures():
        if integrity:
            problems = state(ctx).store().integrity()
            for problem in problems:
                out.print(problem, highlight=False, markup=False)
            if problems:
                fail(f"the store is damaged ({len(problems)} found by integrity_check); restore a backup", 1)
            out.print("the store's file is sound", highlight=False)
            return
        result = _check_files(paths) if paths else checks.run(state(ctx).store())
        if fmt is Format.json:
            emit_json(result)
        else:
            cols = ["severity", "check", "record", "field", "message"]
            table(None, cols, [[f[c] for c in cols] for f in result["findings"]])
            shares = result["two_source_shares"]
            rows = [[kind, s["records"], s["two_or_more"], f"{s['share']:.0%}"] for kind, s in shares.items()]
            table("Records with sources on two or more independent sites", ["kind", "records", "two+", "share"], rows)
            out.print(f"{result['records']} records: {result['errors']} errors, {result['warnings']} warnings")
        if result["errors"] or (strict and result["warnings"]):
            fail(f"check found {result['errors']} errors and {result['warnings']} warnings", 1)


def coverage(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", help="md or json.")] = "md",
    top: Annotated[int, typer.Option("--top", min=1)] = 15,
) -> None:
    """Exits by exit type and decade, and the sending states with the most exits."""
    with failures():
        data = stats.coverage(state(ctx).store(), top=top)
        if fmt == "json":
            emit_json(data)
        else:
            typer.echo(stats.coverage_markdown(data), nl=False)


def register(app: typer.Typer) -> None:
    app.command()(check)
    app.command()(coverage)
