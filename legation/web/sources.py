"""A source's page: what it is, its archived copy, and the records it backs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from legation.web import page_data
from legation.web.deps import Reader, StoreDep
from legation.web.models import PROBLEMS
from legation.web.render import render

router = APIRouter(dependencies=[Reader])


@router.get("/api/source", responses=PROBLEMS, tags=["pages"])
def source_api(store: StoreDep, url: str) -> dict[str, Any]:
    """A source by its address, with its Wayback Machine link and the records citing it."""
    return page_data.source_page(store, url)


@router.get("/source", response_class=HTMLResponse, include_in_schema=False)
def source_html(request: Request, store: StoreDep, url: str) -> Response:
    return render(request, "source.html", data=page_data.source_page(store, url))
