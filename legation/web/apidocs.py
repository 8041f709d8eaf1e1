"""/docs (Swagger UI) and /redoc, served from the package: no CDN, and no inline script.

FastAPI's own pages load their scripts from a CDN and start Swagger UI with an inline script, and
our CSP blocks both (users may be offline too). The assets come from `fastapi-offline`, which ships
Swagger UI and ReDoc as files; each page starts its viewer from a small script in static/apidocs/.
ReDoc writes its styles as <style> elements and runs a worker from a blob: URL, so /redoc alone gets
a CSP that allows those two, and nothing else more than the app's own.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, Response

from legation.errors import NotFound

router = APIRouter(include_in_schema=False)

ASSETS = Path(fastapi_offline.__file__).parent / "static"
CACHED = {"cache-control": "public, max-age=86400"}
REDOC_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
SERVED = {"swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png"}
BASE_CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
CSP = {
    "docs": f"{BASE_CSP}; style-src 'self'; script-src 'self'",
    "redoc": f"{BASE_CSP}; style-src 'self' 'unsafe-inline'; script-src 'self'; worker-src 'self' blob:",
}

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Legation API · {title}</title><link rel="icon" href="/docs/assets/favicon.png">{head}</head>
<body>{body}</body></html>"""


def _page(name: str, title: str, head: str, body: str) -> HTMLResponse:
    html = _PAGE.format(title=title, head=head, body=body)
    return HTMLResponse(html, headers={"content-security-policy": CSP[name]})


@router.get("/docs")
def swagger() -> Response:
    return _page(
        "docs",
        "Swagger UI",
        '<link rel="stylesheet" href="/docs/assets/swagger-ui.css">',
        '<div id="swagger-ui" data-spec="/openapi.json"></div>'
        '<script src="/docs/assets/swagger-ui-bundle.js"></script>'
        '<script src="/static/apidocs/swagger-init.js"></script>',
    )


@router.get("/redoc")
def redoc() -> Response:
    return _page(
        "redoc",
        "ReDoc",
        "",
        '<div id="redoc" data-spec="/openapi.json"></div>'
        '<script src="/docs/assets/redoc.standalone.js"></script>'
        '<script src="/static/apidocs/redoc-init.js"></script>',
    )


@cache
def _redoc_script() -> bytes:
    """ReDoc's script with the one address it fetches on its own (the Redocly logo in its sidebar)
    pointed at our favicon, so the page makes no request outside the app."""
    script = (ASSETS / "redoc.standalone.js").read_bytes()
    return script.replace(REDOC_LOGO, b"/docs/assets/favicon.png")


@router.get("/docs/assets/{name}")
def asset(name: str) -> Response:
    if name not in SERVED:
        raise NotFound(f"no API docs asset {name!r}; there are {', '.join(sorted(SERVED))}")
    if name == "redoc.standalone.js":
        return Response(_redoc_script(), media_type="text/javascript", headers=CACHED)
    return FileResponse(ASSETS / name, headers=CACHED)
