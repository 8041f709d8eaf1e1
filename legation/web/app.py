"""`create_app(settings)`: the FastAPI app, its security headers and its error handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException

from legation import __version__
from legation.errors import Conflict, InputError, LegationError, NotFound, StoreBusy
from legation.registry.store import Store
from legation.web import (
    apidocs,
    briefs,
    browse,
    changes,
    dyads,
    exports,
    figures,
    imports,
    pages,
    persons,
    posts,
    records,
    review,
    search,
    sources,
    states,
)
from legation.web.cache import PageCache, Responses, WriteMark
from legation.web.deps import SESSION
from legation.web.guard import Guard
from legation.web.render import render
from legation.web.settings import Settings
from legation.web.tokens import Verifier


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path.endswith(".json")


def _problem(request: Request, status: int, message: str, **where: Any) -> Response:
    if _wants_json(request):
        field = where.get("field")
        error = f"field '{field}': {message}" if field else message
        return JSONResponse({"error": error, "message": message, **where}, status_code=status)
    return render(request, "error.html", status=status, status_code=status, message=message, where=where)


def _plain(error: Any) -> tuple[str, str | None]:
    """One validation error in words, and the field it names. A body that is not JSON names a
    character offset, not a field: say so instead."""
    if error.get("type") == "json_invalid":
        at = error["loc"][-1] if error.get("loc") else "?"
        return (
            f"a JSON body; this one is not valid JSON (at character {at}): {error.get('ctx', {}).get('error', '')}",
            None,
        )
    loc = [str(p) for p in error.get("loc", ()) if p not in ("query", "path", "body", "header")]
    return str(error.get("msg", "invalid")), ".".join(loc) or None


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> Response:
        where = {k: v for k, v in exc.as_dict().items() if k in ("field", "record", "line", "file")}
        return _problem(request, 422, exc.message, **where)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return _problem(request, 404, str(exc))

    @app.exception_handler(Conflict)
    async def conflict(request: Request, exc: Conflict) -> Response:
        # the stored version comes along, so a client can show both and decide
        current = request.app.state.store.get(exc.record)
        where = {"record": exc.record, "expected_version": exc.expected, "current_version": exc.current}
        if _wants_json(request):
            return JSONResponse({"error": str(exc), "message": str(exc), **where, "current": current}, status_code=409)
        return _problem(request, 409, str(exc))

    @app.exception_handler(StoreBusy)
    async def busy(request: Request, exc: StoreBusy) -> Response:
        response = _problem(request, 503, str(exc))
        response.headers["retry-after"] = str(exc.retry_after)
        return response

    @app.exception_handler(OperationalError)
    async def driver_error(request: Request, exc: OperationalError) -> Response:
        """A lock the store's own wait did not cover (a read racing a checkpoint): busy, not broken."""
        if "locked" not in str(exc.orig).lower() and "busy" not in str(exc.orig).lower():
            raise exc
        response = _problem(request, 503, "the store is busy with another write; try again shortly")
        response.headers["retry-after"] = "2"
        return response

    @app.exception_handler(LegationError)
    async def legation_error(request: Request, exc: LegationError) -> Response:
        return _problem(request, 503, str(exc))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        found = [_plain(e) for e in exc.errors()] or [("invalid request", None)]
        message = "; ".join(f"{field}: {text}" if field else text for text, field in found)
        return _problem(request, 422, found[0][0] if len(found) == 1 else message, field=found[0][1])

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        response = _problem(request, exc.status_code, str(exc.detail))
        response.headers.update(exc.headers or {})  # Allow on a 405, Retry-After on a 429
        if exc.status_code == 401 and _wants_json(request):
            response.headers["www-authenticate"] = "Bearer"
        return response


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, with the record bodies typed: the interchange format's models, each kind
    told apart by `kind`. The routes take them as plain JSON so that the import validates them, in
    one place, with its own messages."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    body, models = records.record_schema()
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(models)
    components["Record"] = body
    ref = {"$ref": "#/components/schemas/Record"}
    for path, method, many in (("/api/records", "post", True), ("/api/records/{record_id}", "put", False)):
        content = schema["paths"][path][method]["requestBody"]["content"]["application/json"]
        content["schema"] = {"anyOf": [ref, {"type": "array", "items": ref}]} if many else ref
    app.openapi_schema = schema
    return schema


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.write_mark.close()


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """The web app over one store; pass `store` to share an open one (tests do)."""
    settings = settings or Settings.from_env()
    app = FastAPI(
        title="Legation",
        lifespan=_lifespan,
        docs_url=None,  # served from the package by web/apidocs.py
        redoc_url=None,
        version=__version__,
        description="An evidence-backed tracker of diplomats in crisis. Field names follow DOMAIN.md; "
        "records use the interchange format (docs/data-format.md).",
    )
    app.state.settings = settings
    app.state.store = store or Store.open(settings.db)
    app.state.store.busy_wait = settings.write_wait
    mark = app.state.write_mark = WriteMark(app.state.store)
    app.state.search_cache = PageCache(mark, settings.search_cache)
    app.state.page_cache = PageCache(mark, settings.page_cache)
    app.state.verifier = Verifier(settings.write_tokens, per_minute=settings.auth_failures)
    figures.SHELF.folder = Path(settings.figure_cache) if settings.figure_cache else None
    _handlers(app)
    for module in (
        apidocs,
        browse,
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
        sources,
        review,
        changes,
    ):
        app.include_router(module.router)
    static = resources.files("legation") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.add_middleware(Responses, cache=app.state.page_cache, session_cookie=SESSION, private=settings.private)
    app.add_middleware(Guard, settings=settings, verifier=app.state.verifier, problem=_problem, router=app.router)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def from_env() -> FastAPI:
    """The app as `legation serve --workers N` starts it in each worker: settings from `LEGATION_*`."""
    return create_app(Settings.from_env())
