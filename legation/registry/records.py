"""The interchange records, one pydantic model per kind, validated against the vocabularies.

A record validates on its own here (codes, dates, required fields); references between records are
checked by the import, which can see the whole batch and the store.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias, Union, get_origin

import orjson
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    create_model,
    model_validator,
)

from legation.errors import clip, quote
from legation.registry import addresses, bodies, dates, vocabularies

KINDS = ("person", "posting", "consequence", "measure", "contact", "source")
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,199}$"
MAX_COUNT = 1_000_000  # more people than any expulsion or contact log has held: anything above is a typo
URL_SCHEMES = ("http", "https")
# C0 controls but tab and newlines, DEL and C1: they never belong in a record, and PostgreSQL
# refuses NUL outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _term(name: str) -> Any:
    """A string field restricted to one vocabulary, with the terms as its JSON-schema enum."""
    allowed = vocabularies.codes(name)
    known = frozenset(allowed)

    def check(value: str) -> str:
        if value not in known:
            raise ValueError(f"one of {', '.join(allowed)}; got {quote(value)}")
        return value

    return Annotated[str, AfterValidator(check), WithJsonSchema({"type": "string", "enum": list(allowed)})]


def _body(value: str) -> str:
    code = value.strip()
    if not bodies.exists(code):
        raise ValueError(f"a body code (ISO 3166 alpha-3 such as RUS, or UN, EU, NATO...); got {quote(value)}")
    return code


def _date(value: object) -> str | None:
    if value.__class__ is str:  # the usual case, and the same few dates again and again
        return _date_text(value)
    try:
        return dates.normalise(value)
    except ValueError as exc:
        raise ValueError(f"{exc}; got {quote(value)}") from None


@lru_cache(maxsize=65536)
def _date_text(value: str) -> str | None:
    try:
        return dates.normalise(value)
    except ValueError as exc:
        raise ValueError(f"{exc}; got {quote(value)}") from None


def _clean(value: object) -> object:
    """Refuse control characters (an escaped NUL in JSON, a stray form feed) in any text. Printable
    ASCII, the usual text, has none: two string methods tell that quicker than the pattern."""
    if isinstance(value, str) and not (value.isascii() and value.isprintable()) and (found := _CONTROL.search(value)):
        raise ValueError(f"text without control characters; found U+{ord(found.group()):04X}")
    return value


def _text(value: object) -> object:
    """Stripped text, None when nothing is left, and no control characters: one call per field."""
    if value.__class__ is not str:
        return value
    text = value.strip()
    if not text:
        return None
    return text if text.isascii() and text.isprintable() else _clean(text)


@lru_cache(maxsize=65536)  # registries cite the same few thousand pages over and over
def _url(value: str) -> str:
    """An http(s) address with a host: a `javascript:` or `file:` link must never reach a page."""
    _clean(value)
    scheme, _, rest = value.partition(":")
    host = rest[2:].split("/", 1)[0]
    if scheme.lower() not in URL_SCHEMES or not rest.startswith("//") or not host or any(c.isspace() for c in value):
        raise ValueError(f"an http:// or https:// address; got {quote(value)}")
    return value


Body = Annotated[str, AfterValidator(_body)]
PartialDate = Annotated[
    str | None,
    BeforeValidator(_date),
    WithJsonSchema({"type": ["string", "null"], "examples": ["1981", "1981-12", "1981-12-19"]}),
]
Text = Annotated[str | None, BeforeValidator(_text)]
Name = Annotated[str, Field(min_length=1), AfterValidator(_clean)]
Url = Annotated[str, Field(min_length=1), AfterValidator(_url), WithJsonSchema({"type": "string", "format": "uri"})]
RecordId = Annotated[str, Field(pattern=ID_PATTERN)]
# Strict: `true`, "3" and 1.0 are not counts.
Count = Annotated[int, Field(strict=True, le=MAX_COUNT)]
if TYPE_CHECKING:  # the vocabularies are data, so mypy sees plain strings
    Certainty: TypeAlias = str
    Role: TypeAlias = str
    ExitType: TypeAlias = str
    ConsequenceType: TypeAlias = str
    MeasureType: TypeAlias = str
    Channel: TypeAlias = str
    Outcome: TypeAlias = str
else:
    Certainty = _term("certainties")
    Role = _term("roles")
    ExitType = _term("exit_types")
    ConsequenceType = _term("consequences")
    MeasureType = _term("measures")
    Channel = _term("channels")
    Outcome = _term("outcomes")


def _normalised_address(data: Any) -> Any:
    """Store the normalised address in `url`, and the address as given only where it differs."""
    if isinstance(data, dict) and isinstance(data.get("url"), str):
        given, url = data["url"].strip(), addresses.normalise(data["url"])
        if url != given:
            data = {**data, "url": url, "original_url": data.get("original_url") or given}
    return data


class Source(BaseModel):
    """Where a fact was read: the page's address, title, publisher and dates."""

    model_config = ConfigDict(extra="forbid")
    url: Url
    original_url: Text = None
    title: Text = None
    publisher: Text = None
    published: PartialDate = None
    accessed: PartialDate = None
    # What this source says where the record keeps another value: a merge of two sources keeps
    # the curated value and notes the other here, so `legation check` can show the disagreement.
    differs: dict[str, str] | None = None

    @model_validator(mode="before")
    @classmethod
    def _address(cls, data: Any) -> Any:
        return _normalised_address(data)


@cache
def _list_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """A model's list fields (by alias): an empty one is left out of the stored text."""
    return tuple(f.alias or name for name, f in model.model_fields.items() if get_origin(f.annotation) is list)


class Canonical(BaseModel):
    """The stored form of a record, and the digest that tells whether it changed."""

    def canonical(self) -> dict[str, Any]:
        """The record as stored and exported: no nulls, no empty lists, kind and id first, then the
        fields in model order, certainty and sources last."""
        data = self.model_dump(mode="json", exclude_none=True, by_alias=True)  # in model order
        out: dict[str, Any] = {"kind": data.pop("kind"), "id": data.pop("id")}
        certainty, sources = data.pop("certainty", None), data.pop("sources", None)
        out.update(data)
        for name in _list_fields(type(self)):
            if out.get(name) == []:
                del out[name]
        if certainty is not None:
            out["certainty"] = certainty
        if sources:
            out["sources"] = sources
        return out

    def digest(self) -> str:
        """Must match the hash `Store.write` computes from the same canonical text."""
        return hashlib.sha1(dumps(self.canonical()).encode()).hexdigest()


class Base(Canonical):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    id: RecordId
    certainty: Certainty
    sources: Annotated[list[Source], Field(min_length=1)]


class Person(Base):
    kind: Literal["person"]
    name: Name
    aliases: list[Name] = Field(default_factory=list)  # a factory: pydantic deep-copies a [] default per record
    birth: PartialDate = None
    death: PartialDate = None
    citizenship: Body | None = None
    wikidata: Annotated[str | None, Field(pattern=r"^Q[0-9]+$")] = None
    notes: Text = None


class Posting(Base):
    kind: Literal["posting"]
    person: RecordId | None = None
    person_name: Text = None
    group: Text = None
    count: Annotated[Count | None, Field(ge=1)] = None
    role: Role
    sending: Body
    receiving: Body | None = None
    post: Text = None
    start: PartialDate = None
    end: PartialDate = None
    exit_type: ExitType | None = None
    reason: Text = None
    statement: Text = None
    destination: Body | None = None
    next_role: Text = None

    @model_validator(mode="after")
    def _coherent(self) -> Posting:
        if not (self.person or self.group):
            raise ValueError("person: a person id, or a group with a count")
        if self.start and self.end and dates.upper(self.end) < dates.lower(self.start):
            raise ValueError(f"end: a date on or after start {self.start}; got {self.end!r}")
        return self


class Consequence(Base):
    kind: Literal["consequence"]
    posting: RecordId
    type: ConsequenceType
    date: PartialDate = None
    authority: Text = None
    detail: Text = None


class Measure(Base):
    kind: Literal["measure"]
    type: MeasureType
    actor: Body
    target: Body
    date: PartialDate = None
    count: Annotated[Count | None, Field(ge=0)] = None
    persons: list[RecordId] = Field(default_factory=list)
    detail: Text = None
    reciprocal_of: RecordId | None = None


class Contact(Base):
    kind: Literal["contact"]
    from_: Annotated[Name, Field(alias="from")]
    to: Name
    channel: Channel
    outcome: Outcome
    date: PartialDate = None
    count: Annotated[Count, Field(ge=1)] = 1
    detail: Text = None
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)


class SourceRecord(Canonical):
    """A source on its own, such as an article waiting in the review queue."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    kind: Literal["source"]
    id: RecordId
    url: Url
    original_url: Text = None
    title: Text = None
    publisher: Text = None
    published: PartialDate = None
    accessed: PartialDate = None
    certainty: Certainty = "confirmed"

    @model_validator(mode="before")
    @classmethod
    def _address(cls, data: Any) -> Any:
        return _normalised_address(data)


Record = Annotated[
    Person | Posting | Consequence | Measure | Contact | SourceRecord,
    Field(discriminator="kind"),
]
AnyRecord = Person | Posting | Consequence | Measure | Contact | SourceRecord
_ADAPTER: TypeAdapter[AnyRecord] = TypeAdapter(Record)
MODELS: dict[str, type[BaseModel]] = {
    "person": Person,
    "posting": Posting,
    "consequence": Consequence,
    "measure": Measure,
    "contact": Contact,
    "source": SourceRecord,
}
_LOCATION = re.compile(r"^(person|posting|consequence|measure|contact|source)(\.|$)")


def parse(data: dict[str, Any]) -> AnyRecord:
    """Validate one raw record; raises pydantic.ValidationError, with the exact models' errors.

    The record is tried first against the quick models (`quick_adapter`), then, if they refuse it,
    against the exact ones, which either take it (a code with spaces around it) or say what is wrong."""
    try:
        return quick_adapter().validate_python(data)
    except ValidationError:
        return _ADAPTER.validate_python(data)


# The fields checked against a vocabulary or the bodies, by model: (field, vocabulary or BODIES, required).
BODIES = "bodies"
_CODED: dict[type[BaseModel], tuple[tuple[str, str, bool], ...]] = {
    Person: (("citizenship", BODIES, False),),
    Posting: (
        ("role", "roles", True),
        ("sending", BODIES, True),
        ("receiving", BODIES, False),
        ("exit_type", "exit_types", False),
        ("destination", BODIES, False),
    ),
    Consequence: (("type", "consequences", True),),
    Measure: (("type", "measures", True), ("actor", BODIES, True), ("target", BODIES, True)),
    Contact: (("channel", "channels", True), ("outcome", "outcomes", True)),
    SourceRecord: (),
}


# What pydantic-core can check itself (Rust's regex), for the quick models: a text already stripped,
# not empty and without control characters, which is what `_text` would return unchanged; a date
# as `dates.parse` takes it, up to day 28 of any month, 30 of all but February and 31 of the long
# months (29 February and the rest go to the exact models). Both refuse any space around the value,
# so Python's `strip` and Rust's `trim`, which disagree on some characters, never come into it.
_END = r"[^\s\x00-\x1f\x7f-\x9f]"
_MID = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
QUICK_TEXT = rf"^{_END}(?:{_MID}*{_END})?$"
QUICK_NAME = rf"^{_MID}+$"  # after the model's own strip, as the exact `Name`: `_clean` in Rust
_YEAR = r"(?:[0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)"
_DAYS = r"(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|1[0-9]|2[0-8]))?|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31"
QUICK_DATE = rf"^{_YEAR}(?:-(?:{_DAYS}))?$"
_QUICK: dict[Any, Any] = {
    _text: Annotated[str, StringConstraints(strip_whitespace=False, pattern=QUICK_TEXT)] | None,
    _date: Annotated[str, StringConstraints(strip_whitespace=False, pattern=QUICK_DATE)] | None,
}
_QUICK_NAME = Annotated[str, StringConstraints(min_length=1, pattern=QUICK_NAME)]


def _quick_fields(model: type[BaseModel]) -> dict[str, Any]:
    """The model's text, date and name fields with pydantic-core's checks in place of ours."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        checks = [getattr(m, "func", None) for m in info.metadata]
        quick = next((_QUICK[c] for c in checks if c in _QUICK), None)
        if quick is None and _clean in checks and info.annotation is str:
            quick = _QUICK_NAME
        if quick is not None:
            fields[name] = (quick, Field(info.default, alias=info.alias))
    if model is Person:
        fields["aliases"] = (list[_QUICK_NAME], Field(default_factory=list))
    return fields


@cache
def quick_adapter() -> TypeAdapter[AnyRecord]:
    """The record models again, each a subclass of its exact model, with every vocabulary term and
    body code checked by pydantic-core itself (a `Literal` of the codes), and the texts, names and
    dates by its patterns (`_quick_fields`), instead of Python validators: about a million fewer
    Python calls per 100,000 records of the import benchmark. A `Literal` or a pattern takes a value
    only as the exact model would keep it, with no spaces around it, and its message is pydantic's
    own ("Input should be ..."), so what it refuses goes to the exact model (`parse`). Built on
    first use, as it loads the bodies; an import builds it before it forks its workers."""
    models: list[Any] = []
    source = create_model("QuickSource", __base__=Source, **_quick_fields(Source))
    for model, coded in _CODED.items():
        fields: dict[str, Any] = {
            "certainty": (_codes("certainties"), ... if model is not SourceRecord else "confirmed"),
            **_quick_fields(model),
        }
        if model is not SourceRecord:
            fields["sources"] = (Annotated[list[source], Field(min_length=1)], ...)  # type: ignore[valid-type]
        for name, vocabulary, required in coded:
            codes = _codes(vocabulary)
            fields[name] = (codes, ...) if required else (codes | None, None)
        models.append(create_model(f"Quick{model.__name__}", __base__=model, **fields))
    union: Any = Annotated[Union[tuple(models)], Field(discriminator="kind")]  # noqa: UP007
    return TypeAdapter(union)


def _codes(vocabulary: str) -> Any:
    allowed = tuple(bodies.registry()) if vocabulary == BODIES else vocabularies.codes(vocabulary)
    return Literal[allowed]


def references(record: AnyRecord) -> list[tuple[str, str, str]]:
    """(field, id, expected kind) for each record this one points to."""
    refs: list[tuple[str, str, str]] = []
    if isinstance(record, Posting) and record.person:
        refs.append(("person", record.person, "person"))
    elif isinstance(record, Consequence):
        refs.append(("posting", record.posting, "posting"))
    elif isinstance(record, Measure):
        refs += [("persons", p, "person") for p in record.persons]
        if record.reciprocal_of:
            refs.append(("reciprocal_of", record.reciprocal_of, "measure"))
    return refs


def explain(error: Any) -> tuple[str, str]:
    """(field, what was expected) for one pydantic error, in interchange names.

    pydantic prefixes a location with the union tag (`posting.sending`), and a check across
    fields reports no location, so those name their field at the start of the message.
    """
    path = _LOCATION.sub("", ".".join(str(p) for p in error["loc"])).replace("from_", "from")
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "union_tag_invalid":
        return "kind", f"one of {', '.join(KINDS)}; got {error['input'].get('kind')!r}"
    if error["type"] == "union_tag_not_found":
        return "kind", f"one of {', '.join(KINDS)}"
    if error["type"] == "missing":
        return path, "a value (this field is required)"
    if error["type"] == "extra_forbidden":
        return path, "no such field (see docs/data-format.md)"
    got = f"; got {quote(error.get('input'))}"
    if error["type"] in ("int_type", "int_parsing", "int_from_float"):
        return path, f"a whole number such as 3 (not text, true or 1.0){got}"
    context = error.get("ctx") or {}
    if error["type"] in ("less_than_equal", "greater_than_equal"):
        bound = "at most" if error["type"] == "less_than_equal" else "at least"
        return path, f"a number {bound} {context.get('le', context.get('ge'))}{got}"
    if error["type"] == "string_pattern_mismatch" and context.get("pattern") == ID_PATTERN:
        return path, f"an id: up to 200 ASCII letters, digits and . _ : - (starting with a letter or digit){got}"
    if error["type"] == "string_pattern_mismatch":
        return path, f"text matching {clip(str(context.get('pattern')))}{got}"
    if error["type"] in ("string_type", "list_type", "model_type", "model_attributes_type", "dict_type"):
        return path, f"{message.removeprefix('Input should be ')}{got}"
    if not path and ": " in message:
        path, message = message.split(": ", 1)
    return path or "record", message


def dumps(data: dict[str, Any]) -> str:
    """The stored and exported text of a record: compact UTF-8 JSON, keys in record order.

    orjson, because encoding is a fifth of a large import's time with the standard library."""
    return orjson.dumps(data).decode()
