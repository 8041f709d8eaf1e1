"""The trained pipeline's attribute_ruler and rule lemmatizer, done as table look-ups.

In en_core_web_sm the attribute_ruler is a `Matcher` of 179 patterns, nearly all on one token's
TAG, LOWER and DEP, which sets POS, MORPH and LEMMA; the lemmatizer then lemmatizes each token in a
Python loop. Together they cost about as much CPU as the parser (docs/extraction.md, "Speed").
`Attributes` gives each token the same values: the patterns are read from the model's own ruler,
each one-token pattern is evaluated once per distinct (TAG, LOWER, DEP, IS_SPACE) and the few
two-token patterns only where their first token fits, later patterns winning as in the ruler; a
lemma is computed by the model's own lemmatizer once per (ORTH, POS, MORPH), which is all that
rule lemmatization reads. A pattern with any other key makes `Attributes` refuse to be built, so
a changed model cannot be read wrongly (`install` then keeps spaCy's components).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import numpy
from spacy.attrs import IDS  # type: ignore[import-not-found]
from spacy.language import Language
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc

READ: list[int | str] = ["TAG", "LOWER", "DEP", "IS_SPACE"]  # what the patterns test, in this order
NAMES = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
WRITTEN: list[int | str] = ["POS", "MORPH", "LEMMA", "TAG", "DEP"]  # what the patterns set
COLUMNS = {IDS[name]: column for column, name in enumerate(WRITTEN)}  # attribute id -> column
Values = tuple[str, str, str, bool]  # a token's READ attributes as strings


class Unsupported(ValueError):
    """A pattern this table cannot evaluate exactly: keep spaCy's own attribute_ruler."""


@dataclass(frozen=True)
class _Test:
    """One token's part of a Matcher pattern: each attribute tested by equality, IN, NOT_IN or REGEX."""

    checks: tuple[tuple[int, str, Any], ...]

    @classmethod
    def of(cls, spec: dict[str, Any]) -> _Test:
        checks = []
        for name, value in spec.items():
            if name not in NAMES:
                raise Unsupported(f"attribute {name} in {spec}")
            if isinstance(value, dict):
                if len(value) != 1 or next(iter(value)) not in ("IN", "NOT_IN", "REGEX"):
                    raise Unsupported(f"predicate {value} in {spec}")
                ((op, arg),) = value.items()
                checks.append((NAMES[name], op, re.compile(arg) if op == "REGEX" else frozenset(arg)))
            else:
                checks.append((NAMES[name], "==", value))
        return cls(tuple(checks))

    def equal(self, at: int) -> Any:
        """The value this test requires of one attribute, or None."""
        return next((arg for place, op, arg in self.checks if place == at and op == "=="), None)

    def __call__(self, values: Values) -> bool:
        for at, op, arg in self.checks:
            value = values[at]
            if op == "==" and value != arg:
                return False
            if op == "IN" and value not in arg:
                return False
            if op == "NOT_IN" and value in arg:
                return False
            if op == "REGEX" and not arg.search(value):
                return False
        return True


class _Index:
    """Tests filed by the TAG and LOWER they require, if any (most require one or both), so a
    token is tried only against the few that can fit it; `met` gives their places in order."""

    def __init__(self, tests: Iterable[_Test]) -> None:
        self.filed: dict[tuple[Any, Any], list[tuple[int, _Test]]] = {}
        for place, test in enumerate(tests):
            self.filed.setdefault((test.equal(0), test.equal(1)), []).append((place, test))

    def met(self, values: Values) -> list[int]:
        tag, lower = values[0], values[1]
        found = [
            place
            for key in ((tag, lower), (tag, None), (None, lower), (None, None))
            for place, test in self.filed.get(key, ())
            if test(values)
        ]
        return sorted(found)


@dataclass(frozen=True)
class _Rule:
    order: int  # the ruler's pattern index: later ones win
    tests: tuple[_Test, ...]
    target: int  # which token of the match is set
    attrs: tuple[tuple[int, int], ...]  # (attribute id, value id), as the ruler normalised them


@dataclass(frozen=True)
class _Entry:
    """What the patterns make of a token of one (TAG, LOWER, DEP, IS_SPACE)."""

    rules: tuple[_Rule, ...]  # the one-token rules met, in the ruler's order
    values: tuple[tuple[int, int], ...]  # what they leave set: (column of WRITTEN, value id)
    opens: tuple[int, ...]  # the two-token rules (places in `Attributes.pairs`) whose first token is met
    closes: frozenset[int]  # and those whose second token is met


def _set(rules: Iterable[_Rule]) -> tuple[tuple[int, int], ...]:
    """What rules applied in this order leave set, the later ones overriding."""
    values: dict[int, int] = {}
    for rule in rules:
        for attr, value in rule.attrs:
            values[COLUMNS[attr]] = value
    return tuple(values.items())


class Attributes:
    """A pipeline component equal, token by token, to the model's attribute_ruler followed by its
    rule lemmatizer (overwrite off)."""

    def __init__(self, ruler: AttributeRuler, lemmatizer: Lemmatizer) -> None:
        if lemmatizer.mode != "rule" or lemmatizer.overwrite:
            raise Unsupported(f"lemmatizer mode {lemmatizer.mode}, overwrite {lemmatizer.overwrite}")
        self.lemmatizer = lemmatizer
        self.strings = ruler.vocab.strings
        self.single: list[_Rule] = []
        self.pairs: list[_Rule] = []
        for order, (entry, attrs) in enumerate(
            zip(cast(list[dict[str, Any]], ruler.patterns), ruler.attrs, strict=True)
        ):
            if set(attrs) - set(COLUMNS):
                raise Unsupported(f"sets {attrs}")
            for pattern in entry["patterns"]:
                if len(pattern) not in (1, 2):
                    raise Unsupported(f"pattern of {len(pattern)} tokens")
                target = entry["index"] if entry["index"] >= 0 else len(pattern) + entry["index"]
                if not 0 <= target < len(pattern):
                    raise Unsupported(f"index {entry['index']} of {pattern}")
                rule = _Rule(order, tuple(_Test.of(t) for t in pattern), target, tuple(attrs.items()))
                (self.single if len(pattern) == 1 else self.pairs).append(rule)
        self._single = _Index(r.tests[0] for r in self.single)
        self._first = _Index(r.tests[0] for r in self.pairs)
        self._second = _Index(r.tests[1] for r in self.pairs)
        self._entries: dict[tuple[int, ...], _Entry] = {}
        self._lemmas: dict[tuple[int, ...], int] = {}
        _index_sets(lemmatizer)

    def _entry(self, key: tuple[int, ...]) -> _Entry:
        found = self._entries.get(key)
        if found is None:
            s = self.strings
            values = (s[key[0]], s[key[1]], s[key[2]], bool(key[3]))
            rules = tuple(self.single[n] for n in self._single.met(values))
            opens, closes = tuple(self._first.met(values)), frozenset(self._second.met(values))
            found = self._entries[key] = _Entry(rules, _set(rules), opens, closes)
        return found

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        entries = [self._entry(key) for key in map(tuple, doc.to_array(READ).tolist())]
        paired: dict[int, list[_Rule]] = {}  # tokens a two-token rule sets, with all their rules
        for i, entry in enumerate(entries[:-1]):
            for n in entry.opens:
                if n in entries[i + 1].closes:
                    rule = self.pairs[n]
                    paired.setdefault(i + rule.target, list(entries[i + rule.target].rules)).append(rule)
        rows = doc.to_array(WRITTEN).tolist()
        for i, entry in enumerate(entries):
            values = _set(sorted(paired[i], key=lambda r: r.order)) if i in paired else entry.values
            for column, value in values:
                rows[i][column] = value
        written = numpy.array(rows, dtype="uint64")
        doc.from_array(WRITTEN, cast(Any, written))
        self._lemmatize(doc, written[:, WRITTEN.index("LEMMA")])
        return doc

    def _lemmatize(self, doc: Doc, lemmas: numpy.ndarray) -> None:
        """The lemmatizer's own answer for each token the ruler left without a lemma, once per
        (ORTH, POS, MORPH): all that rule lemmatization reads."""
        if lemmas.all():
            return
        column = lemmas.tolist()
        for i, key in enumerate(map(tuple, doc.to_array(["ORTH", "POS", "MORPH"]).tolist())):
            if column[i]:
                continue
            lemma = self._lemmas.get(key)
            if lemma is None:
                lemma = self._lemmas[key] = self.strings.add(self.lemmatizer.lemmatize(doc[i])[0])
            column[i] = lemma
        doc.from_array(["LEMMA"], cast(Any, numpy.array(column, dtype="uint64").reshape(-1, 1)))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


def _index_sets(lemmatizer: Lemmatizer) -> None:
    """The lemma index as sets: rule lemmatization only asks `form in index`, which on spaCy's
    lists is a scan of thousands of words (most of the lemmatizer's time on a word it has not seen)."""
    table = lemmatizer.lookups.get_table("lemma_index", {})
    for pos in list(table.keys()):
        table[pos] = frozenset(table[pos])


@Language.factory("legation_attributes")
def make(nlp: Language, name: str) -> Attributes:
    """Built from the pipeline's own attribute_ruler and lemmatizer, which it then stands for."""
    return Attributes(nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer"))  # type: ignore[arg-type]


def install(model: Language) -> bool:
    """Put `Attributes` in the place of the model's attribute_ruler and lemmatizer; False, and the
    model unchanged, when the ruler has a pattern it cannot evaluate exactly."""
    if "attribute_ruler" not in model.pipe_names or "lemmatizer" not in model.pipe_names:
        return False
    try:
        model.add_pipe("legation_attributes", name="attributes", before="attribute_ruler")
    except Unsupported:
        return False
    model.remove_pipe("attribute_ruler")
    model.remove_pipe("lemmatizer")
    return True
