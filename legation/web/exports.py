"""Downloads of the whole store or of a search: JSON Lines, CSV (a zip of one file per kind), FtM."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from pathlib import Path
from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from legation.errors import InputError
from legation.registry import exports
from legation.web import forms, page_data
from legation.web.deps import Reader, StoreDep
from legation.web.models import PROBLEMS
from legation.web.render import render

router = APIRouter(dependencies=[Reader])

MEDIA = {
    "jsonl": "application/x-ndjson",
    "ftm": "application/x-ndjson",
    "csv": "application/zip",
    "flat": "text/csv",
}
SUFFIX = {"jsonl": "jsonl", "ftm": "ftm.json", "csv": "zip"}


def _csv_zip(store: StoreDep, ids: set[str] | None) -> bytes:
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        exports.export(store, "csv", folder=Path(folder), ids=ids)
        for path in sorted(Path(folder).glob("*.csv")):
            archive.write(path, path.name)
    return buffer.getvalue()


def flat_csv(store: StoreDep, kind: str, ids: set[str] | None) -> str:
    """One kind's records as one flat CSV: a column per field (lists joined by "; "), and each
    source spread over source_1_url, source_1_title and so on, for a spreadsheet or a newsroom tool."""
    if kind not in forms.FORM_KINDS:
        raise InputError(f"a kind for a flat CSV: one of {', '.join(forms.FORM_KINDS)}; got {kind!r}", field="kind")
    found = [
        orjson.loads(r["data"]) for r in store.rows("SELECT id, data FROM records WHERE kind = :k ORDER BY id", k=kind)
    ]
    chosen = [r for r in found if ids is None or r["id"] in ids]
    fields = [f.name for f in forms.fields(kind)]
    most = max((len(r.get("sources") or []) for r in chosen), default=0)
    spread = [f"source_{i + 1}_{f}" for i in range(most) for f in forms.SOURCE_FIELDS]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["kind", *fields, *spread], extrasaction="ignore")
    writer.writeheader()
    for record in chosen:
        row = {k: "; ".join(map(str, v)) if isinstance(v, list) else v for k, v in record.items() if k != "sources"}
        for i, source in enumerate(record.get("sources") or []):
            row.update({f"source_{i + 1}_{f}": source.get(f) for f in forms.SOURCE_FIELDS})
        writer.writerow(row)
    return out.getvalue()


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
    format: Annotated[
        Literal["jsonl", "csv", "ftm", "flat"],
        Query(description="flat: one kind (give kind) as a single CSV, sources spread over columns."),
    ] = "jsonl",
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
    if format == "flat":
        found = page_data.search_ids(store, q, {**facets, "kind": None}) if q.strip() else None
        body = flat_csv(store, kind or "", found).encode()
        name = f"legation-{kind}{'-search' if found is not None else ''}.csv"
        headers = {"content-disposition": f'attachment; filename="{name}"'}
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
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
