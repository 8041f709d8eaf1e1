"""Any record with its history; forms and API routes that add and edit records through the import."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import TypeAdapter

from legation.errors import Conflict, InputError, NotFound
from legation.registry import imports, records
from legation.registry.store import Store
from legation.web import deps, forms, page_data
from legation.web.deps import Reader, StoreDep, Writer
from legation.web.models import PROBLEMS, ImportResult, RecordPage
from legation.web.render import render

router = APIRouter()

RecordsIn = Annotated[
    list[dict[str, Any]] | dict[str, Any],
    Body(description="One record or a list, in the interchange format (docs/data-format.md)."),
]


def record_schema() -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON schema of one record (any kind, told apart by `kind`) and the models it refers to."""
    schema = TypeAdapter(records.Record).json_schema(ref_template="#/components/schemas/{model}")
    return schema, schema.pop("$defs", {})


def write(
    store: Store, raws: list[dict[str, Any]], actor: str, expect: dict[str, int | None] | None = None
) -> imports.ImportReport:
    """Validate and write records as one import: all or nothing, a new version for each change.
    `expect` holds the version each edit started from (None: a new record), checked under the lock."""
    items = [imports.Located("<api>", i + 1, raw) for i, raw in enumerate(raws)]
    return imports.import_records(store, items, actor=actor, expect=expect)


def etag(version: int) -> str:
    """A record's entity tag: its version number, which changes with every change to it."""
    return f'"{version}"'


def if_match(header: str | None) -> int | None:
    """The version an `If-Match` header names; None when it is absent or `*` (any version)."""
    if header is None or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isascii() or not value.isdigit():
        wanted = "an entity tag from this record's ETag, such as '\"3\"'"
        raise InputError(f"{wanted}; got {header[:80]!r}", field="If-Match")
    return int(value)


@router.get("/api/records/{record_id}", response_model=RecordPage, responses=PROBLEMS, dependencies=[Reader])
def record_api(store: StoreDep, record_id: str, response: Response) -> dict[str, Any]:
    """Any record by id, with every version it has had. The ETag header is its current version: send
    it back as If-Match with a PUT, so an edit made meanwhile is not overwritten."""
    data = page_data.record_page(store, record_id)
    response.headers["etag"] = etag(data["history"][-1]["version"])
    return data


@router.post("/api/records", response_model=ImportResult, responses=PROBLEMS, tags=["write"])
def records_api(store: StoreDep, user: Writer, body: RecordsIn) -> dict[str, Any]:
    """Add new records: one or a list. An id the store already holds answers 409 (edit it with PUT).
    Needs a write token."""
    raws = body if isinstance(body, list) else [body]
    new: dict[str, int | None] = {str(r["id"]): None for r in raws if isinstance(r.get("id"), str)}
    return write(store, raws, user, new).as_dict()


@router.put("/api/records/{record_id}", response_model=ImportResult, responses=PROBLEMS, tags=["write"])
def record_put(
    store: StoreDep,
    user: Writer,
    record_id: str,
    body: Annotated[dict[str, Any], Body()],
    match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description="The ETag of the version this edit starts from; another version answers 409.",
        ),
    ] = None,
) -> dict[str, Any]:
    """Edit (or create) one record: a new version; the old one stays in its history. With If-Match,
    an edit of a version that is no longer current answers 409 and changes nothing. Needs a write token."""
    if body.get("id", record_id) != record_id:
        raise InputError(f"the id in the path, {record_id!r}; got {body.get('id')!r}", field="id")
    started = if_match(match)
    expect: dict[str, int | None] | None = None if started is None else {record_id: started}
    return write(store, [{**body, "id": record_id}], user, expect).as_dict()


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
    values = {**forms.values(record), "version": str(store.version(record_id) or "")}
    return _form(request, record["kind"], values, None, f"/record/{record_id}/edit", record)


@router.post("/records/new", include_in_schema=False)
async def new_submit(request: Request, store: StoreDep) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    kind = form.get("kind", "")
    if kind not in forms.FORM_KINDS:
        raise InputError(f"one of {', '.join(forms.FORM_KINDS)}; got {kind!r}", field="kind")
    return await _submit(request, store, kind, form, None, "/records/new")


@router.post("/record/{record_id}/edit", include_in_schema=False)
async def edit_submit(request: Request, store: StoreDep, record_id: str) -> Response:
    record = _editable(store, record_id)
    form = {k: str(v) for k, v in (await request.form()).items()}
    form["id"] = record_id
    return await _submit(request, store, record["kind"], form, record, f"/record/{record_id}/edit")


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
    problems: dict[str, str] | None = None,
) -> Response:
    field = _form_field(error.field) if error else None
    found = dict(problems or {})
    if error is not None:
        found.setdefault(field or "record", error.message)
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
        problems=found,
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


async def _submit(
    request: Request, store: Store, kind: str, form: dict[str, str], existing: dict[str, Any] | None, action: str
) -> Response:
    deps.check_csrf(request, form.get("csrf"))
    try:
        user = await deps.form_writer(request, form.get("token", ""))
    except HTTPException as exc:
        # The form comes back as it was typed, with the token field marked, rather than a bare 401.
        problem = {"token": "Not saved: give a valid write token here, or log in first."}
        return _form(request, kind, form, None, action, existing, status=exc.status_code, problems=problem)
    problems = forms.check(kind, form, existing)
    if problems:
        return _form(request, kind, form, None, action, existing, status=422, problems=problems)
    return await run_in_threadpool(_save, request, store, kind, form, existing, action, user)


def _save(
    request: Request,
    store: Store,
    kind: str,
    form: dict[str, str],
    existing: dict[str, Any] | None,
    action: str,
    user: str,
) -> Response:
    """The import a form makes, in a worker thread: it may wait for the write lock."""
    url = (form.get("source_url") or "").strip()
    known = store.rows("SELECT url, title, publisher, published, accessed FROM sources WHERE url = :u", u=url)
    raw = forms.to_raw(kind, form, existing, known)
    # An edit carries the version its form was opened at (a hidden field); an Add form, none: the
    # id must be new. Either is checked under the write lock.
    started, record_id = form.get("version", ""), str(raw.get("id") or "")
    expect: dict[str, int | None] | None = None
    if record_id and existing is None:
        expect = {record_id: None}
    elif record_id and started.isascii() and started.isdigit():
        expect = {record_id: int(started)}
    try:
        imports.import_records(store, [forms.located(raw)], actor=user, expect=expect)
    except InputError as exc:
        return _form(request, kind, form, exc, action, existing, status=422)
    except Conflict as exc:
        return _conflict(request, store, kind, form, raw, exc, action)
    target = f"/person/{raw['id']}" if kind == "person" else f"/record/{raw['id']}"
    return RedirectResponse(target, status_code=303)


def _conflict(
    request: Request,
    store: Store,
    kind: str,
    form: dict[str, str],
    yours: dict[str, Any],
    exc: Conflict,
    action: str,
) -> Response:
    """409: the stored version beside the one submitted, field by field, and a way on from there."""
    current = store.get(exc.record)
    history = store.history(exc.record) if current else []
    latest = history[-1] if history else None
    names = [f.name for f in forms.fields(kind)] + ["sources"]
    rows = [
        (name, (current or {}).get(name), yours.get(name))
        for name in names
        if (current or {}).get(name) not in (None, "", []) or yours.get(name) not in (None, "", [])
    ]
    resubmit = {k: v for k, v in form.items() if k not in ("csrf", "token", "version")}
    return render(
        request,
        "conflict.html",
        status=409,
        status_code=409,
        message=str(exc),
        kind=kind,
        record_id=exc.record,
        creating=exc.expected is None,
        latest=latest,
        rows=rows,
        resubmit=resubmit,
        version=exc.current,
        action=f"/record/{exc.record}/edit" if exc.current is not None else action,
    )
