"""The options brief for a person: facts and precedents for each path, no advice."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from legation.errors import Ambiguous
from legation.web import page_data, persons
from legation.web.deps import Reader, StoreDep
from legation.web.models import PROBLEMS, BriefPage
from legation.web.render import render

router = APIRouter(dependencies=[Reader])


@router.get("/api/brief/{person}", response_model=BriefPage, responses=PROBLEMS, tags=["pages"])
def brief_api(store: StoreDep, person: str) -> dict[str, Any]:
    """The options brief for a person by id, name or alias."""
    return page_data.brief_page(store, person)


@router.get("/brief/{person}", response_class=HTMLResponse, include_in_schema=False)
def brief_html(request: Request, store: StoreDep, person: str) -> Response:
    try:
        data = page_data.brief_page(store, person)
    except Ambiguous as exc:
        return persons.choose(request, store, person, exc, "brief")
    return render(request, "brief.html", data=data)
