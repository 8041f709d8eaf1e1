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

from collections import Counter
from functools import cache
from typing import Any

from spacy.tokens import Token

from legation.extraction import clauses, context, exits, lexicon
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
    had = {_surname(f.record["person"]) for f in found if f.record.get("person")}
    dominant = _dominant(sentences)
    guesses: list[exits.Found] = []
    for sentence in sentences:
        if sentence.span is None or not sentence.of("person") and not sentence.of("anaphor"):
            continue
        for token in sentence.span:
            code = lemmas().get(token.lemma_.lower())
            if code is None or not _event(sentence, token):
                continue
            mention = _party(sentence, token, code)
            if mention is None or not mention.key or _surname(mention.key) in had:
                continue
            record = _record(sentence, token, code, mention, facts, years, dominant)
            if record is None:
                continue
            had.add(_surname(mention.key))
            guesses.append(exits.Found(record, mention.key, sentence.index))
    return guesses


def _surname(name: str) -> str:
    return name.split()[-1].lower() if name.split() else name.lower()


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
        or clauses.generic(token)
        or clauses.stance(token)
        or clauses.demanded(token)
        or token.dep_ == "amod"  # "the ousted president": a description
        or any(c.dep_ == "aux" and c.lower_ in ("will", "shall", "would") for c in token.children)
    )


def _party(sentence: Sentence, token: Token, code: str) -> Mention | None:
    """The person the trigger is about: its party through the parse, else the nearest person in
    its clause who is not the one acting on someone else ("President X expelled ...")."""
    if token.pos_ in ("NOUN", "PROPN"):
        arguments = clauses.owners(token)
    elif code in self_acts():
        arguments = clauses.subjects(token)
    else:
        arguments = clauses.patients(token)
    for argument in arguments:
        mention = exits._person_near(sentence, argument)
        if mention is not None:
            return mention
    if arguments:
        return None  # the parse gives a party, and it is no person: "Britain expelled 23 diplomats"
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
    ]
    return min(near, key=lambda pair: pair[0])[1] if near else None


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
    dominant: list[str],
) -> dict[str, Any] | None:
    key = mention.key or mention.text
    phrase = facts.roles.get(key)
    if phrase is None or phrase.role in exits.NOT_ENVOYS:
        return None  # only a person the text makes an envoy: a minister's resignation is no exit
    if phrase.former and code in ("died", "retired"):
        return None
    around, posts = exits._states_of(sentence, mention) if mention.kind == "person" else (None, [])
    sending = phrase.sending or facts.citizenship.get(key) or around
    receiving = phrase.receiving or next(iter(posts), None)
    sending = sending or next((s for s in dominant if s != receiving), None)
    if sending is None:
        return None
    start, end = sentence.offset(token), sentence.offset(token) + len(token.text)
    return {
        "person": key,
        "group": None,
        "count": None,
        "role": phrase.role,
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


def _dominant(sentences: list[Sentence]) -> list[str]:
    """The states the text names, most named first (international bodies left out)."""
    counts = Counter(m.key for s in sentences for m in s.of("body") if m.key and exits._state(m.key))
    return [code for code, _ in counts.most_common()]
