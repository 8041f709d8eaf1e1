"""Upload a file of records (JSONL, YAML or CSV) and import it: all or nothing, size-limited."""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from legation.errors import InputError
from legation.registry import formats, imports
from legation.registry.store import Store
from legation.web import deps
from legation.web.deps import SettingsDep, StoreDep, Writer
from legation.web.models import PROBLEMS, ImportResult
from legation.web.render import render

router = APIRouter()
CHUNK = 1 << 16


async def _read(upload: UploadFile, limit: int) -> bytes:
    data = bytearray()
    while chunk := await upload.read(CHUNK):
        data += chunk
        if len(data) > limit:
            raise HTTPException(413, f"a file of at most {limit} bytes")
    return bytes(data)


def _import(store: Store, name: str, data: bytes, fmt: str | None, actor: str, dry_run: bool) -> dict[str, Any]:
    items = [imports.Located(name, line, raw) for line, raw in formats.read(name, io.BytesIO(data), fmt)]
    return imports.import_records(store, items, actor=actor, dry_run=dry_run).as_dict()


def _name(upload: UploadFile) -> str:
    return (upload.filename or "upload.jsonl").replace("/", "_").replace("\\", "_")[:200]


@router.post("/api/import", response_model=ImportResult, responses=PROBLEMS, tags=["write"])
async def import_api(
    store: StoreDep,
    settings: SettingsDep,
    user: Writer,
    file: Annotated[UploadFile, File(description="JSONL, YAML or CSV in the interchange format.")],
    format: Annotated[str | None, Form(description="jsonl, yaml or csv; default from the file name.")] = None,
    dry_run: Annotated[bool, Form()] = False,
) -> dict[str, Any]:
    """Import an uploaded file as one transaction. Needs a write token."""
    if format and format not in ("jsonl", "yaml", "csv"):
        raise InputError(f"one of jsonl, yaml, csv; got {format!r}", field="format")
    data = await _read(file, settings.upload_limit)
    return await run_in_threadpool(_import, store, _name(file), data, format, user, dry_run)


@router.get("/import", response_class=HTMLResponse, include_in_schema=False)
def import_form(request: Request) -> Response:
    return render(request, "import.html", report=None, error=None)


@router.post("/import", response_class=HTMLResponse, include_in_schema=False)
async def import_submit(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
    csrf: Annotated[str, Form()] = "",
    token: Annotated[str, Form()] = "",
) -> Response:
    deps.check_csrf(request, csrf)
    user = await deps.form_writer(request, token)
    data = await _read(file, settings.upload_limit)
    try:
        report = await run_in_threadpool(_import, store, _name(file), data, None, user, False)
    except InputError as exc:
        return render(request, "import.html", status=422, report=None, error=exc)
    return render(request, "import.html", report=report, error=None)
