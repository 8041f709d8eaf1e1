"""Who did what to whom: the parties of a trigger read from the dependency parse.

A trigger ("resigned", "was expelled", "his defection") is found by the lexicon's patterns; its
head token is then read in the parse. The agent is the verb's subject, the patient its object or
passive subject; coordination ("X and Y defected") gives several; a relative clause ("Chen, who
had walked out") points back to the noun it hangs on; an infinitive or a conjoined verb ("decided to
recall", "defected and sought asylum") borrows the subject of the verb it depends on.
"""

from __future__ import annotations

from spacy.tokens import Token

from legation.extraction.pipeline import Sentence

SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
PASSIVE = frozenset({"nsubjpass", "auxpass"})
BORROW = frozenset({"xcomp", "conj", "advcl", "ccomp", "pcomp"})  # deps whose verb may share its head's subject
RELATIVE = frozenset({"who", "whom", "which", "that", "whose"})
OBJECTS = frozenset({"dobj", "dative", "attr", "oprd"})


def head(sentence: Sentence, start: int, end: int) -> Token | None:
    """The token of a trigger span whose head lies outside the span (its syntactic head)."""
    if sentence.span is None:
        return None
    inside = [t for t in sentence.tokens if start <= sentence.offset(t) < end]
    if not inside:
        return None
    verbs = [t for t in inside if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass")]
    outer = [t for t in inside if t.head not in inside or t.head == t]
    top = [t for t in verbs if t in outer]
    return (top or verbs or outer or inside)[0]


def passive(verb: Token) -> bool:
    return any(c.dep_ in PASSIVE for c in verb.children)


def coordinated(token: Token) -> list[Token]:
    """A noun and the nouns coordinated with it: "Yisel Rodriguez and Yezenia Gallardo"."""
    found = [token]
    for child in token.children:
        if child.dep_ == "conj" and child.pos_ in ("NOUN", "PROPN", "PRON"):
            found += coordinated(child)
    return found


QUANTIFIERS = frozenset({"all", "both", "each", "most", "many", "some", "several"})  # "all of whom"


def _antecedent(token: Token) -> Token:
    """A relative pronoun stands for the noun its clause hangs on."""
    if token.lower_ in QUANTIFIERS and any(
        c.dep_ == "prep" and c.lower_ == "of" and any(g.lower_ in RELATIVE for g in c.children) for c in token.children
    ):
        token = next(g for c in token.children if c.lower_ == "of" for g in c.children if g.lower_ in RELATIVE)
        clause = token.head.head.head  # "the governments of A and B, all of whom have expelled ..."
        while clause.dep_ == "conj" and clause.head != clause:
            clause = clause.head
        return clause.head if clause.dep_ == "relcl" and clause.head != clause else token
    if token.lower_ in RELATIVE:
        clause = token.head
        while clause.dep_ == "conj" and clause.head != clause:
            clause = clause.head
        if clause.dep_ in ("relcl", "acl") and clause.head != clause:
            return clause.head
    return token


def _past_dateline(token: Token) -> Token:
    """ "ULAN BATOR, Mongolia - A senior diplomat ... has resigned": the parser makes the dateline's
    place the subject and the real one its apposition."""
    if token.ent_type_ in ("GPE", "LOC") or token.text.isupper():
        for child in token.children:
            if child.dep_ == "appos" and child.pos_ == "NOUN" and child.i > token.i:
                return child
    return token


def _speaker(token: Token) -> Token:
    """ "Russia said it was expelling ...": the "it" of a reported clause is the one who said it."""
    if token.lower_ not in ("it", "they", "we"):
        return token
    node = token.head
    while node.dep_ in ("xcomp", "conj") and node.head != node:
        node = node.head
    if node.dep_ != "ccomp" or node.head == node:
        return token
    said = [c for c in node.head.children if c.dep_ == "nsubj" and (c.i < token.i or token.lower_ == "we")]
    # '"We have recalled our ambassador," the president said': the speaker after the quote
    return said[0] if said else token


def subjects(verb: Token, *, depth: int = 3) -> list[Token]:
    """The verb's subjects, or those of the verb it hangs on ("decided to recall", "and sought")."""
    found = [_speaker(_past_dateline(c)) for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    found = found or [  # "these persons are herewith declared": a subject the parser hangs on the auxiliary
        c for a in verb.children if a.dep_ in ("aux", "auxpass") for c in a.children if c.dep_ in ("nsubj", "nsubjpass")
    ]
    if found:
        return [t for s in found for t in coordinated(_antecedent(s))]
    if depth and verb.dep_ == "acl" and verb.head.lemma_ in DECISIONS and verb.head.dep_ == "dobj":
        return subjects(verb.head.head, depth=depth - 1)  # "the government took a decision to recall"
    if verb.dep_ in ("relcl", "acl") and verb.head != verb and not passive(verb):
        return coordinated(verb.head)
    if depth and verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head != verb.head:
        return subjects(verb.head.head, depth=depth - 1)  # "the United States responded by expelling"
    if depth and verb.dep_ in BORROW and verb.head != verb:
        return subjects(verb.head, depth=depth - 1)
    return []


def objects(verb: Token) -> list[Token]:
    """The verb's direct objects; "ordered X to leave" gives X; "expelled from" gives nothing."""
    found = [c for c in verb.children if c.dep_ in OBJECTS]
    for child in verb.children:
        if child.dep_ in ("xcomp", "ccomp") and not found:
            found += [c for c in child.children if c.dep_ in ("nsubj", "dobj")][:1]
    if not found and verb.dep_ == "conj" and verb.head != verb:
        found = [c for c in verb.head.children if c.dep_ in OBJECTS]  # "declared ... and expelled"
    return [t for o in map(_png, found) for t in coordinated(_whole(_antecedent(o)))]


PNG_WORDS = frozenset({"persona", "non", "grata"})


def _png(token: Token) -> Token:
    """ "declared a US diplomat persona non grata", parsed as the compound "a US diplomat persona":
    the envoy is the noun inside."""
    if token.lower_ not in PNG_WORDS:
        return token
    inner = [c for c in token.children if c.dep_ == "compound" and c.pos_ in ("NOUN", "PROPN")]
    inner = [c for c in inner if c.lower_ not in PNG_WORDS]
    return inner[-1] if inner else token


def patients(verb: Token) -> list[Token]:
    """Who undergoes an expulsion, recall or dismissal: the passive subject, else the object."""
    active = any(c.dep_ == "dobj" for c in verb.children)  # "..., all of whom have expelled their envoys"
    if passive(verb) or (verb.tag_ == "VBN" and verb.dep_ in ("acl", "relcl") and not active):
        found = subjects(verb)
        if not found and verb.dep_ == "acl":
            found = coordinated(verb.head)  # "the envoy expelled last week"
        return found
    return objects(verb)


def owners(noun: Token) -> list[Token]:
    """Whose event a noun names: "his resignation", "Chen's defection", "the defection of Petrov"."""
    found = [c for c in noun.children if c.dep_ == "poss"]
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in ("of", "by"):
            found += [c for c in child.children if c.dep_ == "pobj"]
    if not found and noun.dep_ in ("dobj", "pobj") and noun.head.pos_ in ("VERB", "AUX") and noun.lemma_ not in DONE_TO:
        found = subjects(noun.head)  # "has announced his resignation" without "his"; "X ordered the
        # expulsion" makes X the one who expels, not the expelled
    if not found and _paper(noun) is not None:
        found = owners(_paper(noun))  # type: ignore[arg-type]  # "wrote a resignation letter"
    return [t for o in map(_whole, found) for t in coordinated(o)]


DONE_TO = frozenset({"expulsion", "recall", "dismissal", "ouster", "sacking", "removal", "withdrawal", "firing"})
PAPERS = frozenset({"letter", "statement", "note", "speech", "announcement"})


def _paper(noun: Token) -> Token | None:
    """The letter a resignation is written in: "a resignation letter", "a letter of resignation"."""
    head = noun.head
    if noun.dep_ == "compound" and head.lemma_ in PAPERS:
        return head
    if noun.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_ in PAPERS:
        return head.head
    return None


def _whole(token: Token) -> Token:
    """ "30 of Guinea's ambassadors": the noun a count or quantity stands for."""
    if token.like_num or token.lower_ in ("some", "several", "many", "most", "all", "each", "one"):
        inner = [c for p in token.children if p.dep_ == "prep" and p.lower_ == "of" for c in p.children]
        if inner and inner[0].dep_ == "pobj":
            return inner[0]
    return token


def named(token: Token) -> list[Token]:
    """The tokens that may carry a person's name for a noun: itself, its appositions and compounds."""
    found = [token]
    for child in token.children:
        if child.dep_ in ("appos", "compound", "npadvmod", "nmod"):
            found.append(child)
    if token.dep_ == "appos" and token.head != token:
        found.append(token.head)  # "the deputy ambassador" in apposition to the name before it
    return found


CONDITIONS = frozenset({"if", "unless", "whether", "lest"})


def _alternative(verb: Token) -> bool:
    """ "either expelled ... or announced": a verb that opens an either-or with another verb."""
    either = any(c.dep_ == "preconj" and c.lower_ == "either" for c in verb.children)
    return either and any(c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") for c in verb.children)


def negated(token: Token) -> bool:
    """A "not"/"never" on the verb or on a verb it hangs on ("did not resign", "never defected"),
    or a condition ("If the ambassador ... were to quit"), or the first of two alternatives ("have
    either expelled their envoys or announced that they will")."""
    node, steps = token, 0
    while steps < 3:
        if any(c.dep_ == "neg" or (c.dep_ == "mark" and c.lower_ in CONDITIONS) for c in node.children):
            return True
        if _alternative(node):
            return True
        if node.dep_ not in ("xcomp", "conj", "advcl") or node.head == node:
            return False
        node, steps = node.head, steps + 1
    return False


DENIALS = frozenset({"deny", "refute", "dismiss", "reject"})
DENIED_PATH = frozenset({"ccomp", "xcomp", "acl", "dobj", "conj"})


def denied(token: Token) -> bool:
    """ "Tehran has denied reports suggesting that Kuwait has decided to expel X": a trigger in what
    a denial's report or claim tells (up the parse, four steps at most, through a noun it denies)."""
    node, through = token, False
    for _ in range(5):
        if node.dep_ not in DENIED_PATH or node.head == node:
            return False
        node = node.head
        through = through or node.pos_ == "NOUN" or node.dep_ == "ccomp"
        if node.lemma_ in DENIALS and node.pos_ in ("VERB", "AUX") and through:
            return True
    return False


def alternative(token: Token) -> bool:
    """ "have either expelled their ambassadors or announced that they will": one of two things
    told, so neither is a report of an event. The "either" hangs on the first verb, the "or" on it."""
    first = token.head if token.dep_ == "conj" and token.head != token else token
    told = {c.lower_ for c in first.children if c.dep_ in ("preconj", "cc")}
    return {"either", "or"} <= told


def modifiers(token: Token) -> list[Token]:
    """Adjectives, compounds and possessors of a noun: the "North Korean" in "a North Korean diplomat"."""
    return [c for c in token.children if c.dep_ in ("amod", "compound", "poss", "nmod")]


def preposition_objects(token: Token, words: tuple[str, ...]) -> list[Token]:
    """The objects of a noun's or verb's prepositions ("in London", "from China's consulate")."""
    found = []
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in words:
            found += [c for c in child.children if c.dep_ == "pobj"]
    return [t for o in found for t in coordinated(o)]


DONE = frozenset({"decide", "vote", "choose", "move", "go", "begin", "start", "have", "be", "order", "force"})
DECISIONS = frozenset({"decision", "order", "move", "step", "ruling"})  # "the U.S. decision to shut"


def generic(token: Token, *, gerunds: bool = True) -> bool:
    """A trigger that reports no event: a gerund after a preposition or as a subject ("by
    resigning"), or an infinitive that is not the thing done ("urged envoys to resign")."""
    aux = {c.lower_ for c in token.children if c.dep_ in ("aux", "auxpass")}
    if token.tag_ == "VBG" and not gerunds:
        return False
    if token.tag_ == "VBG" and token.dep_ == "conj" and token.head.tag_ == "VBG" and token.head != token:
        return generic(token.head)  # "by withholding visas ... and sending home his cook"
    if token.tag_ == "VBG":
        if token.dep_ == "pcomp" and any(_past(v) or _acting(v) for v in (token.head.head, token.head.head.head)):
            return False  # "Britain responded by expelling ...", "Moscow retaliates by expelling": what was done
        if token.dep_ == "advcl" and _past(token.head) and not any(c.dep_ == "mark" for c in token.children):
            agents = [c for c in token.head.children if c.dep_ == "nsubj" and c.pos_ == "PROPN"]
            if agents:  # "X announced the downgrading of ties, recalling the ambassador": a party did both
                return False
        return not (aux - {"to"}) or token.dep_ in ("pcomp", "pobj", "csubj")
    if token.tag_ == "VB" and "to" in aux:
        if token.dep_ == "acl" and token.head.lemma_ in DECISIONS:
            return False
        if token.dep_ == "relcl" and ranked(token.head):
            return False  # "X is the first Cuban diplomat to defect since 1990": X did
        return token.dep_ not in ("xcomp", "advcl") or token.head.lemma_ not in DONE
    return False


ORDINALS = frozenset(
    {"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"}
    | {"last", "latest", "only", "highest", "most", "top", "1st", "2nd", "3rd", "4th", "5th"}
)


def ranked(noun: Token) -> bool:
    """A noun said of someone with an ordinal or superlative: "the first envoy", "the most senior envoy"."""
    return noun.dep_ == "attr" and noun.head.lemma_ in ("be", "become") and ranking(noun)


def ranking(noun: Token) -> bool:
    """Whether a word is, or is modified by, an ordinal or a superlative ("the latest", "the first envoy")."""
    if noun.lower_ in ORDINALS or noun.tag_ in ("JJS", "RBS"):
        return True
    return any(
        m.lower_ in ORDINALS or m.tag_ in ("JJS", "RBS")
        for c in noun.children
        if c.dep_ in ("amod", "advmod")
        for m in (c, *c.children)
    )


MISSIONS = frozenset({"embassy", "consulate", "mission", "legation", "commission", "delegation"})


def is_mission(token: Token) -> bool:
    return token.lower_ in MISSIONS or (token.lower_ == "commission" and token.i > 0)


def _acting(verb: Token) -> bool:
    """A state's act told in the present, as chronologies and headlines do ("Moscow retaliates")."""
    states = ("GPE", "NORP", "ORG")
    return verb.tag_ == "VBZ" and any(c.dep_ == "nsubj" and c.ent_type_ in states for c in verb.children)


def _past(verb: Token) -> bool:
    return verb.tag_ == "VBD" or (verb.tag_ == "VBN" and any(c.lower_ in ("has", "had", "have") for c in verb.children))


STANCE = frozenset(
    {"demand", "call", "urge", "seek", "want", "propose", "threaten", "consider", "rule", "deny", "face", "mull"}
    | {"discuss", "request"}
    | {"rumour", "rumor", "speculation", "possibility", "prospect", "threat", "fear", "talk", "risk"}
)  # "demanding the recall of", "Rumours of his dismissal": a noun trigger that names no event


def stance(token: Token) -> bool:
    """A noun trigger that names no event: one demanded or urged ("demanding the recall of"), or a
    generic claim ("Recall of the ambassador is the only way out")."""
    if token.pos_ not in ("NOUN", "PROPN"):
        return False
    head = token.head
    if token.dep_ in ("nsubj", "attr") and head.lemma_ == "be" and head.tag_ in ("VBZ", "VBP"):
        return True
    if token.dep_ == "dobj" and head.lemma_ == "call":
        return False  # "called his expulsion part of a campaign" names it; "called for" demands it
    while head.dep_ == "prep" and head.head != head:
        head = head.head
    return head.lemma_.lower() in STANCE  # "MPs in Jordan Call for Closure of Israeli Embassy"


DEMANDS = frozenset(
    {"call", "urge", "demand", "propose", "vote", "want", "seek", "threaten", "consider", "mull", "request", "discuss"}
)
DEMAND_PATH = frozenset(
    {"xcomp", "acl", "pobj", "prep", "advcl", "conj", "appos", "dobj"}
)  # a relative clause tells a fact
DEMAND_NOUNS = frozenset({"request", "resolution", "motion", "bill", "proposal", "call", "demand", "petition"})


def demanded(token: Token) -> bool:
    """A trigger that something is asked for, not done: under a call, demand or vote ("called on
    parliament to vote on a resolution to close the embassy", "a request ... to expel")."""
    node, steps = token, 0
    while node.head != node and steps < 6 and node.dep_ in DEMAND_PATH:
        named = node.dep_ == "dobj"
        node, steps = node.head, steps + 1
        lemma = node.lemma_.lower()
        if named and lemma == "call":
            continue  # "called his expulsion part of a campaign": a name for it, no call for it
        if (lemma in DEMANDS and node.pos_ in ("VERB", "PROPN")) or (lemma in DEMAND_NOUNS and node.pos_ == "NOUN"):
            return True
    return False


NOMINAL = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "prep", "attr", "appos", "conj"})
VERBAL = frozenset({"xcomp", "ccomp", "advcl", "conj", "pcomp", "prep", "aux", "auxpass", "neg", "mark", "advmod"})


def reaches(sentence: Sentence, offsets: list[int], token: Token | None) -> bool:
    """Whether a hedge word governs the trigger: it sits on the trigger's verb or on a verb the
    trigger depends on through verbs alone ("urged envoys to resign", "did not resign"). A hedge
    on a noun the trigger hangs from does not ("demanded a meeting with a diplomat said to have
    defected"). Without a parse every hedge counts."""
    if token is None or sentence.span is None:
        return bool(offsets)
    words = [sentence.token_at(o) for o in offsets]
    if any(w is None for w in words):
        return True
    chain, node = [token], token
    while node.pos_ in ("NOUN", "PROPN") and node.dep_ in NOMINAL and node.head != node:
        node = node.head  # "considered her expulsion unjustified": the verb a noun trigger hangs on
        chain.append(node)
    while node.dep_ in VERBAL and node.head != node:
        node = node.head
        chain.append(node)
    return any(w in chain or w.head in chain for w in words if w is not None)


def clause_start(sentence: Sentence, token: Token | None) -> int:
    """Where the hedges that can reach a trigger begin: the noun an infinitive or participle
    hangs on ("the U.S. decision to shut"), else the start of the sentence."""
    if token is not None and token.dep_ == "acl" and token.head.pos_ in ("NOUN", "PROPN"):
        return sentence.offset(token.head.left_edge)
    return 0
