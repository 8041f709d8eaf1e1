"""Full-text search with facets, as a page and as /api/search."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from legation import pages
from legation.web.deps import Reader, SettingsDep, StoreDep
from legation.web.models import PROBLEMS, SearchPage
from legation.web.render import render

router = APIRouter(dependencies=[Reader])

Q = Annotated[str, Query(description="Words to find; the last one matches as a prefix.")]
Facet = Annotated[str | None, Query()]


def _search(
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
    return pages.search_page(
        store, q, facets, page, size, max_query=settings.query_limit, max_size=settings.page_size_limit
    )


Results = Annotated[dict[str, Any], Depends(_search)]


@router.get("/api/search", response_model=SearchPage, responses=PROBLEMS, tags=["pages"])
def search_api(data: Results) -> dict[str, Any]:
    """Hits for a query with facet counts (kind, exit_type, sending, receiving, decade, certainty), paginated."""
    return data


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_html(request: Request, data: Results) -> Response:
    return render(request, "search.html", data=data)
