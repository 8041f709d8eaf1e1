"""A broad, low-confidence recall net for exits (docs/extraction.md, "The recall net").

The precise rules in `exits.py` read each trigger pattern through the parse and drop what they
cannot place. This module reads the same vocabulary as lemmas (`fallback` in
`data/extraction.yaml`) and proposes one exit, at `CONFIDENCE`, for a person the text makes an
envoy and for whom the precise rules proposed nothing: the person is the trigger's party in the
parse (subject of "resign", object or passive subject of "expel", owner of "his defection"), or
else the nearest person named in the trigger's clause. A negated, hedged, conditional, demanded
or generic trigger gives nothing (the checks the precise rules use).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import cache
from typing import Any

from spacy.tokens import Token

from legation.extraction import clauses, context, exits, lexicon, pipeline
from legation.extraction.pipeline import Mention, Sentence

CONFIDENCE = 0.5  # below the 0.6 band: a guess for the reviewer, never in the >= 0.8 band


@cache
def lemmas() -> dict[str, str]:
    """Lemma (lower case) -> exit type."""
    table = lexicon.load()["fallback"]["lemmas"]
    return {lemma: code for code, words in table.items() for lemma in words}


@cache
def self_acts() -> frozenset[str]:
    """Exit types told of their subject ("X resigned"), not of their object ("expelled X")."""
    return frozenset(lexicon.load()["fallback"]["self"])


def find(
    sentences: list[Sentence], found: list[exits.Found], facts: exits.Facts, years: context.Years
) -> list[exits.Found]:
    """The guessed exits of persons who have none in `found`, at most one per person."""
    had = {w for f in found if f.record.get("person") for w in _words(f.record["person"])}
    memo: list[list[str]] = []

    def dominant() -> list[str]:  # read only when a guess needs it
        if not memo:
            memo.append(_dominant(sentences))
        return memo[0]

    havens: list[set[str]] = []

    def refuges() -> set[str]:  # read only when a defection's guess needs it
        if not havens:
            havens.append(_refuges(sentences))
        return havens[0]

    guesses: list[exits.Found] = []
    for sentence in sentences:
        if sentence.span is None or _headline(sentence.text):
            continue
        for token in sentence.tokens:
            code = lemmas().get(token.lemma_.lower())
            if code is None or not _event(sentence, token):
                continue
            mention, parsed = _party(sentence, token, code)
            envoy = _envoy_argument(sentence, token, code) if mention is None else None
            if envoy is not None and not exits._from_party(sentence, token):
                state = exits.states_around(sentence, envoy)[0]
                later = _named_after(sentences, sentence.index, facts, had, envoy)
                record = (
                    _record(sentence, token, code, later, facts, years, dominant, True, state, refuges)
                    if later
                    else None
                )
                if later is not None and later.key and record is not None:
                    had |= _words(later.key)
                    guesses.append(exits.Found(record, later.key, sentence.index))
                continue
            if mention is None or not mention.key or _words(mention.key) & had or _inside(sentence, token, mention):
                continue
            if exits._from_party(sentence, token):
                continue  # "expelled from the opposition party"
            pronoun = mention.kind != "person" and token.pos_ not in ("NOUN", "PROPN")
            if mention.key not in facts.roles and pronoun:
                continue  # "he defected" only for one the text makes an envoy ("his expulsion" binds
                # the pronoun to the event closely enough); a headline's capitals are no names
            record = _record(sentence, token, code, mention, facts, years, dominant, parsed, refuges=refuges)
            if record is None:
                continue
            had |= _words(mention.key)
            unnamed = _unnamed_before(found, sentence.index, record["exit_type"])
            if unnamed is not None and mention.key not in facts.roles and not facts.citizenship.get(mention.key):
                unnamed.record["person"] = mention.key  # "An American diplomat was ordered to leave ...
                unnamed.key = mention.key  # Mr. Norman's expulsion": the name fills the envoy told by role
                unnamed.record["confidence"] = min(unnamed.record["confidence"], FILLED)
                continue
            guesses.append(exits.Found(record, mention.key, sentence.index))
    return guesses


FILLED = 0.6  # an unnamed envoy's exit that a later name with no role of its own fills


def _unnamed_before(found: list[exits.Found], index: int, exit_type: str) -> exits.Found | None:
    """The one exit of that type told before the sentence of an envoy named by role only, when
    the text tells exactly one such exit: the later bare name is most likely his."""
    same = [f for f in found if f.record["exit_type"] == exit_type and not f.record.get("group")]
    unnamed = [f for f in same if not f.record.get("person")]
    if len(unnamed) != 1 or unnamed[0].sentence >= index or unnamed[0].record.get("count"):
        return None
    sending = unnamed[0].record["sending_state"]
    if any(f.record.get("person") and f.record["sending_state"] == sending for f in same):
        return None  # a named envoy of that state is the one told by role
    return unnamed[0]


AHEAD = 3  # sentences after an exit told of "a diplomat" searched for the envoy's name


def _envoy_argument(sentence: Sentence, token: Token, code: str) -> Token | None:
    """The party of a trigger when it is one envoy named by role only: "a diplomat defected",
    "the ambassador was expelled"."""
    for argument in _arguments(token, code):
        role = lexicon.roles().get(argument.lower_)
        if role is not None and role not in exits.NOT_ENVOYS and argument.tag_ != "NNS":
            return argument
    return None


def _named_after(
    sentences: list[Sentence], index: int, facts: exits.Facts, had: set[str], envoy: Token
) -> Mention | None:
    """The envoy the next sentences name: the first person there whom the text gives an envoy's
    role (officials passed over), provided no exit is told of that person already. A head of
    mission is not "a diplomat" told before him ("expelled a Russian diplomat ... summoned the
    Russian ambassador, X")."""
    role = lexicon.roles().get(envoy.lower_)
    known = {m.key for s in sentences[: index + 1] for m in s.of("person") if m.key}
    for sentence in sentences[index + 1 : index + 1 + AHEAD]:
        for mention in sentence.of("person"):
            if not mention.key or _words(mention.key) & had:
                return None
            if mention.key in known:
                return None  # one the text named before "an ambassador" (its speaker) is not he
            phrase = facts.roles.get(mention.key)
            if phrase is not None and phrase.role in exits.NOT_ENVOYS:
                continue  # the minister who announced it is no envoy
            if phrase is None:
                return None  # an unplaced name: not surely the envoy
            if phrase.role in exits.HEADS and role not in exits.HEADS:
                return None
            return mention
    return None


def _words(name: str) -> set[str]:
    """The words of a name: a person who shares one with an exited person is taken to be that one
    ("Petrov" and a "Petrov Affair" the model read as a name)."""
    return {w.lower().strip(".,") for w in name.split() if len(w.strip(".,")) > 2}


@cache
def envoy_acts() -> frozenset[str]:
    """Exit types whose word itself tells of a state's servant ("was expelled", "defected"): they
    need no role phrase for the person."""
    return frozenset(lexicon.load()["fallback"]["envoy"])


def _event(sentence: Sentence, token: Token) -> bool:
    """Whether the trigger tells something that happened: not negated, hedged, conditional,
    demanded, generic, a stance or a wish."""
    start = sentence.offset(token)
    if clauses.reaches(sentence, context.hedges(sentence, start), token):
        return False
    if token.dep_ == "ccomp" and token.head.lemma_ in ("hope", "want", "wish", "plan", "intend"):
        return False
    return not (
        clauses.negated(token)
        or clauses.alternative(token)
        or clauses.denied(token)
        or clauses.generic(token)
        or clauses.stance(token)
        or clauses.demanded(token)
        or token.dep_ == "amod"  # "the ousted president": a description
        or any(c.dep_ == "aux" and c.lower_ in ("will", "shall", "would") for c in token.children)
    )


def _party(sentence: Sentence, token: Token, code: str) -> tuple[Mention | None, bool]:
    """The person the trigger is about: its party through the parse, else the nearest person in
    its clause who is not the one acting on someone else ("President X expelled ...")."""
    arguments = _arguments(token, code)
    for argument in arguments:
        mention = exits._person_near(sentence, argument)
        if mention is not None:
            return mention, True
    if arguments:
        return None, True  # the parse gives a party, and it is no person: "Britain expelled 23 diplomats"
    acting = set()
    if token.pos_ not in ("NOUN", "PROPN") and code not in self_acts() and not clauses.passive(token):
        acting = {t.i for s in clauses.subjects(token) for t in s.subtree}
    verb = _clause_verb(token)
    near = [
        (abs(t.i - token.i), mention)
        for mention in sentence.of("person")
        if (t := sentence.token_at(sentence.local(mention.start))) is not None
        and t.i not in acting
        and _clause_verb(t) == verb
        and not exits.speaker(sentence, mention)  # "X said that ... including the expulsion of an envoy"
    ]
    return (min(near, key=lambda pair: pair[0])[1] if near else None), False


def _arguments(token: Token, code: str) -> list[Token]:
    """The trigger's party in the parse: the object of the declaration in "declared X persona non
    grata", the owner of a noun ("his defection"), the subject of a self-act ("X resigned"), else
    the object or passive subject ("expelled X", "X was recalled")."""
    if token.lower_ in clauses.PNG_WORDS:
        verb = _clause_verb(token)
        return clauses.patients(verb) if verb is not token else []
    if token.pos_ in ("NOUN", "PROPN"):
        return _owners(token)
    return clauses.subjects(token) if code in self_acts() else clauses.patients(token)


SEEKS = frozenset({"seek", "request", "ask", "apply", "claim", "tender", "submit", "announce", "hand", "receive"})


def _owners(noun: Token) -> list[Token]:
    """Whose event a noun names: "his resignation", "the defection of X", or the subject of a
    verb that asks for or announces it ("X applied for asylum"); "Y offered X asylum" gives none."""
    found = [c for c in noun.children if c.dep_ == "poss"]
    found += [c for p in noun.children if p.dep_ == "prep" and p.lower_ in ("of", "by") for c in p.children]
    node = noun
    while not found and node.dep_ in ("dobj", "pobj", "prep") and node.head != node:
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            found = clauses.subjects(node) if node.lemma_ in SEEKS else []
            break
    return [t for o in found for t in clauses.coordinated(o)]


def _clause_verb(token: Token) -> Token:
    node, steps = token, 0
    while node.pos_ not in ("VERB", "AUX") and node.head != node and steps < 6:
        node, steps = node.head, steps + 1
    return node


def _record(
    sentence: Sentence,
    token: Token,
    code: str,
    mention: Mention,
    facts: exits.Facts,
    years: context.Years,
    dominant: Callable[[], list[str]],
    parsed: bool,
    told: str | None = None,
    refuges: Callable[[], set[str]] = set,
) -> dict[str, Any] | None:
    if code not in self_acts() and exits.speaker(sentence, mention, token):
        return None  # "X said that the expulsion of an ambassador would be considered": X tells it
    key = mention.key or mention.text
    phrase = facts.roles.get(key)
    if phrase is not None and phrase.role in exits.NOT_ENVOYS:
        return None  # a minister's resignation is no exit
    if phrase is None and (code not in envoy_acts() or not parsed):
        return None  # "X resigned" or "X died" is an exit only for one the text makes an envoy, and
        # a person with no role is taken only as the trigger's party in the parse
    if phrase is not None and phrase.former and code in ("died", "retired"):
        return None
    if code == "died" and key in facts.former:
        return None  # the text tells this death of a former envoy
    here = sentence.start <= mention.start < sentence.end and mention.kind == "person"
    around, posts = exits._states_of(sentence, mention) if here else (None, [])
    sending = (phrase.sending if phrase else None) or facts.citizenship.get(key) or around or told
    if told and sending != told:
        return None  # "a Czech diplomat defected ... the Polish envoy X": another state's envoy
    receiving = (phrase.receiving if phrase else None) or next(iter(posts), None)
    acting = _acting(sentence, token, facts) if code not in self_acts() else set()
    if code in REFUGE_CODES:
        acting = acting | refuges()  # "defected to the United States": the haven never sent him
    sending = sending or next((s for s in dominant() if s != receiving and s not in acting), None)
    if sending is None:
        return None
    start, end = sentence.offset(token), sentence.offset(token) + len(token.text)
    return {
        "person": key,
        "group": None,
        "count": None,
        "role": phrase.role if phrase else "diplomat",
        "sending_state": sending,
        "receiving_state": receiving if receiving != sending else None,
        "exit_type": exits._exit_type(code, sentence, start),
        "destination": None,
        "reason": None,
        "next_role": None,
        "consequences": [],
        "certainty": context.certainty(sentence.text),
        "evidence": context.evidence(sentence, start, end),
        "confidence": CONFIDENCE,
        "year": years.at(sentence, start, token),
    }


REFUGE_CODES = frozenset({"defected", "sought_asylum"})
REFUGE = re.compile(
    r"\b(?:defect(?:ed|s|ing)?|fled|flee(?:s|ing)?|escaped|asylum)\s+(?:\w+\s+)?(?:to|in)\s+(?:the\s+)?$", re.IGNORECASE
)


def _refuges(sentences: list[Sentence]) -> set[str]:
    """The states a text names as where someone defected or sought asylum ("defected to the
    United States", "asylum in Canada"): never a defector's sending state."""
    found: set[str] = set()
    for sentence in sentences:
        for body in sentence.of("body"):
            before = sentence.text[max(0, sentence.local(body.start) - 40) : sentence.local(body.start)]
            if body.key and REFUGE.search(before):
                found.add(body.key)
    return found


def _headline(text: str) -> bool:
    """A headline: every word capitalised and no full stop ("Rivals Expel Envoy, Cite Plot"), or one
    the pipeline takes for one. The NER takes any run of capitals there for a name."""
    words = [w for w in text.split() if w[:1].isalpha()]
    capitals = len(words) >= 4 and all(w[0].isupper() for w in words) and not text.rstrip().endswith(".")
    return capitals or pipeline.title_case(text)


def _inside(sentence: Sentence, token: Token, mention: Mention) -> bool:
    """A "person" that is the trigger's own words ("Persona Non Grata" read as a name)."""
    at = sentence.start + sentence.offset(token)
    return mention.start <= at < mention.end


def _acting(sentence: Sentence, token: Token, facts: exits.Facts) -> set[str]:
    """The states that expel, recall or dismiss: not the state of the one they act on."""
    states = set(exits.subject_states(sentence, token, facts)) if token.pos_ not in ("NOUN", "PROPN") else set()
    actor = exits._actor(sentence, token, facts)
    return states | ({actor} if actor else set())


def _dominant(sentences: list[Sentence]) -> list[str]:
    """The states the text names, most named first: those named as owners of a person, an office
    or a mission before those named only as places or actors (international bodies left out)."""
    owning: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for sentence in sentences:
        for body in sentence.of("body"):
            if not body.key or not exits._state(body.key):
                continue
            counts[body.key] += 1
            token = sentence.token_at(sentence.local(body.start))
            if token is not None and token.dep_ in ("amod", "compound", "poss", "nmod"):
                owning[body.key] += 1  # "a Czech diplomat", "Kenya's envoy": a state with people of its own
    return [code for code, _ in owning.most_common()] + [code for code, _ in counts.most_common() if code not in owning]
