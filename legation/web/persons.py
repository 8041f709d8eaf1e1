"""A person's page: postings on a timeline, exits, consequences, contacts, isolation and history."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from legation.errors import Ambiguous
from legation.registry.store import Store
from legation.web import figures, page_data
from legation.web.deps import Reader, StoreDep
from legation.web.models import PROBLEMS, PersonPage
from legation.web.render import render

router = APIRouter(dependencies=[Reader])


@router.get("/api/person/{person}", response_model=PersonPage, responses=PROBLEMS, tags=["pages"])
def person_api(store: StoreDep, person: str) -> dict[str, Any]:
    """A person by id, name or alias, with everything the store says of them and every version."""
    return page_data.person_page(store, person)


def choose(request: Request, store: Store, asked: str, exc: Ambiguous, target: str) -> Response:
    """A name that fits several persons: a page that lists them, each a link, not a 404."""
    found = [p for p in (store.get(i) for i in exc.candidates) if p and p.get("kind") == "person"]
    return render(request, "choose.html", status=300, asked=asked, persons=found, target=target)


@router.get("/person/{person}", response_class=HTMLResponse, include_in_schema=False)
def person_html(request: Request, store: StoreDep, person: str) -> Response:
    try:
        data = page_data.person_page(store, person)
    except Ambiguous as exc:
        return choose(request, store, person, exc, "person")
    isolation = data["isolation"]
    chart = figures.analysis_chart("isolation_chart", isolation) if isolation and isolation.get("by_month") else None
    return render(
        request,
        "person.html",
        data=data,
        timeline=figures.postings_timeline(data["postings"]),
        isolation_chart=chart,
    )
