"""`legation serve` (the web app and REST API) and `legation token` (a write token and its hash)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from legation.cli.common import err, failures, lazy, state
from legation.registry.store import Store

if TYPE_CHECKING:
    from legation.importers import bundled as bundled_import
    from legation.web import Settings, tokens
else:  # FastAPI and the records (pydantic) load only when the web commands run
    tokens, bundled_import = lazy("legation.web.tokens"), lazy("legation.importers.bundled")


def load_bundled_if_empty(store: Store) -> int:
    """Load the bundled dataset into an empty store, so the first `serve` shows data; returns records created."""
    if store.scalar("SELECT count(*) FROM records"):
        return 0
    return bundled_import.load(store).report.created


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8000,
    token_hash: Annotated[
        list[str] | None,
        typer.Option(
            "--token-hash",
            help="A hashed write token from `legation token` (repeatable); also LEGATION_WRITE_TOKENS "
            "(comma-separated hashes) or LEGATION_WRITE_TOKEN (a plain token, hashed at start).",
        ),
    ] = None,
    private: Annotated[bool, typer.Option("--private", help="Require a token for reads too.")] = False,
    no_bundled: Annotated[
        bool, typer.Option("--no-bundled", help="Do not load the bundled data into an empty store.")
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Worker processes (one per core is a good start); they share the store, its write lock and "
            "one secret key, each keeping its own page cache.",
        ),
    ] = 1,
) -> None:
    """Serve the web app and REST API (docs at /docs). An empty store gets the bundled data first."""
    import os

    import uvicorn

    from legation.web import Settings, create_app

    with failures():
        root = state(ctx)
        store = root.store()
        if not no_bundled and (created := load_bundled_if_empty(store)):
            err.print(f"empty store: loaded {created} bundled records", highlight=False)
        hashes = [h for entry in token_hash or [] for h in entry.split(",") if h.strip()]
        settings = Settings.from_env(db=root.db, host=host, port=port, private=private or None)
        if hashes:
            settings.write_tokens = [*settings.write_tokens, *hashes]
        if not settings.write_tokens:
            err.print("no write token configured: the app is read-only (see `legation token`)", highlight=False)
        if workers > 1:
            # Each worker builds its app from the environment: the same settings, and one secret key,
            # so a cookie signed by one worker is good in every other.
            store.close()
            os.environ.update(_environment(settings))
            os.environ.pop("LEGATION_WRITE_TOKEN", None)  # already hashed into LEGATION_WRITE_TOKENS
        else:
            app = create_app(settings, store=store)
    err.print(f"serving http://{host}:{port}" + (f" with {workers} workers" if workers > 1 else ""), highlight=False)
    if workers > 1:
        uvicorn.run(
            "legation.web.app:from_env", factory=True, workers=workers, host=host, port=port, log_level="warning"
        )
    else:
        uvicorn.run(app, host=host, port=port, log_level="warning")


def _environment(settings: Settings) -> dict[str, str]:
    """The settings as `LEGATION_*` variables, which `Settings.from_env` reads back."""
    values = settings.model_dump()
    env = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, list):
            value = ",".join(value)
        env[f"LEGATION_{name.upper()}"] = str(value).lower() if isinstance(value, bool) else str(value)
    return env


def token(
    user: Annotated[
        str, typer.Option("--user", help="Name recorded as the author of every edit made with it.")
    ] = "web",
) -> None:
    """Make a new write token: prints the token (give it to the writer) and its hash (give it to serve)."""
    secret = tokens.new_token()
    typer.echo(f"token: {secret}")
    typer.echo(f"hash: {tokens.hash_token(secret, user=user)}")
    typer.echo("serve with: legation serve --token-hash '<hash>'  (or LEGATION_WRITE_TOKENS='<hash>')", err=True)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(token)
