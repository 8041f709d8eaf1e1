"""A person's page: postings on a timeline, exits, consequences, contacts, isolation and history."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from legation.web import figures, page_data
from legation.web.deps import Reader, StoreDep
from legation.web.models import PROBLEMS, PersonPage
from legation.web.render import render

router = APIRouter(dependencies=[Reader])


@router.get("/api/person/{person}", response_model=PersonPage, responses=PROBLEMS, tags=["pages"])
def person_api(store: StoreDep, person: str) -> dict[str, Any]:
    """A person by id, name or alias, with everything the store says of them and every version."""
    return page_data.person_page(store, person)


@router.get("/person/{person}", response_class=HTMLResponse, include_in_schema=False)
def person_html(request: Request, store: StoreDep, person: str) -> Response:
    data = page_data.person_page(store, person)
    isolation = data["isolation"]
    chart = figures.analysis_chart("isolation_chart", isolation) if isolation and isolation.get("by_month") else None
    return render(
        request,
        "person.html",
        data=data,
        timeline=figures.postings_timeline(data["postings"]),
        isolation_chart=chart,
    )
