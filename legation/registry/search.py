"""Full-text search over names, aliases, roles, reasons and details.

SQLite uses FTS5 and PostgreSQL a tsvector column. Both index the same text, folded to plain
lower-case letters here, so "Zdzislaw" finds "Zdzisław" on either backend.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from sqlalchemy import Connection, MetaData, Table, text

from legation.registry import bodies, vocabularies
from legation.registry.records import AnyRecord, Consequence, Contact, Measure, Person, Posting, SourceRecord
from legation.registry.schema import insert_values

MAX_QUERY = 200
# Letters and digits only: FTS5's unicode61 tokenizer splits "0_0" at the underscore, and a quoted
# term that splits becomes a phrase query, which a detail=none index refuses.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


# Latin letters that NFKD does not split into a base letter and a mark (ł is not l + stroke).
_LETTERS = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
        "þ": "th",
        "ð": "d",
    }
)


def fold(value: str) -> str:
    """Plain lower-case letters, so a query typed without accents finds the accented name."""
    if value.isascii():
        return value.lower()
    decomposed = unicodedata.normalize("NFKD", value.translate(_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


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
    return fold(" ".join(p for p in _parts(record) if p))


# A virtual table on SQLite, so it is made by the migration and not declared in schema.py.
SEARCH_INDEX = Table("search_index", MetaData())


def insert(conn: Connection, dialect: str, batch: list[AnyRecord]) -> None:
    """The search rows of a batch: one folded text per record (a `store.Projection`)."""
    insert_values(conn, SEARCH_INDEX, ("record_id", "kind", "body"), [(r.id, r.kind, body_of(r)) for r in batch])


def delete(conn: Connection, dialect: str, ids: list[str]) -> None:
    for record_id in ids:
        conn.execute(text("DELETE FROM search_index WHERE record_id = :id"), {"id": record_id})


def terms(query: str) -> list[str]:
    """The words of a user's query, folded; every word must match, the last as a prefix."""
    return _WORD.findall(fold(query[:MAX_QUERY]))


def match_sql(dialect: str, words: list[str]) -> tuple[str, dict[str, Any]]:
    """A WHERE clause over `search_index` and its parameters; quotes every word."""
    if dialect == "sqlite":
        expr = " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'
        return "search_index MATCH :q", {"q": expr.strip()}
    expr = " & ".join([*words[:-1], f"{words[-1]}:*"])
    return "search_index.tsv @@ to_tsquery('simple', :q)", {"q": expr}


def rank_sql(dialect: str) -> str:
    if dialect == "sqlite":
        return "bm25(search_index)"
    return "-ts_rank(search_index.tsv, to_tsquery('simple', :q))"


def run(store: Any, query: str, *, kind: str | None = None, limit: int = 20, offset: int = 0) -> dict[str, Any]:
    """Hits for a query, best first, with each record's kind and a readable title."""
    words = terms(query)
    if not words:
        return {"query": query, "total": 0, "hits": []}
    where, params = match_sql(store.dialect, words)
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


def title(item: dict[str, Any]) -> str:
    """A one-line label for any record, used in search hits and listings."""
    kind = item.get("kind")
    if kind == "person":
        return str(item["name"])
    if kind == "posting":
        who = item.get("person_name") or item.get("group") or item.get("person")
        role = vocabularies.label("roles", item["role"])
        where = f" to {bodies.name(item.get('receiving'))}" if item.get("receiving") else ""
        exit_ = f", {item['exit_type']}" if item.get("exit_type") else ""
        when = f" {item['end']}" if item.get("end") else ""
        return f"{who}: {role} of {bodies.name(item['sending'])}{where}{exit_}{when}"
    if kind == "measure":
        return f"{item['type']}: {item['actor']} against {item['target']} {item.get('date') or ''}".strip()
    if kind == "consequence":
        return f"{item['type']} (posting {item['posting']})"
    if kind == "contact":
        return f"{item['channel']} from {item['from']} to {item['to']}: {item['outcome']}"
    return str(item.get("title") or item.get("url") or item.get("id"))
