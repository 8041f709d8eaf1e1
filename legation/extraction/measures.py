"""Measures: what one body does to another's mission or diplomats."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from spacy.tokens import Token

from legation.extraction import clauses, context, counts, lexicon
from legation.extraction.exits import HEADS, HOSTS_ACT, OWN, STATE_NOUNS, Facts, body_of, states_around
from legation.extraction.pipeline import Sentence, international

ORDERS = frozenset({"order", "tell", "force", "require", "instruct", "give"})
GENERIC_ACTORS = frozenset({"nations", "countries", "states", "governments", "members", "capitals", "allies"})

PARTNERED = frozenset({"relations_severed", "relations_downgraded"})
TIES = frozenset({"relations", "ties"})
HIT = frozenset({"dobj", "dative", "nsubj"})  # "declaring persona non grata two Russian officials" (misparsed)
HOST = re.compile(r"^\s+(?:in|at)\s+(?:the\s+)?$", re.IGNORECASE)

# How sure each kind of reading is, declared once so the bands can be audited: 0.8 and up is the
# band a reviewer may trust (precision >= 0.9 on the dev passages); below it the reading borrows a
# party from context or guesses. A rule takes its figure from here, never a literal of its own.
CONFIDENCE: dict[str, float] = {
    # both parties read from the parse
    "parse": 0.85,  # the subject (or "by", or owner) acts on the object's owner
    "mutual": 0.8,  # "A and B expel each other's diplomats": each way
    "own_post": 0.8,  # "Sweden closed its embassy in Islamabad": its own, there
    "called_home": 0.8,  # "the ambassador was told to return home": his state, from his post
    "reprisal_cued": 0.8,  # one party unsaid, the swap of the measure answered, with "in response"
    # one party from the parse, the other from a reading less sure
    "state_noun": 0.75,  # one party a common noun ("the kingdom") that the other party's name ruled out
    "host": 0.75,  # no actor said: the state the hit envoy is posted in, or "from X" after "expel"
    "staff_beside": 0.75,  # "the ambassador and his staff": the staff's expulsion beside his persona non grata
    "one_unnamed": 0.75,  # one unnamed diplomat, no head of mission: persona non grata or an expulsion of one
    "body_named": 0.75,  # "the suspension of Mali": by the international body the text names
    "reprisal": 0.7,  # the swap of the measure answered, with no reprisal cue
    "sibling": 0.7,  # coordinated measures share the actor of the sentence's surer readings
    "gapped": 0.7,  # "A expelled four, B three": the gapped state takes the trigger's target
    "followed": 0.7,  # "Jordan did the same": the last told measures, with a new actor
    # one party, or both, from the text around
    "exit_other": 0.65,  # a named expulsion whose expelling state is only the text's other state
    "context": 0.6,  # the other state the sentence or the text names, the actor's last target
    "reprisal_unsaid": 0.6,  # "in retaliation, the same number were expelled": neither party said
    "owner_closed": 0.6,  # "after the closure of the Swiss embassy": no one said who closed it
    "listed_after": 0.6,  # "Other countries including A and B": the last measure, each listed target
    "unnamed_member": 0.6,  # a member of a named group that the exits did not name
    "guess": 0.6,  # the positional guess in a sentence naming two states or more
    "guess_lone": 0.4,  # the positional guess with one state in the sentence
    "generic": 0.0,  # "a dozen states expelled": no state named, no measure
}
SURE = 0.8  # the top band's lower edge: a guess blocks no reading, a surer one blocks its reverse
SURER = CONFIDENCE["host"]  # the readings a sibling trigger may borrow its actor from
GUESS = CONFIDENCE["guess"]  # at or below: a guess, read after the sentence's surer readings


def _body_at(sentence: Sentence, at: int) -> str | None:
    for body in sentence.of("body"):
        if sentence.local(body.start) == at:
            return body.key
    return None


def _states_of_people(sentence: Sentence, facts: Facts) -> list[str]:
    found = []
    for mention in context.people(sentence):
        phrase = facts.roles.get(mention.key or "")
        if phrase and phrase.sending:
            found.append(phrase.sending)
    return found


def _parties(
    sentence: Sentence, trigger: Any, start: int, end: int, facts: Facts, recent: list[str]
) -> tuple[str | None, str | None]:
    bodies = sentence.of("body")
    people_states = _states_of_people(sentence, facts)
    if trigger.option("needs_body"):
        actor = _body_at(sentence, end)
        others: list[str | None] = [b.key for b in bodies if b.key != actor]
        others += people_states + recent[::-1]
        return actor, next((o for o in others if o != actor), None)
    if trigger.option("actor") == "host":
        return _harassed(sentence, recent, facts)
    before = [b.key for b in bodies if sentence.local(b.end) <= start]
    if any(
        not international(b) for b in before
    ):  # "after the Nato campaign, five officials are expelled": no body's act
        before = [b for b in before if not international(b)]
    actor = before[0] if before else (bodies[0].key if bodies else None)
    if international(actor) and trigger.code in STATES_ONLY:
        actor = next((r for r in reversed(recent) if not international(r)), None)
    others = [b.key for b in bodies if b.key != actor]
    others += people_states + recent[::-1]
    return actor, next((o for o in others if o != actor), None)


STATES_ONLY = frozenset(
    {"expulsion", "persona_non_grata", "staff_expulsion", "visa_denial", "harassment"}
)  # a guess's actor


OWNED = re.compile(
    r"^(?:'s)?\s+(?:[A-Za-z]+\s+)?(?:diplomats|embass(?:y|ies)|consulates?|missions?|ambassadors?|envoys?|"
    r"staff|diplomatic|chargé|charge|high commission)",
    re.IGNORECASE,
)
BY = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)


CLAIMED = re.compile(
    r"\b(?:alleged|allegedly|described|accus\w*|complain\w*|claim\w*|protest\w*|condemn\w*|denounc\w*)\b",
    re.IGNORECASE,
)
NONSTATE = frozenset(
    {"activist", "protester", "protestor", "student", "demonstrator", "mob", "crowd", "militant", "rioter", "gunman"}
)


def _claimed(sentence: Sentence, token: Token | None, start: int) -> bool:
    """Harassment told as one side's claim ("protested at the alleged intimidation of its staff",
    "what it called harassment"), or done by no state ("students occupied the consulate")."""
    if CLAIMED.search(sentence.text[:start]):
        return True
    doers = [*clauses.subjects(token), *clauses.preposition_objects(token, ("by",))] if token is not None else []
    return any(d.lemma_.lower() in NONSTATE for d in doers)


TRAILED = frozenset({"follow", "tail", "surveil", "bug"})


def _shadowed(verb: Token) -> bool:
    """ "Its diplomats were followed", "he was tailed": the one followed is a person (a role noun,
    a pronoun or a name), not an event that another came after."""
    patients = [c for c in verb.children if c.dep_ in ("nsubjpass", "dobj")]
    return any(p.pos_ in ("PRON", "PROPN") or lexicon.roles().get(p.lower_) or p.lemma_ in PEOPLE for p in patients)


PEOPLE = frozenset({"diplomat", "staff", "staffer", "official", "employee", "envoy", "attaché", "attache", "officer"})


STATE_ACTS = frozenset({"harassment", "intimidation"})


def _unauthored(sentence: Sentence, token: Token | None) -> bool:
    """ "Died in a rocket attack on the consulate", "citing the attack on the embassy": an attack
    told as a noun with no state after "by" names no state that did it (a mob, a militia). Harassment
    told as a noun ("months of harassment of Latvian diplomats") is a state's, read as the rest."""
    if token is None or token.pos_ not in ("NOUN", "PROPN") or token.lemma_.lower() in STATE_ACTS:
        return False
    if _by(token) or any(t.lower_ == "by" for t in token.head.children):  # "by Ecuadorian police"
        return False
    return not any(BY.search(sentence.text[: sentence.local(b.start)][-12:]) for b in sentence.of("body"))


OURS = re.compile(r"\bour\s+(?:[\w-]+\s+)?(?:diplomats|staff|embassy|mission|personnel|envoys?|ambassador)\b", re.I)


def _harassed(sentence: Sentence, recent: list[str], facts: Facts) -> tuple[str | None, str | None]:
    """Harassment hits the state whose mission or envoy the sentence names ("the Danish consulate",
    "the Kenyan envoy and his aides"), or whose statement says "our diplomats" (the text's last
    subject state); the actor is the one named after "by" ("searched by Turkish officers"), else the
    host ("in Ankara"), else the other state the sentence or the text names."""
    bodies = sentence.of("body")
    target = next((b.key for b in bodies if OWNED.search(sentence.text[sentence.local(b.end) :])), None)
    if target is None and OURS.search(sentence.text):
        target = facts.actor
    others = [b for b in bodies if b.key != target]
    by = next((b.key for b in others if BY.search(sentence.text[: sentence.local(b.start)][-12:])), None)
    host = next((b.key for b in others if HOST.search(sentence.text[: sentence.local(b.start)][-8:])), None)
    fallback = [b.key for b in others] + [r for r in reversed(recent) if r != target]
    return by or host or next(iter(fallback), None), target


def _body(sentence: Sentence, token: Token, facts: Facts) -> list[str]:
    """The bodies a party token stands for: a state, a person's state, or the state in its modifiers
    ("The Chinese Foreign Ministry", "Russia's foreign minister", "60 Russian diplomats")."""
    if token.lemma_.lower() in RELATIONAL and token.tag_ in ("NN", "NNP"):
        # "Saudi ally Bahrain", "Iran's former ally Sudan", "its neighbour Colombia": the state named
        # in apposition (or beside it as a second subject) is the party; the modifier is its partner
        beside = [c for c in token.children if c.dep_ in ("appos", "compound")]
        after = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
        if after is not None and after.dep_ == token.dep_ and after.head == token.head:
            beside.append(after)  # "Iran's former ally Sudan cut ties": two subjects in the parse
        return [b for c in beside for b in _body(sentence, c, facts)]
    found = [b for t in _coordinated(token) if (b := body_of(sentence, t) or _state_noun(sentence, t, facts))]
    if token.lower_ in GENERIC_ACTORS:  # "countries, including Peru, many EU nations and NATO": the states listed
        found = [b for b in found if not international(b)]
    if found:
        return found
    if token.lower_ in PAIR_NOUNS and any(c.lower_ in ("two", "both") for c in token.children):
        pair = [b for b in reversed(facts.named) if not international(b)][:2]
        if len(pair) == 2:
            return pair[::-1]  # "the two countries", "both sides": the last two states the text named
    if token.lower_ in ("we", "us") and token.pos_ == "PRON":
        return _reporter(sentence, facts)[:1]  # "'We are expelling four diplomats,' Chile's minister said"
    person = sentence.mention_of(token)
    if person is not None and person.key and facts.roles.get(person.key):
        sending = facts.roles[person.key].sending or facts.citizenship.get(person.key)
        sending = sending or (states_around(sentence, token)[0] if person.kind == "person" else None)
        return [sending] if sending else []  # "Foreign Minister Musalia Mudavadi of Kenya": his words
    owners = [b for p in clauses.preposition_objects(token, ("of", "from")) if (b := body_of(sentence, p))]
    if len(owners) > 1:
        return owners  # "the ambassadors of Estonia and Latvia"
    if token.lower_ in GENERIC_ACTORS and (members := _group_name(token)):
        return members  # "the three Baltic states": each of them
    if token.lower_ in ("they", "it") and token.dep_ == "nsubj" and token.head.dep_ == "ccomp":
        said = [s for s in clauses.subjects(token.head.head) if s.lower_ not in ("they", "it")]
        return [b for s in said for b in _body(sentence, s, facts)]  # "the Baltic states said they would"
    if token.lower_ in GENERIC_ACTORS:  # never "European" for "European nations"
        listed = [c for c in token.children if c.dep_ == "prep" and c.lower_ in ("including", "like")]
        listed += [c for c in token.head.children if c.dep_ == "appos"]  # "Seven nations ...: Ghana, Mali"
        listed += [c for c in token.children if c.dep_ == "appos"]  # "Gulf allies Oman and Qatar"
        bodies: list[str] = []
        for item in listed:
            for t in item.subtree:
                body = body_of(sentence, t)
                if body and body not in bodies and not international(body):  # "countries, including ... NATO"
                    bodies.append(body)
        return bodies
    sending, _ = states_around(sentence, token)
    if sending:
        return [sending]
    for inner in clauses.preposition_objects(token, ("of",)):
        if inner.pos_ in ("NOUN", "PROPN") and inner != token:
            inside = [b for b in _body(sentence, inner, facts) if b]
            if inside:
                return inside  # "the same number of British diplomats"
    if any(c.dep_ == "poss" and c.lower_ in ("their", "its") for c in token.children):
        speakers = _speakers(sentence, token, facts) or _clause_subject(sentence, token)
        if speakers:
            return speakers  # "France, Germany and Poland said Russia was expelling four of their diplomats"
    if any(c.dep_ == "poss" and _definite_state_noun(c) for c in token.children):
        return _sayer(sentence, token, facts)  # "the Dutch minister said ... two of the country's diplomats"
    if token.lower_ in ("him", "her", "them") and token.head.dep_ == "conj":
        # "summoned the French ambassador and told him to leave": him is the one summoned
        return [b for o in clauses.objects(token.head.head) if o.i < token.i for b in _body(sentence, o, facts)][:1]
    return []


PAIR_NOUNS = frozenset({"countries", "nations", "states", "neighbours", "neighbors", "sides", "governments"})


def _coordinated(token: Token) -> list[Token]:
    """A party and those coordinated with it, also when the parser makes the second item of a list
    the first one's apposition ("Costa Rica, Panama, Peru and the Dominican Republic": Panama
    the appos of Rica, the rest conjoined to Panama); a lone apposition ("the kingdom, Jordan") is
    no list."""
    found = clauses.coordinated(token)
    for child in token.children:
        if child.dep_ == "appos" and child.pos_ == "PROPN" and any(c.dep_ == "conj" for c in child.children):
            found += clauses.coordinated(child)
    return found


def _definite_state_noun(token: Token) -> bool:
    return token.lower_ in STATE_NOUNS and any(c.lower_ == "the" for c in token.children)


def _sayer(sentence: Sentence, token: Token, facts: Facts) -> list[str]:
    """The state of whoever says the clause a noun sits in: the one a speaker's "the country" is."""
    node = token
    while node.head != node:
        node = node.head
        if node.lemma_ in REPORTS:
            said = [c for c in node.children if c.dep_ == "nsubj"]
            return [b for s in said for b in _body(sentence, s, facts)][:1]
    return []


def _state_noun(sentence: Sentence, token: Token, facts: Facts) -> str | None:
    """The state "the kingdom" or "the government" stands for (the last one in subject position),
    unless its own words name one: "the US government" is the United States, read from its modifier."""
    if any(body_of(sentence, c) for c in token.children if c.dep_ in ("amod", "compound", "poss", "nmod")):
        return None
    return facts.state_of(token)


RELATIONAL = frozenset(
    {"ally", "neighbour", "neighbor", "partner", "rival", "foe", "enemy", "friend", "backer", "patron"}
)


GROUP_NAMES = {  # a group of states named as one, by a word on "states", "nations", "countries"
    "baltic": ("EST", "LVA", "LTU"),
    "benelux": ("BEL", "NLD", "LUX"),
    "nordic": ("DNK", "FIN", "ISL", "NOR", "SWE"),
    "scandinavian": ("DNK", "NOR", "SWE"),
}


def _group_name(token: Token) -> list[str]:
    words = [c.lower_ for c in token.children if c.dep_ in ("amod", "compound")]
    return next((list(GROUP_NAMES[w]) for w in words if w in GROUP_NAMES), [])


def _clause_subject(sentence: Sentence, token: Token) -> list[str]:
    """ "Norway complained about the expulsion of its consul": "its" is the state that is the subject
    of the nearest clause above the noun."""
    node = token.head
    while True:
        bodies = [b for c in node.children if c.dep_ == "nsubj" if (b := body_of(sentence, c))]
        if node.dep_ == "relcl" and (owner := body_of(sentence, node.head)):
            bodies.append(owner)  # "OSLO - Norway, which complained ...": a dateline can make it a relative clause
        if bodies or node.head == node:
            return bodies[:1]
        node = node.head


def _speakers(sentence: Sentence, token: Token, facts: Facts) -> list[str]:
    """The states a reported clause's "their" stands for: the subjects of the verb that reports it."""
    node = token
    while node.head != node and node.dep_ != "ccomp":
        node = node.head
    if node.dep_ != "ccomp":
        return []
    said = [c for c in node.head.children if c.dep_ == "nsubj"]
    return [b for s in said for t in clauses.coordinated(s) if (b := body_of(sentence, t))]


def _agents(sentence: Sentence, verb: Token, facts: Facts) -> list[str]:
    """Who takes the measure: the subject, the passive's "by", the owner of "the U.S. decision to shut"."""
    if verb.pos_ in ("NOUN", "PROPN"):
        owners = sorted((c for c in verb.children if c.dep_ in ("poss", "compound", "amod")), key=lambda c: -c.i)
        # the nearest owner that names a state: "China Protests U.S. Expulsion of 2 Diplomats" is the U.S.'s
        found = next((b for o in owners if (b := _body(sentence, o, facts))), [])
        found = [
            b for o in _by(verb) for b in _body(sentence, o, facts)
        ] or found  # "the expulsion of 23 diplomats by Britain"
        if not found and verb.dep_ == "nsubjpass":  # "The closure ... was ordered by Austria"
            agents = [c for a in verb.head.children if a.dep_ == "agent" for c in a.children if c.dep_ == "pobj"]
            found = [b for a in agents for b in _body(sentence, a, facts)]
        if found or verb.dep_ != "dobj" or verb.head.lemma_.lower() in PROTESTS:
            return found  # "China denounced the expulsion of its diplomats": who protests is not who expels
        return [b for s in clauses.subjects(verb.head) for b in _body(sentence, s, facts)]
    agents = [c for p in verb.children if p.dep_ == "agent" for c in p.children if c.dep_ == "pobj"]
    if not agents and clauses.passive(verb):  # "declared persona non grata by Minsk", "by" hung lower
        agents = [t for t in verb.subtree if t.dep_ == "pobj" and t.head.lower_ == "by" and t.i > verb.i]
    reduced = verb.dep_ == "acl" and verb.tag_ == "VBN"  # "saw 25 Soviets expelled from Britain"
    if (
        not agents and (clauses.passive(verb) or reduced) and verb.lemma_ in ("expel", "deport")
    ):  # "expelled from the United States"
        agents = [p for p in clauses.preposition_objects(verb, ("from",)) if body_of(sentence, p)]
    if not agents and clauses.passive(verb) and verb.lemma_ in ("expel", "declare"):
        # "were declared persona non grata in neighbouring Bulgaria", "expelled in Moscow": the host
        places = [t for t in verb.subtree if t.dep_ == "pobj" and t.head.lower_ == "in" and t.i > verb.i]
        agents = [p for p in places if body_of(sentence, p)][:1]
    if not agents and reduced and verb.lemma_ == "expel":
        return []  # a reduced relative's subject is its patient, not its actor
    subjects = agents or ([] if clauses.passive(verb) else _subordinated(verb) or clauses.subjects(verb))
    owned = [] if subjects or verb.dep_ != "acl" else verb.head.children  # "the U.S. decision to shut"
    if subjects and verb.dep_ == "acl" and not any(_body(sentence, s, facts) for s in subjects):
        owned = verb.head.children  # "Britain's decision to expel": the subject borrowed is the noun
    found = [b for c in owned if c.dep_ in ("poss", "compound", "amod") for b in _body(sentence, c, facts)]
    if owned:
        return found
    if not subjects and verb.dep_ == "pcomp":  # "retaliated by closing"
        subjects = clauses.subjects(verb.head.head)
    found = [b for s in subjects for b in _body(sentence, s, facts)]
    if any(s.lower_ in GENERIC_ACTORS for s in subjects):  # "countries, including the U.S., ... and NATO"
        found = [b for b in found if not international(b)]
    return found


SUBORDINATORS = frozenset({"after", "before", "since", "when", "until", "as", "because", "once", "while"})


def _subordinated(verb: Token) -> list[Token]:
    """ "after London expelled two diplomats" misparsed with London the object of "after": the noun
    right before a verb with no subject, under a subordinating word, is its subject."""
    for child in verb.children:
        if child.lower_ in SUBORDINATORS and child.i < verb.i:
            objects = [c for c in child.children if c.dep_ == "pobj" and c.right_edge.i == verb.i - 1]
            if objects:
                return objects
    return []


PROTESTS = frozenset(
    {"denounce", "condemn", "protest", "criticise", "criticize", "deplore", "regret", "decry", "slam", "reject"}
)


def _protested(noun: Token) -> bool:
    node = noun
    while node.dep_ in ("pobj", "prep", "dobj") and node.head != node:
        node = node.head
        if node.lemma_.lower() in PROTESTS:
            return True
    return False


def _by(noun: Token) -> list[Token]:
    """The "by" of a noun trigger, which the parser may hang on its "of" object ("the expulsion of
    six diplomats by Norway")."""
    return [
        c
        for t in noun.subtree
        if t.dep_ in ("prep", "agent") and t.lower_ == "by"
        for c in t.children
        if c.dep_ == "pobj"
    ]


def _targets(sentence: Sentence, verb: Token, facts: Facts, *, recall: bool = False, expel: bool = False) -> list[str]:
    """Whom the measure hits: the owner of its object ("Britain's envoy", "the U.S. consulate"),
    the partner in "relations with Britain", or the object itself."""
    if verb.pos_ in ("NOUN", "PROPN"):
        objects = clauses.preposition_objects(verb, ("of", "against", "on", "with")) or _of_after_time(verb)
    else:
        objects = [*clauses.objects(verb), *(clauses.subjects(verb) if clauses.passive(verb) else [])]
        if not any(_body(sentence, o, facts) for o in objects):
            objects += [t for t in verb.subtree if t.i > verb.i and t.dep_ in HIT and _misparsed(t, verb)]
    found: list[str] = []
    for obj in objects:
        partners = clauses.preposition_objects(obj, ("with", "against"))
        if recall and lexicon.roles().get(obj.lower_) in HEADS:  # "recalling its ambassador to Canada": his post
            posts = clauses.preposition_objects(obj, ("to", "in", "from"))
            partners = partners or [p for p in posts if body_of(sentence, p)]
        if recall and not partners and any(c.dep_ == "poss" and c.lower_ in OWN for c in obj.children):
            continue  # "decided to withdraw their ambassadors": a state recalls its own, "their" is the actor
        for token in partners or [obj]:
            for body in _body(sentence, token, facts):
                if body not in found:
                    found.append(body)
    # "the expulsion of 25 Britons from the Soviet Union": whence they go is the host, not the target
    around = ("with", "against", *(() if expel else ("from",)), *(("to",) if recall else ()))
    for partner in clauses.preposition_objects(verb, around):
        for body in _body(sentence, partner, facts):
            if body not in found:
                found.append(body)
    if not found and verb.dep_ == "pcomp" and verb.head.lower_ == "by":  # "will curb X's visits ... by cutting"
        main = verb.head.head
        while main.dep_ in ("advcl", "xcomp") and main.head != main:  # "to keep ..., by cutting"
            main = main.head
        for obj in clauses.objects(main):
            found += [b for t in obj.subtree for b in _body(sentence, t, facts) if b not in found][:1]
    if not found and verb.dep_ == "xcomp" and verb.head.lemma_ in ORDERS:
        for obj in clauses.objects(verb.head):  # "Moscow ordered the US to cut its staff"
            found += [b for b in _body(sentence, obj, facts) if b not in found]
    return found


def find(
    sentence: Sentence,
    facts: Facts,
    year: int | None,
    recent: list[str],
    years: context.Years | None = None,
    earlier: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """The measures a sentence tells; `earlier` are the document's measures so far, which a reprisal
    ("In reply, Minsk expelled 12 diplomats") answers."""
    found: list[dict[str, Any]] = []
    if not sentence.holds("measures"):
        return found
    seen: set[tuple[str, str | None, str | None]] = set()
    guessed: list[tuple[Any, Token | None, tuple[int, int], list[tuple[str | None, str | None, float]]]] = []
    for trigger in lexicon.measures():
        for match in trigger.pattern.finditer(sentence.text):
            start, end = match.span()
            token = clauses.head(sentence, start, end)
            ordered = _ordered_closure(sentence, trigger.code, token, facts)
            if ordered:  # "Chile ordered Peru to close its consulates": the host's closure
                found += _made(sentence, trigger.code, token, (start, end), ordered, seen, year, years, earlier)
                continue
            if _no_event(sentence, trigger, token, start, end):
                continue
            pairs = _pairs(sentence, trigger, token, (start, end), facts, recent, [*(earlier or []), *found])
            gapped = remnants(sentence, end)
            if gapped:  # "A and B each expelled four, C three and D two": C and D are no party of the verb
                pairs = _without(sentence, token, pairs, {k for k, _ in gapped}, facts, recent)
                found += _gapped(sentence, trigger.code, token, (start, end), pairs, gapped, seen, year, years)
            if pairs and all(sure <= GUESS for *_, sure in pairs):
                guessed.append((trigger, token, (start, end), pairs))  # read after the sentence's sure ones
                continue
            code = "persona_non_grata" if _barred_envoy(sentence, trigger, token) else trigger.code
            found += _made(sentence, code, token, (start, end), pairs, seen, year, years, earlier)
    for trigger, token, span, pairs in guessed:
        pairs = _sibling(sentence, trigger, token, span, facts, recent, found) or pairs
        code = "persona_non_grata" if _barred_envoy(sentence, trigger, token) else trigger.code
        found += _made(sentence, code, token, span, pairs, seen, year, years, earlier)
    return found


SEATS = {"Brussels": ("EU", "NATO"), "New York": ("UN",), "Geneva": ("UN",), "Addis Ababa": ("AU",)}


def seated(measures: list[dict[str, Any]], sentences: list[Sentence]) -> None:
    """Each measure's target read as the body a seat city stands for (`seat`), in place."""
    named = {m.key for s in sentences for m in s.of("body") if m.key}
    for measure in measures:
        at = measure["evidence"]["start"]
        sentence = next((s for s in sentences if s.start <= at < s.end), None)
        if sentence is not None:
            measure["target"] = seat(sentence, measure["target"], named)


def seat(sentence: Sentence, code: str | None, named: set[str]) -> str | None:
    """A city that seats an international body stands for it in a text that names the body: after
    "Minsk expelled the EU ambassador", "called its envoy home from Brussels" is from the EU."""
    named = named | {b.key for b in sentence.of("body") if b.key}
    seats = {b.key: body for b in sentence.of("body") for body in SEATS.get(b.text, ()) if body in named}
    return seats.get(code or "", code)


def _made(
    sentence: Sentence,
    code: str,
    token: Token | None,
    span: tuple[int, int],
    pairs: list[tuple[str | None, str | None, float]],
    seen: set[tuple[str, str | None, str | None]],
    year: int | None,
    years: context.Years | None,
    earlier: list[dict[str, Any]] | None,
    *,
    beside: bool = True,
) -> list[dict[str, Any]]:
    """The records one trigger's pairs make, each type and pair once a sentence."""
    persons = _persons_hit(sentence, token) if code in ("expulsion", "persona_non_grata") else []
    if len(persons) > 1:  # "told that A, B and C had 14 days to leave": one persona non grata each
        return _each_person(sentence, token, span, pairs, persons, year, years)
    code, number = _kind(sentence, code, token, *span)
    others = _others_beside(token) if beside and code == "persona_non_grata" and token is not None else None
    if others is not None:  # "expelled its ambassador and three other diplomats": the others are an expulsion
        staff = [(a, t, min(sure, CONFIDENCE["staff_beside"])) for a, t, sure in pairs] if others[0] is None else pairs
        made = _made(sentence, "expulsion", None, span, staff, seen, year, years, earlier, beside=False)
        for record in made:
            record["count"] = others[0]
        return made + _made(sentence, code, token, span, pairs, seen, year, years, earlier, beside=False)
    if number == 1 and not _singled(sentence, code, token):
        # one unnamed diplomat, not a head of mission: the gold conventions read him either as a
        # persona non grata or as an expulsion of one, so the reading is below the sure band
        pairs = [(a, t, min(sure, CONFIDENCE["one_unnamed"])) for a, t, sure in pairs]
    best = max((sure for *_, sure in pairs), default=0.0)
    if code == "persona_non_grata" and (best < GUESS or (best <= GUESS and not _placed(sentence, token))):
        return []  # a person's expulsion the parse cannot place: the exit's reading names his states
    made = []
    each = _counts_each(sentence, token) if code == "expulsion" and len({t for _, t, _ in pairs}) > 1 else {}
    origins = _origins(sentence, span[1]) if code == "expulsion" else {}
    if origins:  # "expelled nine diplomats: four from Mali, three from Chad and two from Niger"
        actors = dict.fromkeys(a for a, _, _ in pairs if a)
        pairs = [(a, t, sure) for a in actors for t in origins if t != a for sure in [max(s for *_, s in pairs)]]
        each = origins
    for actor, target, sure in pairs:
        if not actor or not target or actor == target or (code, actor, target) in seen:
            continue
        seen.add((code, actor, target))
        when = years.at(sentence, span[0]) if years else year
        record = _record(code, actor, target, sentence, span, when, sure)
        number = each.get(target, number)
        record["count"] = number or record["count"] or _answered_count(sentence, actor, target, earlier)
        made.append(record)
    return made


ORIGIN = re.compile(rf"\b({counts.NUMERAL})\s+(?:[\w-]+\s+){{0,2}}?(?:each\s+)?from\s+(?:the\s+)?$")
ALSO = re.compile(r"^(?:,\s*|\s+)(?:and|or)\s+(?:the\s+)?$")


def _origins(sentence: Sentence, end: int) -> dict[str, int]:
    """The states a group expelled came from, each with its count, listed after the trigger ("four
    from Mali, three from Chad", "two each from Laos and Cambodia, and one from Vietnam"); two or
    more, else none (one "from" is the host of the expulsion)."""
    found: dict[str, int] = {}
    last: tuple[int, int] | None = None  # where the last origin ended, and its count
    for body in sentence.of("body"):
        start = sentence.local(body.start)
        if start < end or not body.key or international(body.key):
            continue
        before = ORIGIN.search(sentence.text[max(end, start - 60) : start])
        number = counts.value(before.group(1)) if before else None
        if number is None and last is not None and ALSO.match(sentence.text[last[0] : start]):
            number = last[1]  # "two each from Laos and Cambodia": the count before the first
        if number:
            found.setdefault(body.key, number)
            last = (sentence.local(body.end), number)
    return found if len(found) > 1 else {}


def _counts_each(sentence: Sentence, token: Token | None) -> dict[str, int]:
    """ "told four Malian diplomats and two Nigerien ones to leave": each coordinated patient's count,
    by the state it names (its numeral, also on a head that names no people, "ones")."""
    found: dict[str, int] = {}
    for patient in _patients(token) if token is not None else []:
        for one in _coordinated(patient):
            state = states_around(sentence, one)[0]
            numeral = next((c for c in one.children if c.dep_ == "nummod"), None)
            number = counts.count(_phrase(one)) or (counts.value(numeral.text) if numeral is not None else None)
            if state and number and state not in found:
                found[state] = number
    return found


def _persons_hit(sentence: Sentence, token: Token | None) -> list[str]:
    """The persons named inside a measure's patients ("the attaché, Col. A, and the secretaries B
    and C", "two diplomats, A and B"): the parse may hang the names on one another, so every
    person whose name lies in a patient's words counts."""
    if token is None:
        return []
    patients = _patients(token)
    keys: list[str] = []
    for token in _listed(patients):
        person = sentence.mention_of(token, ("person",))
        if person is not None and person.key and person.key not in keys:
            keys.append(person.key)
    return keys


LISTING_DEPS = frozenset({"conj", "appos", "compound", "flat", "nmod", "npadvmod"})


def _listed(patients: list[Token]) -> list[Token]:
    """A patient's words through coordination and apposition only (not a relative clause's "who
    defected from Gaddafi's regime"): the parse may hang one name of a list on another."""
    found, todo = [], list(patients)
    while todo:
        token = todo.pop()
        if token in found:
            continue
        found.append(token)
        todo += [c for c in token.children if c.dep_ in LISTING_DEPS]
        if token.dep_ == "conj" and token.pos_ == "VERB":  # "..., and envoys A and B" misparsed as a verb
            todo += [c for c in token.children if c.dep_ == "dobj"]
    return found


def _each_person(
    sentence: Sentence,
    token: Token | None,
    span: tuple[int, int],
    pairs: list[tuple[str | None, str | None, float]],
    persons: list[str],
    year: int | None,
    years: context.Years | None,
) -> list[dict[str, Any]]:
    """One persona non grata per named person, keyed by the person as the exits' ones are (so a
    group expulsion of theirs gives way to them in `settle`, and the exits add none twice)."""
    placed: list[tuple[str, str, float]] = [(a, t, s) for a, t, s in pairs if a and t and a != t and s >= GUESS]
    if not placed:
        return []
    actor, target, sure = max(placed, key=lambda p: p[2])
    when = years.at(sentence, span[0]) if years else year
    made = []
    for person in persons:
        record = _record("persona_non_grata", actor, target, sentence, span, when, sure)
        record["count"], record["_person"] = 1, person
        made.append(record)
    return made


def _others_beside(token: Token) -> tuple[int | None] | None:
    """A group coordinated with a head of mission the measure hits, with its count ("its ambassador
    and three other diplomats", "three of his aides") or none ("the ambassador and his staff"),
    which the persona non grata of the one does not tell."""
    for patient in _patients(token):
        if _role(patient) not in POSTS:
            continue
        numbers = [  # "and seven of his colleagues", hung on the envoy, his name or the verb
            c for t in [*_listed([patient]), token] for c in t.children if c.dep_ == "conj" and c.pos_ == "NUM"
        ]
        for other in [*clauses.coordinated(patient)[1:], *numbers]:
            if other.pos_ == "NUM":  # "and three of his aides"
                members = clauses.preposition_objects(other, ("of",))
                if members and members[0].tag_ in PLURAL and (number := counts.value(other.text)):
                    return (number,)
            number = counts.count(_phrase(other))  # "two military attachés", tagged a singular or not
            if number and (other.tag_ in PLURAL or number > 1) and _role(other) not in POSTS:
                return (number,)
            if other.lemma_.lower() in STAFF and _role(other) not in POSTS:
                return (None,)  # "the ambassador and (all) his staff": an expulsion, uncounted
    return None


STAFF = frozenset({"staff", "personnel", "aide", "diplomat", "employee", "staffer", "official"})


WHEN_WORDS = frozenset(
    {"this", "last", "that", "next", "early", "late", "earlier", "week", "month", "year", "fall", "spring"}
    | {"summer", "winter", "autumn", "weekend", "day", "monday", "tuesday", "wednesday", "thursday", "friday"}
    | {"saturday", "sunday"}
)


def _of_after_time(noun: Token) -> list[Token]:
    """ "the expulsion this fall of two diplomats", "the expulsion last week of two East Germans":
    the parser hangs the "of" on the time words between; its objects are the noun's."""
    doc, at = noun.doc, noun.i + 1
    while at < len(doc) and at - noun.i <= 3 and doc[at].lower_ in WHEN_WORDS:
        at += 1
    if at == noun.i + 1 or at >= len(doc) or doc[at].lower_ != "of":
        return []
    return [t for c in doc[at].children if c.dep_ == "pobj" for t in clauses.coordinated(c)]


def _own_subject(verb: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)


def _placed(sentence: Sentence, token: Token | None) -> bool:
    """Whether the parse gives the state of the person a measure hits ("the Cambodian ambassador")."""
    return token is not None and any(states_around(sentence, p)[0] for p in _patients(token))


def _sibling(
    sentence: Sentence,
    trigger: Any,
    token: Token | None,
    span: tuple[int, int],
    facts: Facts,
    recent: list[str],
    found: list[dict[str, Any]],
) -> list[tuple[str | None, str | None, float]]:
    """Measures coordinated in one sentence share their actor ("the minister cut ties, calling home
    the Chilean envoy and expelling the Bolivian one"): a trigger whose actor the parse missed takes
    the one the sentence's surer readings agree on."""
    actors = {m["actor"] for m in found if m["confidence"] >= SURER}
    if not actors or token is None or trigger.option("actor") == "host" or trigger.option("needs_body"):
        return []
    agents, targets, _ = _read(sentence, trigger.code, token, span, facts, recent)
    if agents and not targets:  # "said it was severing relations and giving Danish diplomats 48 hours"
        hit = [m["target"] for m in found if m["actor"] in agents and m["confidence"] >= SURER]
        return [(a, hit[-1], CONFIDENCE["sibling"]) for a in agents if a != hit[-1]] if hit else []
    if not agents and targets and REPRISAL.search(sentence.text):
        # "In response to the expulsion of its envoys, Sudan expelled five Chadians": the measure
        # answered hit the one who answers, and was taken by the one it now hits
        answered = [m for m in found if m["confidence"] >= SURER and m["actor"] in targets]
        if answered:
            return [(m["target"], m["actor"], CONFIDENCE["reprisal"]) for m in answered[:1]]
    if agents or len(actors) != 1:
        return []
    actor = actors.pop()
    if token.pos_ not in ("NOUN", "PROPN") and not clauses.passive(token) and _own_subject(token):
        return []  # a subject the rules cannot place ("Dozens of countries expelled"): no one's to borrow
    targets = targets or [m["target"] for m in found if m["actor"] == actor][:1]
    return [(actor, t, CONFIDENCE["sibling"]) for t in targets if t != actor]


REMNANT_GAP = re.compile(r"^\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:the\s+)?$", re.IGNORECASE)
REMNANT_COUNT = re.compile(rf"^\s+({counts.NUMERAL})(?=\s*(?:[,.;]|and\b|$))")


def remnants(sentence: Sentence, end: int) -> list[tuple[str, int]]:
    """The gapped clauses after a counted measure: "..., the Czech Republic three and Italy two"
    are each a state and a count, the verb and its target left unsaid."""
    found: list[tuple[str, int]] = []
    at = end
    for body in sentence.of("body"):
        begin, stop = sentence.local(body.start), sentence.local(body.end)
        if begin < at or not body.key:
            continue
        number = REMNANT_COUNT.match(sentence.text[stop:])
        if not REMNANT_GAP.match(sentence.text[at:begin]) or number is None:
            break
        value = counts.value(number.group(1))
        if value is None:
            break
        found.append((body.key, value))
        at = stop + number.end()
    return found


def _without(
    sentence: Sentence,
    token: Token | None,
    pairs: list[tuple[str | None, str | None, float]],
    gapped: set[str],
    facts: Facts,
    recent: list[str],
) -> list[tuple[str | None, str | None, float]]:
    """The trigger's own pairs less the gapped states, which the parse may have made its target;
    with no target left, the state the text was last about that is no party (0.6)."""
    kept = [(a, t, sure) for a, t, sure in pairs if a not in gapped and t not in gapped]
    if kept:
        return kept
    agents = [a for a in (_agents(sentence, token, facts) if token is not None else []) if a not in gapped]
    agents = list(dict.fromkeys(agents))
    spoken = set(agents) | gapped | {b.key for b in sentence.of("body")}
    target = next((r for r in reversed(recent) if r not in spoken), None)
    return [(a, target, CONFIDENCE["context"]) for a in agents] if target else []


def _gapped(
    sentence: Sentence,
    code: str,
    token: Token | None,
    span: tuple[int, int],
    pairs: list[tuple[str | None, str | None, float]],
    gapped: list[tuple[str, int]],
    seen: set[tuple[str, str | None, str | None]],
    year: int | None,
    years: context.Years | None,
) -> list[dict[str, Any]]:
    """One measure per gapped state, with the target and type of the trigger it shares (0.7 at most)."""
    targets = list(dict.fromkeys(t for _, t, _ in pairs if t))
    best = max((sure for *_, sure in pairs), default=0.0)
    made = []
    for actor, number in gapped:
        for target in targets:
            kind = "expulsion" if code == "persona_non_grata" and number > 1 else code
            if actor == target or (kind, actor, target) in seen:
                continue
            seen.add((kind, actor, target))
            when = years.at(sentence, span[0]) if years else year
            record = _record(kind, actor, target, sentence, span, when, min(best, CONFIDENCE["gapped"]))
            record["count"] = number
            made.append(record)
    return made


def _barred_envoy(sentence: Sentence, trigger: Any, token: Token | None) -> bool:
    """ "The ambassador, who was abroad, will not be allowed to return": a head of mission or a named
    envoy barred from coming back is declared unwelcome, not denied a visa (a group barred is)."""
    if trigger.code != "visa_denial" or not trigger.option("negative") or token is None:
        return False
    subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
    subjects += [c for h in token.ancestors if h.pos_ in ("VERB", "AUX") for c in h.children if c.dep_ == "nsubj"][:1]
    for subject in subjects:
        if subject.tag_ in PLURAL:
            return False
        heads = _role(subject) in POSTS and not _indefinite(subject)
        if heads or any(sentence.mention_of(t, ("person",)) is not None for t in clauses.named(subject)):
            return True
    return False


def _ordered_closure(
    sentence: Sentence, code: str, token: Token | None, facts: Facts
) -> list[tuple[str | None, str | None, float]]:
    """A host that orders or demands that a state close its own mission closes it: "Chile ordered
    Peru to close three of its consulates", "demanded that Peru close its consulates" (the one who
    orders, the one told). A call on anyone else ("urged parliament to close the embassy") is none."""
    if code not in ("mission_closure", "staff_cap") or token is None or token.pos_ != "VERB":
        return []  # "gave Britain a month to cut its staff" is the giver's staff cap
    owned = [*_patients(token), *clauses.objects(token)]  # "cut its number of staff": "its" on the number
    if not any(c.dep_ == "poss" and c.lower_ in ("its", "their") for p in owned for c in p.subtree):
        return []  # "three of its consular offices": the told state's own
    order = token.head
    if token.dep_ not in ("xcomp", "ccomp") or clauses.negated(order):
        return []
    asks = order.lemma_ in ORDERS | ASKING
    bound = token.dep_ == "xcomp" and (order.lemma_ == "have" or (clauses.passive(order) and asks))
    if not asks and not bound:
        return []
    if bound:  # "Peru has to close its embassy in Santiago", "will be required to close": told, by the host
        told = [s for s in order.children if s.dep_ in ("nsubj", "nsubjpass")]
    else:
        told = clauses.objects(order) if token.dep_ == "xcomp" else clauses.subjects(token)
    targets = [b for t in told for b in _body(sentence, t, facts)]
    if bound:
        posts = [q for p in _patients(token) for q in clauses.preposition_objects(p, ("in", "at"))]
        agents = [b for q in posts for b in _body(sentence, q, facts)] or _sayer(sentence, token, facts)
    else:
        agents = _agents(sentence, order, facts)
    agents = [b for b in agents if b not in targets]
    return [(a, t, CONFIDENCE["host"]) for a in agents[:1] for t in targets[:1]]


HABIT = re.compile(
    r"\b(?:(?:common|usual|standard|normal|accepted) (?:diplomatic )?(?:practice|custom)|customar(?:y|ily)|"
    r"as a rule|it is (?:usual|common|customary|normal|standard)|(?:usually|typically|traditionally|normally) "
    r"(?:\w+ )?(?:respond|react|retaliate|answer)s?)\b",
    re.IGNORECASE,
)


def _no_event(sentence: Sentence, trigger: Any, token: Token | None, start: int, end: int) -> bool:
    """A trigger that tells no measure: hedged, negated, generic, demanded, or with the wrong party.
    A trigger whose own words are negative ("will not be allowed to return") skips the negation
    and hedge checks; one that is a request by nature ("requested the withdrawal of") the demand checks."""
    negative, requested = trigger.option("negative"), trigger.option("requested")
    if trigger.option("people") and token is not None and not _people_hit(sentence, token):
        return True  # "he was expelled from the party", "students were expelled": no diplomat
    if SHORT_OF.search(sentence.text[max(0, start - 40) : start]):
        return True  # "stopping short of a full severing of ties", "rather than expelling": not done
    said = sentence.text[start:end]
    if trigger.code == "expulsion" and REDUCE.search(said) and counts.count(said) is None:
        return True  # "asked Pakistan to reduce its staff": a staff cap (read on its own), no one expelled
    if token is not None and (token.dep_ in ("csubj", "csubjpass") or (token.dep_ == "amod" and token.tag_ == "VBG")):
        return True  # "expelling its diplomats would be a mistake": an act spoken of, not done
    if token is not None and trigger.code in PARTNERED and token.dep_ == "amod":
        return True  # "downgraded ties remain one option": a state described
    if HABIT.search(sentence.text[:start]):
        return True  # "it is common practice for the other side to expel a diplomat": a habit, no event
    hedges = [] if negative else _hedges(sentence, start, token)
    if clauses.reaches(sentence, hedges, token):
        return True
    if trigger.option("needs_body") and not international(_body_at(sentence, end)):
        return True
    if trigger.option("actor") == "host" and (_claimed(sentence, token, start) or _unauthored(sentence, token)):
        return True
    if trigger.option("actor") == "host" and token is not None and token.lemma_ in TRAILED and not _shadowed(token):
        return True  # "the expulsion was followed by a protest": no one was tailed
    if token is not None and (
        _threatened(sentence, token) or _denied(sentence, token, start, end) or _ranked(token) or _optional(token)
    ):
        return True
    if trigger.code == "staff_cap" and token is not None and token.dep_ == "ccomp" and token.head.lemma_ in ASKING:
        return True  # "recommended that the embassy reduce its staff": the demand is the measure, read on its own
    if token is not None and (
        (clauses.negated(token) and not negative)
        or (
            not requested
            and (clauses.generic(token, gerunds=False) or clauses.stance(token) or clauses.demanded(token))
        )
    ):
        return True
    if trigger.code == "sanction_on_person" and not trigger.option("persons") and not _names_person(sentence, end):
        return True  # "sanctions against Russia" hit a state, not a person
    if trigger.code in PARTNERED and token is not None and _with_thing(sentence, token, start, end):
        return True  # "cut ties with the Bolivian company": with a firm, not a state
    # "broke off ties with Prime Minister Netanyahu": with a man, not a state
    return trigger.code in PARTNERED and token is not None and _with_person(sentence, token, start, end)


def _people_hit(sentence: Sentence, verb: Token) -> bool:
    """Whether a passive's subject is a diplomat, an official or a named person (or a demonym's
    plural, "25 Britons"), so that "expelled" tells a measure; "from the party" never does."""
    if any(p.lower_ in ("party", "school", "university", "club") for p in clauses.preposition_objects(verb, ("from",))):
        return False
    if not clauses.passive(verb):
        return True  # an active verb's object is read by the lexicon's own words
    for subject in clauses.subjects(verb):
        if subject.pos_ == "PRON":
            return True  # "he was expelled": the text's person
        if lexicon.roles().get(subject.lower_) or subject.lemma_.lower() in PEOPLE | {
            "representative",
            "consul",
            "spy",
        }:
            return True
        if sentence.mention_of(subject, ("person", "body", "anaphor")) is not None or _role(subject):
            return True
    return False


SHORT_OF = re.compile(
    r"\b(?:(?:stop(?:ped|ping|s)?|fell|fall(?:ing|s)?) short of|rather than|instead of|in lieu of)"
    r"\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+)?$",
    re.IGNORECASE,
)
REDUCE = re.compile(r"\b(?:reduce|cut|trim|halve)\b", re.IGNORECASE)
RANKS = frozenset({"first", "second", "third", "fourth", "fifth", "last", "only", "latest"})


def _ranked(token: Token) -> bool:
    """ "She is the second high commissioner to be expelled from Fiji": an infinitive that ranks a
    noun describes a history (the event itself, when it is one, is told on its own)."""
    if token.dep_ not in ("acl", "relcl") or not any(c.lower_ == "to" for c in token.children):
        return False
    return any(c.lower_ in RANKS for c in token.head.children if c.dep_ in ("amod", "advmod", "nummod"))


DENIALS = frozenset({"deny", "refute", "dismiss", "reject", "disprove"})
DENIED_PATH = frozenset({"ccomp", "acl", "relcl", "dobj", "pobj", "prep", "xcomp", "nsubjpass", "advcl"})


def _denied(sentence: Sentence, token: Token, start: int, end: int) -> bool:
    """ "The government denied reports that it had broken off relations": a trigger under a denial
    (through clauses and the nouns they hang on, not a conjoined verb: "denied the charge and
    expelled three") tells no measure. A denial inside the trigger ("denying visas") is the measure."""
    node, steps = token, 0
    while node.head != node and steps < 5 and node.dep_ in DENIED_PATH:
        node, steps = node.head, steps + 1
        inside = sentence.span is not None and start <= sentence.offset(node) < end
        if node.lemma_.lower() in DENIALS and node.pos_ == "VERB" and not inside:
            return True
    return False


OPTIONS = frozenset({"consider", "weigh", "contemplate", "mull", "envisage", "threaten", "propose", "discuss"})
PREVENTS = frozenset({"prevent", "avoid", "avert", "forestall"})
LISTING = frozenset({"including", "include", "like"})


def _optional(token: Token) -> bool:
    """A measure only weighed or warded off: one of the options a verb of consideration lists
    ("responses would be considered ..., including the expulsion of an ambassador"), or the object
    of a verb of prevention ("to prevent further cuts in our staff", "to avoid a break in relations")."""
    if token.dep_ in ("dobj", "nsubjpass") and token.head.lemma_ in PREVENTS:
        return True
    node, steps, listed = token, 0, False
    while node.head != node and steps < 6 and node.dep_ in DENIED_PATH:
        node, steps = node.head, steps + 1
        such = node.lower_ == "as" and node.i > 0 and node.doc[node.i - 1].lower_ == "such"
        listed = listed or node.lower_ in LISTING or such
        if listed and node.pos_ in ("VERB", "AUX") and node.lemma_ in OPTIONS:
            return True
    return False


ASKING = frozenset({"recommend", "demand", "insist", "require", "request", "ask", "urge", "propose"})


def _threatened(sentence: Sentence, verb: Token) -> bool:
    """ "Unless it stops, Rome will expel the attaché": a future under a condition is a threat."""
    future = any(c.dep_ in ("aux", "auxpass") and c.lower_ in context.FUTURE for c in verb.children)
    return future and CONDITIONAL.search(sentence.text) is not None


REPORTS = frozenset({"say", "announce", "state", "confirm", "decide", "disclose", "tell", "add"})
CONDITIONAL = re.compile(r"\b(?:if|unless|whether|threat\w*|warn\w*|could|might|may)\b", re.IGNORECASE)


def _hedges(sentence: Sentence, start: int, token: Token | None) -> list[int]:
    """The hedges before a trigger, less the future of an announcement: "the ministry said eight
    attachés would be expelled" and "Italy will expel 30 diplomats" report a decision taken.
    A condition or a threat in the sentence keeps them hedges."""
    found = context.hedges(sentence, start, clauses.clause_start(sentence, token))
    if token is None or not found or CONDITIONAL.search(sentence.text):
        return found
    future = context.announced_future(token, REPORTS, past_report=False, main_clause=True)
    return [o for o in found if not ((w := sentence.token_at(o)) is not None and w.i in future)]


def _pairs(
    sentence: Sentence,
    trigger: Any,
    token: Token | None,
    span: tuple[int, int],
    facts: Facts,
    recent: list[str],
    earlier: list[dict[str, Any]],
) -> list[tuple[str | None, str | None, float]]:
    """Who did it to whom, and how sure the reading is: the parse first, then a reprisal's swap of
    the measure it answers, then a target left unsaid, then the old positional guess."""
    start, end = span
    if trigger.code == "suspension_from_body" and not trigger.option("needs_body"):
        return _suspended(sentence, token, facts, recent)
    pairs: list[tuple[str | None, str | None, float]] = []
    agents: list[str] = []
    targets: list[str] = []
    if token is not None and trigger.option("copula"):
        return _declared_so(sentence, token, facts, recent)
    if token is not None and trigger.option("ceiling"):
        return _ceiling(sentence, token, facts, recent)
    if token is not None and not trigger.option("needs_body") and trigger.option("actor") != "host":
        if trigger.code == "ambassador_recalled" and clauses.passive(token):  # "was told to return home"
            return _called_home(sentence, token)
        agents, targets, pairs = _read(sentence, trigger.code, token, span, facts, recent)
        if len(agents) > 1 and _mutual(token):  # "Chile and Bolivia expel each other's diplomats"
            return [(a, t, CONFIDENCE["mutual"]) for a in agents for t in agents if a != t]
        pair = list(dict.fromkeys(agents))
        if trigger.code in PARTNERED and len(pair) == 2 and not targets:
            return [(pair[0], pair[1], CONFIDENCE["mutual"])]  # "the two countries broke off relations": told once
        if trigger.code == "ambassador_recalled" and len(pair) == 2 and not targets and _owned(token):
            # "Laos and Cambodia recalled their ambassadors" (from nowhere said): each from the other
            return [(a, t, CONFIDENCE["mutual"]) for a in pair for t in pair if a != t]
        if pairs and pairs[0][0] is None and pairs[0][1] is None:
            return []  # a generic party: no state named
    if not pairs or all(sure < SURE for *_, sure in pairs):
        # "X retaliated, announcing that the ambassador would not be allowed to return": his barring
        # is a persona non grata, and answers one
        kind = "persona_non_grata" if _barred_envoy(sentence, trigger, token) else trigger.code
        pairs = _reprisal(sentence, kind, agents, targets, earlier) or pairs
    if not pairs and agents and not targets and not (token is not None and _owned(token, ("his", "her"))):
        pairs = _continued(trigger.code, agents, earlier) or _other_side(sentence, agents, recent)
    if not pairs and token is not None and not sentence.of("body"):
        pairs = _told_before(trigger.code, token, facts, recent)
    if not pairs and not agents and not targets:
        pairs = _story(sentence, trigger.code, earlier)
    if not pairs:
        actor, target = _parties(sentence, trigger, start, end, facts, recent)
        pairs = [(actor, target, CONFIDENCE["guess"] if len(sentence.of("body")) >= 2 else CONFIDENCE["guess_lone"])]
    return pairs


def _story(sentence: Sentence, code: str, earlier: list[dict[str, Any]]) -> list[tuple[str | None, str | None, float]]:
    """A measure the parse gives no party for, in a sentence that names only one of the parties of
    the text's last measure of its kind, tells more of that one ("Chile ordered three Bolivian
    diplomats to leave. ... told that A, B and C had 14 days to leave"): its parties (0.6). A
    rupture in a sentence naming no state is between the parties of the last measure told."""
    named = {b.key for b in sentence.of("body") if b.key}
    if code in PARTNERED and not named and earlier:  # "1978: Diplomatic ties are severed." after the row told
        return [(earlier[-1]["actor"], earlier[-1]["target"], CONFIDENCE["context"])]
    if code not in ("expulsion", "persona_non_grata"):
        return []
    kind = COMPARABLE.get(code, code)
    last = next((m for m in reversed(earlier) if COMPARABLE.get(m["measure"], m["measure"]) == kind), None)
    if last is None or not named or not named <= {last["actor"], last["target"]}:
        return []
    return [(last["actor"], last["target"], CONFIDENCE["context"])]


PRONOUNS = frozenset({"he", "she", "they", "him", "her", "them"})


def _declared_so(
    sentence: Sentence, token: Token, facts: Facts, recent: list[str]
) -> list[tuple[str | None, str | None, float]]:
    """ "Chile announced that the Bolivian consul was persona non grata": the one the copula is
    said of is hit, by the state that says so (else the host of his post, a guess)."""
    verb = token
    while verb.dep_ not in ("ROOT", "ccomp", "conj", "advcl", "relcl") and verb.head != verb:
        verb = verb.head
    subjects = [s for s in verb.subtree if s.dep_ in ("nsubj", "nsubjpass") and s.head == verb]
    targets = [b for s in subjects for b in _body(sentence, s, facts)]
    sayers = [b for b in _sayer(sentence, verb, facts) if b not in targets]
    if sayers:
        return [(sayers[0], t, CONFIDENCE["parse"]) for t in targets]
    return [(a, t, sure) for t in targets for a, sure in [_host(sentence, verb, t, facts, recent)] if a]


def _ceiling(
    sentence: Sentence, verb: Token, facts: Facts, recent: list[str]
) -> list[tuple[str | None, str | None, float]]:
    """ "Peru ruled that the staff of the Chilean embassy will be limited to ten diplomats": the
    staff capped is the verb's subject, whose owner is hit; the state that decides or says it caps
    it (else the host the text names besides, a guess)."""
    targets = [b for s in clauses.subjects(verb) for b in _body(sentence, s, facts)]
    deciders = clauses.subjects(verb.head) if verb.dep_ == "ccomp" else []
    agents = [b for s in deciders for b in _body(sentence, s, facts) if b not in targets]
    if agents:
        return [(agents[0], t, CONFIDENCE["parse"]) for t in targets[:1]]
    return [(a, t, sure) for t in targets[:1] for a, sure in [_host(sentence, verb, t, facts, recent)] if a]


def _told_before(code: str, verb: Token, facts: Facts, recent: list[str]) -> list[tuple[str | None, str | None, float]]:
    """ "Peru accused three Bolivian diplomats of spying. They were expelled on Friday": a measure
    against a pronoun, in a sentence that names no state, is taken by the state the text last made
    a subject, against the state it named last besides (a guess: 0.6)."""
    if code not in ("expulsion", "persona_non_grata") or facts.actor is None:
        return []
    if not any(p.lower_ in PRONOUNS for p in _patients(verb)):
        return []
    target = next((r for r in reversed(recent) if r != facts.actor and not international(r)), None)
    return [(facts.actor, target, CONFIDENCE["context"])] if target else []


def _read(
    sentence: Sentence, code: str, token: Token, span: tuple[int, int], facts: Facts, recent: list[str]
) -> tuple[list[str], list[str], list[tuple[str | None, str | None, float]]]:
    """The parties the parse gives: agents, targets and the pairs they make (a pair with no actor
    stands for a generic party, "a dozen states", that names no state)."""
    start = span[0]
    recall = code == "ambassador_recalled"
    agents, targets = (
        _agents(sentence, token, facts),
        _targets(sentence, token, facts, recall=recall, expel=code in ("expulsion", "persona_non_grata")),
    )
    if code == "staff_cap" and not targets:  # "set a ceiling on staff at the Cuban mission": its owner's
        places = [p for n in (token, token.head) for p in clauses.preposition_objects(n, ("at", "of", "in"))]
        places = [p for p in places if clauses.is_mission(p)]
        # "a cut in the number of Peruvian diplomats in Quito": the staff named in the trigger
        places = places or [t for t in sentence.tokens if start <= sentence.offset(t) < span[1] and t.lemma_ in STAFF]
        targets = [b for p in places for b in _body(sentence, p, facts)]
        posts = [b for p in places for q in clauses.preposition_objects(p, ("in",)) for b in _body(sentence, q, facts)]
        agents = [b for b in posts if b not in targets][:1] or agents  # "... at the Cuban mission in Lima": Peru's
    left = _left(sentence, token)  # "were ordered to leave Ghana": Ghana ordered it
    obliged = token.lemma_ in ("have", "be", "need") and any(  # "had to leave", "are to leave"
        c.dep_ == "xcomp" and c.lemma_ in LEAVE for c in token.children
    )
    obliged = obliged or (token.lemma_ == "have" and any(o.lemma_ in TIMES for o in clauses.objects(token)))
    leaving = token.lemma_ in LEAVE or obliged
    if leaving:  # "Dutch embassy staff must leave Caracas", "the Russians had to leave": the subject leaves
        agents, targets = [], [b for s in clauses.subjects(token) for b in _body(sentence, s, facts)]
    inside = [b.key for b in sentence.of("body") if start <= sentence.local(b.start) < span[1] and b.key]
    inside = [b for b in inside if b not in agents]
    if inside and targets and not set(targets) & set(inside) and code not in PARTNERED:
        targets = inside  # "..., and Austria expelled 5 Serbian diplomats": not the object of the verb before
    owners = _envoys_states(sentence, token) if recall else []  # "recalling the Omani envoy": Oman's own
    targets = [t for t in targets if t not in left and t not in owners]
    agents = agents or left or owners
    if recall and not agents and _owned(token, ("our", "its", "their")):  # "I have decided to recall our envoys"
        agents = (_states_of_people(sentence, facts) or _reporter(sentence, facts))[:1]  # the minister's state
        targets = [t for t in targets if t not in agents]
    agents, targets, renamed = _disjoint(sentence, token, agents, targets, facts, recent)
    if _generic(token, agents, targets):  # "a dozen states expelled ...", "from the countries that expelled ..."
        return [], [], [(None, None, CONFIDENCE["generic"])]
    if not targets and code in PARTNERED:  # "the breaking off of relations with Israel"
        ties = [t for t in sentence.tokens if start <= sentence.offset(t) < span[1] and t.lower_ in TIES]
        targets = [
            b for t in ties for p in clauses.preposition_objects(t, ("with",)) for b in _body(sentence, p, facts)
        ]
    sure = CONFIDENCE["state_noun" if renamed else "parse"]
    pairs: list[tuple[str | None, str | None, float]] = [(a, t, sure) for a in agents for t in targets if a != t]
    before = [b.key for b in sentence.of("body") if sentence.local(b.end) <= start]
    if agents and targets and not pairs and _owned(token):  # "expelled its staff": not the actor's own
        posts = [
            b
            for p in _patients(token)
            for q in clauses.preposition_objects(p, ("in", "at"))
            for b in _body(sentence, q, facts)
            if b not in agents
        ]
        mentioned = [b for b in before if b not in agents]
        if posts and code == "mission_closure":  # "Sweden closed its embassy in Islamabad": its own, there
            pairs = [(a, posts[0], CONFIDENCE["own_post"]) for a in agents]
        else:
            pairs = [(a, mentioned[-1], CONFIDENCE["context"]) for a in agents] if mentioned else []
    if not agents and targets:
        pairs = [(a, t, sure) for t in targets for a, sure in [_host(sentence, token, t, facts, recent)]]
        if code == "mission_closure" and token.pos_ == "NOUN" and not _protested(token):
            # "following the closure of the U.S. Embassy in Damascus": no one named who closed it; a
            # state most often shuts its own mission (a host's order names the host), so the owner, unsure
            pairs = [(t, a, CONFIDENCE["owner_closed"]) if sure >= SURER else (a, t, sure) for a, t, sure in pairs]
    elif agents and not pairs and targets:  # the parse made the target its own actor: the nearest state before
        mentioned = [b for b in before if b not in targets]
        pairs = [(mentioned[-1], t, CONFIDENCE["context"]) for t in targets] if mentioned else []
    return agents, targets, pairs


def _disjoint(
    sentence: Sentence, token: Token, agents: list[str], targets: list[str], facts: Facts, recent: list[str]
) -> tuple[list[str], list[str], bool]:
    """A state told by a common noun ("the kingdom", "the country") is never the other party of
    its own measure: when it stands for the state the measure hits or that takes it ("The kingdom
    is recalling its envoy to Canada" after a sentence about Canada; "Iran's former ally Sudan cut
    ties with the country" after one about Sudan), it is the state named last before it, the
    sentence's own first, that is no party."""
    shared = set(agents) & set(targets)
    if facts.actor is None or facts.actor not in shared or sentence.span is None:
        return agents, targets, False
    nouns = [t for t in sentence.tokens if _state_noun(sentence, t, facts) == facts.actor]
    if not nouns:
        return agents, targets, False
    noun = nouns[0]
    at = sentence.offset(noun)
    named = [b.key for b in sentence.of("body") if b.key and sentence.local(b.end) <= at]
    antecedent = next((b for b in [*reversed(named), *reversed(recent)] if b not in shared), None)
    if antecedent is None:
        return agents, targets, False
    if noun.dep_ == "nsubj" or noun.head.lower_ == "by":  # the noun is the actor's side
        agents = [antecedent if a in shared else a for a in agents]
    else:
        targets = [antecedent if t in shared else t for t in targets]
    return agents, targets, True


def _reporter(sentence: Sentence, facts: Facts) -> list[str]:
    """The state of who says a quoted sentence ("...," the Swedish foreign minister said)."""
    roots = [t for t in sentence.tokens if t.dep_ == "ROOT" and t.lemma_ in REPORTS]
    return [b for r in roots for s in clauses.subjects(r) for b in _body(sentence, s, facts)]


def _envoys_states(sentence: Sentence, verb: Token) -> list[str]:
    """The states whose own heads of mission a recall names ("recalling the Omani envoy"): a
    state recalls only its own envoy, so his state is the actor, not the target."""
    found = []
    for obj in clauses.objects(verb) if verb.pos_ not in ("NOUN", "PROPN") else _patients(verb):
        owners = [b for m in clauses.modifiers(obj) if (b := body_of(sentence, m))]  # not "from Riga": his post
        if _role(obj) in HEADS and owners:
            found.append(owners[0])
    return found


def _other_side(sentence: Sentence, agents: list[str], recent: list[str]) -> list[tuple[str | None, str | None, float]]:
    """ "Oman downgraded diplomatic ties" with no partner named: the other state the text names."""
    others = [b.key for b in sentence.of("body") if b.key and b.key not in agents]
    others += [r for r in reversed(recent) if r not in agents]
    return [(a, others[0], CONFIDENCE["context"]) for a in agents] if others else []


def _mutual(verb: Token) -> bool:
    """A patient owned by "each other" or "one another": each subject acts on the others."""
    return any(c.dep_ == "poss" and c.lower_ == "other" for p in _patients(verb) for c in p.children)


def _owned(verb: Token, owners: tuple[str, ...] = ("its", "their", "our")) -> bool:
    """An object owned by "its" or "their" ("expelled its staff"); "sent away his driver" names its
    target by "his", so the target is said even when the rules cannot resolve it."""
    return any(c.dep_ == "poss" and c.lower_ in owners for o in _patients(verb) for c in o.children)


def _generic(verb: Token, agents: list[str], targets: list[str]) -> bool:
    """A party told only as "countries" or "nations", with no list of them: the measure names no state."""
    if agents and targets:
        return False
    sides = [] if agents else clauses.subjects(verb)
    if not targets:
        hit = [*clauses.objects(verb), *clauses.preposition_objects(verb, ("from", "against"))]
        sides += hit + [t for h in hit for t in h.subtree if t.dep_ == "pobj" and t.head.lower_ in ("from", "of")]
    sides += [p for t in sides for p in clauses.preposition_objects(t, ("of",))]  # "dozens of countries"
    return any(t.lower_ in GENERIC_ACTORS for t in sides)


def _suspended(
    sentence: Sentence, token: Token | None, facts: Facts, recent: list[str]
) -> list[tuple[str | None, str | None, float]]:
    """ "The African Union suspended Mali", "the suspension of Mali from the bloc": an international
    body acting on a member state; the body is the subject, else the one last named."""
    if token is None:
        return []
    targets = [t for t in _targets(sentence, token, facts) if not international(t)]
    if token.pos_ in ("NOUN", "PROPN"):
        named = [b.key for b in sentence.of("body") if international(b.key)] + recent[::-1]
        body = next((b for b in named if international(b)), None)
        return [(body, t, CONFIDENCE["body_named"]) for t in targets] if body else []
    agents = [a for a in _agents(sentence, token, facts) if international(a)]
    return [(a, t, CONFIDENCE["parse"]) for a in agents for t in targets]


REPRISAL = re.compile(
    r"\b(?:in (?:response|retaliation|return|kind|reply)|retaliat\w*|tit[- ]for[- ]tat|reciprocal\w*|"
    r"respond(?:ed|s|ing)?|mirror(?:ed|ing|s)?|in a similar move|likewise|answered)\b",
    re.IGNORECASE,
)
COMPARABLE = {"persona_non_grata": "expulsion", "staff_expulsion": "expulsion"}  # reciprocity's "comparable" types


def _reprisal(
    sentence: Sentence, code: str, agents: list[str], targets: list[str], earlier: list[dict[str, Any]]
) -> list[tuple[str | None, str | None, float]]:
    """A measure with one party unsaid answers an earlier one whose parties it swaps: after "Chile
    expelled 8 Peruvian diplomats", "Lima expelled 9 diplomats" hit Chile, and "9 Chilean diplomats
    were expelled" were expelled by Peru. A reprisal cue ("in response", "retaliated",
    "tit-for-tat") makes the reading surer."""
    if bool(agents) == bool(targets) and (agents or not REPRISAL.search(sentence.text)):
        return []
    sure = CONFIDENCE["reprisal_cued" if REPRISAL.search(sentence.text) else "reprisal"]
    kind = COMPARABLE.get(code, code)
    # the measure answered is the last one by a state the sentence names besides its own party
    # ("after Quito's move, Lima told the Ecuadorian consul he was persona non grata": Ecuador's)
    named = {b.key for b in sentence.of("body")} - set(agents) - set(targets)
    for measure in sorted(reversed(earlier), key=lambda m: m["actor"] not in named and m["target"] not in named):
        if COMPARABLE.get(measure["measure"], measure["measure"]) != kind:
            continue
        if agents and measure["target"] in agents:
            return [(measure["target"], measure["actor"], sure)]
        if targets and measure["actor"] in targets:
            return [(measure["target"], measure["actor"], sure)]
        if not agents and not targets:  # "In retaliation, the same number were expelled"
            return [(measure["target"], measure["actor"], CONFIDENCE["reprisal_unsaid"])]
    return []


def _continued(
    code: str, agents: list[str], earlier: list[dict[str, Any]]
) -> list[tuple[str | None, str | None, float]]:
    """A measure whose target is left unsaid hits the one the text's measures hit before: "expelled
    Serbian diplomats and shut the consulate in Graz" (the actor's last target), "besides the ten
    already expelled by Croatia" (the last target of a measure of its type)."""
    kind = COMPARABLE.get(code, code)
    own = [m for m in earlier if m["actor"] in agents]
    same = [m for m in earlier if COMPARABLE.get(m["measure"], m["measure"]) == kind and m["target"] not in agents]
    for measure in (own or same)[-1:]:
        return [(a, measure["target"], CONFIDENCE["context"]) for a in agents if a != measure["target"]]
    return []


SAME = re.compile(r"\b(?:the same number|as many|an equal number|a like number)\b", re.IGNORECASE)


def _answered_count(sentence: Sentence, actor: str, target: str, earlier: list[dict[str, Any]] | None) -> int | None:
    """ "Expelled the same number of diplomats": the count of the measure this one answers."""
    if not SAME.search(sentence.text):
        return None
    answered = [m for m in earlier or () if m["actor"] == target and m["target"] == actor and m.get("count")]
    return int(answered[-1]["count"]) if answered else None


LEAVE = frozenset({"leave", "depart", "quit"})


def _called_home(sentence: Sentence, verb: Token) -> list[tuple[str | None, str | None, float]]:
    """A head of mission "told to return to Rabat" is recalled by the state he serves, from his post."""
    pairs: list[tuple[str | None, str | None, float]] = []
    for patient in clauses.subjects(verb):
        if _role(patient) not in HEADS:
            continue
        sending, posts = states_around(sentence, patient)
        pairs += [(sending, post, CONFIDENCE["called_home"]) for post in posts if sending and post and post != sending]
    return pairs


def _left(sentence: Sentence, verb: Token) -> list[str]:
    """The state someone is made to leave: "ordered to leave Ghana", "ordered out of Togo"."""
    places = [
        t
        for t in verb.subtree
        if (t.dep_ == "dobj" and t.head.lemma_ in LEAVE)
        or (t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.lower_ == "out")
    ]
    return [b for p in places if (b := body_of(sentence, p))]


PLURAL = frozenset({"NNS", "NNPS"})
MASS = frozenset({"staff", "personnel", "delegation", "mission", "embassy", "consulate", "corps", "team", "number"})


PNG_WORDS = frozenset({"persona", "personae", "non", "grata", "gratae", "png"})
TIMES = frozenset({"hour", "day", "week", "month"})  # "gave him 72 hours to leave"


def _patients(token: Token) -> list[Token]:
    """Whom a measure hits, as words: the object, the passive subject, or "of" after a noun. The
    parser sometimes makes "persona non grata" the object ("declares Paraguayan envoy persona non
    grata"): the noun compounded into it is the patient then."""
    if token.pos_ in ("NOUN", "PROPN"):  # "the expulsion of ...", "an expulsion order against ..."
        return clauses.preposition_objects(token, ("of", "against")) or _of_after_time(token)
    found = []
    own = [p for p in clauses.patients(token) or clauses.objects(token) if _hangs_on(p, token)]
    for patient in own:
        if patient.lemma_.lower() in COLLECTIVE and (members := clauses.preposition_objects(patient, ("of",))):
            found += members  # "declared a list of American diplomats persona non grata": the diplomats
        elif patient.lower_ in PNG_WORDS:
            inner = [c for c in patient.subtree if c.dep_ == "compound" and c.lower_ not in PNG_WORDS][:1]
            # "declared persona non grata nine Sudanese attachés": the parse hangs them on "grata"
            inner = inner or [c for c in token.subtree if _misparsed(c, token) and c.lower_ not in PNG_WORDS][:1]
            found += inner
        elif patient.lemma_ not in TIMES:
            found.append(patient)
    if not found and token.lemma_ == "have" and any(o.lemma_ in TIMES for o in clauses.objects(token)):
        found = clauses.subjects(token)  # "he had 72 hours to leave": he is hit
    return found


COLLECTIVE = frozenset({"list", "group", "batch", "handful", "number", "team", "contingent", "total"})
POSTS = HEADS | {"consul_general", "consul"}  # the heads of an embassy or a consulate: one person each
DECLARED = re.compile(r"\b(?:personae?|unwelcome|undesirable|PNG\w*)\b", re.IGNORECASE)


def _hangs_on(patient: Token, verb: Token) -> bool:
    """A patient of the verb itself, not the object a conjoined verb borrowed from the one before
    ("ordered 90 officials to leave, and Austria expelled 5 Serbian diplomats")."""
    return patient in verb.subtree or patient == verb.head or patient.dep_ in ("nsubj", "nsubjpass")


def _kind(sentence: Sentence, code: str, token: Token | None, start: int, end: int) -> tuple[str, int | None]:
    """The measure's type and count as the patients decide them. A persona non grata is one person:
    a named one, a head of mission, or one declared so ("declared a diplomat persona non grata");
    the same declaration against several is an expulsion with their count ("declared four
    diplomats persona non grata"), and "gave the ambassador 72 hours to leave" is the persona non
    grata of one, "expelled a diplomat" an expulsion of one (shared/corpus/README.md)."""
    if code not in ("persona_non_grata", "expulsion") or token is None:
        return code, None
    patients = _patients(token)
    number = next((n for p in patients if (n := counts.count(_phrase(p)))), None)
    patients = patients or _nouns_between(sentence, token, start, end)
    if not patients:  # a trigger the parse misreads ("PNGed" as a noun): the count after it
        number = counts.count(sentence.text[start : end + 40])
    number = number or counts.count(sentence.text[start:end])  # "declared 12 Qatari (Gulf) embassy staff ..."
    number = number or next(  # "each expelled four": a bare numeral object
        (n for p in patients if p.pos_ == "NUM" and p.dep_ == "dobj" and (n := counts.value(p.text))), None
    )
    plural = any(
        (p.tag_ in PLURAL and sentence.mention_of(p, ("person",)) is None)  # "Erik Sites" tagged a plural
        or p.lower_ in ("them", "they")
        or p.dep_ == "conj"
        for p in patients
    )
    heads = any((_role(p) in POSTS or _chief(p)) and not _indefinite(p) for p in patients)
    named = not plural and any(sentence.mention_of(t) is not None for p in patients for t in clauses.named(p))
    if heads or named:
        return "persona_non_grata", 1
    one = not plural and any(p.tag_ in ("NN", "NNP", "PRP") and p.lower_ not in MASS for p in patients)
    if code == "persona_non_grata" and patients and (plural or (number or 1) > 1):
        return "expulsion", number
    if code == "persona_non_grata" and not DECLARED.search(sentence.text[start:end]):
        return "expulsion", 1  # "asked a senior diplomat to leave": one unnamed, not declared persona non grata
    if code == "persona_non_grata":
        return code, 1
    return code, number or (1 if one else None)


def _chief(token: Token) -> bool:
    """ "The head of the UN mission", "the chief of the EU delegation": a head of mission."""
    return token.lemma_.lower() in ("head", "chief") and any(
        clauses.is_mission(p) or p.lower_ in ("delegation", "office")
        for p in clauses.preposition_objects(token, ("of",))
    )


def _singled(sentence: Sentence, code: str, token: Token | None) -> bool:
    """Whether a measure against one person names him or hits a head of mission, so that its type
    (persona non grata) is sure."""
    if code not in ("persona_non_grata", "expulsion") or token is None:
        return True
    patients = _patients(token)
    heads = any((_role(p) in POSTS or _chief(p)) and not _indefinite(p) for p in patients)
    return heads or any(sentence.mention_of(t) is not None for p in patients for t in clauses.named(p))


def _nouns_between(sentence: Sentence, token: Token, start: int, end: int) -> list[Token]:
    """ "declared a Beninese official persona non grata" misparsed: the last noun inside the trigger
    after its verb, before "persona non grata"."""
    inside = [t for t in sentence.tokens if start <= sentence.offset(t) < end and t.i > token.i]
    nouns = [t for t in inside if (t.pos_ in ("NOUN", "PROPN") or _role(t)) and t.lower_ not in PNG_WORDS | TIMES]
    return nouns[-1:]


def _indefinite(token: Token) -> bool:
    """ "A Malian envoy" is one of its diplomats; a state has one head of mission, "the" envoy."""
    return any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in token.children)


def _role(token: Token) -> str | None:
    """The role a patient noun names, read on its own words ("the Venezuelan chargé d'affaires")."""
    found = list(lexicon.role_pattern().finditer(_phrase(token).replace("’", "'")))  # "chargé d’affaires"
    return lexicon.roles().get(found[-1].group(0).lower()) if found else None


def _phrase(token: Token) -> str:
    """A noun's words up to itself: "more than 150 Cuban diplomats"."""
    return token.doc[token.left_edge.i : token.i + 1].text


OTHERS = re.compile(
    r"^\W*(?:and\s+)?(?:other|several other|more|further)\s+(?:countries|states|nations|governments)\b[^.;]{0,30}?"
    r"\b(?:including|such as|among them|like)\b"
    # "Among the other countries that had similarly been told to ... were A, B and C"
    r"|^\W*among\s+(?:the\s+)?(?:other|several other)\s+(?:countries|states|nations|governments)\b"
    r"[^.;]{0,120}?\b(?:were|are)\b",
    re.IGNORECASE,
)


def listed_after(sentence: Sentence, previous: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ "Russia was expelling four of their diplomats. Other countries including Ukraine, the
    Netherlands and Sweden ...": a list of states with no verb of its own takes the measure the
    sentence before told, with the same actor, at a lower confidence."""
    if not previous or not OTHERS.search(sentence.text):
        return []
    found: list[dict[str, Any]] = []
    told = {(m["measure"], m["actor"], m["target"]) for m in previous}
    kinds = {(m["measure"], m["actor"]): m for m in previous}
    for (code, actor), model in kinds.items():
        for body in sentence.of("body"):
            target = body.key
            if not target or target == actor or (code, actor, target) in told or international(target):
                continue
            told.add((code, actor, target))
            local = sentence.local(body.start)
            record = {**model, "target": target, "count": None, "detail": sentence.text.strip()[:120]}
            record["evidence"] = context.evidence(sentence, local, local + len(body.text))
            record["confidence"] = min(CONFIDENCE["listed_after"], model["confidence"])
            found.append(record)
    return found


FOLLOWED = re.compile(
    r"\b(?:followed suit|did (?:the )?same|did likewise|followed (?:its|their) (?:lead|example)"
    r"|(?:took|made|taken) (?:the )?same (?:step|action|move|decision)"
    r"|(?:took|made|taken) (?:a )?similar (?:step|action|move|decision|measure)s?"
    r"|(?:responded|replied|retaliated|reacted|answered) in kind|reciprocated)\b",
    re.IGNORECASE,
)
FOLLOWED = re.compile(lexicon.lead(FOLLOWED.pattern) + FOLLOWED.pattern, FOLLOWED.flags)  # the same matches


def followed(sentence: Sentence, facts: Facts, earlier: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ "Jordan did the same", "Oman followed suit": the subject takes the measures of the last
    sentence that told any, against the same targets. When the subject is the one those measures
    hit ("Chad recalled its envoy from Sudan, and Sudan did the same", "which responded in kind"),
    it answers them: the same measures the other way. The sentence's own measures before the
    words count as the last ones."""
    match = FOLLOWED.search(sentence.text)
    token = clauses.head(sentence, *match.span()) if match and earlier else None
    if token is None or match is None:
        return []
    actors = [b for s in clauses.subjects(token) for b in _body(sentence, s, facts)]
    if not actors and token.dep_ == "relcl":  # "expelled four diplomats from Sudan, which responded in kind"
        actors = _body(sentence, token.head, facts)
    right = [
        b.key
        for b in sentence.of("body")
        if b.key and JUST_BEFORE.fullmatch(sentence.text[sentence.local(b.end) : match.start()])
    ]
    if (
        right and right[-1] not in actors
    ):  # "expelled the ambassador and Niger followed suit": the parse joins Niger to him
        actors = right[-1:]
    before = [m for m in earlier if m["evidence"]["sentence"] == sentence.text and _at(m, sentence) < match.start()]
    last = earlier[-1]["evidence"]["sentence"]
    models = before or [m for m in earlier if m["evidence"]["sentence"] == last]
    found, told = [], {(m["measure"], m["actor"], m["target"]) for m in earlier}
    for actor in actors:
        for model in models:
            target = model["actor"] if model["target"] == actor else model["target"]
            if target == actor or (model["measure"], actor, target) in told:
                continue
            told.add((model["measure"], actor, target))
            local = sentence.offset(token)
            record = {**model, "actor": actor, "target": target, "detail": sentence.text.strip()[:120]}
            record["count"] = 1 if model["measure"] == "persona_non_grata" else None
            record["evidence"] = context.evidence(sentence, local, local + len(token.text))
            record["confidence"] = min(CONFIDENCE["followed"], model["confidence"])
            found.append(record)
    return found


JUST_BEFORE = re.compile(r"\s*(?:,?\s*(?:too|also|then|quickly|soon|later|promptly)\s*,?\s*)?", re.IGNORECASE)


def _at(measure: dict[str, Any], sentence: Sentence) -> int:
    """A measure's trigger offset within its sentence."""
    return int(measure["evidence"]["start"]) - sentence.start


def _host(sentence: Sentence, verb: Token, target: str, facts: Facts, recent: list[str]) -> tuple[str | None, float]:
    """Who acted when the parse names only whom it hit: for "the Vatican's ambassador to Managua
    was declared persona non grata", the state the envoy served in; else the state the text named
    last besides the target."""
    for patient in clauses.subjects(verb) if clauses.passive(verb) else _patients(verb):
        person = sentence.mention_of(patient)
        phrase = facts.roles.get(person.key) if person is not None and person.key else None
        posts = [phrase.receiving] if phrase and phrase.receiving else states_around(sentence, patient)[1]
        post = next((p for p in posts if p and p != target), None)
        if post:
            return post, CONFIDENCE["host"]
    hosts = [b for p in clauses.preposition_objects(verb, ("from",)) if (b := body_of(sentence, p)) and b != target]
    if hosts and verb.lemma_ in HOSTS_ACT:  # "said it was expelling three Russian diplomats from Latvia"
        return hosts[0], CONFIDENCE["host"]
    if clauses.passive(verb) and verb.lemma_ in HOSTS_ACT:
        # "Kenya's foreign minister said two Somali diplomats had been expelled": the sayer's state
        sayer = [b for b in _sayer(sentence, verb, facts) if b != target]
        if sayer:
            return sayer[0], CONFIDENCE["host"]
    before = [b.key for b in sentence.of("body") if b.key and b.end <= sentence.start + sentence.offset(verb)]
    named = [b for b in [*reversed(before), *reversed(recent)] if b != target]
    named = [b for b in named if not international(b)] or named  # "after the Nato campaign, five were expelled"
    return next(iter(named), None), CONFIDENCE["context"]


def _misparsed(token: Token, verb: Token) -> bool:
    """An object the parse hangs on a clause under the verb, or on the words of "persona non grata"
    ("declared persona non grata nine attachés": the officials the object of "grata")."""
    if token.dep_ in ("dobj", "attr") and token.head.lower_ in PNG_WORDS and token.head in verb.subtree:
        return True
    return token.head.dep_ in ("ccomp", "xcomp") and token.head.head == verb


def _with_person(sentence: Sentence, token: Token, start: int, end: int) -> bool:
    ties = [t for t in token.subtree if start <= sentence.offset(t) < end and t.lower_ in TIES] or [token]
    partners = [p for t in ties for p in clauses.preposition_objects(t, ("with",))]
    return bool(partners) and all(sentence.mention_of(p, ("person",)) is not None for p in partners)


GOVERNS = STATE_NOUNS | {"authorities", "administration", "leadership", "state", "rulers", "side"}


def _with_thing(sentence: Sentence, token: Token, start: int, end: int) -> bool:
    """Ties "with" a common noun that is no state nor its government ("the Bolivian company",
    "the rebel group"): no diplomatic rupture between states."""
    ties = [t for t in token.subtree if start <= sentence.offset(t) < end and t.lower_ in TIES] or [token]
    partners = [p for t in ties for p in clauses.preposition_objects(t, ("with",))]
    return bool(partners) and all(
        p.pos_ == "NOUN" and body_of(sentence, p) is None and p.lemma_.lower() not in GOVERNS for p in partners
    )


ENVOY_OF = re.compile(
    r"^\s+(?:(?:the\s+)?[\w.\s]{2,30}?['’]s\s+(?:[\w-]+\s+){0,2}?|(?:the\s+|an?\s+|\w+\s+)?(?-i:[A-Z])[\w-]+\s+)"
    r"(?:ambassadors?|envoys?|diplomats?|consuls?|chargé|charge|representatives?|ministers?|officials?)\b",
    re.IGNORECASE,
)


def _names_person(sentence: Sentence, end: int) -> bool:
    """The first name after a trigger is a person's ("sanctioned Yevgeny Prigozhin"), or a state's
    envoy or official follows it ("imposed sanctions on Chad's envoy to Paris")."""
    if ENVOY_OF.match(sentence.text[end:]):
        return True
    after = [m for m in sentence.mentions if sentence.local(m.start) >= end and m.kind in ("person", "body")]
    return bool(after) and after[0].kind == "person"


def _record(
    code: str, actor: str, target: str, sentence: Sentence, span: tuple[int, int], year: int | None, sure: float
) -> dict[str, Any]:
    start, end = span
    return {
        "actor": actor,
        "target": target,
        "measure": code,
        "year": year,
        "count": counts.count(sentence.text[max(0, start - 10) : end + 40]) or _one(code, sentence.text[start:end]),
        "detail": sentence.text[start : min(len(sentence.text), end + 60)].strip(),
        "certainty": context.certainty(sentence.text),
        "evidence": context.evidence(sentence, start, end),
        "confidence": sure,
    }


SINGLE = re.compile(r"\b(?:a|an|one)\s+(?:[\w.-]+\s+){0,3}(?:diplomat|official|envoy)\b", re.IGNORECASE)


def _one(code: str, trigger: str) -> int | None:
    """ "Expelling a British diplomat" is the expulsion of one."""
    return 1 if code == "expulsion" and SINGLE.search(trigger) else None


SPOKEN_OF = re.compile(r"\bpersonae? non grata\b|\bPNG(?:ed|'d)?\b", re.IGNORECASE)


def _declared_of(measures: list[dict[str, Any]], pair: tuple[str, str], sentence: str, spoken: int) -> bool:
    """Whether one of the text's `spoken` mentions of "persona non grata" may be told of this pair's
    one unnamed diplomat: one in his own sentence, or in a sentence that tells no measure between
    other parties ("Chad declared 12 staff persona non grata. Tunisia expelled a Libyan diplomat":
    the second stays an expulsion)."""
    others = {m["evidence"]["sentence"] for m in measures if (m["actor"], m["target"]) != pair}
    if sentence not in others and SPOKEN_OF.search(sentence):
        return True
    return spoken > sum(len(SPOKEN_OF.findall(other)) for other in others)


def settle(measures: list[dict[str, Any]], text: str = "") -> list[dict[str, Any]]:
    """The document's measures, each told once: a positional guess whose parties are those of a
    surer reading of the same type anywhere in the text, the other way round, is that measure
    misread ("Peru said it was calling home its envoy"), unless the guess's sentence tells a reprisal;
    a rupture or downgrade read less surely than its reverse is that one told again;
    a persona non grata read from a sentence gives way to the ones the exits give per person, and an
    expulsion of one to a persona non grata between the same pair. In a text that speaks of
    persona non grata of him (`_declared_of`), one unnamed diplomat expelled is declared so (the
    gold's reading of such texts); elsewhere he stays an expulsion of one."""
    spoken = len(SPOKEN_OF.findall(text))
    partnered: dict[tuple[str, str, str], float] = {}  # the surest reading of each rupture or downgrade
    for m in measures:
        if m["measure"] in PARTNERED:
            key = (m["measure"], m["actor"], m["target"])
            partnered[key] = max(partnered.get(key, 0.0), m["confidence"])
    told: dict[tuple[str, str, str], set[str]] = {}  # where each surer reading was read
    first: dict[tuple[str, str, str, str], int] = {}  # where in each sentence each reading was first read
    for m in measures:
        if m["confidence"] >= SURE:
            told.setdefault(_key(m), set()).add(m["evidence"]["sentence"])
        at = (*_key(m), m["evidence"]["sentence"])
        start = m["evidence"].get("start", 0)
        first[at] = min(first.get(at, start), start)
    persons = {(m["actor"], m["target"]) for m in measures if m.get("_person")}
    pngs = {(m["actor"], m["target"]) for m in measures if m["measure"] == "persona_non_grata"}
    named_of = Counter((m["actor"], m["target"], m.get("year")) for m in measures if m.get("_person"))
    kept = []
    for measure in measures:
        kind, actor, target = _key(measure)
        sentence = measure["evidence"]["sentence"]
        png = (actor, target) in pngs
        reverse = told.get((kind, target, actor), set())
        # a reading the other way in another sentence answers this one when either tells a reprisal
        misread = measure["confidence"] <= GUESS and (
            sentence in reverse or any(not REPRISAL.search(other) for other in reverse)
        )
        if misread and not REPRISAL.search(sentence):
            if not measure.get("_person"):
                continue
            # a named person's persona non grata read the wrong way round is the surer reading's
            measure = {**measure, "actor": target, "target": actor}
            kind, actor, target = _key(measure)
        # "three diplomats were declared persona non grata and given 72 hours to leave": two guesses
        # of one event, the later the other way round, is the earlier misread
        before = first.get((kind, target, actor, sentence))
        later = before is not None and before < measure["evidence"].get("start", 0)
        if measure["confidence"] <= GUESS and later and not REPRISAL.search(sentence):
            continue
        if partnered.get((measure["measure"], target, actor), 0.0) > measure["confidence"]:
            continue  # a rupture is told once, by the side that made it: the surer reading the other way
        if measure["measure"] == "persona_non_grata" and not measure.get("_person") and (actor, target) in persons:
            continue
        if measure["measure"] == "expulsion" and measure["count"] == 1 and png:
            continue  # an expulsion of one where the text tells a persona non grata between the pair: the same man
        unnamed_one = measure["count"] == 1 and measure["confidence"] <= CONFIDENCE["one_unnamed"]
        if (
            spoken
            and measure["measure"] == "expulsion"
            and unnamed_one
            and not measure.get("_person")
            and _declared_of(measures, (actor, target), sentence, spoken)
        ):
            measure = {**measure, "measure": "persona_non_grata"}
        # the persons named of the pair in the group's year (an undated one counts with any)
        year = measure.get("year")
        named = sum(
            n for (a, t, y), n in named_of.items() if (a, t) == (actor, target) and (y == year or None in (y, year))
        )
        named = named if measure["measure"] == "expulsion" else 0
        if named and 1 < (measure["count"] or 0) <= NAMED_GROUP:
            # "three officials were expelled ... they were A, B and C": one persona non grata per
            # person; those the exits did not name stand in at a guess's confidence
            extra = {
                **measure,
                "measure": "persona_non_grata",
                "count": 1,
                "confidence": min(CONFIDENCE["unnamed_member"], measure["confidence"]),
            }
            kept += [{k: v for k, v in extra.items() if k != "_person"} for _ in range(measure["count"] - named)]
            continue
        kept.append({k: v for k, v in measure.items() if k != "_person"})
    return kept


NAMED_GROUP = 5  # a group of up to five whose members the text names is told person by person


def _key(measure: dict[str, Any]) -> tuple[str, str, str]:
    return COMPARABLE.get(measure["measure"], measure["measure"]), measure["actor"], measure["target"]
