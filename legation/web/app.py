"""`create_app(settings)`: the FastAPI app, its security headers and its error handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from legation import __version__
from legation.errors import InputError, LegationError, NotFound
from legation.registry.store import Store
from legation.web import (
    apidocs,
    briefs,
    changes,
    dyads,
    exports,
    imports,
    pages,
    persons,
    posts,
    records,
    review,
    search,
    states,
)
from legation.web.cache import SearchCache
from legation.web.render import render
from legation.web.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGI = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
        b"base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Adds the security headers to every response (a plain ASGI wrapper: no per-request task)."""

    def __init__(self, app: ASGI) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                own = message.get("headers", [])
                # A page that sets its own CSP (the API docs) keeps it; every other header is added.
                kept = {k for k, _ in own}
                message["headers"] = [*own, *(h for h in HEADERS if h[0] not in kept)]
            await send(message)

        await self.app(scope, receive, with_headers)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _problem(request: Request, status: int, message: str, **where: Any) -> Response:
    if _wants_json(request):
        field = where.get("field")
        error = f"field '{field}': {message}" if field else message
        return JSONResponse({"error": error, "message": message, **where}, status_code=status)
    return render(request, "error.html", status=status, status_code=status, message=message, where=where)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> Response:
        where = {k: v for k, v in exc.as_dict().items() if k in ("field", "record", "line", "file")}
        return _problem(request, 422, exc.message, **where)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return _problem(request, 404, str(exc))

    @app.exception_handler(LegationError)
    async def legation_error(request: Request, exc: LegationError) -> Response:
        return _problem(request, 503, str(exc))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        loc = [str(p) for p in first["loc"] if p not in ("query", "path", "body", "header")]
        return _problem(request, 422, str(first["msg"]), field=".".join(loc) or None)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        response = _problem(request, exc.status_code, str(exc.detail))
        if exc.status_code == 401 and _wants_json(request):
            response.headers["www-authenticate"] = "Bearer"
        return response


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """The web app over one store; pass `store` to share an open one (tests do)."""
    settings = settings or Settings.from_env()
    app = FastAPI(
        title="Legation",
        docs_url=None,  # served from the package by web/apidocs.py
        redoc_url=None,
        version=__version__,
        description="An evidence-backed tracker of diplomats in crisis. Field names follow DOMAIN.md; "
        "records use the interchange format (docs/data-format.md).",
    )
    app.state.settings = settings
    app.state.store = store or Store.open(settings.db)
    app.state.search_cache = SearchCache(app.state.store, settings.search_cache)
    _handlers(app)
    for module in (
        apidocs,
        pages,
        search,
        persons,
        states,
        posts,
        dyads,
        briefs,
        exports,
        records,
        imports,
        review,
        changes,
    ):
        app.include_router(module.router)
    static = resources.files("legation") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.add_middleware(SecurityHeaders)
    return app
