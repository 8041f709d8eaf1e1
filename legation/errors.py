"""One root exception with specific subclasses, so every layer can name what went wrong and where."""

from __future__ import annotations

CLIP = 80  # a quoted value is cut to this many characters, so a 1 MB id makes a short message


def clip(text: str, limit: int = CLIP) -> str:
    """Cut a value that goes into a message, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote(value: object, limit: int = CLIP) -> str:
    """A value as an error message quotes it: its repr, cut to about `limit` characters."""
    text = repr(value) if len(str(value)) <= limit * 4 else repr(str(value)[: limit * 4])
    return clip(text, limit)


class LegationError(Exception):
    """The root of every error Legation raises on purpose."""


class InputError(LegationError):
    """Bad input: carries the file, the line or record, the field and what was expected."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        record: str | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.record = record
        self.field = field
        super().__init__(self.describe())

    def describe(self) -> str:
        where = [clip(self.file or "<input>", 4 * CLIP)]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.record:
            where.append(f"record {clip(self.record)}")
        place = ":".join(where[:2]) + (f" ({where[2]})" if len(where) > 2 else "")
        field = f" field '{clip(self.field)}':" if self.field else ""
        message = " ".join(self.message.split())  # one line, whatever the input held
        return f"{place}:{field} {clip(message, 8 * CLIP)}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "record": self.record,
            "field": self.field,
            "message": self.message,
            "error": self.describe(),
        }


class NotFound(LegationError):
    """A person, record or body that the store does not hold."""


class Ambiguous(NotFound):
    """A name that fits several records: `candidates` holds their ids, best first."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


class StoreError(LegationError):
    """The store cannot be opened or migrated."""


class StoreBusy(StoreError):
    """Another writer held the store for longer than this one would wait; try again shortly."""

    def __init__(self, message: str, *, retry_after: int = 2) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class Conflict(LegationError):
    """A write that started from another version than the store now holds (a stale edit), or that
    creates a record whose id is taken. Carries the id and both versions' numbers."""

    def __init__(self, message: str, *, record: str, expected: int | None, current: int | None) -> None:
        self.record = record
        self.expected = expected
        self.current = current
        super().__init__(message)
