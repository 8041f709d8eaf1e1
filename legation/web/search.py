"""Full-text search with facets, as a page and as /api/search."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from legation.web import page_data
from legation.web.cache import PageCache
from legation.web.deps import Reader
from legation.web.models import PROBLEMS, SearchPage
from legation.web.render import render
from legation.web.settings import Settings

router = APIRouter(dependencies=[Reader])


class SearchQuery(BaseModel):
    """The query string of /search and /api/search. One model rather than nine parameters: FastAPI
    then validates the whole query string in one pass (the same parameters in the OpenAPI schema)."""

    q: str = Field("", description="Words to find; the last one matches as a prefix.")
    kind: list[str] = Field([], description="person, posting, consequence, measure, contact; repeat for OR.")
    exit_type: list[str] = Field([], description="An exit type (vocabularies.yaml); repeat for OR.")
    sending: list[str] = Field([], description="A state's code or name, in any case; repeat for OR.")
    receiving: list[str] = Field([], description="A state's code or name, in any case; repeat for OR.")
    decade: list[str] = Field([], description="Such as 1980s; repeat for OR.")
    certainty: list[str] = Field([], description="confirmed, reported or rumoured; repeat for OR.")
    page: int = Field(1, ge=1)
    size: int = Field(20, ge=1, le=100, description="Hits per page; the instance's page_size_limit may be lower.")


async def _search(request: Request, query: Annotated[SearchQuery, Query()]) -> dict[str, Any]:
    facets: page_data.FacetValues = {f: getattr(query, f) for f in page_data.FACETS}
    settings: Settings = request.app.state.settings
    cache: PageCache = request.app.state.search_cache
    key = (query.q, *(tuple(getattr(query, f)) for f in page_data.FACETS), query.page, query.size)
    mark = cache.mark()
    if (found := cache.get(key)) is not None:
        return dict(found)
    # The one hop to a worker thread for the SQL; the route itself stays on the event loop.
    data = await run_in_threadpool(
        page_data.search_page,
        request.app.state.store,
        query.q,
        facets,
        query.page,
        query.size,
        max_query=settings.query_limit,
        max_size=settings.page_size_limit,
    )
    cache.put(key, mark, data)
    return data


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
