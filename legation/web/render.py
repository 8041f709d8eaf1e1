"""HTML rendering: one Jinja environment with autoescape on, and the helpers templates use."""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from legation.registry import bodies, vocabularies
from legation.web import deps, links, page_data


def _label(vocab: str, code: str | None) -> str:
    return vocabularies.label(vocab, code) if code else ""


def _qs(params: dict[str, Any], **changes: Any) -> str:
    """A query string from filters whose values may be lists (one key=value per item); empty ones dropped."""
    merged = {**params, **changes}
    return urlencode(
        [(k, v) for k, vs in merged.items() for v in (vs if isinstance(vs, list) else [vs]) if v not in (None, "")]
    )


def _plural(kind: str, n: int = 2) -> str:
    """ "1 person", "264 persons": a kind counted in words."""
    entry = vocabularies.terms("kinds").get(kind, {})
    return str(entry.get("label", kind)).lower() if n == 1 else str(entry.get("plural", kind))


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("legation", "templates/web"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        body_name=bodies.name,
        label=_label,
        title=links.title,
        ref=links.ref,
        field=links.field,
        plural=_plural,
        qs=_qs,
        names=lambda codes: ", ".join(bodies.name(c) for c in codes or []),
        vocab=vocabularies.terms,
        figures=page_data.available_figures,
    )
    return env


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a page; a browser without a CSRF cookie gets one with its first form."""
    user = deps.user_of(request)
    links.CURRENT.set(links.Links(request.app.state.store))
    html = (
        environment()
        .get_template(template)
        .render(
            request=request,
            user=user,
            csrf=deps.csrf_token(request),
            settings=deps.get_settings(request),
            **context,
        )
    )
    response = HTMLResponse(html, status_code=status)
    fresh = getattr(request.state, "new_csrf", None)
    if fresh:
        secure = deps.get_settings(request).secure_cookies or deps.get_settings(request).https
        response.set_cookie(deps.CSRF, fresh, httponly=True, samesite="strict", secure=secure)
    return response
