"""A state's page: its diplomats' exits, exits from postings to it, measures, and precedents."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from legation.web import figures, page_data
from legation.web.deps import Reader, StoreDep
from legation.web.models import PROBLEMS, StatePage
from legation.web.render import render

router = APIRouter(dependencies=[Reader])


@router.get("/api/states", responses=PROBLEMS, tags=["pages"])
def states_api(store: StoreDep, sort: str = "total") -> dict[str, Any]:
    """Every state or body with its exits, exits of others posted to it, and measures taken and suffered."""
    return page_data.states_index(store, sort)


@router.get("/states", response_class=HTMLResponse, include_in_schema=False)
def states_html(request: Request, store: StoreDep, sort: str = "total") -> Response:
    return render(request, "states.html", data=page_data.states_index(store, sort))


@router.get("/api/state/{code}", response_model=StatePage, responses=PROBLEMS, tags=["pages"])
def state_api(store: StoreDep, code: str) -> dict[str, Any]:
    """A state or body by code (RUS, USA, UN...) or name."""
    return page_data.state_page(store, code)


@router.get("/state/{code}", response_class=HTMLResponse, include_in_schema=False)
def state_html(request: Request, store: StoreDep, code: str) -> Response:
    data = page_data.state_page(store, code)
    chart = figures.analysis_chart("precedents_chart", data["precedents"])
    heads = figures.heads_of_mission(page_data.heads_of_mission(store, code), data["state"]["code"])
    return render(request, "state.html", data=data, precedents_chart=chart, heads_chart=heads)
