"""Response models: the JSON each /api/ route returns, with DOMAIN.md's field names.

Records themselves appear in their interchange form (docs/data-format.md), as JSON objects.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

RecordJSON = dict[str, Any]


class ExitRow(BaseModel):
    posting: str
    person: str | None
    name: str
    role: str
    sending: str
    receiving: str | None
    end: str | None
    exit_type: str
    certainty: str | None


class YearCount(BaseModel):
    year: int
    exit_type: str
    exits: int


class HomePage(BaseModel):
    counts: dict[str, int] = Field(description="Records by kind.")
    exits: int = Field(description="Postings with an exit_type.")
    latest_exits: list[ExitRow]
    exits_per_year: list[YearCount]


class SearchHit(BaseModel):
    id: str
    kind: str
    title: str
    certainty: str | None
    person: str | None
    exit_type: str | None
    sending: str | None = Field(description="A posting's sending state, or a measure's actor.")
    receiving: str | None = Field(description="A posting's receiving body, or a measure's target.")
    date: str | None = Field(description="A posting's end (else start), a measure's or consequence's date.")


class FacetCount(BaseModel):
    value: str
    count: int


class SearchPage(BaseModel):
    query: str
    filters: dict[str, str]
    total: int
    page: int
    size: int
    pages: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetCount]]


class Version(BaseModel):
    version: int
    change: str
    changed_at: str
    changed_by: str
    data: RecordJSON


class PersonPage(BaseModel):
    person: RecordJSON
    postings: list[RecordJSON]
    consequences: list[RecordJSON]
    contacts: list[RecordJSON]
    measures: list[RecordJSON]
    isolation: dict[str, Any] | None = Field(
        description="legation.analysis.isolation's figure; null when not installed."
    )
    history: dict[str, list[Version]] = Field(description="Every version of each record on the page, by id.")


class RecordPage(BaseModel):
    record: RecordJSON
    title: str
    history: list[Version]


class Body(BaseModel):
    code: str
    name: str
    kind: str
    aliases: list[str]
    demonyms: list[str]
    region: str | None
    continued_by: str | None
    dissolved_into: list[str]


class StatePage(BaseModel):
    state: Body
    exits: list[ExitRow] = Field(description="Exits of this state's diplomats.")
    exits_received: list[ExitRow] = Field(description="Exits of others from postings to this state.")
    measures_taken: list[RecordJSON]
    measures_suffered: list[RecordJSON]
    precedents: dict[str, Any] | None = Field(description="The precedents figure; null when not installed.")


class DyadPage(BaseModel):
    a: Body
    b: Body
    window_days: int
    measures: list[RecordJSON]
    reciprocal_pairs: list[Any] | None
    reciprocity: dict[str, Any] | None = Field(
        description="The reciprocity figure (analysis.reciprocity.dyad); null when absent."
    )


class BriefPage(BaseModel):
    person: RecordJSON
    posting: RecordJSON | None
    brief: dict[str, Any] | None = Field(description="legation.analysis.briefs.brief; null when not installed.")


class ImportResult(BaseModel):
    read: int
    valid: int
    rejected: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool
    errors: list[dict[str, Any]]


class Problem(BaseModel):
    """Every error: a message, and the field it concerns when there is one."""

    error: str
    field: str | None = None
    message: str
    record: str | None = None
    line: int | None = None
    file: str | None = None


PROBLEMS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem},
    401: {"model": Problem},
    403: {"model": Problem},
    404: {"model": Problem},
    409: {"model": Problem, "description": "A stale edit (If-Match), or a new record whose id is taken."},
    413: {"model": Problem},
    422: {"model": Problem},
    429: {"model": Problem, "description": "Too many failed token checks from this client; see Retry-After."},
    503: {"model": Problem, "description": "Another writer holds the store; see Retry-After."},
}
