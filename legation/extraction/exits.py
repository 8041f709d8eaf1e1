"""Exits: a person (or a group) whose posting ended, how, and what the sentence says around it."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, TypedDict

from spacy.tokens import Token

from legation.extraction import clauses, context, counts, lexicon
from legation.extraction.context import RolePhrase
from legation.extraction.groups import Group, groups
from legation.extraction.pipeline import Mention, Sentence, title_case
from legation.registry import bodies

REASON = re.compile(
    r"(?:in protest (?:over|against|at)|to protest|citing|in opposition to|after condemning|condemning|over)"
    r"\s+([^,.;]+)",
    re.IGNORECASE,
)
DESTINATION = re.compile(r"^\s+to\s+(?:the\s+)?$", re.IGNORECASE)
LEFT = re.compile(r"^\s*(?:the\s+)?$", re.IGNORECASE)  # the state an expelled envoy was made to leave
ASYLUM_IN = re.compile(r"^\s+in\s+(?:the\s+)?$", re.IGNORECASE)
BASE_SUBJECT = re.compile(r"\b(?:who|that)\s+$", re.IGNORECASE)
NOT_ENVOYS = frozenset({"official", "mission_staff"})
HEADS = frozenset({"ambassador", "charge_d_affaires", "special_envoy", "permanent_representative"})
POST_HEADS = frozenset({"consul_general", "consul"})  # one holder at a named post, as a head of mission is
STATE_NOUNS = frozenset(
    {"kingdom", "country", "government", "nation", "republic", "regime", "junta", "sultanate", "emirate"}
)
NAMING = frozenset({"defector"})
MONARCHIES = frozenset({"kingdom", "sultanate", "emirate"})  # state nouns a state's official name must carry
NAMED = 12  # states remembered for "the kingdom"
POSTED = frozenset({"station", "base", "post", "serve", "accredit"})  # "who is stationed in Tel Aviv"
SELF_ACTS = frozenset({"defect", "resign", "seek", "flee", "desert", "quit", "step", "request", "ask", "apply"})
OWN = frozenset({"its", "their", "our", "his", "her"})  # "recalled its ambassador": the actor's own envoy
SELF = frozenset({"country", "nation", "government"})  # "the country's ambassador": the subject's state
LOOKAHEAD = 2  # sentences searched for the name behind a lead's "a diplomat"
PREDECESSORS = frozenset({"predecessor", "successor"})
RECALLS = frozenset({"recall", "withdraw", "withdrawal"})  # verbs whose plural object is the subject's own envoys
EXPELS = frozenset({"expel", "oust", "order", "declare"})  # "expelled its own ambassador" is a dismissal
OWN_ACTS = frozenset({"dismiss", "sack", "fire", "remove", "recall", "withdraw"})  # acts on one's own envoys
# verbs whose subject is the envoy's host
HOSTS_ACT = frozenset({"expel", "oust", "order", "declare", "ask", "tell", "request", "give", "kick", "throw"})


@dataclass
class Facts:
    """What the document has said so far about each person: role and states."""

    roles: dict[str, RolePhrase] = field(default_factory=dict)
    citizenship: dict[str, str] = field(default_factory=dict)
    actor: str | None = None  # the state last named as a subject: what "the country" stands for
    named: list[str] = field(default_factory=list)  # the states named so far, the latest last

    def state_of(self, token: Token) -> str | None:
        """ "The kingdom announces ...": a state named by a common noun is the state last in subject
        position; "the kingdom", "the sultanate" or "the emirate" is the last state named that is
        one by its official name (a republic in subject position between them is not it)."""
        definite = any(c.lower_ == "the" for c in token.children)
        if not definite or token.lower_ not in STATE_NOUNS:
            return None
        if token.lower_ not in MONARCHIES:
            return self.actor
        for code in reversed([*self.named, *([self.actor] if self.actor else [])]):
            state = bodies.registry().get(code)
            if state is not None and any(token.lower_ in alias.lower() for alias in state.aliases):
                return code
        return None

    def follow(self, sentence: Sentence) -> None:
        for mention in sentence.of("body"):
            if mention.key and _state(mention.key):
                self.named = [*[b for b in self.named if b != mention.key], mention.key][-NAMED:]
        if sentence.span is None:
            return
        for token in sentence.tokens:
            if token.dep_ in ("nsubj", "nsubjpass") and (body := body_of(sentence, token)):
                self.actor = body
                return

    unnamed: list[RolePhrase] = field(default_factory=list)
    passing: dict[str, list[tuple[str, int, set[str]]]] = field(default_factory=dict)  # exit -> (person,
    # sentence, states it names): persons named in a mention of an exit that tells none of its own
    events: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # plural noun -> (exit, state)
    told: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (sentence, exit) found so far
    former: set[str] = field(default_factory=set)  # persons whose death the text tells of a former envoy

    def learn(self, phrases: list[RolePhrase]) -> None:
        for phrase in phrases:
            known = self.roles.get(phrase.person or "")
            fuller = known is not None and phrase.receiving is not None and known.receiving is None
            if phrase.person and (known is None or phrase.sending or fuller):
                self.roles[phrase.person] = phrase
            elif not phrase.person and phrase.sending and phrase not in self.unnamed:
                self.unnamed.append(phrase)

    def fill(self) -> None:
        """ "North Korea's former acting ambassador to Kuwait ... The diplomat, Ryu Hyun-woo, was
        acting chief of mission in Kuwait": a holder named without a state is the one the text
        gives that post with a state, when it gives only one."""
        for key, phrase in self.roles.items():
            if phrase.sending or key in self.citizenship:
                continue
            states = {
                u.sending
                for u in self.unnamed
                if u.role == phrase.role and phrase.receiving is not None and u.receiving == phrase.receiving
            }
            if len(states) == 1:
                self.citizenship[key] = states.pop()  # type: ignore[assignment]


@dataclass
class Found:
    """One exit with its sentence, so later sentences can attach consequences to it."""

    record: dict[str, Any]
    key: str  # the person's key or the group's text
    sentence: int
    actor: str | None = None  # the state that expelled or recalled, when the parse names it
    measured: bool = True  # whether the exit also tells a measure between states (`_measures_of_exits`)


@dataclass
class Unnamed:
    """An envoy the sentence names only by role: "recalled its ambassador", "our two ambassadors"."""

    start: int  # local offsets
    end: int
    text: str
    role: str
    sending: str | None
    receiving: list[str | None]
    count: int | None = None

    @classmethod
    def at(
        cls,
        sentence: Sentence,
        token: Token,
        role: str,
        sending: str | None,
        receiving: list[str | None],
        count: int | None = None,
    ) -> Unnamed:
        """The envoy the role noun `token` of `sentence` stands for, spanning that one word."""
        local = sentence.offset(token)
        return cls(local, local + len(token.text), token.text, role, sending, receiving, count)


Subject = Mention | Group | Unnamed


@dataclass
class Reading:
    """One party of a trigger, how sure the reading is, and the role and states its noun gives."""

    subject: Subject
    sure: float
    role: str | None = None
    sending: str | None = None
    receiving: str | None = None
    code: str | None = None  # an exit type the reading gives instead of the trigger's
    told: bool = False  # a group whose exit the sentence tells as an event, though it gives no count


def _subject(sentence: Sentence, start: int, end: int, active: bool) -> Mention | Group | None:
    """The person or group the trigger is about: the nearest before it (or after, for "expelled X").

    The fallback when the parse names nobody; its proposals get a lower confidence.
    """
    candidates: list[tuple[int, Mention | Group]] = []
    for mention in context.people(sentence):
        candidates.append((sentence.local(mention.start), mention))
    for group in groups(sentence):
        candidates.append((group.start, group))
    if active:
        after = [c for c in candidates if c[0] >= end]
        return min(after, key=lambda c: c[0])[1] if after else None
    before = [c for c in candidates if c[0] < start]
    if before:
        return max(before, key=lambda c: c[0])[1]
    if not sentence.text[start:end].lower().endswith(" of"):
        return None  # only "the resignation of X" names its person after the trigger
    after = [c for c in candidates if c[0] >= end]
    return min(after, key=lambda c: c[0])[1] if after else None


def _arguments(code: str, token: Token, active: bool) -> list[Token]:
    """The tokens the exit is about, read from the parse."""
    if token.lower_ in NAMING:
        return [token]  # "defector Oleg Lyalin" names its person
    if token.pos_ in ("NOUN", "PROPN"):
        return clauses.owners(token) or _of_after_date(token)
    if active or code in ("expelled", "dismissed", "recalled"):
        found = clauses.patients(token)
        if found or not active:
            return found
        return []
    return clauses.subjects(token)


def _of_after_date(noun: Token) -> list[Token]:
    """ "the expulsion on Friday of X": the parser hangs "of X" on the date between."""
    for node in noun.doc[noun.i + 1 : noun.i + 5]:
        dated = node.head.ent_type_ in ("DATE", "TIME") and noun.i < node.head.i < node.i
        if node.lower_ == "of" and node.dep_ == "prep" and dated:
            return [t for c in node.children if c.dep_ == "pobj" for t in clauses.coordinated(c)]
    return []


def _named_members(sentence: Sentence, tokens: list[Token], roles: dict[int, str]) -> list[Token]:
    """ "an attache, X, and envoys Y and Z had 14 days to leave": the parser may make the names the
    objects of a conjoined plural role noun; the persons are the arguments, not the noun, and the
    noun's role is theirs (in `roles`, by each person's local start)."""
    found: list[Token] = []
    conjuncts = [c for t in tokens for c in t.children if c.dep_ == "conj" and c not in tokens]
    for token in [*tokens, *conjuncts]:
        named = []
        plural = token.tag_ in ("NNS", "VBZ") and token.lower_.endswith("s")  # the tagger may read "envoys" as a verb
        if plural and token.dep_ == "conj" and lexicon.roles().get(token.lower_):
            named = [
                t
                for c in token.children
                if c.dep_ in ("dobj", "appos") and sentence.mention_of(c, ("person",)) is not None
                for t in clauses.coordinated(c)
            ]
        for person in named:
            mention = sentence.mention_of(person, ("person",))
            if mention is not None:
                roles[mention.start] = (
                    "diplomat" if lexicon.roles()[token.lower_] in HEADS else lexicon.roles()[token.lower_]
                )
        found += named or ([token] if token in tokens else [])
    return found


def body_of(sentence: Sentence, token: Token) -> str | None:
    mention = sentence.mention_of(token, ("body",))
    return mention.key if mention else None


def subject_states(sentence: Sentence, verb: Token, facts: Facts) -> list[str]:
    """The states a verb's subjects stand for: a body ("Cambodia and Thailand recalled"), a person's
    state ("Santos said he had recalled"), or the state in the subject's modifiers ("his government")."""
    found: list[str] = []
    for subject in clauses.subjects(_governor(verb)):
        state = body_of(sentence, subject) or facts.state_of(subject)
        nodes = [subject, *[c for c in subject.children if c.dep_ == "poss"]]
        for node in nodes if state is None else ():
            person = sentence.mention_of(node)
            key = person.key if person is not None else None
            phrase = facts.roles.get(key) if key else None
            state = (phrase.sending if phrase else None) or (facts.citizenship.get(key) if key else None)
            state = state or states_around(sentence, node)[0]
            if state:
                break
        for named in _including(sentence, subject) if state is None else []:
            found += [named] if named not in found else []
        if state and state not in found:
            found.append(state)
    return found


def _including(sentence: Sentence, noun: Token) -> list[str]:
    """ "Some countries, including A and B, have pulled their ambassadors": the states a generic
    plural subject names as its members."""
    if noun.tag_ != "NNS" or noun.lemma_ not in SELF | {"state"}:
        return []
    objects = [p for c in noun.children if c.lower_ == "including" for p in c.children if p.dep_ == "pobj"]
    return [b for o in objects for t in clauses.coordinated(o) if (b := body_of(sentence, t))]


def _governor(token: Token) -> Token:
    """The verb a trigger noun hangs on: "Kigali announced the recall of its ambassador", "the
    Vatican protested over the expulsion of its ambassador"."""
    node, steps = token, 0
    while node.pos_ in ("NOUN", "PROPN", "ADP") and node.dep_ in ("dobj", "pobj", "prep") and steps < 4:
        node, steps = node.head, steps + 1
    return node if node.pos_ in ("VERB", "AUX") else token


def states_around(sentence: Sentence, noun: Token) -> tuple[str | None, list[str | None]]:
    """The sending state in a noun's modifiers ("North Korean diplomat", "Britain's envoy", "from
    China's consulate") and the receiving states after it ("in London", "to the United States and
    Australia"). A mission's owner is the sending state and its place the receiving one."""
    sending = None
    receiving: list[str | None] = []
    for node in [noun, *clauses.named(noun)]:
        for child in clauses.modifiers(node):
            if child.i + 1 < len(child.doc) and child.doc[child.i + 1].text in DATELINE_MARKS:
                continue  # "Washington - The scientific affairs officer of ...": a dateline, no modifier
            if child.i > 0 and child.doc[child.i - 1].lower_ in ("to", "in", "at"):
                receiving.append(body_of(sentence, child))  # "its envoy to India Sohail Mahmood"
                continue
            sending = sending or body_of(sentence, child)
            for grand in clauses.modifiers(child):
                region = child.lower_ in STATE_NOUNS and not _state(body_of(sentence, grand))
                sending = sending or (None if region else body_of(sentence, grand))  # "the European nation's
                # ambassador": a region's adjective on a state noun names no body
        for clause in [c for c in node.children if c.dep_ == "relcl" and c.lemma_ in POSTED]:
            receiving += [body_of(sentence, p) for p in clauses.preposition_objects(clause, ("in", "to", "at"))]
        receiving += _post_in_clause(sentence, node)
        for pobj in clauses.preposition_objects(node, ("from", "of", "at", "in", "to")):
            if clauses.is_mission(pobj):
                owner = [body_of(sentence, c) for c in clauses.modifiers(pobj)]
                sending = sending or next((o for o in owner if o), None)
                receiving += [body_of(sentence, p) for p in clauses.preposition_objects(pobj, ("in", "to", "at"))]
            elif pobj.head.lower_ in ("from", "of"):
                sending = sending or body_of(sentence, pobj)
                for child in clauses.modifiers(pobj) if pobj.head.lower_ == "of" else ():
                    sending = sending or body_of(sentence, child)  # "head of KGB operations"
            else:
                receiving.append(body_of(sentence, pobj))
    unique: list[str | None] = []
    for body in receiving:
        if body and body != sending and body not in unique:
            unique.append(body)
    return sending, unique


def _post_in_clause(sentence: Sentence, noun: Token) -> list[str | None]:
    """ "X, who was his country's consular attache in Kuwait": the post of the role a relative
    clause equates the person with."""
    clauses_ = [c for c in noun.children if c.dep_ == "relcl" and c.lemma_ == "be"]
    roles = [a for c in clauses_ for a in c.children if a.dep_ == "attr" and lexicon.roles().get(a.lower_)]
    return [body_of(sentence, p) for a in roles for p in clauses.preposition_objects(a, ("in", "to", "at"))]


NAME_PATH = frozenset({"compound", "appos", "prep", "pobj", "flat", "nmod", "amod", "npadvmod", "punct"})


def _person_near(sentence: Sentence, token: Token) -> Mention | None:
    """The person a noun names: itself, an apposition, a compound ("envoy to India Sohail Mahmood")."""
    mention = sentence.mention_of(token)
    if mention is not None:
        return mention if mention.key else None
    for child in (c for c in token.children if c.dep_ == "appos"):  # "a member of the X embassy in Y, Z,"
        mention = sentence.mention_of(child, ("person",))
        if mention is not None and mention.key:
            return mention
    for node in token.subtree:
        if node == token or abs(node.i - token.i) > 8:
            continue
        step, ok = node, True
        while step != token and step.head != step:
            if step.dep_ not in NAME_PATH:
                ok = False
                break
            step = step.head
        mention = sentence.mention_of(node, ("person",)) if ok and step == token else None
        if mention is not None and mention.key:
            return mention
    if token.dep_ in ("appos", "compound"):  # "KGB defector Oleg Lyalin"
        mention = sentence.mention_of(token.head, ("person",))
        if mention is not None and mention.key:
            return mention
    return None


def _ahead(
    sentences: list[Sentence],
    index: int,
    role: str,
    sending: str | None,
    facts: Facts,
    *,
    definite: bool,
    post: str | None = None,
) -> Mention | None:
    """The person behind "the Mexican ambassador" or "a North Korean diplomat": one named earlier
    with that role and state, or one named later with them; for an indefinite lead ("a diplomat
    ... has defected"), also the subject of the next sentence, the usual shape of a news lead.
    `post` is where the envoy must serve ("Ecuador expels U.S. ambassador": one posted to Ecuador);
    a holder of the role named without a state ("Ambassador Heather Hodges") comes second."""
    roles = HEADS if role == "special_envoy" else {role}  # "the British envoy" may be its ambassador
    held = [
        (k, p)
        for k, p in reversed(facts.roles.items())
        if p.role in roles and (post is None or p.receiving in (None, post))
    ]
    for key, phrase in held if definite else ():  # "a diplomat" is someone new
        if (
            sending is None
            and not _told_before(sentences, index, key)
            and not _may_serve(sentences, key, {None, *_states_named(sentences[index])})
        ):
            continue  # "the ambassador" beside a Turkish embassy is no South African envoy named later
        if sending is None or phrase.sending == sending:
            return Mention("person", 0, 0, key, key)
    stateless = [
        k
        for k, p in held
        if p.sending is None
        and facts.citizenship.get(k) in (None, sending)
        and _may_serve(sentences, k, {sending, post})
    ]
    if definite and sending and stateless:
        order = [p.person for later in sentences[index + 1 :] for p in context.role_phrases(later)]
        key = next((k for k in order if k in stateless), stateless[0])  # the first named after it
        facts.citizenship[key] = sending
        return Mention("person", 0, 0, key, key)
    known = set() if definite else {m.key for s in sentences[: index + 1] for m in s.of("person") if m.key}
    for offset, later in enumerate(sentences[index + 1 :]):
        for phrase in context.role_phrases(later):
            if not phrase.person or phrase.role in NOT_ENVOYS or phrase.person in known:
                continue  # "a diplomat" is someone new, not the speaker named before
            if not definite and phrase.role in HEADS and role not in HEADS:
                continue  # "expelled a Russian diplomat ... summoned the Russian ambassador, X": another man
            same = sending is not None and phrase.sending == sending and phrase.role == role
            if same or (not definite and offset < LOOKAHEAD and phrase.sending in (None, sending)):
                person = next((m for m in later.of("person") if m.key == phrase.person), None)
                if person is not None:
                    return person
        if offset == 0 and not definite and later.span is not None:
            subjects = [
                t
                for t in later.span
                if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ in ("ROOT", "ccomp") and t.head.lemma_ not in SAYS
            ]  # the one who "said" it is the source, not the envoy
            persons = [p for t in subjects if (p := later.mention_of(t, ("person",))) is not None and p.key]
            if persons:  # "It said X was declared persona non grata": the reported clause's subject
                return persons[0]
    return None


IDENTIFIED = re.compile(
    r"\b(?:(?:identified|named)\s+(?:him\s+|her\s+)?as|changed\s+(?:his|her)\s+name\s+to)\s+(?:(?:the\s+)?[\w'’-]+\s+){0,2}$"
)
IDENTIFIED_NEXT = 2  # sentences after "a diplomat was expelled" searched for "named him as X"


def identified_as(sentence: Sentence, mention: Mention) -> bool:
    """Whether the sentence identifies an envoy told of before as this person ("identified him as X",
    "named him as the attaché X")."""
    return bool(IDENTIFIED.search(sentence.text[: sentence.local(mention.start)]))


def _identified(sentences: list[Sentence], index: int) -> Mention | None:
    """The one person the next sentences identify an indefinite envoy as ("named him as X")."""
    for later in sentences[index + 1 : index + 1 + IDENTIFIED_NEXT]:
        named = [m for m in later.of("person") if m.key and identified_as(later, m)]
        if named:
            return named[0] if len(named) == 1 else None
    return None


def _may_serve(sentences: list[Sentence], key: str, pair: set[str | None]) -> bool:
    """Whether a holder named without a state may be the envoy of a sender at a post: a sentence
    names him with no other state ("Canada announced that Ambassador X would not return" makes X
    no Brazilian envoy in Caracas; "the UN envoy X" among Russian envoys is no Sudanese one)."""
    allowed = {*pair, *(_successor(code) for code in pair)}
    return any(
        any(m.key == key for m in sentence.of("person"))
        and {b.key for b in sentence.of("body") if _state(b.key)} <= allowed
        for sentence in sentences
    )


def _told_before(sentences: list[Sentence], index: int, key: str) -> bool:
    """Whether a person is named in or before the sentence at `index`."""
    return any(m.key == key for sentence in sentences[: index + 1] for m in sentence.of("person"))


def _states_named(sentence: Sentence) -> set[str]:
    return {b.key for b in sentence.of("body") if b.key and _state(b.key)}


def _successor(code: str | None) -> str | None:
    """The state that continued a former one: Moscow in a Soviet-era text is the Soviet Union's."""
    body = bodies.registry().get(code or "")
    return body.continued_by if body is not None else None


SAYS = frozenset({"say", "tell", "add", "announce", "confirm", "state", "report", "claim", "insist", "note"})
LEAD = 2  # the sentences of a news lead, which names its person in the next sentence


def leads(sentences: list[Sentence], sentence: Sentence) -> bool:
    """Whether a sentence is a story's lead: among its first sentences, or the first to tell an
    exit after a preamble ("Below is a copy of the article ... The scientific affairs officer of
    the Czechoslovak Embassy has defected")."""
    if sentence.index <= LEAD:
        return True
    earlier = [s for s in sentences[: sentence.index] if not title_case(s.text) and not _headline(s)]
    return not any(s.holds("exits") for s in earlier)  # a headline is no lead


def _headline(sentence: Sentence) -> bool:
    """A text's first line told without a full stop: its headline, whatever its capitals."""
    return sentence.index == 0 and not sentence.text.rstrip().endswith((".", "!", "?", '"', "”", "’"))


def _other_envoy(sentence: Sentence) -> bool:
    """Whether a sentence tells the exit of an envoy it names by role alone ("After the minister
    ordered the Bolivian ambassador to leave, Jorge Rivas told reporters"): its subject is that
    envoy, not the one a lead before it told of."""
    for match in lexicon.any_of("exits").finditer(sentence.text):
        verb = clauses.head(sentence, *match.span())
        for noun in clauses.patients(verb) + clauses.subjects(verb) if verb is not None else []:
            if noun.pos_ == "NOUN" and lexicon.roles().get(noun.lower_) and sentence.mention_of(noun) is None:
                return True
    return False


def main_subject(sentence: Sentence, at: int) -> Mention | None:
    """ "After the minister ordered the Cambodian ambassador to leave, Hun Saroeun posted ...": the
    person who is the main clause's subject, when the trigger sits in a clause that leads up to it."""
    token = sentence.token_at(sentence.local(at))
    if sentence.span is None or token is None:
        return None
    root = sentence.span.root
    node = token
    while node.head != node and node.head != root:
        node = node.head
    if node == root or node.dep_ != "advcl" or node.i > root.i:
        return None
    subject = next((c for c in root.children if c.dep_ == "nsubj"), None)
    person = sentence.mention_of(subject, ("person",)) if subject is not None else None
    return person if person is not None and person.key else None


def _lead(sentences: list[Sentence], sentence: Sentence) -> Mention | None:
    """The person a lead's role noun stands for: the subject of the next sentence ("North Korea's top
    diplomat in Kuwait has defected ... Ryu Hyun Woo secretly arrived in South Korea")."""
    later = next((s for s in sentences if s.index == sentence.index + 1), None)
    if later is None or later.span is None or _other_envoy(later):
        return None
    subjects = [t for t in later.span if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ in ("ROOT", "ccomp")]
    for subject in subjects:  # "The agency quoted the office as saying Moncef Baati was accused": the
        if _tells(subject):
            continue  # "Lawmaker X said that Y disappeared": Y, not the one who tells it
        person = later.mention_of(subject, ("person",))  # first subject that is a person
        if person is not None and person.key:
            return person
        if subject.pos_ == "PROPN" or lexicon.roles().get(subject.lower_):
            return None  # another named party, or an envoy of its own, is the subject: no lead name
    return None


def _tells(subject: Token) -> bool:
    """A subject that reports what follows: the subject of "said" with a clause of its own."""
    verb = subject.head
    return verb.lemma_ in SAYS and any(c.dep_ == "ccomp" for c in verb.children)


NAME_GAP = re.compile(  # a place the gazetteer lacks may stand in it: "its consul general in Busan, X"
    r"\s*[,\[(]?\s*(?:(?:to|in|at|of|from)\s+(?:the\s+)?(?:[A-Z][a-z][\w'’-]*,?\s+)?(?:[a-z][\w'’-]*\s+|\s+){0,6}?)?\s*,?\s*$"
)


def _name_after(sentence: Sentence, token: Token) -> Mention | None:
    """A name right after a role noun, past a destination the parse hung elsewhere:
    "its envoy to India Sohail Mahmood"."""
    end = sentence.offset(token) + len(token.text)
    for mention in sentence.mentions:
        local = sentence.local(mention.start)
        if local < end:
            continue
        gap = sentence.text[end:local]
        bodies = [b for b in sentence.of("body") if end <= sentence.local(b.start) and sentence.local(b.end) <= local]
        for body in bodies:
            gap = gap.replace(body.text, "", 1)
        if mention.kind == "person" and mention.key and NAME_GAP.fullmatch(gap) and len(bodies) <= 2:
            return mention
        if mention.kind != "body":
            return None
    return None


def _bracketed(sentences: list[Sentence], sentence: Sentence, token: Token) -> Mention | None:
    """ "recalling its ambassador to Canada [Naif bin Bandar Al Sudairi]": a name an editor put in
    brackets after the role, which the parser cuts into a sentence of its own."""
    rest = sentence.text[sentence.offset(token) + len(token.text) :]
    for body in sentence.of("body"):
        rest = rest.replace(body.text, "", 1)
    following = sentences[sentence.index + 1] if sentence.index + 1 < len(sentences) else None
    if following is None or not re.fullmatch(r"\s*(?:to|in|at)?\s*(?:the\s+)?", rest):
        return None
    people = following.of("person")
    if not following.text.startswith("[") or not people or following.local(people[0].start) != 1:
        return None
    return people[0] if following.text[following.local(people[0].end) :].startswith("]") else None


class Hint(TypedDict):
    role: str | None
    sending: str | None
    receiving: str | None


def _hint(sentence: Sentence, token: Token) -> Hint:
    """The role and states a noun gives; a pronoun takes them from the role noun it stands for
    ("A key diplomat in the Myanmar embassy said he is seeking asylum")."""
    noun = token
    if token.pos_ == "PRON":
        step = token.head
        while step.pos_ in ("NOUN", "ADP") and step.dep_ in ("dobj", "pobj", "prep") and step.head != step:
            step = step.head  # "says he handed in his resignation": from "his" up to its verb
        while step.head != step and step.dep_ in ("ccomp", "xcomp", "conj", "advcl"):
            step = step.head
            subject = next((c for c in step.children if c.dep_ == "nsubj"), None)
            if subject is not None and lexicon.roles().get(subject.lower_):
                noun = subject
                break
    sending, receiving = states_around(sentence, noun)
    first = noun.i  # "the Consul General", "a Foreign Service officer", "air advisers": roles named by compounds
    while first > 0 and noun.doc[first - 1].dep_ in ("compound", "amod") and noun.i - first < 3:
        first -= 1
    words = [t.lower_ for t in noun.doc[first : noun.i + 1]]
    role = next((r for n in range(len(words)) if (r := lexicon.roles().get(" ".join(words[n:])))), None)
    if role in (None, "official"):  # "its own military and air advisers": a modifier makes the role
        mods = [c for c in noun.children if c.dep_ in ("amod", "nmod", "compound")]
        mods += [g for c in mods for g in c.children if g.dep_ == "conj"]
        role = next((r for c in mods if (r := lexicon.roles().get(f"{c.lower_} {noun.lower_}"))), role)
    if role == "official" and any(c.lower_ in clauses.MISSIONS for c in noun.children if c.dep_ == "compound"):
        role = "diplomat"  # "an embassy official" works at a mission
    at_mission = any(clauses.is_mission(p) for p in clauses.preposition_objects(noun, ("of", "at", "from", "in")))
    if role in (None, "official") and noun.lower_ in STAFF_NOUNS and at_mission:
        role = "diplomat"  # "the scientific affairs officer of the Czechoslovak Embassy"
    owned = any(c.dep_ == "poss" and c.lower_ in OWN for c in noun.children)
    if owned and sending and any(c.dep_ == "compound" and body_of(sentence, c) == sending for c in noun.children):
        sending, receiving = None, [sending, *receiving]  # "its US ambassador", "our Moscow envoy": the post
    return {
        "role": role,
        "sending": sending,
        "receiving": receiving[0] if receiving else None,
    }


def _post_held(sentence: Sentence, mention: Mention, facts: Facts) -> Hint | None:
    """ "Ryu held the post of acting ambassador to Kuwait, after his predecessor So was ordered to
    leave": a predecessor or successor held the same post as the person the sentence is about."""
    phrases = [p for p in context.role_phrases(sentence) if p.person != mention.key]
    phrases += [facts.roles[m.key] for m in sentence.of("person") if m.key != mention.key and m.key in facts.roles]
    phrase = next((p for p in phrases if p.role not in NOT_ENVOYS), None)
    if phrase is None:
        return None
    return {"role": phrase.role, "sending": phrase.sending, "receiving": phrase.receiving}


def _referents(
    sentence: Sentence, tokens: list[Token], sentences: list[Sentence], verb: Token, facts: Facts
) -> list[Reading]:
    """What each argument token stands for, with how sure the reading is."""
    found: list[Reading] = []
    for token in tokens:
        token = _role_subject(sentence, token) or _serial_head(sentence, token) or token
        token = _ranked_holder(verb, token) or token
        hint = _hint(sentence, token)
        role = hint["role"]
        mention = _person_near(sentence, token) or _quoted_speaker(sentence, token, verb)
        mention = mention or _phrase_named(sentence, token)
        if mention is None and verb.dep_ == "relcl" and verb.head == token:
            mention = _copula_subject(sentence, token)  # "X is the first Cuban diplomat to defect"
        pronoun = token.lower_ in PERSONAL and (mention is None or mention.kind == "anaphor")
        if pronoun and (since := _since_person(sentences, sentence, facts)):
            found.append(Reading(since, SINCE_HE, **hint))  # "X is the first to be expelled since Y was accused
            continue  # of spying. He was given 48 hours to leave": Y, since X's exit was told already
        if token.lower_ in PERSONAL and mention is None and (before := _envoy_before(sentences, sentence)):
            found.append(Reading(before, 0.7))  # "The Qatari ambassador was summoned ... He was given 48 hours"
            continue
        if mention is not None and mention.kind == "anaphor" and mention.text.lower().startswith("the "):
            named = lexicon.roles().get(mention.text.lower().split()[-1])
            earlier = _ahead(sentences, sentence.index, named, None, facts, definite=True) if named else None
            if earlier is None:
                continue
            mention = earlier
        near = {t.lower_ for t in token.doc[max(0, token.i - 3) : token.i + 1]}  # "predecessor So Chang Sik"
        if mention is not None and near & PREDECESSORS and hint["role"] is None:
            hint = _post_held(sentence, mention, facts) or hint
        if mention is not None:
            found.append(Reading(mention, 0.9 if mention.kind == "person" else 0.8, **hint))
            continue
        first = token
        while first.dep_ == "conj" and first.head != first:
            first = first.head  # "its own defence, navy and air advisers": the first conjunct's owner
        determiner = {c.lower_ for c in (*token.children, *first.children) if c.dep_ in ("det", "poss")}
        owned = bool(determiner & OWN) or _self_owned(token, first)  # "its envoy", "the country's ambassador"
        recall = verb.lemma_ in RECALLS and token.tag_ == "NNS"  # "recalled ambassadors from A and B": posts
        states = [
            b
            for p in clauses.preposition_objects(token, ("of",) if recall else ("of", "from"))
            if (b := body_of(sentence, p))
        ]
        if token.tag_ == "NNS" and role in HEADS and len(set(states)) >= POSTS_LISTED and verb.lemma_ in SELF_ACTS:
            # "the ambassadors of A, B, C and D have resigned": one state's envoys at those posts
            sender = _main_state(sentences, set(states))  # the state the text is about
            if sender is not None:
                unnamed = Unnamed.at(sentence, token, role, sender, [*dict.fromkeys(states)])
                found.append(Reading(unnamed, 0.6))
            continue
        if token.tag_ == "NNS" and role in HEADS and states and not owned:
            sure = 0.6 if verb.lemma_ in SELF_ACTS else 0.85  # "the ambassadors of A and B have resigned" may
            for state in states:  # mean one state's envoys there; "The ambassadors of Estonia and Latvia were
                found.append(Reading(Unnamed.at(sentence, token, role, state, [None]), sure))
                # declared persona non grata" is theirs
            continue
        posts = _posts(sentence, token, verb) if token.tag_ == "NNS" and role in HEADS else []
        sender = hint["sending"] or (_also_sender(verb, facts) if len(posts) > 1 else None)
        sure = 0.8
        if len(posts) > 1 and not sender and verb.lemma_ in OWN_ACTS and not clauses.passive(verb):
            # "President X of Chile dismissed the ambassadors to A, B and C": the dismisser's own
            sender, sure = next((s for s in subject_states(sentence, verb, facts) if s not in posts), None), 0.7
        if len(posts) > 1 and sender and sender not in posts:
            # "the Chilean ambassadors to A, B and C were dismissed": one head of mission at each post listed
            head = "ambassador" if role == "special_envoy" else role  # "envoys to A and B": their ambassadors
            unnamed = Unnamed.at(sentence, token, head, sender, posts)  # type: ignore[arg-type]
            found.append(Reading(unnamed, sure))
            continue
        group = next((g for g in groups(sentence) if g.start <= sentence.offset(token) < g.end), None)
        if group is not None and not owned and not (recall and subject_states(sentence, verb, facts)):
            found.append(Reading(_counted(group, token), 0.85))
            continue
        if role is None:
            continue
        after = _name_after(sentence, token) or _bracketed(sentences, sentence, token)
        if after is not None:
            found.append(Reading(after, 0.85, **hint))
            continue
        if role in NOT_ENVOYS:
            continue
        sending = hint["sending"]
        posts = [body_of(sentence, p) for p in clauses.preposition_objects(token, ("from",))] if recall else []
        sending = None if sending in posts else sending
        receiving: list[str | None] = [hint["receiving"]] if hint["receiving"] else []
        receiving = [*dict.fromkeys([p for p in posts if p] + receiving)] if recall else receiving
        if owned and sending in states:  # "recalled the country's ambassador from Venezuela": from the post
            receiving, sending = [sending], None
        if not owned and token.tag_ != "NNS":
            hosting = verb.lemma_ in HOSTS_ACT and not clauses.passive(verb)  # a passive subject is the envoy
            post = next(iter(subject_states(sentence, verb, facts)), None) if hosting else None
            post = post or hint["receiving"]  # "The US Ambassador to Estonia has resigned": the one posted there
            indefinite = bool(determiner & {"a", "an"})
            former = any(c.lower_ in ("former", "ex", "retired") for c in token.children)  # "a former ambassador"
            later = _ahead(sentences, sentence.index, role, sending, facts, definite=not indefinite, post=post)
            lead = (
                None
                if later is not None or indefinite or not leads(sentences, sentence)
                else _lead(sentences, sentence)
            )
            if lead is not None and lead.key in facts.roles and facts.roles[lead.key].role in NOT_ENVOYS:
                lead = None  # the president who announced it is not the envoy
            if lead is not None and lead.key in facts.roles and facts.roles[lead.key].sending not in (None, sending):
                lead = None  # "the Peruvian ambassador ... Cuban diplomat Raul Perez": another state's envoy
            if later is not None or lead is not None:
                found.append(Reading(later or lead, 0.8 if later else 0.75, **hint))  # type: ignore[arg-type]
            elif indefinite and sending and (identified := _identified(sentences, sentence.index)):
                found.append(Reading(identified, 0.7, **hint))  # "A US vice-consul was expelled. Pravda named him as X"
            elif (
                (indefinite or _beside_named(sentence, token))
                and sending
                and token.tag_ in ("NN", "NNP")
                and _expelling(verb)
                and not former
            ):
                found.append(Reading(Unnamed.at(sentence, token, role, sending, [post]), UNNAMED_EXPELLED))
                # "Pakistan ordered an Indian official to leave": one unnamed envoy expelled
            elif indefinite and sending and token.tag_ in ("NN", "NNP") and verb.lemma_ not in EXPELS and not former:
                found.append(Reading(_one(sentence, token, role, sending), 0.75))  # "the defection of a KGB
                # officer" named nowhere is a group of one; "expelled a Russian diplomat" is a measure alone
            elif post and sending and role in HEADS and not indefinite:  # "asked the Canadian ambassador to leave"
                found.append(Reading(Unnamed.at(sentence, token, role, sending, [post]), 0.8))
            elif (
                post
                and sending
                and role in POST_HEADS
                and "the" in determiner
                and verb.lemma_ in HOSTS_ACT
                and not sentence.of("person")
            ):
                # "told the Chilean consul general in Oslo to leave": one holder at a named post
                found.append(Reading(Unnamed.at(sentence, token, role, sending, [post]), 0.6))
            elif sending and role in HEADS and not indefinite and verb.lemma_ in RECALLS and clauses.passive(verb):
                # "The Chilean ambassador had been recalled from Lima"
                froms = [b for p in clauses.preposition_objects(verb, ("from",)) if (b := body_of(sentence, p))]
                places = [next((p for p in froms if p != sending), None)]
                found.append(Reading(Unnamed.at(sentence, token, role, sending, places), 0.7))
            elif sending and role in HEADS and not indefinite and verb.lemma_ in HOSTS_ACT:
                # "The Cabinet has requested the French ambassador to leave": the post is untold
                found.append(Reading(Unnamed.at(sentence, token, role, sending, [None]), 0.7))
            elif sending and verb.lemma_ == "leave" and token.tag_ in ("NN", "NNP") and not former:
                # "The senior Chilean diplomat in Lima must leave the country within 72 hours", named nowhere
                found.append(Reading(Unnamed.at(sentence, token, role, sending, [post]), 0.6))
            elif sending and verb.lemma_ in SELF_ACTS and token.tag_ in ("NN", "NNP"):
                # "A North Korean embassy official in Beijing has defected", named nowhere
                places = [hint["receiving"]]
                found.append(Reading(Unnamed.at(sentence, token, role, sending, places), 0.7))
            continue
        if owned or token.tag_ == "NNS":
            hosts = verb.lemma_ in HOSTS_ACT and not _own(verb, [token])  # "Turkey was expelling their diplomats"
            owners: list[str | None] = [sending] if sending else []
            owners = owners or ([] if hosts else [*subject_states(sentence, verb, facts)])
            single = token.tag_ != "NNS" and hosts and owned and not owners
            other = _other_party(sentence, verb, token, facts) if single else None
            if other is not None:  # "broke off ties with Panama and expelled its ambassador": Panama's
                found.append(Reading(Unnamed.at(sentence, token, role, other, [None]), OTHER_PARTY))
                continue
            noun = verb if token.head.head == verb and token.head.lower_ == "of" else token
            preps = [*clauses.preposition_objects(noun, ("to",)), *clauses.preposition_objects(token, ("to",))]
            posted = [b for p in preps if (b := body_of(sentence, p))]  # "the sacking of X's envoys to A and B"
            count = next((_number(c) for c in token.children if c.dep_ == "nummod"), None) or _partitive(token)
            if count and token.tag_ == "NNS" and not posted and sending:  # "the recall of 30 of Guinea's
                found.append(Reading(_many(sentence, token, role, sending, count), 0.85))  # ambassadors"
                continue
            if not owners or not (owned or recall or (sending and posted)):
                continue  # "our ambassadors" said by someone unnamed; "ambassadors" in general
            if sending and len(posted) > 1:
                receiving = [*dict.fromkeys(posted)]  # "the sacking of Ukraine's ambassadors to A, B and C"
            if not receiving:
                objects = [*clauses.preposition_objects(verb, ("to", "from", "in"))]
                objects += clauses.preposition_objects(token, ("to", "from", "in")) if recall else []
                objects += [q for o in objects if recall for q in clauses.preposition_objects(o, ("in",))]
                places = [body_of(sentence, p) for p in objects]
                receiving = [r for r in places if r and r not in (sending, *owners)] or [None]
            if receiving == [None] and hosts and token.tag_ == "NNS" and role in HEADS:
                receiving = [h for h in _hosts(sentence, verb) if h not in owners] or [None]  # "A, B and C
                # expelled their Syrian ambassadors": each host sends away the envoy posted to it
            if token.tag_ == "NNS" and role not in HEADS and owned:
                for owner in owners:  # "India announced the withdrawal of its own defence advisers"
                    found.append(Reading(_many(sentence, token, role, owner, None), 0.75, told=True))  # type: ignore[arg-type]
                continue
            for owner in owners:
                others: list[str | None] = [o for o in owners if o != owner]
                places = others if len(owners) > 1 and receiving == [None] else receiving  # "each other's"
                if recall and not owned and places == [None]:
                    continue  # "Colombia, Venezuela recall ambassadors" names no post: the text says later
                unnamed = Unnamed.at(sentence, token, role, owner, places, count)
                found.append(Reading(unnamed, 0.85))
    return found


def _self_owned(*nouns: Token) -> bool:
    """ "the country's ambassador": the subject's own envoy; "the European nation's ambassador"
    describes another state, so is none."""
    return any(
        c.dep_ in ("det", "poss") and c.lower_ in SELF and not any(g.dep_ == "amod" for g in c.children)
        for noun in nouns
        for c in noun.children
    )


EXPELLING = EXPELS | {"expulsion"}
ASKED_OUT = frozenset({"ask", "tell", "order", "request", "instruct", "direct"})


def _expelling(verb: Token) -> bool:
    """A verb that sends its object away: "expelled a Chilean diplomat", and the passive of one
    that makes him leave ("a Chilean diplomat has been asked to leave")."""
    return verb.lemma_ in EXPELLING or (verb.lemma_ in ASKED_OUT and clauses.passive(verb))


OTHER_PARTY = 0.75  # "its ambassador" expelled by the subject: the other state the sentence names


def _other_party(sentence: Sentence, verb: Token, noun: Token, facts: Facts) -> str | None:
    """The one state a sentence names before a possessive envoy besides the host that acts on him:
    "Venezuela broke off ties with Panama and expelled its ambassador" (none when two or more)."""
    hosts = set(subject_states(sentence, verb, facts))
    if not hosts:
        return None
    at = sentence.start + sentence.offset(noun)
    others = {b.key for b in sentence.of("body") if b.end <= at and b.key and _state(b.key) and b.key not in hosts}
    return others.pop() if len(others) == 1 else None


UNNAMED_EXPELLED = 0.7  # "expelled a Russian diplomat": an exit with no name (the gold has one; older rounds had none)
POSTS_LISTED = 3  # states after "the ambassadors of" that make a list of one state's posts


def _main_state(sentences: list[Sentence], besides: set[str]) -> str | None:
    """The state a text names most, besides the ones listed, when it names one at least twice."""
    named = Counter(b.key for s in sentences for b in s.of("body") if b.key and b.key not in besides and _state(b.key))
    best = named.most_common(1)
    return best[0][0] if best and best[0][1] >= 2 else None


def _hosts(sentence: Sentence, verb: Token) -> list[str]:
    """The states a verb's subjects name, each conjunct apart: "A, B and C", "the governments of A and B"."""
    found: list[str] = []
    for subject in clauses.subjects(verb):
        body = body_of(sentence, subject)
        bodies = [body] if body else [body_of(sentence, p) for p in clauses.preposition_objects(subject, ("of",))]
        found += [b for b in bodies if b and b not in found]
    return found


ALSO = frozenset({"also", "too", "likewise", "similarly"})


def _also_sender(verb: Token, facts: Facts) -> str | None:
    """ "Envoys to A and B were also dismissed": the state whose envoys the text told leaving before."""
    if not any(c.dep_ == "advmod" and c.lower_ in ALSO for c in verb.children):
        return None
    return next((state for _, state in reversed(list(facts.events.values())) if state), None)


SUBJECTS = frozenset({"nsubj", "nsubjpass"})
HOMEWARD = frozenset({"recall", "withdraw", "summon", "call", "send", "return", "bring", "order"})


def _posts(sentence: Sentence, noun: Token, verb: Token) -> list[str | None]:
    """The states a plural head of mission is posted to, in order: "ambassadors to A, B and C"
    (the parser may hang "to A" on a dismissal's verb; a recall's "to" is where they go)."""
    objects = clauses.preposition_objects(noun, ("to", "in"))
    if not objects and noun.head == verb and verb.lemma_ not in HOMEWARD:
        objects = clauses.preposition_objects(verb, ("to",))
    if objects and any(c.dep_ == "cc" for c in noun.children):  # "the ambassadors to A, B, and C were
        objects += [c for c in verb.children if c.dep_ in SUBJECTS and c.i > noun.i]  # dismissed": the
        # parser makes C, after the serial comma, a second subject
    bodies = [body_of(sentence, p) for p in objects]
    return [*dict.fromkeys(b for b in bodies if b)]


def _included(sentence: Sentence, noun: Token, readings: list[Reading], facts: Facts) -> list[Reading]:
    """ "X is the fourth Cuban envoy to die in post, including A and B": those listed did too; a
    state before one's role ("the Chile envoy B") is then his post."""
    hint = _hint(sentence, noun)
    found: list[Reading] = []
    for prep in (c for c in noun.children if c.lower_ == "including"):
        for token in prep.subtree:
            mention = sentence.mention_of(token, ("person",))
            if mention is None or not mention.key or any(r.subject == mention for r in readings + found):
                continue
            own = facts.roles.get(mention.key)
            post = own.sending if own is not None and own.sending != hint["sending"] else None
            found.append(Reading(mention, 0.75, role=hint["role"], sending=hint["sending"], receiving=post))
    return found


def _beside_named(sentence: Sentence, token: Token) -> bool:
    """ "X and the British diplomat were declared persona non grata": an envoy told by role beside
    a named person, who is someone else."""
    return token.dep_ == "conj" and sentence.mention_of(token.head, ("person", "anaphor")) is not None


def _ranked_holder(verb: Token, noun: Token) -> Token | None:
    """The envoy a ranked noun is said of when he is told by role: "North Korea's top diplomat in
    Italy has become the latest official to defect" is the diplomat's defection."""
    if verb.dep_ != "relcl" or verb.head != noun or not clauses.ranked(noun):
        return None
    subject = next((c for c in noun.head.children if c.dep_ == "nsubj"), None)
    role = lexicon.roles().get(subject.lower_) if subject is not None else None
    return subject if role is not None and role not in NOT_ENVOYS else None


def _phrase_named(sentence: Sentence, token: Token) -> Mention | None:
    """The person the role phrase around a role noun names ("an attache at the U.S. Embassy in
    Russia, Lt. Col. X"), when the parse hangs the name elsewhere."""
    at = sentence.offset(token)
    for phrase in context.role_phrases(sentence) if token.tag_ != "NNS" else []:
        if phrase.start <= at < phrase.end and phrase.person:
            after = (m for m in sentence.of("person") if sentence.local(m.start) >= phrase.end)
            return next((m for m in after if m.key == phrase.person), None)
    return None


def _quoted_speaker(sentence: Sentence, token: Token, verb: Token) -> Mention | None:
    """ "X said, 'I resign from serving the regime'": the one who says "I" in the quote."""
    if token.lower_ != "i" or verb.dep_ != "ccomp" or verb.head.lemma_ not in SAYS:
        return None
    for subject in (c for c in verb.head.children if c.dep_ == "nsubj"):
        mention = _person_near(sentence, subject)
        if mention is not None and mention.kind == "person" and mention.key:
            return mention
    return None


def _copula_subject(sentence: Sentence, noun: Token) -> Mention | None:
    """The person a role noun is said of: "X was the most senior Cuban diplomat to have defected"."""
    if noun.dep_ != "attr" or noun.head.lemma_ not in ("be", "become"):
        return None
    for subject in (c for c in noun.head.children if c.dep_ == "nsubj"):
        mention = sentence.mention_of(subject, ("person",))
        if mention is not None and mention.key:
            return mention
    return None


RANKED_SUBJECT = 0.8  # "The latest to defect is X": the person a ranked subject is equated with


def _ranked_subject(sentence: Sentence, verb: Token) -> Mention | None:
    """ "The latest to ditch the government and ask for asylum is Ambassador X", "the first to
    resign was X": an infinitive on a ranked word that is the subject of "be" tells of the person
    the copula equates it with."""
    node = verb
    while node.dep_ == "conj" and node.head != node:
        node = node.head
    noun = node.head
    if node.dep_ not in ("relcl", "acl") or noun.dep_ != "nsubj" or noun.head.lemma_ != "be":
        return None
    if not clauses.ranking(noun):
        return None
    attribute = next((c for c in noun.head.children if c.dep_ == "attr"), None)
    if attribute is None:
        return None
    mention = sentence.mention_of(attribute, ("person",)) or _person_near(sentence, attribute)
    return mention if mention is not None and mention.kind == "person" and mention.key else None


def _own(verb: Token, arguments: list[Token]) -> bool:
    """ "Tunisia expelled its own ambassador": a state that expels its own envoy removes him."""
    return verb.lemma_ in EXPELS and any(
        any(c.lower_ == "own" for c in a.children) and any(c.lower_ in OWN for c in a.children) for a in arguments
    )


DATELINE_MARKS = frozenset({"-", "–", "—", ":"})
STAFF_NOUNS = frozenset({"officer", "official", "officials", "officers", "member", "employee", "secretary"})
PERSONAL = frozenset({"he", "she", "him", "her"})


def _serial_head(sentence: Sentence, token: Token) -> Token | None:
    """ "Envoys to A, B, and C were dismissed": the parser may hang the "and" on the plural role noun
    and make C, after the serial comma, the verb's subject; the subject is the role noun."""
    if token.i < 2 or body_of(sentence, token) is None:
        return None
    marker = token.doc[token.i - 1]
    noun = marker.head
    if marker.dep_ != "cc" or noun.tag_ != "NNS" or noun.i >= token.i:
        return None
    if lexicon.roles().get(noun.lower_) not in HEADS or not clauses.preposition_objects(noun, ("to", "in")):
        return None
    return noun


SINCE_HE = 0.6


def _since_person(sentences: list[Sentence], sentence: Sentence, facts: Facts) -> Mention | None:
    """The person a "since Y was ..." clause of the sentence before names, when that sentence's
    other persons have their exits told already: the new pronoun is about Y."""
    if sentence.index == 0 or sentence.index > len(sentences):
        return None
    before = sentences[sentence.index - 1]
    if before.span is None:
        return None
    exited = {r.get("person") for _, r in facts.told}
    persons = [m for m in before.of("person") if m.kind == "person" and m.key]
    for mention in persons:
        token = before.token_at(before.local(mention.end) - 1)
        if token is None or token.dep_ not in ("nsubj", "nsubjpass") or mention.key in exited:
            continue
        if any(c.dep_ == "mark" and c.lower_ == "since" for c in token.head.children):
            others = {m.key for m in persons if m is not mention}
            return mention if others and others <= exited else None
    return None


def _role_subject(sentence: Sentence, token: Token) -> Token | None:
    """ "The Guinean ambassador to Serbia faced expulsion ... (he was declared persona non grata)":
    a pronoun stands for the unnamed envoy who is the subject of its own sentence, not for a person
    the sentences before it named."""
    if token.lower_ not in PERSONAL or sentence.span is None:
        return None
    for node in sentence.tokens:
        if node.i >= token.i:
            return None
        if node.dep_ in ("nsubj", "nsubjpass") and node.pos_ == "NOUN" and node.tag_ == "NN":
            role = lexicon.roles().get(node.lower_)
            if role in context.ENVOYS and sentence.mention_of(node) is None and _person_near(sentence, node) is None:
                return node if states_around(sentence, node)[0] else None
    return None


def _envoy_before(sentences: list[Sentence], sentence: Sentence) -> Unnamed | None:
    """The unnamed envoy a pronoun with no person before it stands for: the subject of the
    sentence before, when that is a head of mission with a state ("The Qatari ambassador")."""
    before = sentences[sentence.index - 1] if 0 < sentence.index < len(sentences) else None
    if before is None or before.span is None or before.paragraph != sentence.paragraph or before.of("person"):
        return None
    for node in before.span:
        if node.dep_ in ("nsubj", "nsubjpass") and node.head.dep_ == "ROOT" and node.tag_ == "NN":
            hint = _hint(before, node)
            if hint["role"] in HEADS and hint["sending"]:
                return Unnamed.at(before, node, hint["role"], hint["sending"], [hint["receiving"]])
    return None


def _phrase(sentence: Sentence, token: Token) -> tuple[int, int, str]:
    """The local span and words of a noun phrase up to its head: "a top KGB officer"."""
    first = sentence.offset(token.left_edge)
    last = sentence.offset(token) + len(token.text)
    return first, last, sentence.text[first:last]


def _one(sentence: Sentence, token: Token, role: str, sending: str) -> Group:
    """An envoy the text gives only an indefinite article ("a Pakistani official") is a group of one."""
    first, last, text = _phrase(sentence, token)
    return Group(first, last, text, role, sending, 1)


def _many(sentence: Sentence, token: Token, role: str, sending: str, count: int | None) -> Group:
    first, last, text = _phrase(sentence, token)
    return Group(first, last, text, role, sending, count)


def _partitive(token: Token) -> int | None:
    """ "30 of Guinea's ambassadors": the count stands before "of"."""
    if token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.like_num:
        return _number(token.head.head)
    return None


def _counted(group: Group, token: Token) -> Group:
    """A group's count read from the parse when the words before it hide it ("ordered three
    diplomats from Chad to leave": the number modifies the plural noun)."""
    if group.count is not None:
        return group
    count = next((_number(c) for c in token.children if c.dep_ == "nummod"), None) or _partitive(token)
    return replace(group, count=count) if count else group


def _number(token: Token) -> int | None:
    word = token.lower_.replace(",", "")
    return int(word) if word.isdigit() else lexicon.numbers().get(word)


def _role_for(key: str, sentence: Sentence, phrases: list[RolePhrase], end: int, facts: Facts) -> RolePhrase | None:
    known = facts.roles.get(key)
    for phrase in phrases:
        if phrase.person == key:  # "Career diplomat, Asif Ahmad" here, "British High Commissioner" elsewhere
            return known if phrase.sending is None and known is not None and known.sending else phrase
    for phrase in phrases:
        if phrase.start >= end and re.fullmatch(
            r"\s+(?:his|her|their)?\s*(?:position\s+)?as\s+(?:the\s+|a\s+|an\s+)?(?:[\w.'’]+\s+){0,2}",
            sentence.text[end : phrase.start],
        ):
            return phrase
    return facts.roles.get(key)


def _body_after(sentence: Sentence, at: int, pattern: re.Pattern[str]) -> str | None:
    for body in sentence.of("body"):
        local = sentence.local(body.start)
        if local >= at and pattern.search(sentence.text[at:local]):
            return body.key
    return None


REGIME_CHANGE = re.compile(
    r"\b(?:coup|junta|putsch|seized power|took power|takeover|taken over|took over|overthr(?:ew|own|ow)|toppled"
    r"|fall of (?:the )?(?:government|regime|republic)|fell to|collapse of (?:the )?(?:government|regime|state)"
    r"|Taliban|revolution|regime change|government (?:fell|collapsed|changed))\b",
    re.IGNORECASE,
)
LEAD_SENTENCES = 3  # a headline and the first sentences, which tell what the story is about


def settle(found: list[Found], sentences: list[Sentence]) -> None:
    """Exit types that the whole text decides. An envoy who asks another state for asylum while
    the government he served stays in power defects (docs/extraction.md): `sought_asylum` is kept
    only when the text tells of a coup, a takeover or a fallen government (a group that asks for
    asylum keeps the type: that is how missions left without a government are told). A lead that tells of
    resignations in protest ("Libyan diplomats resign in protest") makes the resignations the
    story then names protests too."""
    text = " ".join(s.text for s in sentences)
    changed = bool(REGIME_CHANGE.search(text))
    lead = sentences[:LEAD_SENTENCES]
    protest = any(lexicon.pattern("protest").search(s.text) and RESIGN.search(s.text) for s in lead)
    for one in found:
        record = one.record
        if record["exit_type"] == "sought_asylum" and record.get("person") and not changed:
            record["exit_type"] = "defected"
        elif record["exit_type"] == "resigned" and (protest or _dissent_after(one, sentences)):
            record["exit_type"] = "resigned_in_protest"


DISSENT = re.compile(r"\b(?:denounc|condemn|disown|repudiat|disavow)\w*", re.IGNORECASE)
DISSENT_AHEAD = 2  # sentences from a resignation's person's first naming in which a denunciation tells why


def _dissent_after(one: Found, sentences: list[Sentence]) -> bool:
    """ "Two diplomats have resigned. X and Y denounced the regime, saying ...": the persons who
    resigned condemn the government they served where the text names them, a resignation in protest."""
    key = one.record.get("person")
    if not key:
        return False
    named = next((s.index for s in sentences[one.sentence :] if any(m.key == key for m in s.of("person"))), None)
    if named is None:
        return False
    for later in sentences[one.sentence : max(one.sentence, named) + DISSENT_AHEAD]:
        if any(m.key == key for m in later.of("person")) and DISSENT.search(later.text):
            return True
    return False


RESIGN = re.compile(r"\bresign", re.IGNORECASE)


def _exit_type(code: str, sentence: Sentence, start: int) -> str:
    if code == "resigned" and lexicon.pattern("protest").search(sentence.text):
        return "resigned_in_protest"
    return code


def _reason(text: str) -> str | None:
    match = REASON.search(text)
    return match.group(1).strip() if match else None


def _fallback_sending(sentence: Sentence, used: set[str | None], recent: list[str], facts: Facts) -> str | None:
    """A state the sentence or the text names besides the envoy's post: an envoy is sent by a
    state, not by the United Nations the sentence also names. A state the text gives envoys
    ("Iraqi diplomats", "Iraq's deputy ambassador") comes before one it only names, in the
    sentence and then in the text, except for an envoy to an international body: he speaks for
    the state the text is told from, not for the other state whose envoys it names."""
    phrases = [p.sending for p in [*facts.roles.values(), *facts.unnamed] if p.sending and p.sending not in used]
    at_body = any(code and not _state(code) for code in used)  # an envoy to the UN or the OAS
    senders = Counter() if at_body else Counter(phrases)
    states = [b.key for b in sentence.of("body") if b.key not in used and _state(b.key)]
    earlier = Counter(b for b in reversed(recent) if b not in used and _state(b))
    told = [b for b, _ in senders.most_common() if _state(b)]
    ranked = [b for b in states if b in senders] + states + [b for b in told if b in earlier] + told  # the
    # paragraph's own senders first: "More Cuban diplomats have defected. The latest ... is X"
    return next(iter(ranked + [b for b, _ in earlier.most_common()]), None)


STAYED = re.compile(
    r"\b(?:remain(?:ed|s|ing)?|stay(?:ed|s|ing)?|(?:re)?settled|lives|lived|defected|fled)\s+(?:in|to)\s+(?:the\s+)?$"
)


def _stayed_in(sentence: Sentence) -> set[str | None]:
    """ "defected with his family and remained in the United States": where a defector stayed is
    no state that sent him."""
    return {
        b.key
        for b in sentence.of("body")
        if STAYED.search(sentence.text[max(0, sentence.local(b.start) - 30) : sentence.local(b.start)])
    }


def _group_told(facts: Facts, used: set[str | None], named: set[str]) -> str | None:
    """The state of the envoys the text last told expelled as a plural ("expelled three
    Czech diplomats"): persons named later with no state of their own are most likely among them,
    when their sentence names that state or none but the hosts."""
    for told, state in reversed(list(facts.events.values())):
        if told == "expelled" and state and state not in used:
            return state if state in named or not named - used else None
    return None


def _hosts_told(sentence: Sentence, at: At) -> set[str | None]:
    """The states that expel, in a sentence that names no envoy's state: the actor, and the state
    that says so ("X was expelled in retaliation, Moscow said")."""
    hosts: set[str | None] = {at.actor}
    for token in sentence.tokens:
        if token.dep_ == "nsubj" and token.head.lemma_ in SAYS and (body := body_of(sentence, token)):
            hosts.add(body)
        elif (
            token.dep_ == "nsubj" and token.head.lemma_ in SAYS and (person := sentence.mention_of(token, ("person",)))
        ):
            phrase = at.facts.roles.get(person.key or "")  # "State Department spokesman X said Y would be
            if phrase is not None and phrase.role in NOT_ENVOYS and phrase.sending:  # expelled": his state
                hosts.add(phrase.sending)  # is the host
    return hosts


def _state(code: str | None) -> bool:
    body = bodies.registry().get(code or "")
    return body is not None and body.kind != "international"


def find(
    sentence: Sentence,
    facts: Facts,
    year: int | None,
    recent: list[str],
    sentences: list[Sentence] | None = None,
    years: context.Years | None = None,
) -> list[Found]:
    found: list[Found] = _members(sentence, facts, sentences or [sentence], recent, years, year)
    if not sentence.holds("exits"):
        found += _followed(sentence, facts, {f.key for f in found})
        facts.told += [(sentence.index, f.record) for f in found]
        return found
    seen: set[str] = {f.key for f in found}
    phrases = context.role_phrases(sentence)
    for trigger in lexicon.exits():
        for match in trigger.pattern.finditer(sentence.text):
            start, end = match.span()
            token = clauses.head(sentence, start, end)
            if token is None and context.generic(sentence, start, match.group(0)):
                continue
            for reading in _since(sentence, token, trigger.code):  # "the first ... to defect since X"
                at = At(sentence, phrases, (start, end), facts, recent, token, None)
                for record in _records(trigger.code, reading, at):
                    if record["_key"] not in seen:
                        seen.add(record["_key"])
                        local = sentence.local(reading.subject.start)
                        record["year"] = years.at(sentence, local) if years else year
                        found.append(Found(record, record.pop("_key"), sentence.index, None))
            hedged = context.hedges(sentence, start)
            announced = _announced(sentence, hedged, token)  # "the ministry said X would be expelled"
            hedged = [] if announced else hedged
            if token is not None and (clauses.generic(token) or clauses.reaches(sentence, hedged, token)):
                _named_in_passing(sentence, trigger.code, token, facts)  # "The move to expel X came a day after"
            if clauses.reaches(sentence, hedged, token):
                continue
            if token is not None and (
                clauses.negated(token)
                or clauses.alternative(token)
                or clauses.denied(token)
                or clauses.generic(token)
                or _reported_speech(token)
                or clauses.stance(token)
                or clauses.demanded(token)
                or token.dep_ == "amod"  # "the ousted president": a description, not a report
                or _from_party(sentence, token)
            ):
                continue
            ranked = token is not None and token.dep_ == "relcl" and clauses.ranked(token.head)  # "the first to defect"
            equated = _ranked_subject(sentence, token) if token is not None else None  # "The latest to defect is X"
            ranked = ranked or equated is not None
            if (
                trigger.option("base")
                and not ranked
                and not (BASE_SUBJECT.search(sentence.text[:start]) and groups(sentence))
            ):
                continue
            active = bool(trigger.option("active")) and not re.search(
                r"\b(?:was|were|been|be)\s+$", sentence.text[:start]
            )
            readings: list[Reading] = []
            if token is not None:
                arguments = (
                    clauses.subjects(token) if trigger.option("subject") else _arguments(trigger.code, token, active)
                )
                members: dict[int, str] = {}
                arguments = _named_members(sentence, arguments, members)
                readings = _referents(sentence, arguments, sentences or [sentence], token, facts)
                readings = [  # "envoys Y and Z": the role of both
                    replace(r, role=members[r.subject.start]) if r.role is None and r.subject.start in members else r
                    for r in readings
                ]
                if trigger.code == "expelled" and _own(token, arguments):
                    readings = [replace(r, code="dismissed") for r in readings]
            if equated is not None:
                readings = [Reading(equated, RANKED_SUBJECT)]
            if not readings and token is not None and token.tag_ == "NNS":
                readings = _listed(sentence, end)  # "Three defections occurred last year: A, B and C"
            if not readings and token is not None and sentences:
                listed = _listed_before(sentences, sentence, arguments, {f.key for f in found})
                actor = _actor(sentence, token, facts) if listed else None  # who expels them, told here
                png = trigger.code == "expelled" and bool(PNG.search(match.group(0)))
                shared: dict[str, Any] = {}  # "diplomats A and B": the list's one role phrase is all of theirs
                for _ in range(2):
                    for where, mention in listed:
                        named_at = where.local(mention.start), where.local(mention.end)
                        listed_at = At(where, context.role_phrases(where), named_at, facts, recent, None, actor)
                        role = shared.get("role") or (png and "diplomat")  # "A, B and C ... these persons are
                        # declared not acceptable": words said only of a mission's members make them its diplomats
                        reading = Reading(mention, LISTED_BEFORE, role or None, shared.get("sending_state"))
                        for record in _records(trigger.code, reading, listed_at):
                            if record["_key"] in seen:
                                continue
                            shared = shared or record
                            seen.add(record["_key"])
                            record["year"] = years.at(sentence, start, token) if years else year
                            found.append(Found(record, record.pop("_key"), sentence.index, actor, False))
                    if not shared:
                        break
            if _former_death(trigger.code, arguments if token is not None else [], readings, facts):
                continue  # "Tass said the former diplomat died Monday": no death in post
            if token is not None and sentences:
                for where, member in _colon_members(sentence, token, arguments, sentences):
                    named_at = where.local(member.subject.start), where.local(member.subject.end)
                    listed_at = At(where, context.role_phrases(where), named_at, facts, recent, None, None)
                    for record in _records(trigger.code, member, listed_at):
                        if record["_key"] not in seen:
                            seen.add(record["_key"])
                            record["year"] = years.at(sentence, start, token) if years else year
                            found.append(Found(record, record.pop("_key"), sentence.index, None, False))
            if trigger.option("envoy"):  # "X was murdered" is an exit only for one the text makes an envoy
                readings = [r for r in readings if _envoy_reading(r, facts)]
            if not readings and not trigger.option("parse_only") and not trigger.option("envoy"):
                fallback = _subject(sentence, start, end, active)
                readings = [Reading(fallback, 0.6)] if fallback is not None else []
                readings = [r for r in readings if not _official(r, facts) and not speaker(sentence, r.subject)]
            for argument in arguments if token is not None else []:
                if argument.tag_ == "NNS":  # "declared two United States officers persona non grata"
                    state = states_around(sentence, argument)[0]
                    own = any(c.lower_ in OWN for c in argument.children)
                    own = own or (token is not None and token.lemma_ in OWN_ACTS and not clauses.passive(token))
                    if token is not None and state is None and own:  # "dismissed the ambassadors to ..."
                        state = next(iter(subject_states(sentence, token, facts)), None)
                    facts.events[argument.lemma_] = (trigger.code, state)
            if ranked and readings and token is not None:
                readings += _included(sentence, token.head, readings, facts)  # "..., including A and B"
            actor = _actor(sentence, token, facts) if token is not None and readings else None
            actor = None if trigger.option("subject") else actor  # "X must leave within": X leaves, none acts
            for reading in readings:
                at = At(sentence, phrases, (start, end), facts, recent, token, actor)
                for record in _records(reading.code or trigger.code, reading, at):
                    if record["_key"] in seen:
                        continue
                    seen.add(record["_key"])
                    record["year"] = years.at(sentence, start, token) if years else year
                    if announced:
                        record["confidence"] = min(record["confidence"], ANNOUNCED)
                    if trigger.option("most"):  # a trigger the lexicon trusts less ("must leave within")
                        record["confidence"] = min(record["confidence"], float(trigger.option("most")))
                    found.append(Found(record, record.pop("_key"), sentence.index, actor))
    found += _followed(sentence, facts, {f.key for f in found})
    facts.told += [(sentence.index, f.record) for f in found]
    return found


FOLLOWS = re.compile(
    r"\b(?:followed suit|did (?:the )?same|(?:did|do|does|doing) likewise"
    r"|followed (?:its|their|his|her) (?:lead|example)"
    r"|(?:take|took|made|taken|taking) (?:the )?same (?:step|action|move|decision)"
    r"|(?:take|took|made|taken|taking) (?:a )?similar (?:step|action|move|decision)s?)\b",
    re.IGNORECASE,
)
FOLLOWED = 0.6  # an exit told by reference to the one before ("Bahrain followed suit")
HOST_CODES = frozenset({"expelled"})  # exits a host state takes; the others are the sender's or the envoy's own


def _followed(sentence: Sentence, facts: Facts, seen: set[str]) -> list[Found]:
    """ "Bahrain followed suit", "X decided to take a similar step": the subject takes the exits the
    last sentence that told any told. A state takes an unnamed envoy's: a host expels the same
    state's envoy (or, expelled from, answers in kind), a sender recalls its own from the same post;
    a person with a state takes his own exit of that type."""
    match = FOLLOWS.search(sentence.text)
    if match is None or not facts.told:
        return []
    token = clauses.head(sentence, *match.span())
    if token is None:
        return []
    last = max(i for i, _ in facts.told)
    models = [r for i, r in facts.told if i == last]
    found: list[Found] = []
    for subject in clauses.subjects(token):
        person = sentence.mention_of(subject, ("person",)) or _person_near(sentence, subject)
        actor = body_of(sentence, subject) or facts.state_of(subject)
        for model in models:
            record = {**model, "consequences": [], "evidence": context.evidence(sentence, *match.span())}
            record["confidence"] = min(FOLLOWED, model["confidence"])
            if person is not None and person.key and model["exit_type"] not in HOST_CODES | {"recalled", "dismissed"}:
                phrase = facts.roles.get(person.key)
                sending = (phrase.sending if phrase else None) or facts.citizenship.get(person.key)
                sending = sending or states_around(sentence, subject)[0]  # "the Polish representative, X"
                if sending is None or person.key in seen:
                    continue
                record.update(person=person.key, group=None, count=None, sending_state=sending)
                record["role"] = phrase.role if phrase else _hint(sentence, subject)["role"] or model["role"]
                record["receiving_state"] = phrase.receiving if phrase else None
                key = person.key
            elif actor is not None and model.get("person") is None and model.get("group") is None:
                sending, receiving = model["sending_state"], model["receiving_state"]
                if model["exit_type"] in HOST_CODES:
                    sending, receiving = (receiving, actor) if sending == actor else (sending, actor)
                else:
                    sending, receiving = actor, (sending if receiving == actor else receiving)
                if sending is None or sending == receiving:
                    continue
                record.update(sending_state=sending, receiving_state=receiving)
                key = f"{record['role']}:{sending}:{receiving}"
            else:
                continue
            if key in seen:
                continue
            seen.add(key)
            found.append(Found(record, key, sentence.index, actor))
    return found


REPORTED = frozenset({"say", "announce", "state", "confirm", "tell", "add", "disclose"})
CONDITIONAL = re.compile(r"\b(?:if|unless|whether|threat\w*|warn\w*|could|might|may|maybe|perhaps)\b", re.IGNORECASE)
ANNOUNCED = 0.7  # an exit told in the future of an announcement: decided, perhaps not yet done


def _announced(sentence: Sentence, hedges: list[int], token: Token | None) -> bool:
    """Whether the only hedges before a trigger are its own future auxiliary in a clause that a
    past "said", "announced" or "told" reports, with no condition or threat in the sentence:
    "the FBI said X would be expelled", "Suga told reporters that Tokyo would recall X"."""
    if token is None or not hedges or CONDITIONAL.search(sentence.text):
        return False
    future = context.announced_future(token, REPORTED, past_report=True, main_clause=False)
    return all((w := sentence.token_at(o)) is not None and w.i in future for o in hedges)


PNG = re.compile(r"persona non grata|not acceptable|unacceptable", re.IGNORECASE)
LISTED_BEFORE = 0.6  # persons a plural pronoun or "the three" stands for, named in the sentences before
BACK = 2  # sentences searched back for them
DEMONSTRATIVES = frozenset({"these", "those"})
LISTED_MOST = 8  # the most persons a number word stands for ("the eight were expelled")


def _listed_before(
    sentences: list[Sentence], sentence: Sentence, arguments: list[Token], had: set[str]
) -> list[tuple[Sentence, Mention]]:
    """The persons "The three were declared persona non grata" or "They were expelled" stands for:
    the last persons the sentences just before name, as many as the number says (two or more for
    "they"), none of whom has an exit yet."""
    plural = next((a for a in arguments if a.dep_ in ("nsubjpass", "dobj") or _passive_subject(a)), None)
    if plural is None or sentence.mention_of(plural) is not None:
        return []
    if plural.lower_ == "they" and plural.dep_ == "nsubjpass":
        count = None
    elif plural.dep_ != "dobj" and plural.tag_ == "NNS" and any(c.lower_ in DEMONSTRATIVES for c in plural.children):
        count = None  # "these persons are declared not acceptable": the persons just named
    elif plural.tag_ == "CD" and 2 <= counts.UNITS.get(plural.lower_, 0) <= LISTED_MOST:
        count = counts.UNITS[plural.lower_]
    else:
        return []
    people: list[tuple[Sentence, Mention]] = []
    for before in reversed(sentences[max(0, sentence.index - BACK) : sentence.index]):
        named = [(before, m) for m in before.of("person") if m.kind == "person" and m.key]
        people = named + people
        if (count is None and people) or (count is not None and len(people) >= count):
            break
    people = people[-count:] if count is not None else people
    keys = {m.key for _, m in people}
    if len(keys) < 2 or (count is not None and len(keys) != count) or keys & had:
        return []
    return people


def _passive_subject(token: Token) -> bool:
    """ "these persons are declared ...", which the parser may leave an active subject."""
    return token.dep_ == "nsubj" and (clauses.passive(token.head) or token.head.dep_ == "auxpass")


SINCE_CODES = frozenset({"defected", "sought_asylum", "resigned", "resigned_in_protest"})


def _since(sentence: Sentence, token: Token | None, code: str) -> list[Reading]:
    """ "the highest-ranking Cuban diplomat to defect since X, its consul in Y": the person a
    record is counted from took that exit before, with the state and role of the counted noun."""
    if token is None or code not in SINCE_CODES:
        return []
    noun = token
    while noun.dep_ in ("xcomp", "acl", "relcl", "ccomp") and noun.pos_ != "NOUN" and noun.head != noun:
        noun = noun.head
    if noun.pos_ != "NOUN" or noun == token:
        return []
    hint = _hint(sentence, noun)
    found: list[Reading] = []
    for person in clauses.preposition_objects(token, ("since",)):
        mention = sentence.mention_of(person, ("person",))
        if mention is not None and mention.key and hint["role"] not in (None, *NOT_ENVOYS):
            found.append(Reading(mention, 0.7, role=hint["role"], sending=hint["sending"]))
    return found


FORMER_WORDS = frozenset({"former", "ex", "retired"})


def _former_death(code: str, arguments: list[Token], readings: list[Reading], facts: Facts) -> bool:
    """Whether a death is told of one the sentence calls a former envoy ("the former diplomat
    died"): an obituary, not a death in post. The person is remembered, so that the text's other
    tellings of that death give no exit either (`ended_before`)."""
    if code != "died" or not any(c.lower_ in FORMER_WORDS for a in arguments for c in a.children):
        return False
    keys = {r.subject.key for r in readings if isinstance(r.subject, Mention) and r.subject.key}
    told = [e["person"] for _, e in facts.told if e["exit_type"] == "died" and e.get("person")]
    facts.former |= keys or set(told[-1:])  # "X ... has died. The ministry said the former envoy died"
    return True


def ended_before(one: Found, facts: Facts) -> bool:
    """A death in post proposed for a person whose death the text also tells of a former envoy."""
    return one.record["exit_type"] == "died" and one.record.get("person") in facts.former


DENIED = re.compile(
    r"\b(?:denied|denies|rejected|rejects)\s+(?:the\s+|these\s+|those\s+)?(?:media\s+)?(?:reports?|claims?)\b"
    r"|\b(?:completely|totally|entirely)\s+(?:false|untrue|baseless)\b",
    re.IGNORECASE,
)
REPORTING = frozenset({"say", "report", "suggest", "claim", "allege", "deny", "reject"})


def denied(found: list[Found], sentences: list[Sentence]) -> list[Found]:
    """ "Fars also said X had been expelled ... the Foreign Office rejected the reports, calling
    them completely false": in a text that denies what was reported, an exit told only as what
    someone said or reported is no event."""
    if not any(DENIED.search(s.text) for s in sentences):
        return found
    return [f for f in found if not _reported(sentences[f.sentence], f.record["evidence"]["start"])]


def _reported(sentence: Sentence, start: int) -> bool:
    token = sentence.token_at(sentence.local(start))
    while token is not None and token.head != token:
        token = token.head
        if token.lemma_ in REPORTING:
            return True
    return False


FLIGHTS = frozenset({"flee", "defect", "escape", "desert", "resign", "quit", "leave"})
RETOLD = 3  # sentences after a lead in which the same departure is told with its date


def redate(found: list[Found], sentences: list[Sentence], years: context.Years) -> None:
    """ "X has defected, a lawmaker said on Monday. X ... is thought to have fled in September 2019":
    an exit dated only by the publication takes the year of the departure the next sentences tell
    of the same person."""
    for one in found:
        record, sentence = one.record, sentences[one.sentence]
        dated = {int(y) for y in context.YEAR.findall(sentence.text)} - {years.published}
        if not record.get("person") or record.get("year") != years.published or dated:
            continue  # a year of its own besides the dateline's dates the exit
        for later in sentences[one.sentence + 1 : one.sentence + 1 + RETOLD]:
            year = _departure_year(later, record["person"])
            if year is not None and year < (years.published or year + 1):
                record["year"] = year
                break


def _departure_year(sentence: Sentence, person: str) -> int | None:
    for token in sentence.tokens:
        if token.lemma_ not in FLIGHTS or token.pos_ != "VERB":
            continue
        subjects = [t for s in clauses.subjects(token) if (t := sentence.mention_of(s)) is not None]
        if not any(m.key == person for m in subjects):
            continue
        for match in context.YEAR.finditer(sentence.text):
            if context.dates(sentence, match.start(), token):
                return int(match.group(1))
    return None


HEADLINE_CASES = 2  # named exits that make a headline's counted group the list the body tells


def headline_groups(found: list[Found], sentences: list[Sentence]) -> list[Found]:
    """ "The Seven U.S. Ambassadors Killed In The Line Of Duty" over a body that names the cases one
    by one: the headline's group is that list, not an exit of its own."""
    named = Counter(
        (f.record["exit_type"], f.record["sending_state"]) for f in found if f.record.get("person") and f.sentence
    )
    return [
        f
        for f in found
        if not (
            f.record.get("group")
            and f.sentence == 0
            and _headline(sentences[0])
            and named[(f.record["exit_type"], f.record["sending_state"])] >= HEADLINE_CASES
        )
    ]


def _envoy_reading(reading: Reading, facts: Facts) -> bool:
    """Whether a reading is of an envoy: a role noun in the parse, or a person the text gives a post."""
    subject = reading.subject
    if not isinstance(subject, Mention):
        return True
    phrase = facts.roles.get(subject.key or "")
    return phrase is not None and phrase.role not in NOT_ENVOYS


def _named_in_passing(sentence: Sentence, code: str, token: Token, facts: Facts) -> None:
    """Persons a hedged or infinitive mention of an exit names ("The move to expel Jesus Silva came
    a day after", "Tokyo would recall Yasumasa Nagamine"): no exit of their own, but the name of
    the unnamed envoy whose exit the text tells."""
    for argument in _arguments(code, token, code in ("expelled", "recalled", "dismissed")):
        mention = sentence.mention_of(argument, ("person",))
        if mention is not None and mention.key:
            _pass(facts, code, mention.key, sentence)


def _pass(facts: Facts, code: str, key: str, sentence: Sentence) -> None:
    states = {b.key for b in sentence.of("body") if b.key}
    if all(k != key for k, _, _ in facts.passing.get(code, [])):
        facts.passing.setdefault(code, []).append((key, sentence.index, states))


PASSING = 2  # sentences after an unnamed envoy's exit in which a name given in passing is his


PARTY_WORDS = frozenset({"party", "parliament", "league", "club", "union", "movement", "front", "council"})


def _from_party(sentence: Sentence, token: Token) -> bool:
    """ "expelled from the opposition Move Forward Party": a member thrown out of a party or body."""
    for place in clauses.preposition_objects(token, ("from",)):
        if place.lower_ in PARTY_WORDS and sentence.mention_of(place, ("body",)) is None:
            return True
    return False


LISTING = frozenset({"be", "identify", "name"})


def _members(
    sentence: Sentence,
    facts: Facts,
    sentences: list[Sentence],
    recent: list[str],
    years: context.Years | None,
    year: int | None,
) -> list[Found]:
    """ "The three Soviet officials expelled from Canada were A, B and C", "The officers were
    identified as A, ... and B": the persons a plural subject is equated with share its exit, told
    in the subject ("expelled") or in the sentences before it about that plural noun. A list the
    parser cuts at each person's relative clause goes on in the fragments that follow."""
    if sentence.span is None or sentence.span.root.lemma_ not in LISTING or not sentence.of("person"):
        return []
    root = sentence.span.root
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass") and c.tag_ == "NNS"), None)
    if subject is None or sentence.mention_of(subject) is not None:
        return []
    first = sentence.offset(subject.left_edge)
    words = sentence.text[first : sentence.offset(subject.right_edge) + len(subject.right_edge.text)]
    told = next(((t.code, m) for t in lexicon.exits() if (m := t.pattern.search(words))), None)
    code = told[0] if told else None
    trigger = clauses.head(sentence, first + told[1].start(), first + told[1].end()) if told else None
    places = (
        [b for p in clauses.preposition_objects(trigger, ("from",)) if (b := body_of(sentence, p))] if trigger else []
    )
    actor = next(iter(places), None)  # "the officials expelled from the United States": the United States expels
    sending = states_around(sentence, subject)[0]
    if code is None and subject.lemma_ in facts.events:
        code, sending = facts.events[subject.lemma_][0], sending or facts.events[subject.lemma_][1]
    if code is None or code not in ("expelled", "recalled", "defected", "dismissed", "resigned"):
        return []
    people = [
        (sentence, m) for m in sentence.of("person") if m.key and m.start > sentence.start + sentence.offset(root)
    ]
    for later in sentences[sentence.index + 1 : sentence.index + 6]:
        named = later.mention_of(later.span.root, ("person",)) if later.span is not None else None
        if named is None or not named.key:
            break  # "Mr A, Second Secretary ..., who left on 10 February.": a fragment of the list
        people.append((later, named))
    found: list[Found] = []
    for where, mention in people:
        local = where.local(mention.start), where.local(mention.end)
        at = At(where, context.role_phrases(where), local, facts, recent, None, None)
        for record in _records(code, Reading(mention, 0.75, sending=sending), at):
            if record["_key"] not in {f.key for f in found}:
                record["year"] = years.at(where, local[0]) if years else year
                found.append(Found(record, record.pop("_key"), where.index, actor))
    return found


LIST_GAP = 60  # characters between a plural trigger and the colon that opens its list


def _listed(sentence: Sentence, end: int) -> list[Reading]:
    """The persons listed after a colon that follows a plural trigger."""
    colon = sentence.text.find(":", end)
    if colon < 0 or colon - end > LIST_GAP:
        return []
    return [Reading(m, 0.75) for m in sentence.of("person") if m.key and sentence.local(m.start) > colon]


COLON_LISTED = 0.75  # envoys listed after "dismissed five ambassadors of Ukraine:" or "the following envoys:"
LIST_ITEMS = 15  # sentences (a decree's lines) after a colon that ends its sentence, read as its items


def _colon_members(
    sentence: Sentence, token: Token, arguments: list[Token], sentences: list[Sentence]
) -> list[tuple[Sentence, Reading]]:
    """ "dismissed five ambassadors of Ukraine: Ambassador to Georgia A, Ambassador to Slovakia B",
    "the following ambassadors are being recalled to Ukraine:" and a line for each, "C, ambassador
    to Jordan, was appointed in 2010": the persons the list after a plural role noun names, each
    with the noun's sending state (or the state they are recalled to)."""
    nouns = [a for a in arguments if a.tag_ == "NNS" and lexicon.roles().get(a.lower_) in HEADS | {"diplomat"}]
    if not nouns:
        return []
    noun = nouns[0]
    at = sentence.offset(noun) + len(noun.text)
    colon = sentence.text.find(":", at)
    if colon < 0 or colon - at > LIST_GAP or sentence.text[at:colon].count(",") > 1:
        return []
    sending = _hint(sentence, noun)["sending"]
    homes = [b for p in clauses.preposition_objects(token, ("to",)) if (b := body_of(sentence, p))]
    sending = sending or (homes[0] if token.lemma_ in RECALLS and homes else None)  # "recalled to Ukraine"
    listed = [(sentence, m) for m in sentence.of("person") if m.key and sentence.local(m.start) > colon]
    if not listed and not sentence.text[colon + 1 :].strip():
        for later in sentences[sentence.index + 1 : sentence.index + 1 + LIST_ITEMS]:
            first = later.of("person")[:1]
            if not first or not first[0].key or later.local(first[0].start) > 0 or not _envoy_line(later, first[0]):
                break  # the list ends at the first line that opens with no envoy's name
            listed.append((later, first[0]))
    return [(where, Reading(m, COLON_LISTED, sending=sending)) for where, m in listed]


def _envoy_line(sentence: Sentence, mention: Mention) -> bool:
    """ "C, ambassador to Jordan, was appointed in 2010": a list's line names an envoy by his role."""
    return any(p.person == mention.key and p.role not in NOT_ENVOYS for p in context.role_phrases(sentence))


def _actor(sentence: Sentence, token: Token, facts: Facts) -> str | None:
    """The state that acts: "Malawi expelled ...", "declared persona non grata by Peru", "expelled from Chile"."""
    agents = [t for t in token.subtree if t.dep_ == "pobj" and t.head.lower_ == "by" and t.head.head.i <= token.i + 4]
    subjects = agents or ([] if clauses.passive(token) else clauses.subjects(token))
    for subject in subjects:
        body = body_of(sentence, subject) or states_around(sentence, subject)[0]
        if body:
            return body
    for place in clauses.preposition_objects(token, ("from",)):
        body = body_of(sentence, place)
        if body:
            return body
    return None


def speaker(sentence: Sentence, mention: Mention | Group | Unnamed, trigger: Token | None = None) -> bool:
    """Whether a person is the one who says something in the sentence ("X said that ... would be
    expelled"), and the trigger (when given) is in what he says, not in his own words ("X, who was
    expelled, said"): a reading that names the speaker is wrong, since one telling of his own exit
    says "he", which the parse gives as the trigger's party."""
    if not isinstance(mention, Mention) or mention.kind != "person":
        return False
    token = sentence.token_at(sentence.local(mention.end) - 1)
    if token is None or token.dep_ != "nsubj" or token.head.lemma_ not in SAYS:
        return False
    return trigger is None or (trigger in token.head.subtree and trigger not in token.subtree)


def _official(reading: Reading, facts: Facts) -> bool:
    """A guess (no parse reading) about a minister or president is dropped: they are no envoys."""
    subject = reading.subject
    phrase = facts.roles.get(subject.key or "") if isinstance(subject, Mention) else None
    return phrase is not None and phrase.role in NOT_ENVOYS


def _reported_speech(token: Token) -> bool:
    """A trigger inside a wish ("... I hope they will grant me asylum") is speech, not report."""
    return token.dep_ == "ccomp" and token.head.lemma_ in ("hope", "want", "wish", "plan", "intend")


@dataclass
class At:
    """Where a trigger was read: its sentence, span and head token, and what the document knows."""

    sentence: Sentence
    phrases: list[RolePhrase]
    span: tuple[int, int]
    facts: Facts
    recent: list[str]
    token: Token | None
    actor: str | None = None  # the state that expels or recalls, read from the parse


def _records(code: str, reading: Reading, at: At) -> list[dict[str, Any]]:
    sentence, span = at.sentence, at.span
    subject = reading.subject
    if not isinstance(subject, Unnamed):
        record = _record(code, reading, at)
        return [record] if record else []
    found: list[dict[str, Any]] = []
    for receiving in subject.receiving:
        if receiving == subject.sending:
            continue  # a state read twice ("the kingdom ... its ambassador to Canada" read as Canada)
        found.append(
            {
                "person": None,
                "group": None,
                "count": subject.count,
                "role": subject.role,
                "sending_state": subject.sending,
                "receiving_state": receiving,
                "exit_type": code,
                "destination": None,
                "reason": None,
                "next_role": None,
                "consequences": [],
                "certainty": context.certainty(sentence.text),
                "evidence": context.evidence(sentence, *span),
                "confidence": reading.sure,
                "_key": f"{subject.role}:{subject.sending}:{receiving}",
            }
        )
    return found


def _record(code: str, reading: Reading, at: At) -> dict[str, Any] | None:
    sentence, phrases, facts, recent, token = at.sentence, at.phrases, at.facts, at.recent, at.token
    start, end = at.span
    subject, confidence = reading.subject, reading.sure
    exit_type = _exit_type(code, sentence, start)
    destination = None
    if code in ("defected", "sought_asylum"):
        destination = _body_after(sentence, end, DESTINATION) or _body_after(sentence, end, ASYLUM_IN)
    trigger_sending, trigger_receiving = states_around(sentence, token) if token is not None else (None, [])
    if code == "expelled" and token is not None and token.pos_ == "NOUN":
        trigger_sending = None  # "the Soviet expulsion of Colonel X": the state that expels, not his
    left_posts: list[str] = []  # "the recall of Ambassador X from Chile": the post he leaves
    if code == "recalled" and token is not None:
        left_posts = [b for p in clauses.preposition_objects(token, ("from",)) if (b := body_of(sentence, p))]
    if trigger_sending is not None and trigger_sending in left_posts:
        trigger_sending, trigger_receiving = None, [*left_posts, *trigger_receiving]
    if isinstance(subject, Group):
        if code == "expelled":
            return None  # "expelled 45 Russian diplomats" is a measure; an expulsion exit names its person
        if subject.count is None and not (destination or _has_consequence(sentence) or reading.told):
            return None  # "American ambassadors have resigned in years gone by": a habit, not an event
        record: dict[str, Any] = {"person": None, "group": subject.text, "count": subject.count, "role": subject.role}
        sending, receiving, key = subject.sending, None, f"{subject.text}:{subject.sending}"
        confidence = min(confidence, 0.85 if subject.count else 0.6)
    else:
        assert isinstance(subject, Mention)
        if token is not None and code in ("expelled", "dismissed", "recalled") and speaker(sentence, subject, token):
            return None  # "Foreign Minister X said the envoys had 48 hours to leave": X tells it
        key = subject.key or subject.text
        phrase = _role_for(key, sentence, phrases, end, facts)
        around_sending, around_receiving = _states_of(sentence, subject) if subject.end else (None, [])
        posted = reading.sending is not None and phrase is not None and reading.receiving == phrase.sending
        sending = (phrase.sending if phrase and not posted else None) or reading.sending
        serving = _body_served(sentence, subject) if subject.end else None
        sending = serving or sending  # "Ugandan diplomat X, the deputy head of the UN mission": the UN's
        if sending is None and code == "recalled" and at.actor and at.actor not in left_posts:
            sending = at.actor  # "was recalled by Peru": the state that recalls is the one that sent him
        if sending is None and around_sending != (phrase.receiving if phrase else None):
            sending = around_sending  # not the post its role phrase gives: "its ambassador to the United States, X"
        sending = sending or facts.citizenship.get(key)
        expelled_by_state = code == "expelled" and at.actor is not None and reading.sure >= 0.85
        unplaced = phrase is None and sending is None and reading.role is None and trigger_sending is None
        if unplaced and (not expelled_by_state or _titled_otherwise(sentence, subject)):
            _pass(facts, code, key, sentence)  # the name, perhaps, of an envoy told by role
            return None  # no role anywhere in the document: a footballer retiring is no exit
        if phrase is not None and phrase.former and code in ("died", "retired"):
            return None  # "Former ambassador X ... died": the posting had ended before ("X was the
            # ambassador" in a death notice is told in the past because he died in post)
        if phrase is not None and phrase.role in NOT_ENVOYS and code in ("died", "retired", "term_completed"):
            return None  # "after the death of President X": no diplomat's posting
        role = phrase.role if phrase else reading.role or "diplomat"
        if role == "official" and code == "expelled" and token is not None and token.lemma_ == "oust":
            return None  # "the president ... was ousted and detained": removed from power, no envoy's exit
        if role in NOT_ENVOYS and code != "resigned":
            confidence -= 0.2
        record = {"person": key, "group": None, "count": None, "role": role}
        receiving = (phrase.receiving if phrase else None) or reading.receiving
        receiving = receiving or (around_receiving[0] if around_receiving else None)
        sending = sending or trigger_sending
        if code == "expelled" and sending is not None and sending == at.actor:
            sending = None  # "is expelled from the UK", "Russia has expelled ... Ellingsen": the host
        left = _body_after(sentence, end, LEFT) if code == "expelled" else None  # "forced to leave Libya"
        receiving = receiving or left or _opening_place(sentence)
        if code == "expelled" and receiving is None and at.actor != sending:
            receiving = at.actor  # the state that expels him is where he served
        if serving and code == "expelled" and at.actor:
            receiving = at.actor  # the host that expels a body's envoy, not his own state
        if sending is None:
            hosts = _hosts_told(sentence, at) if code == "expelled" else set()  # the state that expels is the post
            hosts |= _stayed_in(sentence) if code in ("defected", "sought_asylum") else set()
            used = {receiving, destination, *hosts}
            # "ordered three Czech diplomats to leave ... A and B had 14 days to leave": theirs
            told = _group_told(facts, used, _states_named(sentence)) if code == "expelled" else None
            sending = told or _fallback_sending(sentence, used, recent, facts)
            confidence -= 0.15 if told else 0.25
        if phrase is None and reading.role is None:
            confidence -= 0.1
        if subject.kind == "anaphor":
            confidence -= 0.05
    receiving = receiving or (trigger_receiving[0] if trigger_receiving else None)
    if code == "sought_asylum" and receiving is None:
        receiving = destination
    record.update(
        {
            "sending_state": sending,
            "receiving_state": receiving if receiving != sending else None,
            "exit_type": exit_type,
            "destination": destination,
            "reason": _reason(sentence.text[end:]) if exit_type == "resigned_in_protest" else None,
            "next_role": None,
            "consequences": [],
            "certainty": context.certainty(sentence.text),
            "evidence": context.evidence(sentence, start, end),
            "confidence": round(max(0.05, min(confidence, 0.95)), 2),
            "_key": key,
        }
    )
    return record


BODY_POSTS = frozenset({"head", "chief", "deputy", "representative", "envoy", "ambassador"})


def _body_served(sentence: Sentence, mention: Mention) -> str | None:
    """The international body whose mission a person heads, told in apposition: "X, the deputy head of
    the UN mission in Somalia" serves the UN, whatever his own nationality."""
    token = sentence.token_at(sentence.local(mention.start))
    while token is not None and token.dep_ in ("compound", "flat") and token.head != token:
        token = token.head
    if token is None:
        return None
    for post in [c for c in token.children if c.dep_ == "appos"]:
        if post.lemma_.lower() not in BODY_POSTS:
            continue
        for mission in clauses.preposition_objects(post, ("of",)):
            if not clauses.is_mission(mission):
                continue
            owners = [body_of(sentence, m) for m in clauses.modifiers(mission)]
            body = next((o for o in owners if o and not _state(o)), None)
            if body is not None:
                return body
    return None


def _titled_otherwise(sentence: Sentence, mention: Mention) -> bool:
    """ "ousted civilian leader X", "expelled student activist Y": a name whose own title is a
    common noun that names no diplomatic role is no envoy, whoever throws him out."""
    token = sentence.token_at(sentence.local(mention.start)) if mention.end else None
    while token is not None and token.dep_ in ("compound", "flat") and token.head != token:
        token = token.head
    titles = [c for c in token.children if c.dep_ == "compound" and c.pos_ == "NOUN"] if token is not None else []
    return any(c.text.islower() and lexicon.roles().get(c.lower_) is None for c in titles)


def _states_of(sentence: Sentence, mention: Mention) -> tuple[str | None, list[str | None]]:
    """The states the parse puts around a person's name: "British envoy Fergus Cochrane-Dyet"."""
    if sentence.span is None:
        return None, []
    first, last = sentence.local(mention.start), sentence.local(mention.end)
    inside = [t for t in sentence.tokens if first <= sentence.offset(t) < last]
    heads = [t for t in inside if t.head not in inside or t.head == t]
    if not heads:
        return None, []
    sending, receiving = states_around(sentence, heads[0])
    if sending is None and heads[0].dep_ == "appos":
        sending, receiving = states_around(sentence, heads[0].head)
    return sending, receiving


OPENING = re.compile(r"^\s*In\s+(?:the\s+)?$")


def _opening_place(sentence: Sentence) -> str | None:
    """ "In Australia, Soviet diplomat X called his expulsion ...": the place a sentence opens with."""
    body = next(iter(sentence.of("body")), None)
    if body is None or not OPENING.match(sentence.text[: sentence.local(body.start)]):
        return None
    return body.key if sentence.text[sentence.local(body.end) :].startswith(",") else None


def _has_consequence(sentence: Sentence) -> bool:
    return any(t.pattern.search(sentence.text) for t in lexicon.consequences())
