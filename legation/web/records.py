"""Any record with its history; forms and API routes that add and edit records through the import."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from legation.errors import InputError, NotFound
from legation.registry import imports
from legation.registry.store import Store
from legation.web import deps, forms, page_data, tokens
from legation.web.deps import Reader, StoreDep, Writer
from legation.web.models import PROBLEMS, ImportResult, RecordPage
from legation.web.render import render

router = APIRouter()

RecordsIn = Annotated[
    list[dict[str, Any]] | dict[str, Any],
    Body(description="One record or a list, in the interchange format (docs/data-format.md)."),
]


def write(store: Store, raws: list[dict[str, Any]], actor: str) -> imports.ImportReport:
    """Validate and write records as one import: all or nothing, a new version for each change."""
    items = [imports.Located("<api>", i + 1, raw) for i, raw in enumerate(raws)]
    return imports.import_records(store, items, actor=actor)


@router.get("/api/records/{record_id}", response_model=RecordPage, responses=PROBLEMS, dependencies=[Reader])
def record_api(store: StoreDep, record_id: str) -> dict[str, Any]:
    """Any record by id, with every version it has had."""
    return page_data.record_page(store, record_id)


@router.post("/api/records", response_model=ImportResult, responses=PROBLEMS, tags=["write"])
def records_api(store: StoreDep, user: Writer, body: RecordsIn) -> dict[str, Any]:
    """Add or edit records (same id: a new version). Needs a write token."""
    return write(store, body if isinstance(body, list) else [body], user).as_dict()


@router.put("/api/records/{record_id}", response_model=ImportResult, responses=PROBLEMS, tags=["write"])
def record_put(
    store: StoreDep, user: Writer, record_id: str, body: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    """Edit one record: a new version; the old one stays in its history. Needs a write token."""
    if body.get("id", record_id) != record_id:
        raise InputError(f"the id in the path, {record_id!r}; got {body.get('id')!r}", field="id")
    return write(store, [{**body, "id": record_id}], user).as_dict()


@router.get("/record/{record_id}", response_class=HTMLResponse, include_in_schema=False, dependencies=[Reader])
def record_html(request: Request, store: StoreDep, record_id: str) -> Response:
    return render(request, "record.html", data=page_data.record_page(store, record_id))


@router.get("/records/new", response_class=HTMLResponse, include_in_schema=False, dependencies=[Reader])
def new_form(request: Request, kind: str = "person", person: str | None = None) -> Response:
    if kind not in forms.FORM_KINDS:
        raise InputError(f"one of {', '.join(forms.FORM_KINDS)}; got {kind!r}", field="kind")
    return _form(request, kind, {"person": person} if person and kind == "posting" else {}, None, "/records/new")


@router.get("/record/{record_id}/edit", response_class=HTMLResponse, include_in_schema=False, dependencies=[Reader])
def edit_form(request: Request, store: StoreDep, record_id: str) -> Response:
    record = _editable(store, record_id)
    return _form(request, record["kind"], forms.values(record), None, f"/record/{record_id}/edit", record)


@router.post("/records/new", include_in_schema=False)
async def new_submit(request: Request, store: StoreDep) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    kind = form.get("kind", "")
    if kind not in forms.FORM_KINDS:
        raise InputError(f"one of {', '.join(forms.FORM_KINDS)}; got {kind!r}", field="kind")
    return _submit(request, store, kind, form, None, "/records/new")


@router.post("/record/{record_id}/edit", include_in_schema=False)
async def edit_submit(request: Request, store: StoreDep, record_id: str) -> Response:
    record = _editable(store, record_id)
    form = {k: str(v) for k, v in (await request.form()).items()}
    form["id"] = record_id
    return _submit(request, store, record["kind"], form, record, f"/record/{record_id}/edit")


def _editable(store: Store, record_id: str) -> dict[str, Any]:
    record = store.get(record_id)
    if record is None or record["kind"] not in forms.FORM_KINDS:
        raise NotFound(f"no editable record with id {record_id!r}")
    return record


def _form(
    request: Request,
    kind: str,
    values: dict[str, Any],
    error: InputError | None,
    action: str,
    existing: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    field = _form_field(error.field) if error else None
    return render(
        request,
        "form.html",
        status=status,
        kind=kind,
        kinds=forms.FORM_KINDS,
        fields=forms.fields(kind),
        source_fields=forms.SOURCE_FIELDS,
        values=values,
        error=error,
        error_field=field,
        action=action,
        existing=existing,
    )


def _form_field(field: str | None) -> str:
    """The form input an import error names: `sources.0.url` is the source_url input."""
    if not field:
        return "record"
    if field.startswith("sources"):
        last = field.split(".")[-1]
        return f"source_{last}" if last in forms.SOURCE_FIELDS else "source_url"
    return field.split(".")[0]


def _submit(
    request: Request, store: Store, kind: str, form: dict[str, str], existing: dict[str, Any] | None, action: str
) -> Response:
    deps.check_csrf(request, form.get("csrf"))
    user = deps.user_of(request) or tokens.check(form.get("token", ""), deps.get_settings(request).write_tokens)
    if user is None:
        raise HTTPException(401, "a valid write token: log in, or fill in the token field")
    raw = forms.to_raw(kind, form, existing)
    try:
        imports.import_records(store, [forms.located(raw)], actor=user)
    except InputError as exc:
        return _form(request, kind, form, exc, action, existing, status=422)
    target = f"/person/{raw['id']}" if kind == "person" else f"/record/{raw['id']}"
    return RedirectResponse(target, status_code=303)
