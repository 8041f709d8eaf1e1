"""The `legation` command: a thin typer layer over the library core.

Each command opens the store, calls one library function, and turns library errors into one
clean line on stderr with a non-zero exit.
"""

from __future__ import annotations

import atexit
import gc
from typing import Annotated

import typer

from legation import __version__
from legation.cli import analysis, checks, desk, registries, registry, web
from legation.cli import extract as extract_cli
from legation.cli import gdelt as gdelt_cli
from legation.cli.common import State

app = typer.Typer(
    name="legation",
    help="Legation: an evidence-backed tracker of diplomats in crisis.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"legation {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="LEGATION_DB",
            help="SQLite file or postgresql:// URL. Default: ~/.local/share/legation/legation.db",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Legation: an evidence-backed tracker of diplomats in crisis."""
    ctx.obj = State(db=db)
    ctx.call_on_close(ctx.obj.close)


def _skip_last_collection() -> None:
    """At exit, leave out of Python's last garbage collections the objects of every module imported
    (SQLAlchemy, typer, DuckDB, numpy): walking them took 0.05 to 0.2 s of every command. The store is
    closed by then, and the process's memory goes back to the system whole."""
    gc.freeze()


def run() -> None:
    """The installed `legation` command and `python -m legation`. Tests call `app` itself, so they
    keep Python's normal collection at exit."""
    atexit.register(_skip_last_collection)
    app()


registry.register(app)
registries.register(app)
checks.register(app)
analysis.register(app)
gdelt_cli.register(app)
web.register(app)
extract_cli.register(app)
desk.register(app)
