"""The home page, and logging in and out with a write token."""

from __future__ import annotations

import time

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from legation.web import deps, figures, page_data, tokens
from legation.web.deps import Reader, SettingsDep, StoreDep
from legation.web.models import PROBLEMS, HomePage
from legation.web.render import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False, dependencies=[Reader])
def home_html(request: Request, store: StoreDep) -> Response:
    data = page_data.home(store)
    return render(
        request,
        "home.html",
        data=data,
        exits_chart=figures.exits_per_year(data["exits_per_year"], data["exits_undated"]),
    )


@router.get("/api/home", response_model=HomePage, responses=PROBLEMS, dependencies=[Reader], tags=["pages"])
def home_api(store: StoreDep) -> dict[str, object]:
    """Counts by kind, the latest exits, and exits per year by exit type."""
    return page_data.home(store)


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_form(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", next=_safe(next), error=None)


@router.post("/login", include_in_schema=False)
async def login(
    request: Request,
    settings: SettingsDep,
    token: str = Form(""),
    csrf: str = Form(""),
    next: str = Form("/"),
) -> Response:
    deps.check_csrf(request, csrf)
    user = await deps.verified(request, token) if token else None
    if user is None:
        return render(request, "login.html", status=401, next=_safe(next), error="not a valid write token")
    response = RedirectResponse(_safe(next), status_code=303)
    session = tokens.sign(settings.secret_key, {"user": user, "at": time.time()})
    response.set_cookie(
        deps.SESSION,
        session,
        max_age=deps.SESSION_AGE,
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies or settings.https,
    )
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, csrf: str = Form("")) -> Response:
    deps.check_csrf(request, csrf)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(deps.SESSION)
    return response


def _safe(target: str) -> str:
    """Only local paths, so a login link cannot send the user elsewhere."""
    return target if target.startswith("/") and not target.startswith("//") else "/"
