"""Downloads of the whole store or of a search: JSON Lines, CSV (a zip of one file per kind), FtM."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from legation.registry import exports
from legation.web import page_data
from legation.web.deps import Reader, StoreDep
from legation.web.models import PROBLEMS
from legation.web.render import render

router = APIRouter(dependencies=[Reader])

MEDIA = {"jsonl": "application/x-ndjson", "ftm": "application/x-ndjson", "csv": "application/zip"}
SUFFIX = {"jsonl": "jsonl", "ftm": "ftm.json", "csv": "zip"}


def _csv_zip(store: StoreDep, ids: set[str] | None) -> bytes:
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        exports.export(store, "csv", folder=Path(folder), ids=ids)
        for path in sorted(Path(folder).glob("*.csv")):
            archive.write(path, path.name)
    return buffer.getvalue()


@router.get(
    "/api/export",
    responses={
        **PROBLEMS,
        200: {"content": {m: {} for m in set(MEDIA.values())}, "description": "The records, in the chosen format."},
    },
    response_class=Response,
    tags=["export"],
)
def export_api(
    store: StoreDep,
    format: Literal["jsonl", "csv", "ftm"] = "jsonl",
    q: Annotated[str, Query(max_length=1000, description="Only the records this search finds.")] = "",
    kind: str | None = None,
    exit_type: str | None = None,
    sending: str | None = None,
    receiving: str | None = None,
    decade: str | None = None,
    certainty: str | None = None,
) -> Response:
    """The whole store, or the records a search (with its facets) finds."""
    facets = {
        "kind": kind,
        "exit_type": exit_type,
        "sending": sending,
        "receiving": receiving,
        "decade": decade,
        "certainty": certainty,
    }
    ids = page_data.search_ids(store, q, facets) if q.strip() else None
    if format == "csv":
        body = _csv_zip(store, ids)
    else:
        out = io.StringIO()
        exports.export(store, format, out=out, ids=ids, kind=None if ids is not None else kind)
        body = out.getvalue().encode()
    name = f"legation{'-search' if ids is not None else ''}.{SUFFIX[format]}"
    return Response(body, media_type=MEDIA[format], headers={"content-disposition": f'attachment; filename="{name}"'})


@router.get("/export", response_class=HTMLResponse, include_in_schema=False)
def export_html(request: Request, q: str = "") -> Response:
    return render(request, "export.html", q=q[:200], formats=exports.EXPORT_FORMATS)
