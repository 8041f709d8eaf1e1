"""What routes share: the store, the settings, who is asking, and the CSRF check."""

from __future__ import annotations

import secrets
import time
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from legation.registry.store import Store
from legation.web import tokens
from legation.web.settings import Settings

SESSION = "legation_session"
CSRF = "legation_csrf"
SESSION_AGE = 12 * 3600


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# The dependencies are coroutines: FastAPI runs a plain function dependency in a worker thread, and
# these only read app state, so the thread hop would cost more than the work.
async def store_dep(request: Request) -> Store:
    return _store(request)


async def settings_dep(request: Request) -> Settings:
    return get_settings(request)


def _api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def session_user(request: Request) -> str | None:
    """The writer a signed session cookie names (pages only), else None."""
    session = tokens.unsign(get_settings(request).secret_key, request.cookies.get(SESSION), max_age=SESSION_AGE)
    return str(session["user"]) if session and session.get("user") else None


def user_of(request: Request) -> str | None:
    """Who is asking, as far as it is known without a token check: the writer the guard verified
    (an API write's Bearer token), else on pages the session cookie. The API never takes the cookie,
    so another site cannot ride a logged-in browser into it."""
    writer = getattr(request.state, "writer", None)
    if writer is not None or _api(request):
        return str(writer) if writer is not None else None
    return session_user(request)


async def verified(request: Request, token: str) -> str | None:
    """The writer a token belongs to, checked off the event loop; 429 for a client that failed too often."""
    verifier: tokens.Verifier = request.app.state.verifier
    client = request.client.host if request.client else "-"
    if wait := verifier.wait(client):
        raise HTTPException(429, f"fewer failed token checks: try again in {wait} s", {"retry-after": str(wait)})
    return await verifier.check(client, token)


async def bearer_user(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    return await verified(request, header[7:].strip()) if header.lower().startswith("bearer ") else None


async def require_writer(request: Request) -> str:
    user = user_of(request) or await bearer_user(request)
    if user is None:
        raise HTTPException(401, "a valid write token (Authorization: Bearer <token>, or log in)")
    return user


async def form_writer(request: Request, token: str) -> str:
    """The writer of a form: the session, else the form's token field; 401 without either."""
    user = user_of(request) or (await verified(request, token) if token else None)
    if user is None:
        raise HTTPException(401, "a valid write token: log in, or fill in the token field")
    return user


async def require_reader(request: Request) -> None:
    if get_settings(request).private and user_of(request) is None and await bearer_user(request) is None:
        raise HTTPException(401, "a valid token: this instance keeps its reads private")


def csrf_token(request: Request) -> str:
    """This browser's CSRF token: a signed random value, also kept in a cookie (double submit)."""
    existing = request.cookies.get(CSRF)
    if existing and tokens.unsign(get_settings(request).secret_key, existing):
        return existing
    fresh = tokens.sign(get_settings(request).secret_key, {"n": secrets.token_hex(16), "at": time.time()})
    request.state.new_csrf = fresh
    return fresh


def check_csrf(request: Request, submitted: str | None) -> None:
    cookie = request.cookies.get(CSRF)
    key = get_settings(request).secret_key
    if not submitted or cookie != submitted or tokens.unsign(key, submitted) is None:
        raise HTTPException(403, "a valid CSRF token: reload the form and submit it again")


StoreDep = Annotated[Store, Depends(store_dep)]
SettingsDep = Annotated[Settings, Depends(settings_dep)]
Writer = Annotated[str, Depends(require_writer)]
Reader = Depends(require_reader)
