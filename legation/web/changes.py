"""What changed: /changes, /api/changes, and /changes.atom for a newsroom's feed reader."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from legation import __version__
from legation.registry import bodies, schema, vocabularies
from legation.web import links, page_data
from legation.web.deps import Reader, StoreDep
from legation.web.models import PROBLEMS, ChangesPage
from legation.web.render import render
from legation.web.review import state_options

router = APIRouter()
ATOM = "http://www.w3.org/2005/Atom"
ATOM_LIMIT = 100


@router.get("/api/changes", response_model=ChangesPage, responses=PROBLEMS, dependencies=[Reader], tags=["pages"])
def changes_api(
    store: StoreDep, since: str | None = None, state: str | None = None, kind: str | None = None, limit: int = 50
) -> dict[str, Any]:
    """The latest versions of any record, newest first, each with its diff against the one before."""
    return page_data.changes_page(store, since=since, state=state, kind=kind, limit=limit)


@router.get("/changes", response_class=HTMLResponse, include_in_schema=False, dependencies=[Reader])
def changes_html(
    request: Request, store: StoreDep, since: str | None = None, state: str | None = None, kind: str | None = None
) -> Response:
    data = page_data.changes_page(store, since=since or None, state=state or None, kind=kind or None)
    kinds, feed = list(schema.PROJECTIONS), _feed_link(data)
    return render(request, "changes.html", data=data, kinds=kinds, states=state_options(), feed=feed)


def _feed_link(data: dict[str, Any]) -> str:
    chosen = {k: v for k, v in data["filters"].items() if v and k in ("state", "kind")}
    return "/changes.atom" + ("?" + "&".join(f"{k}={v}" for k, v in chosen.items()) if chosen else "")


# Not in the OpenAPI schema: it is a feed for feed readers, and its errors are pages like /changes'.
@router.get("/changes.atom", dependencies=[Reader], include_in_schema=False)
def changes_atom(
    request: Request, store: StoreDep, state: str | None = None, kind: str | None = None, since: str | None = None
) -> Response:
    """The changes as an Atom feed, filterable by state (`?state=RUS`) and kind, for feed readers."""
    data = page_data.changes_page(store, since=since, state=state, kind=kind, limit=ATOM_LIMIT)
    base = str(request.base_url).rstrip("/")
    xml = atom(data, base, str(request.url), links.Links(store))
    return Response(xml, media_type="application/atom+xml; charset=utf-8")


def atom(data: dict[str, Any], base: str, self_url: str, names: links.Links) -> bytes:
    """An Atom 1.0 document: one entry per version, linking to the record's page."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    state, kind = data["filters"].get("state"), data["filters"].get("kind")
    about = " and ".join(x for x in (bodies.name(state) if state else "", f"{kind} records" if kind else "") if x)
    _text(feed, "title", "Legation: what changed" + (f" ({about})" if about else ""))
    _text(feed, "id", self_url)
    changes = data["changes"]
    _text(feed, "updated", _when(changes[0]["changed_at"]) if changes else datetime.now(UTC).isoformat())
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url, type="application/atom+xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=f"{base}/changes", type="text/html")
    ET.SubElement(feed, f"{{{ATOM}}}generator", version=__version__).text = "Legation"
    for change in changes:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        link = f"{base}/record/{change['record_id']}"
        verb = "new" if change["change"] == "create" else f"version {change['version']}"
        kind = change["kind"]
        _text(entry, "title", f"{names.title(change['data'])} ({vocabularies.label('kinds', kind).lower()}, {verb})")
        _text(entry, "id", f"{link}#v{change['version']}")
        _text(entry, "updated", _when(change["changed_at"]))
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        _text(author, "name", change["changed_by"])
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=link, type="text/html")
        ET.SubElement(entry, f"{{{ATOM}}}category", term=kind)
        lines = [
            f"{d['field']}: {_plain(kind, d['field'], d['before'])} → {_plain(kind, d['field'], d['after'])}"
            for d in change["diff"]
        ]
        _text(entry, "summary", "\n".join(lines) or "no field changed")
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))


def _plain(kind: str, name: str, value: str | None) -> str:
    """A diff value as text for a feed reader: a state's name, a code's label."""
    if value is None:
        return "—"
    if name in links.STATES:
        return bodies.name(value) or value
    vocab = links.VOCAB.get(name) or (
        {"measure": "measures", "consequence": "consequences"}.get(kind) if name == "type" else None
    )
    return vocabularies.label(vocab, value) if vocab else value


def _text(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{name}").text = value


def _when(stamp: str) -> str:
    """Versions are stamped in UTC ISO form; Atom wants RFC 3339 with an offset."""
    return stamp if ("+" in stamp[10:] or stamp.endswith("Z")) else stamp + "Z"
