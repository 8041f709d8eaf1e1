"""One data dict per page: the web app renders each as HTML and serves it as JSON under /api/.

The analysis modules (isolation, precedents, reciprocity, briefs) are optional here: a page shows
the figures whose module is installed and says which are missing, so the app never breaks while
one of them is being written.
"""

from __future__ import annotations

import datetime
import importlib
import json
import re
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import TextClause, text

from legation.errors import InputError, LegationError, NotFound
from legation.registry import bodies, changes, persons, schema, search, vocabularies
from legation.registry import postings as postings_mod
from legation.registry.stats import decade
from legation.registry.store import Store

if TYPE_CHECKING:
    from legation.extraction import reviews


def _reviews() -> Any:
    """The review queue, imported on first use: `legation.extraction` loads spaCy, which the
    rest of the web app does not need, so the server starts without it."""
    from legation.extraction import reviews

    return reviews


FACETS = ("kind", "exit_type", "sending", "receiving", "decade", "certainty")
MAX_PAGE_SIZE = 100
FACET_SCAN = 5000  # the most matching records a facet count looks at
_DECADE = re.compile(r"^\d{3}0s$")


def _analysis(module: str, function: str, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
    """Call an analysis function if its module exists; None when it is absent."""
    try:
        found = importlib.import_module(f"legation.analysis.{module}")
    except ImportError:
        return None
    call = getattr(found, function, None)
    if call is None:
        return None
    try:
        result: dict[str, Any] = call(*args, **kwargs)
    except LegationError:  # e.g. a state the analysis has no data for: the page shows the rest
        return None
    return result


def _records(store: Store, sql: str, **params: Any) -> list[dict[str, Any]]:
    return [json.loads(r["data"]) for r in store.rows(sql, **params)]


def _state(code: str) -> str:
    found = bodies.lookup(code) or bodies.get(code.upper())
    if found is None:
        raise NotFound(f"no state or body with code {code!r}")
    return found.code


# --- home ------------------------------------------------------------------------------------


def home(store: Store, *, latest: int = 10) -> dict[str, Any]:
    """Counts, the latest exits, and exits per year by exit type (the home page's chart)."""
    counts = {r["kind"]: r["n"] for r in store.rows("SELECT kind, count(*) AS n FROM records GROUP BY kind")}
    # Sources are cited inside records as well as held as records: count the distinct addresses.
    counts["source"] = store.scalar("SELECT count(*) FROM sources") or 0
    exits = store.rows(
        "SELECT p.id, p.person_id, p.person_name, p.group_name, p.role, p.sending, p.receiving, "
        "p.end_date, p.exit_type, p.certainty FROM postings p WHERE p.exit_type IS NOT NULL "
        "ORDER BY coalesce(p.end_date, '') DESC, p.id LIMIT :n",
        n=latest,
    )
    per_year = store.rows(
        "SELECT end_year AS year, exit_type, count(*) AS exits, count(group_name) AS groups, "
        "coalesce(sum(CASE WHEN group_name IS NOT NULL THEN count END), 0) AS group_people FROM postings "
        "WHERE exit_type IS NOT NULL AND end_year IS NOT NULL GROUP BY end_year, exit_type ORDER BY end_year, exit_type"
    )
    return {
        "counts": {k: counts.get(k, 0) for k in ("person", "posting", "consequence", "measure", "contact", "source")},
        "exits": store.scalar("SELECT count(*) FROM postings WHERE exit_type IS NOT NULL") or 0,
        "latest_exits": [_exit_row(e) for e in exits],
        "exits_per_year": per_year,
        "exits_undated": store.scalar("SELECT count(*) FROM postings WHERE exit_type IS NOT NULL AND end_year IS NULL")
        or 0,
    }


def _exit_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "posting": row["id"],
        "person": row["person_id"],
        "name": row["person_name"] or row["group_name"] or row["person_id"] or row["id"],
        "role": row["role"],
        "sending": row["sending"],
        "receiving": row["receiving"],
        "end": row["end_date"],
        "exit_type": row["exit_type"],
        "certainty": row["certainty"],
    }


# --- search ----------------------------------------------------------------------------------

# One row per match: the hit's fields, then its facet values (FACETS order, None when empty).
Match = tuple[str, str, str | None, str | None, str | None, str | None, str | None]
Facets = tuple[str | None, ...]

_MATCH_SQL = (
    "SELECT r.id, r.kind, r.certainty, p.exit_type, coalesce(p.sending, m.actor), "
    "coalesce(p.receiving, m.target), coalesce(p.end_date, p.start_date, m.date, c.date) "
    "FROM search_index JOIN records r ON r.id = search_index.record_id "
    "LEFT JOIN postings p ON p.id = r.id LEFT JOIN measures m ON m.id = r.id "
    "LEFT JOIN consequences c ON c.id = r.id "
    "WHERE {where} ORDER BY {rank}, r.id LIMIT :scan"
)


_BY_ID = (
    " FROM records r LEFT JOIN postings p ON p.id = r.id LEFT JOIN measures m ON m.id = r.id "
    "LEFT JOIN consequences c ON c.id = r.id WHERE r.id IN ({keys})"
)


@lru_cache(maxsize=64)
def _statement(sql: str) -> TextClause:
    return text(sql)


def _tuples(store: Store, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Rows as plain tuples. On SQLite the statement goes straight to the driver (its named
    parameters are the same `:name` form), which skips SQLAlchemy's per-statement result setup:
    on a search that is most of the time spent outside SQLite itself."""
    with store.engine.connect() as conn:
        if store.dialect == "sqlite":
            cursor = conn.connection.driver_connection.execute(sql, params)  # type: ignore[union-attr]
            found: list[tuple[Any, ...]] = cursor.fetchall()
            return found
        return [tuple(r) for r in conn.execute(_statement(sql), params)]


@lru_cache(maxsize=4096)
def _decade(date: str | None) -> str | None:
    year = date[:4] if date else None
    return decade(int(year)) if year else None


def _facets(row: Match) -> Facets:
    """A match's value for each facet, in FACETS order."""
    _, kind, certainty, exit_type, sending, receiving, date = row
    return (kind or None, exit_type or None, sending or None, receiving or None, _decade(date), certainty or None)


def _matches(store: Store, q: str) -> list[Match]:
    """Every matching record (at most FACET_SCAN) with the fields the facets count, best match first;
    persons whose name is close to a plain query's (a typo, another transliteration) come after."""
    query = search.parse(q)
    if not query:
        return []
    where, params = search.match_sql(store.dialect, query)
    sql = _MATCH_SQL.format(where=where, rank=search.rank_sql(store.dialect))
    rows: list[Match] = _tuples(store, sql, {**params, "scan": FACET_SCAN})
    if not query.plain:
        return rows
    found = {r[0] for r in rows}
    similar = [i for i in search.similar_names(store, q) if i not in found]
    if similar:
        ids = {f"id{i}": v for i, v in enumerate(similar)}
        extra = _tuples(store, _MATCH_SQL.split(" FROM ")[0] + _BY_ID.format(keys=", ".join(f":{k}" for k in ids)), ids)
        order = {v: i for i, v in enumerate(similar)}
        rows = rows + sorted(extra, key=lambda r: order[r[0]])
    return rows


Chosen = list[tuple[int, frozenset[str]]]
FacetValues = Mapping[str, str | list[str] | None]
_FACET_VOCAB = {"kind": "kinds", "exit_type": "exit_types", "certainty": "certainties"}


def _facet_value(facet: str, value: str) -> str:
    """A facet value as the index holds it: a vocabulary code (any case), a state's code from its
    code or name in any case, or a decade such as 1980s; anything else is refused, saying what is accepted."""
    if facet in _FACET_VOCAB:
        codes = vocabularies.codes(_FACET_VOCAB[facet])
        found = value.strip().lower().replace(" ", "_")
        if found not in codes:
            raise InputError(f"one of {', '.join(codes)}; got {value!r}", field=facet)
        return found
    if facet in ("sending", "receiving"):
        body = bodies.lookup(value) or bodies.get(value.strip().upper())
        if body is None:
            raise InputError(f"a state or body code (RUS) or name (Russia); got {value!r}", field=facet)
        return body.code
    if not _DECADE.match(value.strip()):
        raise InputError(f"a decade such as 1980s; got {value!r}", field=facet)
    return value.strip()


def chosen_facets(facets: FacetValues | None) -> dict[str, list[str]]:
    """The facet filters asked for, checked and normalised; several values of one facet mean OR."""
    chosen: dict[str, list[str]] = {}
    for facet, given in (facets or {}).items():
        values = [given] if isinstance(given, str) else list(given or [])
        if facet in FACETS and (kept := [_facet_value(facet, v) for v in values if v and v.strip()]):
            chosen[facet] = list(dict.fromkeys(kept))
    return chosen


def _filtered(rows: list[Match], values: list[Facets], chosen: Chosen) -> list[Match]:
    if not chosen:
        return rows
    return [r for r, f in zip(rows, values, strict=True) if all(f[i] in v for i, v in chosen)]


def search_page(
    store: Store,
    q: str,
    facets: FacetValues | None = None,
    page: int = 1,
    size: int = 20,
    *,
    max_query: int = search.MAX_QUERY,
    max_size: int = MAX_PAGE_SIZE,
) -> dict[str, Any]:
    """Full-text hits filtered by facets, with each facet's counts over the other filters."""
    if len(q) > max_query:
        raise InputError(f"a query of at most {max_query} characters; got {len(q)}", field="q")
    if not 1 <= size <= max_size:
        raise InputError(f"a page size between 1 and {max_size}; got {size}", field="size")
    if page < 1:
        raise InputError(f"a page number of 1 or more; got {page}", field="page")
    chosen = chosen_facets(facets)
    by_index = [(FACETS.index(k), frozenset(v)) for k, v in chosen.items()]
    rows = _matches(store, q)
    values = [_facets(r) for r in rows]
    hits = _filtered(rows, values, by_index)
    pages = max(1, -(-len(hits) // size))
    if page > pages:
        raise NotFound(f"page {page} of {pages}: the search has {len(hits)} results at {size} a page")
    shown = hits[(page - 1) * size : page * size]
    ids = {f"id{i}": r[0] for i, r in enumerate(shown)}
    data = dict(_tuples(store, _in_sql("SELECT id, data FROM records", len(shown)), ids))
    return {
        "query": q,
        "filters": chosen,
        "total": len(hits),
        "page": page,
        "size": size,
        "pages": pages,
        "hits": [_hit(r, orjson.loads(data[r[0]]), store.get) for r in shown if r[0] in data],
        "facets": {f: _counts(values, i, by_index) for i, f in enumerate(FACETS)},
    }


def _in_sql(base: str, n: int) -> str:
    keys = ", ".join(f":id{i}" for i in range(n)) or "NULL"
    return f"{base} WHERE id IN ({keys})"


def _hit(row: Match, item: dict[str, Any], lookup: search.Lookup) -> dict[str, Any]:
    record_id, kind, certainty, exit_type, sending, receiving, date = row
    return {
        "id": record_id,
        "kind": kind,
        "title": search.title(item, lookup),
        "certainty": certainty,
        "person": item["id"] if item["kind"] == "person" else item.get("person"),
        "exit_type": exit_type,
        "sending": sending,
        "receiving": receiving,
        "date": date,
    }


def _counts(values: list[Facets], facet: int, chosen: Chosen) -> list[dict[str, Any]]:
    """One facet's counts over the matches that pass every other chosen filter, most first."""
    others = [(i, v) for i, v in chosen if i != facet]
    passing = values if not others else [f for f in values if all(f[i] in v for i, v in others)]
    counted = Counter(map(itemgetter(facet), passing))
    counted.pop(None, None)
    return [{"value": v, "count": n} for v, n in sorted(counted.items(), key=lambda kv: (-kv[1], str(kv[0])))]


def search_ids(store: Store, q: str, facets: FacetValues | None = None) -> set[str]:
    """The ids a search finds, for exporting its records."""
    chosen = [(FACETS.index(k), frozenset(v)) for k, v in chosen_facets(facets).items()]
    rows = _matches(store, q)
    return {r[0] for r in _filtered(rows, [_facets(r) for r in rows], chosen)}


# --- person ----------------------------------------------------------------------------------


def person_page(store: Store, person_id: str) -> dict[str, Any]:
    """A person's postings, exits, consequences, contacts and isolation, with every record's history."""
    data = persons.profile(store, persons.resolve(store, person_id))
    pid = data["person"]["id"]
    ids = [pid, *(r["id"] for key in ("postings", "consequences", "contacts") for r in data[key])]
    return {
        **data,
        "isolation": _analysis("isolation", "isolation", store, pid),
        "history": {i: _history(store, i) for i in ids},
    }


def _history(store: Store, record_id: str) -> list[dict[str, Any]]:
    """Every version, oldest first, each with its diff against the one before (changes.diff)."""
    found, before = [], None
    for v in store.history(record_id):
        found.append(
            {
                "version": v["version"],
                "change": v["change"],
                "changed_at": v["changed_at"],
                "changed_by": v["changed_by"],
                "data": v["data"],
                "diff": changes.diff(before, v["data"]),
            }
        )
        before = v["data"]
    return found


def record_page(store: Store, record_id: str) -> dict[str, Any]:
    """Any record with its full history."""
    record = store.get(record_id)
    if record is None:
        raise NotFound(f"no record with id {record_id!r}")
    return {"record": record, "title": search.title(record, store.get), "history": _history(store, record_id)}


# --- state and dyad --------------------------------------------------------------------------


def state_page(store: Store, code: str) -> dict[str, Any]:
    """Its diplomats' exits, others' exits from postings to it, measures taken and suffered, precedents."""
    state = _state(code)
    exit_sql = (
        "SELECT p.id, p.person_id, p.person_name, p.group_name, p.role, p.sending, p.receiving, p.end_date, "
        "p.exit_type, p.certainty FROM postings p WHERE p.exit_type IS NOT NULL AND {} = :s "
        "ORDER BY coalesce(p.end_date, '') DESC, p.id"
    )
    measure_sql = "SELECT r.data FROM measures m JOIN records r ON r.id = m.id WHERE m.{} = :s ORDER BY m.date, m.id"
    return {
        "state": bodies.get(state).as_dict(),  # type: ignore[union-attr]
        "exits": [_exit_row(r) for r in store.rows(exit_sql.format("p.sending"), s=state)],
        "exits_received": [_exit_row(r) for r in store.rows(exit_sql.format("p.receiving"), s=state)],
        "measures_taken": _records(store, measure_sql.format("actor"), s=state),
        "measures_suffered": _records(store, measure_sql.format("target"), s=state),
        "precedents": _analysis("precedents", "precedents", store, state),
    }


def posts_page(
    store: Store,
    *,
    at: str | None = None,
    sending: str | None = None,
    receiving: str | None = None,
    role: str | None = None,
) -> dict[str, Any]:
    """Who was in post on a day (registry.postings), today unless told."""
    day = at or datetime.date.today().isoformat()
    found = postings_mod.in_force(store, day, sending=sending or None, receiving=receiving or None, role=role or None)
    roles = [{"code": c, "label": vocabularies.label("roles", c)} for c in vocabularies.codes("roles")]
    return {**found, "roles": roles}


def heads_of_mission(store: Store, code: str) -> list[dict[str, Any]]:
    """Each head of mission accredited to a state or body, for the state page's timeline."""
    return postings_mod.heads_of_mission(store, _state(code))


def dyad_page(store: Store, a: str, b: str, *, window_days: int = 60) -> dict[str, Any]:
    """The measures between two states in both directions, and the reciprocal pairs."""
    first, second = _state(a), _state(b)
    if first == second:
        raise InputError(f"two different states or bodies; got {first} twice", field="b")
    if not 1 <= window_days <= 3650:
        raise InputError(f"a window between 1 and 3650 days; got {window_days}", field="window_days")
    measures = _records(
        store,
        "SELECT r.data FROM measures m JOIN records r ON r.id = m.id WHERE (m.actor = :a AND m.target = :b) "
        "OR (m.actor = :b AND m.target = :a) ORDER BY coalesce(m.date, ''), m.id",
        a=first,
        b=second,
    )
    reciprocity = _analysis("reciprocity", "dyad", store, first, second, window_days=window_days)
    return {
        "a": bodies.get(first).as_dict(),  # type: ignore[union-attr]
        "b": bodies.get(second).as_dict(),  # type: ignore[union-attr]
        "window_days": window_days,
        "measures": measures,
        "reciprocal_pairs": (reciprocity or {}).get("reciprocal_pairs"),
        "reciprocity": reciprocity,
    }


# --- brief -----------------------------------------------------------------------------------


def brief_page(store: Store, person: str) -> dict[str, Any]:
    """The options brief, or, while the briefs module is absent, the person's current posting."""
    pid = persons.resolve(store, person)
    profile = persons.profile(store, pid)
    return {
        "person": profile["person"],
        "posting": persons.current_posting(profile),
        "brief": _analysis("briefs", "brief", store, pid),
    }


def available_figures() -> dict[str, bool]:
    """Which analysis modules are installed, so pages can say what they cannot show yet."""
    found = {}
    for module in ("isolation", "precedents", "reciprocity", "briefs", "charts"):
        try:
            importlib.import_module(f"legation.analysis.{module}")
            found[module] = True
        except ImportError:
            found[module] = False
    return found


# --- indexes: states, dyads, sources -----------------------------------------------------------

_STATE_COUNTS = {
    "exits": "SELECT sending AS code, count(*) AS n FROM postings WHERE exit_type IS NOT NULL GROUP BY sending",
    "exits_received": "SELECT receiving AS code, count(*) AS n FROM postings "
    "WHERE exit_type IS NOT NULL AND receiving IS NOT NULL GROUP BY receiving",
    "measures_taken": "SELECT actor AS code, count(*) AS n FROM measures GROUP BY actor",
    "measures_suffered": "SELECT target AS code, count(*) AS n FROM measures GROUP BY target",
}
STATE_SORTS = ("name", "exits", "exits_received", "measures_taken", "measures_suffered", "total")


def states_index(store: Store, sort: str = "total") -> dict[str, Any]:
    """Every state or body on record, with its exits (of its own diplomats and of others posted to
    it) and the measures it took and suffered."""
    if sort not in STATE_SORTS:
        raise InputError(f"a column to sort by: one of {', '.join(STATE_SORTS)}; got {sort!r}", field="sort")
    found: dict[str, dict[str, Any]] = {}
    for key, sql in _STATE_COUNTS.items():
        for r in store.rows(sql):
            row = found.setdefault(
                r["code"], {"code": r["code"], "name": bodies.name(r["code"]), **dict.fromkeys(_STATE_COUNTS, 0)}
            )
            row[key] = r["n"]
    for row in found.values():
        row["total"] = sum(row[k] for k in _STATE_COUNTS)
    reverse = sort != "name"
    states = sorted(found.values(), key=lambda r: (r[sort], r["name"]) if not reverse else (-r[sort], r["name"]))
    return {"sort": sort, "states": states}


def dyads_index(store: Store, *, limit: int = 100) -> dict[str, Any]:
    """The pairs of states with the most measures between them, both directions counted."""
    rows = store.rows(
        "SELECT CASE WHEN actor < target THEN actor ELSE target END AS a, "
        "CASE WHEN actor < target THEN target ELSE actor END AS b, count(*) AS measures, "
        "sum(coalesce(count, 0)) AS people, min(date) AS first, max(date) AS last, "
        "count(reciprocal_of) AS answers FROM measures GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT :n",
        n=limit,
    )
    return {
        "dyads": [{**r, "a_name": bodies.name(r["a"]), "b_name": bodies.name(r["b"])} for r in rows],
        "pairs": store.scalar(
            "SELECT count(*) FROM (SELECT DISTINCT CASE WHEN actor < target THEN actor ELSE target END, "
            "CASE WHEN actor < target THEN target ELSE actor END FROM measures) AS d"
        )
        or 0,
    }


def archive_url(url: str, published: str | None) -> str:
    """The Wayback Machine's copy nearest the publication date (any date when none is known)."""
    stamp = (published or "").replace("-", "") or "*"
    return f"https://web.archive.org/web/{stamp}/{url}"


def source_page(store: Store, url: str) -> dict[str, Any]:
    """One source, its archived copy, and every record it backs."""
    found = store.rows("SELECT url, title, publisher, published, accessed FROM sources WHERE url = :u", u=url)
    if not found:
        raise NotFound(f"no source with the address {url!r}")
    backs = store.rows(
        "SELECT r.id, r.kind, r.data FROM record_sources s JOIN records r ON r.id = s.record_id "
        "WHERE s.url = :u ORDER BY r.kind, r.id",
        u=url,
    )
    return {
        "source": found[0],
        "archive": archive_url(url, found[0]["published"]),
        "records": [
            {"id": r["id"], "kind": r["kind"], "title": search.title(json.loads(r["data"]), store.get)} for r in backs
        ],
    }


# --- review desk and changes -----------------------------------------------------------------

SECTION_LABELS = {"exits": "Exit", "measures": "Measure", "contacts": "Contact", "postings_in_force": "Posting"}
BANDS = {"high": (0.75, 2.0), "medium": (0.5, 0.75), "low": (0.0, 0.5)}
BAND_LABELS = {"high": "High (0.75 and up)", "medium": "Medium (0.50 to 0.74)", "low": "Low (under 0.50)"}
PROPOSAL_STATES = ("sending_state", "receiving_state", "actor", "target", "destination")
REVIEW_PAGE = 50  # proposals on one page of the desk


def band(confidence: Any) -> str:
    value = float(confidence) if isinstance(confidence, int | float) else 0.0
    return next(name for name, (lo, hi) in BANDS.items() if lo <= value < hi)


def review_page(
    store: Store,
    *,
    status: str = "pending",
    kind: str | None = None,
    state: str | None = None,
    confidence: str | None = None,
    page: int = 1,
) -> dict[str, Any]:
    """The desk: proposals newest first, filtered by kind, state, confidence band and status."""
    if page < 1:
        raise InputError(f"a page number of 1 or more; got {page}", field="page")
    queue = _reviews()
    if status not in (*queue.STATUSES, "all"):
        raise InputError(f"one of {', '.join(queue.STATUSES)} or all; got {status!r}", field="status")
    if kind and kind not in SECTION_LABELS:
        raise InputError(f"one of {', '.join(SECTION_LABELS)}; got {kind!r}", field="kind")
    if confidence and confidence not in BANDS:
        raise InputError(f"one of {', '.join(BANDS)}; got {confidence!r}", field="confidence")
    code = _state(state) if state else None
    found = [
        r
        for r in queue.listing(store, status=None if status == "all" else status, newest_first=True)
        if (not kind or r.section == kind)
        and (not code or code in {r.data.get(k) for k in PROPOSAL_STATES})
        and (not confidence or band(r.data.get("confidence")) == confidence)
    ]
    shown = found[(page - 1) * REVIEW_PAGE : page * REVIEW_PAGE]
    sources = {i: store.get(i) or {} for i in {r.source_id for r in shown}}
    return {
        "filters": {"status": status, "kind": kind, "state": code, "confidence": confidence},
        "total": len(found),
        "page": page,
        "pages": max(1, -(-len(found) // REVIEW_PAGE)),
        "reviews": [review_item(r, sources[r.source_id]) for r in shown],
    }


def review_detail(store: Store, review_id: str, *, find: str | None = None) -> dict[str, Any]:
    """One proposal, and the persons and postings a search finds to merge it into."""
    review = _reviews().get(store, review_id)
    hits = search_page(store, find, size=MAX_PAGE_SIZE)["hits"] if find else []
    targets = [h for h in hits if h["kind"] in ("person", "posting")][:20]
    return {"review": review_item(review, store.get(review.source_id) or {}), "find": find, "targets": targets}


def review_item(review: reviews.Review, source: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in review.data.items() if k not in ("evidence", "consequence_evidence")}
    evidence = review.data.get("evidence") or {}
    return {
        **review.as_dict(),
        "data": data,
        "kind": review.section,
        "band": band(review.data.get("confidence")),
        "confidence": review.data.get("confidence"),
        "evidence": {"sentence": evidence.get("sentence"), "trigger": evidence.get("text")},
        "excerpt": excerpt(evidence),
        "source": {k: source.get(k) for k in ("id", "url", "title", "publisher", "published", "accessed")},
    }


def excerpt(evidence: dict[str, Any]) -> list[dict[str, str]]:
    """The excerpt as pieces to render: plain text, the evidence sentence, and its trigger words."""
    sentence, trigger = str(evidence.get("sentence") or ""), str(evidence.get("text") or "")
    around = str(evidence.get("excerpt") or sentence)
    at = around.find(sentence) if sentence else -1
    if at < 0:
        return [{"text": around, "mark": ""}] if around else []
    hit = sentence.find(trigger) if trigger else -1
    inner = (
        [(sentence[:hit], "sentence"), (trigger, "trigger"), (sentence[hit + len(trigger) :], "sentence")]
        if hit >= 0
        else [(sentence, "sentence")]
    )
    before = "…" if evidence.get("excerpt_start") else ""
    after = "…" if evidence.get("excerpt_more") else ""
    pieces = [(before + around[:at], ""), *inner, (around[at + len(sentence) :] + after, "")]
    return [{"text": t, "mark": m} for t, m in pieces if t]


def changes_page(
    store: Store, *, since: str | None = None, state: str | None = None, kind: str | None = None, limit: int = 50
) -> dict[str, Any]:
    """The latest versions of any record, newest first, with who wrote them and their diffs."""
    code = _state(state) if state else None
    if kind and kind not in schema.PROJECTIONS:
        raise InputError(f"one of {', '.join(schema.PROJECTIONS)}; got {kind!r}", field="kind")
    found = changes.latest(store, since=since, state=code, kind=kind, limit=limit)
    return {"filters": {"since": since, "state": code, "kind": kind}, "changes": found}
