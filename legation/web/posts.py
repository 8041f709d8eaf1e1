"""Who is in post: `/posts?at=…&sending=…&receiving=…&role=…`, the page and its JSON."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from legation.web import page_data
from legation.web.deps import Reader, StoreDep
from legation.web.models import PROBLEMS, PostsPage
from legation.web.render import render

router = APIRouter(dependencies=[Reader])


@router.get("/api/posts", response_model=PostsPage, responses=PROBLEMS, tags=["pages"])
def posts_api(
    store: StoreDep,
    at: str | None = None,
    sending: str | None = None,
    receiving: str | None = None,
    role: str | None = None,
) -> dict[str, Any]:
    """The postings in force on a day (YYYY-MM-DD, default today); imprecise dates are flagged."""
    return page_data.posts_page(store, at=at, sending=sending, receiving=receiving, role=role)


@router.get("/posts", response_class=HTMLResponse, include_in_schema=False)
def posts_html(
    request: Request,
    store: StoreDep,
    at: str | None = None,
    sending: str | None = None,
    receiving: str | None = None,
    role: str | None = None,
) -> Response:
    data = page_data.posts_page(store, at=at, sending=sending, receiving=receiving, role=role)
    return render(request, "posts.html", data=data)
