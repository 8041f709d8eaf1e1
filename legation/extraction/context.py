"""What the rules need around a trigger: who "he" is, which role phrase names whom, whether the
clause is hedged, the year, and how certain the source sounds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Token

from legation.extraction import lexicon, pipeline
from legation.extraction.pipeline import Mention, Sentence
from legation.registry import bodies

YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
SAME_YEAR = re.compile(r"\b(?:the same year|that year|later that year)\b", re.IGNORECASE)
CLAUSE_BREAK = re.compile(r"[;:—–]|,\s+(?:but|while|whereas)\b|\bbut\b")
PAST = re.compile(r"\b(?:was|were|had been|former|ex-|formerly|then)\s*(?:the\s+)?(?:\w+\s+){0,2}$", re.IGNORECASE)
FORMER = re.compile(r"\b(?:former|ex-|formerly|retired)\s*(?:\w+\s+){0,2}$", re.IGNORECASE)
CREDIT = re.compile(r"(?:\bby|photo:?|credit:?|\()\s*$", re.IGNORECASE)  # bylines and photo credits
UNTIL = r"(?:until (?:recently|(?:this|last) \w+|\w+ \d{4}|\d{4}) )?"  # "who was until last month the envoy"
APPOSITION = re.compile(
    r"\s*(?:\([^()]{4,24}\)\s*)?[,|]\s*(?:who (?:is|was) " + UNTIL + r")?"  # "X (1909–2004), counsellor"
    r"(?:the |a |an )?(?:former |then[- ])?(?:[\w.'’\-]+\s+){0,2}"
    r"|\s*,?\s+(?:is|was|as|became|becomes|served as|serves as|(?:listed|described|registered) as"
    r"|was appointed|was named|had been|has been"
    r"|(?:had |has )?held the post of|(?:was|is|has been|had been) serving as|who (?:had been|served as|was))\s+"
    r"(?:no longer )?(?:the |a |an |their |its |his |her )?(?:former |then[- ])?(?:[\w.'’\-]+\s+){0,2}"
)
MISSION_AFTER = re.compile(
    r"\s+(?:embassy|consulate|consulate general|high commission|mission|legation)(?:\s+(?:in|to)\s+(?:the\s+)?)?",
    re.IGNORECASE,
)
LOOKAHEAD = 3  # sentences searched for the person a leading pronoun points to


@dataclass
class RolePhrase:
    """ "U.S. ambassador to Estonia": a role with the states around it, and who it names."""

    role: str
    start: int  # local offsets in the sentence
    end: int
    sending: str | None = None
    receiving: str | None = None
    person: str | None = None
    past: bool = False
    former: bool = False  # "former ambassador": the post ended before what the sentence tells


FUTURE = frozenset({"will", "would", "shall", "'ll", "’ll"})  # the auxiliaries of a future told


def announced_future(token: Token, reports: frozenset[str], *, past_report: bool, main_clause: bool) -> set[int]:
    """The future auxiliaries of a trigger whose clause announces a decision: a clause that a verb
    of `reports` reports ("said X would be expelled"; only a past one when `past_report`), or the
    sentence's main clause when `main_clause` ("Italy will expel 30 diplomats"). Empty otherwise.
    Exits and measures each test the sentence for a condition or threat first, with their own words."""
    clause = token
    while clause.dep_ == "conj" and clause.head != clause:  # "said it had taken note and would recall"
        clause = clause.head
    reported = clause.dep_ == "ccomp" and clause.head.lemma_ in reports
    if reported and past_report and clause.head.tag_ not in ("VBD", "VBN"):
        reported = False
    if not (reported or (main_clause and clause.dep_ == "ROOT")):
        return set()
    return {c.i for c in token.children if c.dep_ in ("aux", "auxpass") and c.lower_ in FUTURE}


def resolve(sentences: list[Sentence]) -> None:
    """Point each anaphor at the person in subject position of the sentences before it.

    The subject is the first person a sentence names (or the one its leading pronoun points to);
    a pronoun before any person is named looks a few sentences ahead instead ("His calls go
    unanswered ... Russian ambassador Anatoly Antonov").
    """
    salient: str | None = None
    holders: dict[str, str] = {}  # person -> role, in the order the text names them
    for i, sentence in enumerate(sentences):
        subject = _grammatical_subject(sentence)
        opens = i == 0 or sentences[i - 1].paragraph != sentence.paragraph
        if opens and subject is None and _unnamed_subject(sentence):
            salient = None  # a paragraph on "The Qatari ambassador": its "he" is no man named before it
        for mention in sentence.mentions:
            if mention.kind == "person":
                if not CREDIT.search(sentence.text[: sentence.local(mention.start)][-12:]):
                    subject = subject or mention.key
            elif mention.kind == "anaphor":
                forward = None if mention.text.lower().startswith("the ") else _ahead(sentences, i)
                mention.key = _holder(mention.text, holders) or subject or salient or forward
                subject = subject or mention.key
        salient = subject or salient
        for phrase in role_phrases(sentence):  # its anaphors are resolved: the phrases `read` reads
            if phrase.person:
                holders.pop(phrase.person, None)
                holders[phrase.person] = phrase.role


ENVOYS = frozenset(
    {"ambassador", "charge_d_affaires", "special_envoy", "deputy_chief_of_mission", "consul", "diplomat"}
)


GENERIC_ROLES = frozenset({"diplomat", "special_envoy"})  # "the diplomat" is any envoy; "the ambassador" one


def _holder(anaphor: str, holders: dict[str, str]) -> str | None:
    """ "The envoy" is the last envoy the text named, not the spokesman who speaks of him."""
    words = anaphor.lower().split()
    if len(words) < 2 or words[0] != "the":
        return None
    role = lexicon.roles().get(words[-1])
    if role is None:
        return None
    wanted = ENVOYS if role in ENVOYS else {role}
    exact = None if role in GENERIC_ROLES else next((p for p, held in reversed(holders.items()) if held == role), None)
    return exact or next((person for person, held in reversed(holders.items()) if held in wanted), None)


def _unnamed_subject(sentence: Sentence) -> bool:
    """Whether the main verb's subject is an envoy the sentence names by role alone."""
    if sentence.span is None:
        return False
    for token in sentence.span.root.children:
        if token.dep_ in ("nsubj", "nsubjpass") and token.pos_ == "NOUN":
            first, last = token.left_edge.idx, token.right_edge.idx + len(token.right_edge.text)
            inside = [
                m for m in sentence.mentions if first <= m.start - sentence.start + sentence.span.start_char < last
            ]
            kinds = {m.kind for m in inside}  # "The Qatari ambassador", not "the diplomat" or "X, the envoy"
            return lexicon.roles().get(token.lower_) in ENVOYS and kinds == {"body"}
    return False


def _grammatical_subject(sentence: Sentence) -> str | None:
    """The person who is the subject of the main verb: "On his dismissal, Chamov said" makes
    "his" Chamov, though the pronoun comes first."""
    if sentence.span is None:
        return None
    root = sentence.span.root
    for token in root.children:
        if token.dep_ in ("nsubj", "nsubjpass"):
            mention = sentence.mention_of(token, ("person",))
            if mention is not None and not CREDIT.search(sentence.text[: sentence.local(mention.start)][-12:]):
                return mention.key
    return None


def _ahead(sentences: list[Sentence], i: int) -> str | None:
    for later in sentences[i + 1 : i + 1 + LOOKAHEAD]:
        if later.paragraph != sentences[i].paragraph and later.paragraph > sentences[i].paragraph + 1:
            return None
        for person in later.of("person"):
            if not CREDIT.search(later.text[: later.local(person.start)][-12:]):
                return person.key
    return None


def people(sentence: Sentence) -> list[Mention]:
    """Persons named or pointed to, in order."""
    return [m for m in sentence.mentions if m.kind in ("person", "anaphor") and m.key]


def _body_near(sentence: Sentence, start: int, end: int) -> Mention | None:
    for mention in sentence.of("body"):
        local = sentence.local(mention.start)
        if start <= local < end:
            return mention
    return None


def role_phrases(sentence: Sentence) -> list[RolePhrase]:
    """The role phrases of a sentence, computed once (facts, exits and postings all read them)."""
    if "roles" not in sentence.memo:
        sentence.memo["roles"] = _role_phrases(sentence)
    found: list[RolePhrase] = sentence.memo["roles"]  # type: ignore[assignment]
    return found


def _role_phrases(sentence: Sentence) -> list[RolePhrase]:
    found: list[RolePhrase] = []
    text = sentence.text
    for match in lexicon.role_pattern().finditer(text):
        phrase = RolePhrase(lexicon.roles()[match.group(0).lower()], match.start(), match.end())
        before = _body_before(sentence, match.start())
        phrase.sending = before.key if before else None
        owner = _owner_of_body(sentence, before) if before else None
        if owner is not None and before is not None:  # "Iraq's deputy U.N. ambassador": Iraq's, at the UN
            phrase.sending, phrase.receiving = owner.key, before.key
        joined = r"\s+(?:the\s+)?" if match.group(0).lower().endswith(" to") else r"\s+(?:to|in|at|of)\s+(?:the\s+)?"
        after = re.match(joined, text[match.end() :])
        if after:
            body = _body_near(sentence, match.end(), match.end() + after.end() + 1)
            if body and sentence.local(body.start) == match.end() + after.end():
                mission = MISSION_AFTER.match(text, sentence.local(body.end))
                if mission:  # "deputy chief of mission at the U.S. embassy in Lusaka": the owner sends
                    phrase.sending = phrase.sending or body.key
                    place = _body_near(sentence, mission.end(), mission.end() + 1)
                    phrase.receiving = place.key if place else None
                    phrase.end = sentence.local(place.end) if place else mission.end()
                elif after.group(0).strip().startswith("of") and not match.group(0).lower().endswith(" to"):
                    phrase.sending = phrase.sending or body.key
                    phrase.end = sentence.local(body.end)
                else:
                    phrase.receiving = body.key
                    phrase.end = sentence.local(body.end)
        phrase.past = bool(PAST.search(text[max(0, match.start() - 40) : match.start()]))
        phrase.former = bool(FORMER.search(text[max(0, match.start() - 40) : match.start()]))
        phrase.person = _named(sentence, phrase)
        found.append(phrase)
    return found


def _body_before(sentence: Sentence, start: int) -> Mention | None:
    """A demonym or state right before a role word: "U.S. ambassador", "Russian climate envoy"."""
    for mention in reversed(sentence.of("body")):
        end = sentence.local(mention.end)
        if end <= start:
            gap = sentence.text[end:start]
            if not re.fullmatch(r"(?:['’]s)?\s+(?:[A-Za-z\-]+\s+){0,2}", gap) or _verb_between(sentence, end, start):
                return None  # "Moscow expelled diplomat X": the state acts on him, it does not send him
            return mention
    return None


def _owner_of_body(sentence: Sentence, body: Mention) -> Mention | None:
    """The state that owns an international body's envoy: "Iraq's" in "Iraq's deputy U.N. ambassador"."""
    if not _international(body.key):
        return None
    owner = _body_before(sentence, sentence.local(body.start))
    if (
        owner is None
        or _international(owner.key)
        or not re.match(r"['’]s\b", sentence.text[sentence.local(owner.end) :])
    ):
        return None
    return owner


def _international(code: str | None) -> bool:
    body = bodies.registry().get(code or "")
    return body is not None and body.kind == "international"


def _verb_between(sentence: Sentence, start: int, end: int) -> bool:
    if sentence.span is None:
        return False
    return any(t.pos_ in ("VERB", "AUX") for t in sentence.tokens if start <= sentence.offset(t) < end)


def _named(sentence: Sentence, phrase: RolePhrase) -> str | None:
    """The person a role phrase names: right after it, or in apposition right before it."""
    for mention in people(sentence):
        local, local_end = sentence.local(mention.start), sentence.local(mention.end)
        if (
            mention.kind != "anaphor"
            and local >= phrase.end
            and re.fullmatch(
                rf"\s*(?:\([A-Z.]{{2,8}}\))?\s*[,|]?(?:\s*{pipeline.RANKS})*\s*", sentence.text[phrase.end : local]
            )
        ):  # "the attache he accused of spying": a pronoun after a role noun is no name
            return mention.key
        gap = sentence.text[local_end : phrase.start]
        for body in sentence.of("body"):  # "Howard Felchlin, United States Assistant Military Attache"
            if local_end <= sentence.local(body.start) and sentence.local(body.end) <= phrase.start:
                gap = gap.replace(body.text, "", 1)
        gap = re.sub(r"\s+", " ", gap)  # ", a Soviet deputy attache" less its state leaves two spaces
        if local_end <= phrase.start and APPOSITION.fullmatch(gap):
            return mention.key
    return _equated(sentence, phrase) or _fronted(sentence, phrase)


def _equated(sentence: Sentence, phrase: RolePhrase) -> str | None:
    """ "Jo, 48, has been acting ambassador in Rome since 2017": the person a copula says holds the role."""
    noun = sentence.token_at(phrase.start)
    while noun is not None and noun.dep_ in ("amod", "compound") and noun.head != noun:
        noun = noun.head  # "acting ambassador": the role's noun
    if noun is None or noun.dep_ != "attr" or noun.head.lemma_ != "be":
        return None
    for subject in (c for c in noun.head.children if c.dep_ == "nsubj"):
        mention = sentence.mention_of(subject, ("person",))
        if mention is not None and mention.key:
            return mention.key
    return None


def _fronted(sentence: Sentence, phrase: RolePhrase) -> str | None:
    """ "The U.S. ambassador to Afghanistan from 1978 to 1979, X was killed": a role phrase that
    opens the sentence, set off by a comma, is said of the subject of the verb it hangs on."""
    role = sentence.token_at(phrase.start)
    if role is None or sentence.span is None or role.left_edge.i != sentence.span.start:
        return None
    verb = role.head
    if role.dep_ not in ("dep", "npadvmod", "appos", "nsubj", "nsubjpass") or verb.pos_ not in ("VERB", "AUX"):
        return None
    for subject in (c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.i > role.right_edge.i):
        comma = subject.doc[subject.left_edge.i - 1]
        mention = sentence.mention_of(subject, ("person",))
        if comma.text == "," and mention is not None and mention.key:
            return mention.key
    return None


def hedged(sentence: Sentence, start: int, since: int = 0) -> bool:
    """True when the clause before a trigger negates it, makes it hypothetical, or urges it.

    `since` starts the clause later: at the noun an infinitive hangs on ("the U.S. decision to
    shut": what "will" said before it does not hedge the shutting)."""
    return bool(hedges(sentence, start, since))


WINDOW = re.compile(r"(?:\S+\s+){0,8}\S*$")  # the last eight words before a trigger


def hedges(sentence: Sentence, start: int, since: int = 0) -> list[int]:
    """The local offsets of the hedge words in the clause before a trigger (see `hedged`)."""
    head = sentence.text[since:start]
    breaks = list(CLAUSE_BREAK.finditer(head))
    begin = since + (breaks[-1].end() if breaks else 0)
    window = WINDOW.search(sentence.text, begin, start)
    at = window.start() if window else begin
    return [at + m.start() for m in lexicon.pattern("hedges").finditer(sentence.text[at:start])]


def generic(sentence: Sentence, start: int, word: str) -> bool:
    """A gerund or infinitive after a preposition ("by resigning", "to resign") is no event."""
    before = sentence.text[:start].split()[-1:] or [""]
    gerund = word.lower().split()[0].endswith("ing")
    after_prep = re.fullmatch(lexicon.load()["generic_before"], before[0].lower()) is not None
    return gerund or (after_prep and not word.lower().startswith(("his", "her", "their")))


def year(sentence: Sentence, previous: int | None) -> int | None:
    found = YEAR.findall(sentence.text)
    if found:
        return int(found[0])
    return previous if SAME_YEAR.search(sentence.text) else None


DATELINE = re.compile(
    r"\b(?:(?P<compact>(?:19|20)\d\d)(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01])\b"
    r"|(?P<iso>(?:19|20)\d\d)-\d\d-\d\d"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? "
    r"(?P<us>(?:19|20)\d\d)"
    r"|\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]* (?P<uk>(?:19|20)\d\d))"
)
RELATIVE_YEAR = re.compile(r"\b(?:last|previous) year\b", re.IGNORECASE)
HEAD = 400  # characters at the top of a text where a dateline stands
BOUND = re.compile(r"\b(?:until|since|till|through|between|from)\s+(?:\w+\s+)?$", re.IGNORECASE)
SINCE = re.compile(r"\bsince\s+(?:\w+\s+)?$", re.IGNORECASE)
DEICTIC = re.compile(
    r"\b(?:today|yesterday|tonight|this (?:week|month|year|morning|evening)|last (?:week|month|night|weekend)"
    r"|on (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|currently|now|recently|earlier this \w+)\b",
    re.IGNORECASE,
)


def _recent(sentence: Sentence) -> bool:
    """A sentence told from the publication date: a deictic time word, or the present (perfect)."""
    if DEICTIC.search(sentence.text):
        return True
    if sentence.span is None:
        return False
    root = sentence.span.root
    return root.tag_ in ("VBZ", "VBP") or any(c.lower_ in ("has", "have") for c in root.children)


@dataclass
class Years:
    """Where a proposal's year comes from: its sentence (the year nearest the trigger), then its
    paragraph, then the text's dateline or publication date; "last year" counts back from it."""

    published: int | None = None
    paragraphs: dict[int, int] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str, published: str | None = None) -> Years:
        found = YEAR.match(published or "") or None
        if found is None:
            match = DATELINE.search(text[:HEAD])
            year = next((g for g in match.groups() if g), None) if match else None
            return cls(int(year) if year else None)
        return cls(int(found.group(1)))

    def learn(self, sentence: Sentence) -> None:
        """Remember the paragraph's latest event year; a range bound ("until 2018") is none."""
        found = [m for m in YEAR.finditer(sentence.text) if not BOUND.search(sentence.text[: m.start()][-12:])]
        if found:
            self.paragraphs[sentence.paragraph] = int(found[-1].group(1))

    def at(self, sentence: Sentence, offset: int, token: Token | None = None) -> int | None:
        own = _own_year(token) if token is not None and token.pos_ == "NOUN" else None
        if own is not None:
            return own  # "from 1937 until his retirement in 1975": the noun's own date
        found = [
            (abs(m.start() - offset) + (0 if m.start() >= offset else 5), int(m.group(1)))
            for m in YEAR.finditer(sentence.text)
            if (token is None or dates(sentence, m.start(), token)) and not SINCE.search(sentence.text[: m.start()])
        ]  # "the first envoy to defect since 1978": a bound, not the date
        if not found and token is not None:
            return self.at(sentence, offset)
        if found:
            return min(found)[1]
        if RELATIVE_YEAR.search(sentence.text) and self.published:
            return self.published - 1
        if sentence.paragraph in self.paragraphs:
            return self.paragraphs[sentence.paragraph]
        return self.published if self.published and _recent(sentence) else None


def _own_year(noun: Token) -> int | None:
    """The year a trigger noun governs through a preposition ("his retirement in 1975")."""
    for prep in (c for c in noun.children if c.dep_ == "prep" and c.lower_ in ("in", "during")):
        for year in prep.subtree:
            if YEAR.fullmatch(year.text):
                return int(year.text)
    return None


def _clause_verb(token: Token) -> Token:
    node, steps = token, 0
    while node.pos_ not in ("VERB", "AUX") and node.head != node and steps < 6:
        node, steps = node.head, steps + 1
    return node


def dates(sentence: Sentence, local: int, token: Token) -> bool:
    """Whether the year at a local offset dates the trigger's clause: "On 5 May 2009, President X,
    who seized power after the 22 December 2008 death of Y, announced the recall": 2009 does."""
    year = sentence.token_at(local)
    return year is not None and _clause_verb(year) == _clause_verb(token)


def certainty(text: str) -> str:
    for code, pattern in lexicon.certainty():
        if pattern.search(text):
            return code
    return "confirmed"


def evidence(sentence: Sentence, start: int, end: int) -> dict[str, object]:
    """Where a proposal was read: offsets in the whole text, the words, and their sentence."""
    return {
        "start": sentence.start + start,
        "end": sentence.start + end,
        "text": sentence.text[start:end],
        "sentence": sentence.text,
    }
