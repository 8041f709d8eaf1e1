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
    exits: int = Field(description="Postings that ended: a group posting counts once.")
    groups: int = Field(0, description="How many of those exits are group postings.")
    group_people: int = Field(0, description="The people those group postings count, where given.")


class HomePage(BaseModel):
    counts: dict[str, int] = Field(description="Records by kind.")
    exits: int = Field(description="Postings with an exit_type.")
    latest_exits: list[ExitRow]
    exits_per_year: list[YearCount]
    exits_undated: int = Field(0, description="Exits with no known end year, left out of exits_per_year.")


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
    filters: dict[str, list[str]] = Field(description="The facet filters applied; several values of one facet mean OR.")
    total: int
    page: int
    size: int
    pages: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetCount]]


class FieldChange(BaseModel):
    field: str
    change: str = Field(description="added, removed or changed")
    before: str | None
    after: str | None


class Version(BaseModel):
    version: int
    change: str
    changed_at: str
    changed_by: str
    data: RecordJSON
    diff: list[FieldChange] = Field(default_factory=list, description="Against the version before.")


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


class PostingInForce(BaseModel):
    id: str
    person: str | None
    name: str | None
    role: str
    role_label: str
    sending: str
    sending_name: str
    receiving: str | None
    receiving_name: str
    start: str | None
    end: str | None
    uncertain: bool = Field(description="A start or end known only to the year or month covers the day.")
    notes: list[str] = Field(description="What makes it uncertain, and 'no end recorded' for an open posting.")
    sources: list[str]


class PostsPage(BaseModel):
    at: str
    sending: str | None
    receiving: str | None
    role: str | None
    count: int
    postings: list[PostingInForce]
    roles: list[dict[str, str]] = Field(description="The roles to choose from, with their labels.")


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


class Excerpt(BaseModel):
    text: str
    mark: str = Field(description="'' for context, 'sentence' for the evidence, 'trigger' for its trigger words")


class ReviewItem(BaseModel):
    id: str
    kind: str = Field(description="exits, measures, contacts or postings_in_force")
    section: str
    status: str
    data: dict[str, Any] = Field(description="The proposed fields, in the extractor's proposal format.")
    confidence: float | None
    band: str = Field(description="high, medium or low")
    evidence: dict[str, str | None]
    excerpt: list[Excerpt]
    source: dict[str, str | None]
    source_id: str
    records: list[str] = Field(description="The records an accepted or merged proposal wrote.")
    created_at: str
    created_by: str
    decided_at: str | None
    decided_by: str | None
    reason: str | None


class ReviewPage(BaseModel):
    filters: dict[str, str | None]
    total: int
    page: int
    pages: int
    reviews: list[ReviewItem] = Field(description="One page of proposals, 50 at most.")


class ReviewDetail(BaseModel):
    review: ReviewItem
    find: str | None
    targets: list[SearchHit] = Field(description="Persons and postings the search found to merge into.")


class ReviewDecision(BaseModel):
    id: str
    status: str
    records: list[str]
    reason: str | None


class Change(BaseModel):
    record_id: str
    kind: str
    version: int
    change: str
    changed_at: str
    changed_by: str
    title: str
    data: RecordJSON
    diff: list[FieldChange]


class ChangesPage(BaseModel):
    filters: dict[str, str | None]
    changes: list[Change]


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
