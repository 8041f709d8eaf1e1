"""The review desk: /review and /api/review, over the same queue functions as `legation review`.

Every action needs a writer (a Bearer token, a session, or the form's token field) and, from a
browser, the CSRF token, like the record forms. The edit form's fields follow the vocabularies:
each coded field is a select of its terms, each state field a choice among the known bodies.
"""

from __future__ import annotations

from types import ModuleType
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from legation.errors import InputError
from legation.registry import bodies
from legation.registry.store import Store
from legation.web import deps, page_data
from legation.web.deps import Reader, StoreDep, Writer
from legation.web.models import PROBLEMS, ReviewDecision, ReviewDetail, ReviewPage
from legation.web.render import render

router = APIRouter()

# The fields a reviewer can edit, by proposal kind: (name, widget), widget being a vocabulary,
# "state", "number", "text" or "many:<vocabulary>".
FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "exits": (
        ("person", "text"),
        ("group", "text"),
        ("count", "number"),
        ("role", "roles"),
        ("sending_state", "state"),
        ("receiving_state", "state"),
        ("exit_type", "exit_types"),
        ("year", "number"),
        ("reason", "text"),
        ("destination", "state"),
        ("next_role", "text"),
        ("consequences", "many:consequences"),
        ("certainty", "certainties"),
    ),
    "postings_in_force": (
        ("person", "text"),
        ("role", "roles"),
        ("sending_state", "state"),
        ("receiving_state", "state"),
        ("certainty", "certainties"),
    ),
    "measures": (
        ("measure", "measures"),
        ("actor", "state"),
        ("target", "state"),
        ("year", "number"),
        ("count", "number"),
        ("detail", "text"),
        ("certainty", "certainties"),
    ),
    "contacts": (
        ("from", "text"),
        ("to", "text"),
        ("channel", "channels"),
        ("outcome", "outcomes"),
        ("year", "number"),
        ("count", "number"),
        ("certainty", "certainties"),
    ),
}


class AcceptIn(BaseModel):
    changes: dict[str, Any] = Field(default_factory=dict, description="Fields to change before accepting.")


class MergeIn(BaseModel):
    into: str = Field(description="The id of the person or posting the proposal is about.")


class RejectIn(BaseModel):
    reason: str | None = Field(default=None, max_length=2000, description="Why, in the reviewer's words.")


class BatchIn(BaseModel):
    action: Literal["accept", "reject"]
    ids: list[str] = Field(min_length=1, max_length=500)
    reason: str | None = Field(default=None, max_length=2000)


def _queue() -> ModuleType:
    from legation.extraction import reviews  # spaCy loads with it: only when the desk acts

    return reviews


def state_options() -> list[tuple[str, str]]:
    """Every known state and body as (code, name), by name: the choices of a state field."""
    return sorted(((code, body.name) for code, body in bodies.registry().items()), key=lambda cb: cb[1])


def _changes(section: str, proposed: dict[str, Any], form: dict[str, list[str]]) -> dict[str, Any]:
    """The fields the reviewer changed in the form, typed as the proposal has them."""
    found: dict[str, Any] = {}
    for name, widget in FIELDS.get(section, ()):
        key = f"f_{name}"
        if key not in form:
            continue
        values = [v.strip() for v in form[key] if v.strip()]
        value: Any
        if widget.startswith("many:"):
            value = values
        elif not values:
            value = None
        elif widget == "number":
            if not values[0].isdigit():
                raise InputError(f"expected a whole number; got {values[0]!r}", field=name)
            value = int(values[0])
        else:
            value = values[0].upper() if widget == "state" else values[0]
        if value != (proposed.get(name) or ([] if widget.startswith("many:") else None)):
            found[name] = value
    return found


async def _form(request: Request) -> dict[str, list[str]]:
    form = await request.form()
    return {k: [str(v) for v in form.getlist(k)] for k in form}


async def _writer(request: Request, form: dict[str, list[str]]) -> str:
    """The same checks as the record forms: CSRF first, then a session or the token field, verified
    off the event loop and rate-limited per client (deps.form_writer)."""
    deps.check_csrf(request, (form.get("csrf") or [""])[0])
    return await deps.form_writer(request, (form.get("token") or [""])[0])


def _decision(store: Store, review_id: str) -> dict[str, Any]:
    review = _queue().get(store, review_id)
    return {"id": review.id, "status": review.status, "records": review.records, "reason": review.reason}


# --- JSON API ---------------------------------------------------------------------------------


@router.get("/api/review", response_model=ReviewPage, responses=PROBLEMS, dependencies=[Reader], tags=["review"])
def review_api(
    store: StoreDep,
    status: str = "pending",
    kind: str | None = None,
    state: str | None = None,
    confidence: str | None = None,
    page: int = 1,
) -> dict[str, Any]:
    """Proposals, newest first: status (pending, accepted, merged, rejected, all), kind (exits,
    measures, contacts, postings_in_force), state (a code any state field names), confidence band
    (high, medium, low); 50 to a page."""
    return page_data.review_page(store, status=status, kind=kind, state=state, confidence=confidence, page=page)


@router.get(
    "/api/review/{review_id}", response_model=ReviewDetail, responses=PROBLEMS, dependencies=[Reader], tags=["review"]
)
def review_one_api(store: StoreDep, review_id: str, find: str | None = None) -> dict[str, Any]:
    """One proposal; `find` searches for the persons and postings it could be merged into."""
    return page_data.review_detail(store, review_id, find=find)


@router.post("/api/review/{review_id}/accept", response_model=ReviewDecision, responses=PROBLEMS, tags=["review"])
def accept_api(store: StoreDep, user: Writer, review_id: str, body: Annotated[AcceptIn, Body()]) -> dict[str, Any]:
    """Accept a proposal with optional changes: its records enter the registry citing the article."""
    _queue().accept(store, review_id, changes=body.changes, actor=user)
    return _decision(store, review_id)


@router.post("/api/review/{review_id}/merge", response_model=ReviewDecision, responses=PROBLEMS, tags=["review"])
def merge_api(store: StoreDep, user: Writer, review_id: str, body: Annotated[MergeIn, Body()]) -> dict[str, Any]:
    """Accept a proposal into an existing person (a new posting) or posting (its exit)."""
    _queue().merge(store, review_id, body.into, actor=user)
    return _decision(store, review_id)


@router.post("/api/review/{review_id}/reject", response_model=ReviewDecision, responses=PROBLEMS, tags=["review"])
def reject_api(store: StoreDep, user: Writer, review_id: str, body: Annotated[RejectIn, Body()]) -> dict[str, Any]:
    """Reject a proposal with a reason; it writes nothing and stays in the queue as rejected."""
    _queue().reject(store, review_id, reason=body.reason, actor=user)
    return _decision(store, review_id)


@router.post("/api/review/batch", response_model=list[ReviewDecision], responses=PROBLEMS, tags=["review"])
def batch_api(store: StoreDep, user: Writer, body: Annotated[BatchIn, Body()]) -> list[dict[str, Any]]:
    """Accept or reject several proposals as proposed; those already decided are left alone."""
    _batch(store, body.action, body.ids, body.reason, user)
    return [_decision(store, i) for i in body.ids]


def _batch(store: Store, action: str, ids: list[str], reason: str | None, user: str) -> int:
    queue = _queue()
    for review_id in ids:
        queue.get(store, review_id)  # every id must exist before anything is decided
    if action == "accept":  # a person merge is decided by hand (reviews._writable): batches leave it
        pending = [i for i in ids if (r := queue.get(store, i)).status == "pending" and r.section in FIELDS]
        queue.accept_all(store, pending, actor=user)
        return len(pending)
    count: int = queue.reject_all(store, ids, reason=reason, actor=user)
    return count


# --- HTML -------------------------------------------------------------------------------------


def _page(request: Request, template: str, **context: Any) -> Response:
    return render(request, template, fields=FIELDS, states=state_options(), **context)


@router.get("/review", response_class=HTMLResponse, include_in_schema=False, dependencies=[Reader])
def review_html(
    request: Request,
    store: StoreDep,
    status: str = "pending",
    kind: str | None = None,
    state: str | None = None,
    confidence: str | None = None,
    page: int = 1,
    done: str | None = None,
) -> Response:
    chosen = {"kind": kind or None, "state": state or None, "confidence": confidence or None}
    data = page_data.review_page(store, status=status, page=page, **chosen)
    return _page(request, "review.html", data=data, done=_done(done))


def _done(done: str | None) -> str | None:
    """The notice after a batch: `accepted-2` reads "2 proposals accepted"."""
    action, _, count = (done or "").partition("-")
    if action in ("accepted", "rejected") and count.isdigit():
        return f"{count} proposal{'s' if count != '1' else ''} {action}."
    return None


@router.get("/review/{review_id}", response_class=HTMLResponse, include_in_schema=False, dependencies=[Reader])
def review_one_html(request: Request, store: StoreDep, review_id: str, find: str | None = None) -> Response:
    return _page(request, "review_one.html", data=page_data.review_detail(store, review_id, find=find or None))


@router.post("/review/batch", include_in_schema=False)
async def batch_submit(request: Request, store: StoreDep) -> Response:
    form = await _form(request)
    user = await _writer(request, form)
    action = (form.get("action") or [""])[0]
    ids = form.get("ids") or []
    if action not in ("accept", "reject"):
        raise InputError(f"accept or reject; got {action!r}", field="action")
    if not ids:
        raise InputError("tick at least one proposal", field="ids")
    # the writes go to a worker thread: they may wait for the store's write lock
    count = await run_in_threadpool(_batch, store, action, ids, (form.get("reason") or [""])[0], user)
    return RedirectResponse(f"/review?done={action}ed-{count}", status_code=303)


@router.post("/review/{review_id}/{action}", include_in_schema=False)
async def action_submit(request: Request, store: StoreDep, review_id: str, action: str) -> Response:
    form = await _form(request)
    user = await _writer(request, form)
    await run_in_threadpool(_act, store, review_id, action, form, user)
    return RedirectResponse(f"/review/{review_id}", status_code=303)


def _act(store: Store, review_id: str, action: str, form: dict[str, list[str]], user: str) -> None:
    queue = _queue()
    if action == "accept":
        review = queue.get(store, review_id)
        queue.accept(store, review_id, changes=_changes(review.section, review.data, form), actor=user)
    elif action == "merge":
        queue.merge(store, review_id, (form.get("into") or [""])[0].strip(), actor=user)
    elif action == "reject":
        queue.reject(store, review_id, reason=(form.get("reason") or [""])[0], actor=user)
    else:
        raise HTTPException(404, f"no review action {action!r}: accept, merge or reject")
