"""The spaCy side: a blank English pipeline with a sentencizer, an EntityRuler for bodies, and a
Matcher for person names, turned into plain `Sentence` objects the rules read.

No statistical model is loaded (none may be downloaded), so names are runs of capitalised tokens
that the gazetteer does not claim, trimmed of titles and function words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache

import numpy
import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from legation.extraction import gazetteer, lexicon

PARAGRAPH = re.compile(r"\n\s*\n|\n(?=[^\n]*\|)")  # blank lines; each table row stands alone
HONORIFICS = frozenset({"Mr", "Mrs", "Ms", "Dr", "Mr.", "Mrs.", "Ms.", "Dr.", "Ambassador", "Minister"})


@dataclass
class Mention:
    kind: str  # person | body | anaphor
    start: int  # character offsets in the whole text
    end: int
    text: str
    key: str | None = None  # body code, or the person's name as first written


@dataclass
class Sentence:
    index: int
    start: int
    end: int
    text: str
    paragraph: int
    mentions: list[Mention] = field(default_factory=list)
    memo: dict[str, object] = field(default_factory=dict)  # per-sentence results the rules share

    def of(self, kind: str) -> list[Mention]:
        return [m for m in self.mentions if m.kind == kind]

    def local(self, offset: int) -> int:
        return offset - self.start


@cache
def nlp() -> Language:
    model = spacy.blank("en")
    model.add_pipe("sentencizer")
    ruler = model.add_pipe("entity_ruler", config={"phrase_matcher_attr": "ORTH"})
    patterns = [{"label": "BODY", "pattern": p, "id": c} for p, c in gazetteer.body_phrases().items()]
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    model.max_length = 5_000_000
    return model


@cache
def name_matcher() -> Matcher:
    matcher = Matcher(nlp().vocab)
    title = {"IS_TITLE": True, "ENT_TYPE": ""}
    particle = {"LOWER": {"IN": ["de", "van", "von", "da", "bin", "al", "der", "del", "la"]}, "OP": "?"}
    matcher.add("NAME", [[title, particle, title, {**title, "OP": "?"}]], greedy="LONGEST")
    return matcher


def paragraphs(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    for match in PARAGRAPH.finditer(text):
        yield start, text[start : match.start()]
        start = match.end()
    yield start, text[start:]


def _names(doc: Doc) -> list[Span]:
    stop = lexicon.not_names()
    found = []
    for _, start, end in name_matcher()(doc):
        while start < end and doc[start].text in stop:
            start += 1
        while end > start and doc[end - 1].text in stop:
            end -= 1
        if end - start >= 2 or (end - start == 1 and start > 0 and doc[start - 1].text in HONORIFICS):
            found.append(doc[start:end])
    return found


def _mentions(doc: Doc, base: int, surnames: dict[str, str]) -> list[Mention]:
    found = [Mention("body", base + e.start_char, base + e.end_char, e.text, e.ent_id_) for e in doc.ents]
    for span in _names(doc):
        key = surnames.get(span.text) or span.text
        surnames.setdefault(span[-1].text, key)
        surnames.setdefault(span.text, key)
        found.append(Mention("person", base + span.start_char, base + span.end_char, span.text, key))
    spans = [(m.start, m.end) for m in found]
    text = doc.text
    for match in _words(tuple(surnames)).finditer(text) if surnames else ():
        start, end = base + match.start(), base + match.end()
        if not any(s <= start < e for s, e in spans):
            found.append(Mention("person", start, end, match.group(0), surnames[match.group(0)]))
    for match in _anaphors().finditer(text):
        found.append(Mention("anaphor", base + match.start(), base + match.end(), match.group(0)))
    return sorted(found, key=lambda m: m.start)


@cache
def _anaphors() -> re.Pattern[str]:
    phrases = sorted(lexicon.anaphors(), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b", re.IGNORECASE)


@lru_cache(maxsize=64)
def _words(names: tuple[str, ...]) -> re.Pattern[str]:
    """Names already seen in the document, found again as whole words (surnames included)."""
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b")


def _sents(doc: Doc) -> list[Span]:
    """Sentences from the sentencizer's flags, read as an array (Doc.sents walks every token)."""
    starts = [int(i) for i in numpy.flatnonzero(doc.to_array("SENT_START") == 1)] or [0]
    bounds = [*starts[1:], len(doc)]
    return [doc[s:e] for s, e in zip(starts, bounds, strict=True) if e > s]


def sentences(text: str) -> list[Sentence]:
    """Split the text into sentences carrying their body, person and anaphor mentions."""
    chunks = list(paragraphs(text))
    surnames: dict[str, str] = {}
    found: list[Sentence] = []
    for number, ((base, _), doc) in enumerate(zip(chunks, nlp().pipe(c for _, c in chunks), strict=True)):
        mentions = _mentions(doc, base, surnames)
        for sent in _sents(doc):
            start, end = base + sent.start_char, base + sent.end_char
            inside = [m for m in mentions if start <= m.start < end]
            found.append(Sentence(len(found), start, end, sent.text, number, inside))
    return found
