"""Full-text search over names, aliases, roles, reasons and details.

SQLite uses FTS5 and PostgreSQL a tsvector column. Both index the same text, folded to plain
lower-case letters here, so "Zdzislaw" finds "Zdzisław" on either backend.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from anyascii import anyascii
from rapidfuzz import fuzz, process
from sqlalchemy import Connection, MetaData, Table, text

from legation.registry import bodies, vocabularies
from legation.registry.records import AnyRecord, Consequence, Contact, Measure, Person, Posting, SourceRecord
from legation.registry.schema import insert_values

if TYPE_CHECKING:
    from legation.registry.store import Batch

MAX_QUERY = 200
# Letters and digits only: FTS5's unicode61 tokenizer splits "0_0" at the underscore, and a quoted
# term that splits becomes a phrase query, which a detail=none index refuses.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def fold(value: str) -> str:
    """Plain lower-case ASCII, so a query typed without accents finds the accented name, and one in
    another script finds its transliteration ("Антонов" finds Antonov): anyascii romanises every script."""
    if value.isascii():
        return value.lower()
    return anyascii(value).casefold()


def _parts(record: AnyRecord) -> list[str | None]:
    if isinstance(record, Person):
        return [record.name, *record.aliases, record.notes]
    if isinstance(record, Posting):
        return [
            record.person_name,
            record.group,
            vocabularies.label("roles", record.role),
            record.post,
            bodies.name(record.sending),
            bodies.name(record.receiving),
            record.exit_type and vocabularies.label("exit_types", record.exit_type),
            record.reason,
            record.next_role,
        ]
    if isinstance(record, Consequence):
        return [vocabularies.label("consequences", record.type), record.authority, record.detail]
    if isinstance(record, Measure):
        return [
            vocabularies.label("measures", record.type),
            bodies.name(record.actor),
            bodies.name(record.target),
            record.detail,
        ]
    if isinstance(record, Contact):
        return [record.from_, record.to, record.channel, record.outcome, record.detail]
    if isinstance(record, SourceRecord):
        return [record.title, record.publisher, record.url]
    return []


def body_of(record: AnyRecord) -> str:
    return fold(" ".join(filter(None, _parts(record))))


# A virtual table on SQLite, so it is made by the migration and not declared in schema.py.
SEARCH_INDEX = Table("search_index", MetaData())


def rows(records: Sequence[AnyRecord], into: Batch) -> None:
    """The records' search rows, one folded text each (a `store.Projection`)."""
    into.add("search_index", [(r.id, r.kind, body_of(r)) for r in records], list(range(len(records))))


def with_person_name(row: tuple[Any, ...], name: str) -> tuple[Any, ...]:
    """A posting's search row with the name of its person in front, as `body_of` puts it once an
    import fills the name in (see imports.Entry). Folding goes letter by letter, so folding the name
    apart gives the same text; a posting's text is never empty (it holds its role's label)."""
    return (row[0], row[1], f"{_folded(name)} {row[2]}")


# a person's name, folded once for all the postings that take it: room for the names of an import's
# persons, whose postings may come tens of thousands of records apart (20,000 in the benchmark's file)
@lru_cache(maxsize=1 << 15)
def _folded(name: str) -> str:
    return fold(name)


def insert_rows(conn: Connection, dialect: str, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    insert_values(conn, SEARCH_INDEX, ("record_id", "kind", "body"), rows.get("search_index", []))


def delete(conn: Connection, dialect: str, ids: list[str]) -> None:
    for record_id in ids:
        conn.execute(text("DELETE FROM search_index WHERE record_id = :id"), {"id": record_id})


def terms(query: str) -> list[str]:
    """The words of a user's query, folded (its syntax aside)."""
    return _WORD.findall(fold(query[:MAX_QUERY]))


@dataclass(frozen=True)
class Term:
    """One thing to find: a word, or a phrase of several words in that order."""

    words: tuple[str, ...]
    prefix: bool = False

    @property
    def phrase(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Query:
    """A parsed query: every group must match (a group matches when any of its terms does), and no
    excluded term may. `OR` joins the terms either side of it; `"..."` is a phrase; `-` excludes."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.groups)

    @property
    def plain(self) -> bool:
        return not self.excluded and all(len(g) == 1 and len(g[0].words) == 1 for g in self.groups)


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse(query: str) -> Query:
    """The query's groups and exclusions; the last plain word matches as a prefix, as one types."""
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    join = False
    for minus, quoted, bare in _TOKEN.findall(query[:MAX_QUERY]):
        if bare == "OR":
            join = bool(groups)
            continue
        negative = bool(minus) or (bare.startswith("-") and len(bare) > 1)
        words = tuple(_WORD.findall(fold(quoted if quoted or minus else bare)))
        if not words:
            continue
        term = Term(words)
        if negative:
            excluded.append(term)
        elif join:
            groups[-1].append(term)
        else:
            groups.append([term])
        join = False
    last = groups[-1][-1] if groups else None
    if last and len(last.words) == 1 and not query.rstrip().endswith('"'):
        groups[-1][-1] = Term(last.words, prefix=True)
    return Query(tuple(tuple(g) for g in groups), tuple(excluded))


def _fts(term: Term) -> str:
    quoted = [f'"{w}"' for w in term.words]
    if term.prefix:
        quoted[-1] += "*"
    return quoted[0] if len(quoted) == 1 else "(" + " AND ".join(quoted) + ")"


def _tsquery(term: Term) -> str:
    words = [*term.words[:-1], f"{term.words[-1]}:*" if term.prefix else term.words[-1]]
    return words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")"


def match_sql(dialect: str, query: Query) -> tuple[str, dict[str, Any]]:
    """A WHERE clause over `search_index` and its parameters; every word is quoted. SQLite's index
    keeps no word positions, so a phrase matches its words there and then the folded text itself."""
    if dialect == "sqlite":
        expr = " AND ".join("(" + " OR ".join(_fts(t) for t in g) + ")" for g in query.groups)
        expr += "".join(f" NOT {_fts(t)}" for t in query.excluded if len(t.words) == 1)
        where = ["search_index MATCH :q"]
        params: dict[str, Any] = {}
        phrases = [g[0] for g in query.groups if len(g) == 1 and len(g[0].words) > 1]
        for i, term in enumerate(phrases):
            where.append(f"instr(search_index.body, :phrase{i}) > 0")
            params[f"phrase{i}"] = term.phrase
        for i, term in enumerate(t for t in query.excluded if len(t.words) > 1):
            where.append(f"instr(search_index.body, :not{i}) = 0")
            params[f"not{i}"] = term.phrase
        return " AND ".join(where), {"q": expr, **params}
    parts = ["(" + " | ".join(_tsquery(t) for t in g) + ")" for g in query.groups]
    parts += [f"!{_tsquery(t)}" for t in query.excluded]
    return "search_index.tsv @@ to_tsquery('simple', :q)", {"q": " & ".join(parts)}


def similar_names(store: Any, text: str, *, cutoff: float = 85, limit: int = 10) -> list[str]:
    """Persons whose name or alias is close to `text` though not spelt the same ("gordievski" for
    Gordievsky), best first: what a full-text index misses on a typo or another transliteration."""
    folded = fold(text.strip())
    if len(folded) < 4:
        return []
    owners = _names(store)
    found = process.extract(folded, [n for _, n in owners], scorer=fuzz.WRatio, score_cutoff=cutoff, limit=limit * 3)
    return list(dict.fromkeys(owners[key][0] for _, _, key in found))[:limit]


_NAMES: dict[tuple[int, str], list[tuple[str, str]]] = {}


def _names(store: Any) -> list[tuple[str, str]]:
    """(person id, folded name) for every name and alias, and each longer word of them ("gordievski"
    is close to the surname, less to the whole name); read again only when a person record changed."""
    sql = "SELECT count(*) || '@' || coalesce(max(updated_at), '') FROM records WHERE kind = 'person'"
    key = (id(store), str(store.scalar(sql)))
    if key not in _NAMES:
        rows = store.rows("SELECT id, name FROM persons UNION SELECT person_id AS id, alias AS name FROM aliases")
        _NAMES.clear()
        _NAMES[key] = [
            (r["id"], name)
            for r in rows
            for name in {fold(r["name"]), *_WORD.findall(fold(r["name"]))}
            if len(name) > 3
        ]
    return _NAMES[key]


def rank_sql(dialect: str) -> str:
    if dialect == "sqlite":
        return "bm25(search_index)"
    return "-ts_rank(search_index.tsv, to_tsquery('simple', :q))"


def run(store: Any, query: str, *, kind: str | None = None, limit: int = 20, offset: int = 0) -> dict[str, Any]:
    """Hits for a query, best first, with each record's kind and a readable title."""
    parsed = parse(query)
    if not parsed:
        return {"query": query, "total": 0, "hits": []}
    where, params = match_sql(store.dialect, parsed)
    if kind:
        where += " AND search_index.kind = :kind"
        params["kind"] = kind
    base = f"FROM search_index JOIN records ON records.id = search_index.record_id WHERE {where}"
    total = store.scalar(f"SELECT count(*) {base}", **params)
    rows = store.rows(
        f"SELECT records.id, records.kind, records.data {base} ORDER BY {rank_sql(store.dialect)}, records.id "
        "LIMIT :limit OFFSET :offset",
        **params,
        limit=limit,
        offset=offset,
    )
    hits = [{"id": r["id"], "kind": r["kind"], "title": title(json.loads(r["data"]))} for r in rows]
    return {"query": query, "total": total, "hits": hits}


Lookup = Callable[[str], dict[str, Any] | None]


def _none(record_id: str) -> dict[str, Any] | None:
    return None


def _who(ref: str | None, lookup: Lookup) -> str:
    """A person's name for an id, or the text itself (a contact's `to` may be an office)."""
    found = lookup(ref) if ref else None
    return str(found["name"]) if found and found.get("kind") == "person" else str(ref or "?")


def posting_line(item: dict[str, Any]) -> str:
    """ "Zdzisław Rurarz (Poland → Japan)": who, and between which two states."""
    who = item.get("person_name") or item.get("group") or item.get("person") or "?"
    where = f" → {bodies.name(item['receiving'])}" if item.get("receiving") else ""
    return f"{who} ({bodies.name(item.get('sending'))}{where})"


def title(item: dict[str, Any], lookup: Lookup = _none) -> str:
    """A one-line label for any record, in labels and names, never codes; `lookup` fetches a
    record the title mentions (a consequence's posting, a contact's person) when one is given."""
    kind = item.get("kind")
    if kind == "person":
        return str(item["name"])
    if kind == "posting":
        who = item.get("person_name") or item.get("group") or item.get("person")
        role = vocabularies.label("roles", item["role"])
        where = f" to {bodies.name(item.get('receiving'))}" if item.get("receiving") else ""
        exit_ = f", {vocabularies.label('exit_types', item['exit_type']).lower()}" if item.get("exit_type") else ""
        when = f" {item['end']}" if item.get("end") else ""
        return f"{who}: {role} of {bodies.name(item['sending'])}{where}{exit_}{when}"
    if kind == "measure":
        count = f" ({item['count']})" if item.get("count") else ""
        when = f", {item['date']}" if item.get("date") else ""
        what = vocabularies.label("measures", item["type"])
        return f"{what}{count}: {bodies.name(item['actor'])} against {bodies.name(item['target'])}{when}"
    if kind == "consequence":
        posting = lookup(item["posting"])
        whom = f" · {posting_line(posting)}" if posting else ""
        when = f", {item['date']}" if item.get("date") else ""
        return f"{vocabularies.label('consequences', item['type'])}{whom}{when}"
    if kind == "contact":
        channel = vocabularies.label("channels", item["channel"])
        outcome = vocabularies.label("outcomes", item["outcome"]).lower()
        return f"{channel} from {_who(item['from'], lookup)} to {_who(item['to'], lookup)}: {outcome}"
    return str(item.get("title") or item.get("url") or item.get("id"))
