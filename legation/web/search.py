"""Full-text search with facets, as a page and as /api/search."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from legation import pages
from legation.web.deps import Reader, SettingsDep, StoreDep
from legation.web.models import PROBLEMS, SearchPage
from legation.web.render import render

router = APIRouter(dependencies=[Reader])

Q = Annotated[str, Query(description="Words to find; the last one matches as a prefix.")]
Facet = Annotated[str | None, Query()]


async def _search(
    store: StoreDep,
    settings: SettingsDep,
    q: Q = "",
    kind: Facet = None,
    exit_type: Facet = None,
    sending: Facet = None,
    receiving: Facet = None,
    decade: Annotated[str | None, Query(description="Such as 1980s.")] = None,
    certainty: Facet = None,
    page: int = 1,
    size: int = 20,
) -> dict[str, Any]:
    facets = {
        "kind": kind,
        "exit_type": exit_type,
        "sending": sending,
        "receiving": receiving,
        "decade": decade,
        "certainty": certainty,
    }
    # The one hop to a worker thread for the SQL; the route itself stays on the event loop.
    return await run_in_threadpool(
        pages.search_page,
        store,
        q,
        facets,
        page,
        size,
        max_query=settings.query_limit,
        max_size=settings.page_size_limit,
    )


Results = Annotated[dict[str, Any], Depends(_search)]


@router.get("/api/search", response_model=SearchPage, responses=PROBLEMS, tags=["pages"])
async def search_api(data: Results) -> Response:
    """Hits for a query with facet counts (kind, exit_type, sending, receiving, decade, certainty), paginated."""
    # SearchPage documents the response; the page data already has exactly its fields and types
    # (tests/test_web_schema.py checks every response against the schema), so it is encoded once
    # here instead of being validated into models and encoded again.
    return Response(orjson.dumps(data), media_type="application/json")


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_html(request: Request, data: Results) -> Response:
    return render(request, "search.html", data=data)
