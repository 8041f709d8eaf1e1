"""What every request passes before a route sees it: origins, tokens, body size, and security headers.

A plain ASGI wrapper, so it runs before FastAPI reads a body. For every state-changing request
(POST, PUT, PATCH, DELETE) on any route, now or added later:

- a browser's cross-site request is refused (403): `Sec-Fetch-Site` must be `same-origin` or `none`,
  and an `Origin` must name this host. Clients that send neither (curl, scripts) pass on to the
  token and CSRF checks.
- under `/api/`, the `Authorization: Bearer` token is checked first (401 without it, 429 after too
  many failures), before one byte of the body is read. The API never takes the session cookie.
- the body is counted while it streams in and refused with 413 past the limit (`body_limit`; an
  upload may be `upload_limit` plus room for the form around it), so nobody can make the server
  hold more than that in memory.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.routing import Match, Router

from legation.web.settings import Settings
from legation.web.tokens import Verifier

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGI = Callable[[Scope, Receive, Send], Awaitable[None]]
Problem = Callable[[Request, int, str], Response]

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
FORM_ROOM = 1 << 20  # a multipart upload's fields and boundaries, beyond the file itself

HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
        b"base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (
        b"permissions-policy",
        b"accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
        b"payment=(), usb=(), interest-cohort=()",
    ),
]
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
# API answers can hold a private instance's data: no shared cache or browser keeps them.
API_CACHE = (b"cache-control", b"no-store")


def client_of(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "-"


def foreign(headers: Headers) -> str | None:
    """Why a state-changing request comes from another site, or None when it does not."""
    site = headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return f"a request from this site's own pages; this one is {site}"
    origin = headers.get("origin")
    if origin is not None:
        host = headers.get("host", "").lower()
        if origin == "null" or urlsplit(origin).netloc.lower() != host:
            return f"a request from this site's own pages; this one comes from {origin[:80]!r}"
    return None


class Guard:
    def __init__(self, app: ASGI, settings: Settings, verifier: Verifier, problem: Problem, router: Router) -> None:
        self.app = app
        self.router = router
        self.settings = settings
        self.verifier = verifier
        self.problem = problem
        self.headers = [*HEADERS, HSTS] if settings.https else HEADERS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith("/api/") or scope["path"] == "/openapi.json"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                existing = {k.lower() for k, _ in message.get("headers", [])}
                # A page that sets its own header (the API docs' CSP) keeps it; the others are added.
                extra = [h for h in self.headers if h[0] not in existing]
                if api and b"cache-control" not in existing:
                    extra.append(API_CACHE)
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        if scope["method"] not in UNSAFE:
            await self.app(scope, receive, with_headers)
            return
        headers = Headers(scope=scope)
        refusal = await self._refusal(scope, headers, api)
        if refusal is not None:
            request = Request(scope, receive)
            response = self.problem(request, refusal.status_code, str(refusal.detail))
            response.headers.update(refusal.headers or {})
            await response(scope, receive, with_headers)
            return
        await self.app(scope, _capped(receive, self._limit(headers)), with_headers)

    def _limit(self, headers: Headers) -> int:
        if headers.get("content-type", "").startswith("multipart/form-data"):
            return max(self.settings.body_limit, self.settings.upload_limit + FORM_ROOM)
        return self.settings.body_limit

    async def _refusal(self, scope: Scope, headers: Headers, api: bool) -> HTTPException | None:
        """The answer to give before the body is read, or None to let the request through."""
        why = foreign(headers)
        if why:
            return HTTPException(403, why)
        if not any(route.matches(scope)[0] == Match.FULL for route in self.router.routes):
            return None  # the router answers 404 or 405 (with Allow) without reading the body
        if api and (refused := await self._token(scope, headers)):
            return refused
        limit = self._limit(headers)
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            return HTTPException(413, f"a request body of at most {limit} bytes; this one has {length}")
        return None  # forms carry a CSRF token and maybe a write token in the body: read, capped

    async def _token(self, scope: Scope, headers: Headers) -> HTTPException | None:
        client = client_of(scope)
        if wait := self.verifier.wait(client):
            return HTTPException(429, f"fewer failed token checks: try again in {wait} s", {"retry-after": str(wait)})
        header = headers.get("authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        user = await self.verifier.check(client, token) if token else None
        if user is None:
            message = "a valid write token (Authorization: Bearer <token>)"
            return HTTPException(401, message, {"www-authenticate": "Bearer"})
        scope.setdefault("state", {})["writer"] = user
        return None


def _capped(receive: Receive, limit: int) -> Receive:
    """`receive`, refusing with 413 as soon as the body passes `limit` bytes."""
    seen = 0

    async def capped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(413, f"a request body of at most {limit} bytes")
        return message

    return capped
