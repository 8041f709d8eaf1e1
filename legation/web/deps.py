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


def user_of(request: Request) -> str | None:
    """The writer behind a Bearer token or a signed session cookie, else None."""
    settings = get_settings(request)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return tokens.check(header[7:].strip(), settings.write_tokens)
    session = tokens.unsign(settings.secret_key, request.cookies.get(SESSION), max_age=SESSION_AGE)
    return str(session["user"]) if session and session.get("user") else None


async def require_writer(request: Request) -> str:
    user = user_of(request)
    if user is None:
        raise HTTPException(401, "a valid write token (Authorization: Bearer <token>, or log in)")
    return user


async def require_reader(request: Request) -> None:
    if get_settings(request).private and user_of(request) is None:
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
