"""Two states' measures against each other's missions, and which answered which."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from legation.web import figures, page_data
from legation.web.deps import Reader, StoreDep
from legation.web.models import PROBLEMS, DyadPage
from legation.web.render import render

router = APIRouter(dependencies=[Reader])


@router.get("/api/dyads", responses=PROBLEMS, tags=["pages"])
def dyads_api(store: StoreDep) -> dict[str, Any]:
    """The pairs of states with the most measures between them."""
    return page_data.dyads_index(store)


@router.get("/dyads", response_class=HTMLResponse, include_in_schema=False)
def dyads_html(request: Request, store: StoreDep) -> Response:
    return render(request, "dyads.html", data=page_data.dyads_index(store))


@router.get("/api/dyad/{a}/{b}", response_model=DyadPage, responses=PROBLEMS, tags=["pages"])
def dyad_api(store: StoreDep, a: str, b: str, window_days: int = 60) -> dict[str, Any]:
    """Measures between a and b in both directions; reciprocal pairs within window_days."""
    return page_data.dyad_page(store, a, b, window_days=window_days)


@router.get("/dyad/{a}/{b}", response_class=HTMLResponse, include_in_schema=False)
def dyad_html(request: Request, store: StoreDep, a: str, b: str, window_days: int = 60) -> Response:
    data = page_data.dyad_page(store, a, b, window_days=window_days)
    return render(request, "dyad.html", data=data, timeline=_timeline(data))


def _timeline(data: dict[str, Any]) -> figures.Figure | None:
    return figures.analysis_chart("dyad_chart", data["reciprocity"]) or figures.measures_timeline(data["measures"])
