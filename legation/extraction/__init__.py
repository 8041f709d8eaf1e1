"""Reading an article and proposing records, each with its evidence (docs/extraction.md).

`extract(text)` returns the four sections of the gold format: exits, measures, contacts and
postings in force. Nothing here writes to the store; `legation.extraction.reviews` queues the proposals.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from legation.extraction import (
    clauses,
    consequences,
    contacts,
    context,
    counts,
    exits,
    fallback,
    gazetteer,
    lexicon,
    measures,
    pipeline,
    postings,
)
from legation.registry.store import Store

SECTIONS = ("exits", "measures", "contacts", "postings_in_force")
RECENT = 8  # bodies remembered for a sentence that names none
CHUNK = 16  # texts per worker task when extracting with several processes


def extract(text: str, *, store: Store | None = None, published: str | None = None) -> dict[str, Any]:
    """The proposals in one text; `published` (an ISO date) dates what the text leaves undated."""
    known = gazetteer.persons(store)
    return read(text, pipeline.sentences(text, known.names), store=store, published=published, known=known)


def extract_many(
    texts: Iterable[str],
    *,
    store: Store | None = None,
    published: Iterable[str | None] | None = None,
    processes: int = 1,
    chunk: int = CHUNK,
) -> Iterator[dict[str, Any]]:
    """`extract` for many texts, in order: their paragraphs go through `nlp.pipe` in batches, and
    with `processes` > 1 chunks of texts go to worker processes that each load the model once.
    Workers cannot share the store, so names are linked to its persons here, afterwards."""
    listed = list(texts)
    dates = list(published) if published is not None else [None] * len(listed)
    if processes <= 1 or len(listed) <= chunk:
        known = gazetteer.persons(store)
        parsed = pipeline.sentences_many(listed, known.names)
        for text, sentences, date in zip(listed, parsed, dates, strict=True):
            yield read(text, sentences, store=store, published=date, known=known)
        return
    parts = [(listed[i : i + chunk], dates[i : i + chunk]) for i in range(0, len(listed), chunk)]
    known = gazetteer.persons(store)
    with ProcessPoolExecutor(max_workers=processes) as pool:
        for results in pool.map(_work, parts):
            for result in results:
                _link(result, known)
                yield result


def _work(part: tuple[list[str], list[str | None]]) -> list[dict[str, Any]]:
    texts, dates = part
    return list(extract_many(texts, published=dates, chunk=len(texts) + 1))


def read(
    text: str,
    sentences: list[pipeline.Sentence],
    *,
    store: Store | None = None,
    published: str | None = None,
    known: gazetteer.Persons | None = None,
) -> dict[str, Any]:
    """Apply the rules to a parsed text (`known`: the store's persons, when already read)."""
    pipeline.gated(sentences)
    context.resolve(sentences)
    known = known or gazetteer.persons(store)
    by_name = {name: known.citizenship.get(known.link(name) or "") for name in known.names}
    facts = exits.Facts(citizenship={name: state for name, state in by_name.items() if state})
    found: list[exits.Found] = []
    result: dict[str, list[dict[str, Any]]] = {name: [] for name in SECTIONS}
    in_force: list[dict[str, Any]] = []
    recent: list[str] = _dominant(sentences)
    last_year: int | None = None
    years = context.Years.of(text, published)
    for sentence in sentences:  # what the whole document says about each person's role
        facts.learn(context.role_phrases(sentence))
    facts.fill()
    previous: list[dict[str, Any]] = []  # the measures the sentence before told
    for sentence in sentences:
        year = context.year(sentence, last_year)
        last_year = year or last_year
        facts.learn(context.role_phrases(sentence))
        found += exits.find(sentence, facts, year, recent, sentences, years)
        consequences.attach(sentence, found)
        told = measures.find(sentence, facts, year, recent, years, result["measures"])
        told = told or measures.listed_after(sentence, previous)
        told += measures.followed(sentence, facts, result["measures"] + told)  # "..., and Sudan did the same"
        result["measures"] += told
        previous = told
        result["contacts"] += contacts.find(sentence, year)
        in_force += postings.find(sentence)
        recent = (recent + [b.key for b in sentence.of("body") if b.key])[-RECENT:]
        years.learn(sentence)
        facts.follow(sentence)
    found = exits.headline_groups(_merge([f for f in found if not exits.ended_before(f, facts)]), sentences)
    found = exits.denied(found, sentences)
    exits.redate(found, sentences, years)
    _name_envoys(found, facts, sentences)
    _name_indefinite(found, facts, sentences)
    found = [f for f in found if not f.record.pop("_merged", False)]
    found = _name_members(found, sentences)
    guesses = exits.denied(fallback.find(sentences, found, facts, years), sentences)  # the recall net: no
    # measures, confidence 0.5
    exits.settle(found + guesses, sentences)
    result["exits"] = [f.record for f in found + guesses]
    _former_eras(result, sentences, text)
    result["measures"] = result["measures"] + _measures_of_exits(found, sentences, result["measures"])
    measures.seated(result["measures"], sentences)
    _former_eras(result, sentences, text)
    result["measures"] = measures.settle(_named_expulsions(_unique(result["measures"])), text)
    exited = {f.key for f in found + guesses}
    seen: set[str] = set()
    for posting in in_force:
        if posting["person"] not in exited and posting["person"] not in seen:
            seen.add(posting["person"])
            if posting["receiving_state"] is None:  # posted, most likely, where the text is about
                posting["receiving_state"] = _other(sentences, posting["sending_state"])
            result["postings_in_force"].append(posting)
    _link(result, known)
    return result


def _merge(found: list[exits.Found]) -> list[exits.Found]:
    """One exit per person: later mentions of the same exit add consequences, and a defection
    outranks the asylum request it came with ("defected and was seeking asylum")."""
    kept: dict[str, exits.Found] = {}
    for one in found:
        key = one.key if one.record.get("person") else _unnamed_key(one, kept)
        first = kept.get(key) if key else None
        if first is None:
            kept[key or f"{one.key}#{len(kept)}"] = one
            continue
        record, other = first.record, one.record
        if record["exit_type"] == "sought_asylum" and other["exit_type"] == "defected":
            record["exit_type"] = "defected"
        surer = other["confidence"] > record["confidence"]
        for field in ("sending_state", "receiving_state", "year", "destination"):
            if surer and other.get(field):
                record[field] = other[field]  # the states of the surer reading
            record[field] = record.get(field) or other.get(field)
        first.actor = first.actor or one.actor
        record["confidence"] = max(record["confidence"], other["confidence"])
        for code in other["consequences"]:
            if code not in record["consequences"]:
                record["consequences"].append(code)
    _drop_postless(kept)
    named: dict[tuple[str, str | None], set[str | None]] = {}
    loosely: dict[tuple[str, str | None], set[str | None]] = {}  # with the positional readings (0.6)
    for f in kept.values():
        pair = (_kind(f.record["exit_type"]), f.record["sending_state"])
        if f.record.get("person") and f.record["confidence"] >= 0.7:  # a guess names no one
            named.setdefault(pair, set()).add(f.record.get("receiving_state"))
        if f.record.get("person") and f.record["confidence"] >= HEADLINE_NAMED:
            loosely.setdefault(pair, set()).add(f.record.get("receiving_state"))
    by_sentence = Counter(
        (f.sentence, f.record["exit_type"], f.record["sending_state"]) for f in kept.values() if f.record.get("person")
    )
    counted = {(f.record["exit_type"], f.record["sending_state"]) for f in kept.values() if f.record.get("count")}
    in_text = Counter(
        (_kind(f.record["exit_type"]), f.record["sending_state"]) for f in kept.values() if f.record.get("person")
    )  # named exits of each kind and state in the whole text
    uncounted: set[tuple[str, str | None]] = set()
    for key, group in list(kept.items()):
        record = group.record
        pair = (record["exit_type"], record["sending_state"])
        if record.get("group") and record.get("count") == 1 and (_kind(pair[0]), pair[1]) in named:
            del kept[key]  # "A diplomat from China's consulate has applied for asylum ... Chen's defection"
            continue
        if record.get("group") and not record.get("count") and (pair in counted or pair in uncounted):
            del kept[key]  # "Russia expels U.S. diplomats" in a headline, "expelled 60 U.S. diplomats" below
            continue
        if record.get("group") and not record.get("count"):
            uncounted.add(pair)
        if record.get("group"):
            names = by_sentence[(group.sentence, record["exit_type"], record["sending_state"])]
            if names and (record.get("count") is None or names >= record["count"]):
                del kept[key]  # "Two Eritrean diplomats, Samuel Haile and Ruth Tesfay": the names stand for the group
            elif (record.get("count") or 0) >= 2 and in_text[(_kind(pair[0]), pair[1])] >= record["count"]:
                del kept[key]  # "Two Iraqi diplomats seek asylum ... X requested asylum ... Y made a request"
    return [
        f
        for f in kept.values()
        if f.record.get("person")
        or f.record.get("group")
        or not _named_there(f.record, loosely if _headline(f.record) else named)
    ]  # "recalled its envoy" in a headline, named in the body


HEADLINE_NAMED = 0.6  # a name read by position in the body still stands for a headline's envoy
HEADLINE_WORDS = 12


def _headline(record: dict[str, Any]) -> bool:
    """Whether an exit was read in a headline: a short line with no closing stop ("Britain expels Soviet envoy")."""
    text = record["evidence"]["sentence"].strip()
    return len(text.split()) <= HEADLINE_WORDS and not text.endswith((".", "!", "?", '"', "”", ":"))


def _drop_postless(kept: dict[str, exits.Found]) -> None:
    """ "recalling its envoy" told before "recalling its ambassador to Canada": the envoy with no
    post is the one told with it later (the other order is `_unnamed_key`'s)."""
    posted = {key.rsplit(":", 1)[0] for key in kept if key.startswith("unnamed:") and not key.endswith(":None")}
    for key, one in list(kept.items()):
        record = one.record
        if record.get("person") or record.get("group") or record.get("receiving_state") or "#" not in key:
            continue
        role = "ambassador" if record["role"] == "special_envoy" else record["role"]
        if f"unnamed:{record['exit_type']}:{role}:{record['sending_state']}" in posted:
            del kept[key]


def _named_there(record: dict[str, Any], named: dict[tuple[str, str | None], set[str | None]]) -> bool:
    """Whether a named exit of that kind and state stands for an unnamed one: at the same post, or
    either post untold. "B expelled X, A's envoy there; C and D expelled their A ambassadors" keeps C's and D's."""
    posts = named.get((_kind(record["exit_type"]), record["sending_state"]))
    if posts is None:
        return False
    return record.get("receiving_state") is None or None in posts or record["receiving_state"] in posts


def _kind(exit_type: str) -> str:
    """A defection and the asylum request that goes with it are one story about one envoy."""
    return "defected" if exit_type == "sought_asylum" else exit_type


def _unnamed_key(one: exits.Found, kept: dict[str, exits.Found]) -> str | None:
    """An envoy named by role only is one envoy however often the text says it: "each recalled
    their ambassadors" and "Santos recalled the country's ambassador from Venezuela"; one told
    without a post ("Thailand recalled its ambassador") is the one told with it before."""
    record = one.record
    if record.get("group") and record.get("count"):  # "Three Ethiopian diplomats ... resign" told twice
        return f"group:{record['exit_type']}:{record['sending_state']}:{record['count']}"
    if record.get("group") or not record.get("sending_state"):
        return None
    role = "ambassador" if record["role"] == "special_envoy" else record["role"]  # "its envoys" are its ambassadors
    prefix = f"unnamed:{record['exit_type']}:{role}:{record['sending_state']}:"
    if not record.get("receiving_state"):
        return next((key for key in kept if key.startswith(prefix)), None)
    key = prefix + str(record["receiving_state"])
    if key not in kept and record["exit_type"] == "expelled":  # "expels Soviet envoy" over "expelled a Soviet
        for other, found in kept.items():  # diplomat": "envoy" is said of any diplomat
            told = found.record
            same = (told["exit_type"], told["sending_state"], told.get("receiving_state")) == (
                "expelled",
                record["sending_state"],
                record["receiving_state"],
            )
            if same and other.startswith("unnamed:") and "special_envoy" in (told["role"], record["role"]):
                return other
    return key


def _name_envoys(found: list[exits.Found], facts: exits.Facts, sentences: list[pipeline.Sentence]) -> None:
    """An envoy named by role only takes the name the text gives the holder of that post elsewhere
    ("Thailand recalled its ambassador" ... "Thailand Ambassador to Cambodia Prasas Prasavinitchai")."""
    exited = {f.record["person"] for f in found if f.record.get("person")}
    for one in found:
        record = one.record
        if record.get("person") or record.get("group") or record.get("role") not in exits.HEADS:
            continue
        holders = [
            key
            for key, phrase in facts.roles.items()
            if phrase.role == record["role"]
            and phrase.sending == record["sending_state"]
            and phrase.receiving == record["receiving_state"]
            and record["receiving_state"]
            and key not in exited
        ]
        lead = (
            exits._lead(sentences, sentences[one.sentence]) if exits.leads(sentences, sentences[one.sentence]) else None
        )
        main = None if lead else exits.main_subject(sentences[one.sentence], record["evidence"]["start"])
        lead = lead or main
        phrase = facts.roles.get(lead.key or "") if lead is not None else None
        official = phrase is not None and (
            phrase.role in exits.NOT_ENVOYS or phrase.sending not in (None, record["sending_state"])
        )  # the president who announced it, or another state's envoy, is not the envoy
        if not holders and lead is not None and lead.key and lead.key not in exited and not official:
            holders = [lead.key]  # "sacked the country's ambassador to the UN ... Kyaw Moe Tun in a speech said"
        named = [
            f
            for f in found
            if f.record.get("person")
            and f.record["exit_type"] == record["exit_type"]
            and f.record.get("role") == record["role"]
            and f.record.get("sending_state") in (None, record["sending_state"])
            and f.record.get("receiving_state") in (None, record["receiving_state"])
        ]
        if not holders and len(named) == 1:  # "recalls ambassador ... calling Ambassador Pavel Rondon back"
            other = named[0].record
            for field in ("sending_state", "receiving_state", "year"):
                other[field] = other.get(field) or record.get(field)
            other["confidence"] = max(other["confidence"], min(record["confidence"], 0.8))
            record["_merged"] = True
            continue
        passing = [
            key
            for key, at, states in facts.passing.get(record["exit_type"], [])
            if key not in exited
            and one.sentence <= at <= one.sentence + exits.PASSING
            and (not states or record["sending_state"] in states)
        ]
        if not holders and not named and len(passing) == 1:
            holders = passing  # "declared Spain's ambassador persona non grata. The move to expel Jesus Silva"
        if not holders and not named and record["receiving_state"]:
            holders = [  # "told Israel's ambassador to Ankara to leave ... Israeli ambassador Eitan Naeh"
                key
                for key, phrase in facts.roles.items()
                if phrase.role == record["role"]
                and phrase.sending == record["sending_state"]
                and phrase.receiving is None
                and key not in exited
            ]
        surely = {f.record["person"] for f in found if f.record.get("person") and f.record["confidence"] >= 0.7}
        later = [] if holders or named else _envoy_named_later(one, sentences, facts, surely)
        holders = holders or later
        if len(holders) == 1:
            record["person"] = holders[0]
            sure = 0.7 if main and holders[0] == main.key else 0.75 if later else 0.8
            record["confidence"] = min(record["confidence"], sure)
            for twin in found if later else []:  # "had until Friday to quit" is the same exit, less sure
                if twin is not one and twin.record.get("person") == holders[0] and twin.record["confidence"] < 0.7:
                    twin.record["_merged"] = True
            one.key = holders[0]
            exited.add(holders[0])


REMAINS = re.compile(r"\b(?:[Bb]ody|[Rr]emains|[Ff]uneral) of (?:the late )?(?:[A-Z][a-z]+\.? )?$")
APPOSED = re.compile(r",\s+(?:(?:a|an|the)\s+)?(?:[\w'’-]+\s+){0,3}")  # ", a veteran Dutch diplomat "
ENVOY_AHEAD = 4  # sentences after an unnamed envoy's exit searched for "the envoy, <name>"


def _envoy_named_later(
    one: exits.Found, sentences: list[pipeline.Sentence], facts: exits.Facts, exited: set[str]
) -> list[str]:
    """ "B ordered A's ambassador to leave ... The source said the envoy, Dutch diplomat X, had
    two days": a definite head-of-mission noun that the text ties to a named person, shortly
    after an exit told by role only, names that envoy (whatever the person's own nationality)."""
    keys: list[str] = []
    for sentence in sentences[one.sentence + 1 : one.sentence + 1 + ENVOY_AHEAD]:
        persons = sentence.of("person")
        for mention in persons if one.record["exit_type"] == "died" else []:
            before = sentence.text[: sentence.local(mention.start)]
            if REMAINS.search(before) and mention.key and mention.key not in exited and mention.key not in keys:
                keys.append(mention.key)  # "had been shot dead ... The body of Anton Berg was found"
        for mention in sentence.of("anaphor"):
            words = mention.text.lower().split()
            if words[0] != "the" or lexicon.roles().get(words[-1]) not in exits.HEADS:
                continue
            after = next((p for p in persons if p.start >= mention.end), None)  # "the envoy, Dutch diplomat X"
            gap = sentence.text[sentence.local(mention.end) : sentence.local(after.start)] if after else ""
            if after is None or not after.key or after.key in exited or not APPOSED.fullmatch(gap):
                continue
            phrase = facts.roles.get(after.key)
            if (phrase is None or phrase.role not in exits.NOT_ENVOYS) and after.key not in keys:
                keys.append(after.key)
    return keys


IDENTIFIED_AHEAD = 8  # sentences after "a diplomat ... defected" searched for "identified him as X"
INDEFINITE = re.compile(r"^(?:an?|one)\s", re.IGNORECASE)


def _name_indefinite(found: list[exits.Found], facts: exits.Facts, sentences: list[pipeline.Sentence]) -> None:
    """ "Gunmen killed a Soviet military attache ... he shot Col. X, a Soviet deputy military
    attache", "A North Korean diplomat has defected ... the diplomat, whom it identified as X": an
    envoy told as "a diplomat" is the person the next sentences give that role and state, or the
    one they identify him as, when they name exactly one such person with no exit of his own."""
    exited = {f.record["person"] for f in found if f.record.get("person")}
    for one in found:
        record = one.record
        if not record.get("group") or record.get("count") != 1 or not INDEFINITE.match(record["group"]):
            continue
        for sentence in sentences[one.sentence + 1 : one.sentence + 1 + IDENTIFIED_AHEAD]:
            near = sentence.index <= one.sentence + ENVOY_AHEAD
            keys = {m.key for m in sentence.of("person") if m.key and _same_envoy(record, sentence, m, facts, near)}
            if keys:
                break
        else:
            continue
        if len(keys) != 1 or keys & exited:
            continue
        key = keys.pop()
        record.update({"person": key, "group": None, "count": None})
        record["confidence"] = min(record["confidence"], 0.7)
        one.key = key
        exited.add(key)


def _same_envoy(
    record: dict[str, Any], sentence: pipeline.Sentence, mention: pipeline.Mention, facts: exits.Facts, near: bool
) -> bool:
    """Whether a person named after an indefinite envoy is that envoy: identified as him, or, in
    the next few sentences, given his state and a role of his rank (a head of mission is not "a
    diplomat" expelled beside him)."""
    if exits.identified_as(sentence, mention):
        return True
    phrase = facts.roles.get(mention.key or "")
    if not near:
        return False
    if phrase is None or phrase.role in exits.NOT_ENVOYS or phrase.sending != record["sending_state"]:
        return False
    return (phrase.role in exits.HEADS) == (record["role"] in exits.HEADS)


MEMBERS_AHEAD = 3  # sentences after a counted group searched for its members' names


def _name_members(found: list[exits.Found], sentences: list[pipeline.Sentence]) -> list[exits.Found]:
    """ "Two Libyan diplomats ... have resigned. Counsels A and B denounced ...": a counted group
    whose members the next sentences name, coordinated and as many, is those persons."""
    exited = {f.record["person"] for f in found if f.record.get("person")}
    kept: list[exits.Found] = []
    for one in found:
        record = one.record
        count = record.get("count")
        names = (
            _coordinated_names(sentences[one.sentence : one.sentence + 1 + MEMBERS_AHEAD], count, exited)
            if record.get("group") and count and 2 <= count <= 6
            else None
        )
        if not names:
            kept.append(one)
            continue
        for name in names:
            person = {
                **record,
                "person": name,
                "group": None,
                "count": None,
                "consequences": list(record["consequences"]),
            }
            person["confidence"] = min(record["confidence"], 0.7)
            kept.append(exits.Found(person, name, one.sentence, one.actor))
            exited.add(name)
    return kept


def _coordinated_names(sentences: list[pipeline.Sentence], count: int, exited: set[str]) -> list[str] | None:
    for sentence in sentences:
        for mention in sentence.of("person"):
            token = sentence.token_at(sentence.local(mention.start))
            if token is None or not mention.key or mention.key in exited:
                continue
            root = token.head if token.dep_ in ("compound", "flat") else token
            names = [m.key for t in clauses.coordinated(root) if (m := sentence.mention_of(t, ("person",))) and m.key]
            if len(names) == count and len(set(names)) == count and not set(names) & exited:
                return names
    return None


HEADS_OF_MISSION = exits.HEADS


def _measures_of_exits(
    found: list[exits.Found], sentences: list[pipeline.Sentence], stated: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """A named expulsion is also a persona non grata measure; a head of mission's recall is also an
    ambassador_recalled measure (docs/extraction.md)."""
    made = []
    named = {(m["measure"], m["actor"]) for m in stated}
    sure = {(m["measure"], m["actor"], m["target"]) for m in stated if m["confidence"] >= 0.8}  # a guess blocks none
    reversed_in: dict[str, set[tuple[str, str]]] = {}
    for m in stated:
        if m["measure"] in ("persona_non_grata", "expulsion"):
            reversed_in.setdefault(m["evidence"]["sentence"], set()).add((m["target"], m["actor"]))
    senders = {f.record.get("sending_state") for f in found}
    for one in found:
        if not one.measured:
            continue  # persons "the three" stands for: the measure is told of the three themselves
        record = one.record
        sending, receiving = record.get("sending_state"), record.get("receiving_state")
        guessed_actor = False  # the actor is only the text's other state
        unposted_group = bool(record.get("group")) and not receiving  # "recalled 30 of its ambassadors": posts untold
        if record["exit_type"] == "expelled" and (record.get("person") or record.get("role") in HEADS_OF_MISSION):
            if one.actor is not None and one.actor == sending:
                continue  # "expelled its own ambassador at the UN": a dismissal, no measure between states
            # a state expels the envoys posted to it ("the governments of A, B and C, all of whom have
            # expelled their X ambassadors": each host its own), unless the post is an international
            # body's or a state whose own envoys the text has leave (a post misread from a neighbour)
            posted = receiving and not measures.international(receiving) and receiving not in senders
            host = receiving if posted else None
            said = record["evidence"]["sentence"]
            # with no post and no actor in the exit's parse, the sentence's own reading of a measure
            # against his state says who acted; the text's other state is only a guess
            read = next(
                (m["actor"] for m in stated if m["evidence"]["sentence"] == said and m["target"] == sending), None
            )
            actor = host or one.actor or receiving or read
            guessed_actor = actor is None
            actor = actor or _other(sentences, sending)
            measure, target, count = "persona_non_grata", sending, 1
            if not record.get("person") and (actor, target) in reversed_in.get(said, set()):
                continue  # the sentence's own reading has the parties the other way ("expelling its ambassador")
        elif record["exit_type"] == "recalled" and record.get("role") in HEADS_OF_MISSION and not unposted_group:
            target = receiving or _other([s for s in sentences if s.index == one.sentence], sending)
            actor, target, measure, count = sending, target or _other(sentences, sending), "ambassador_recalled", None
        else:
            continue
        guessed = measure == "ambassador_recalled" and not receiving  # the post is the text's other state
        personal = measure == "persona_non_grata" and record.get("person")  # one per person: measures.settle
        stated_already = (measure, actor) in named if guessed else (measure, actor, target) in sure and not personal
        if actor and target and actor != target and not stated_already:
            made.append(
                {
                    "actor": actor,
                    "target": target,
                    "measure": measure,
                    "year": record.get("year"),
                    "count": count,
                    "detail": record["evidence"]["sentence"][:120],
                    "certainty": record.get("certainty"),
                    "evidence": record["evidence"],
                    "confidence": min(record["confidence"], measures.CONFIDENCE["exit_other"])
                    if guessed_actor
                    else record["confidence"],
                    "_person": record.get("person") if measure == "persona_non_grata" else None,
                }
            )
    return made


def _other(sentences: list[pipeline.Sentence], besides: str | None) -> str | None:
    """The state the document names most, other than one party: the other side of a measure."""
    counts = Counter(m.key for s in sentences for m in s.of("body") if m.key and m.key != besides)
    return counts.most_common(1)[0][0] if counts else None


def _era(measure: dict[str, Any], kept: dict[tuple[Any, ...], dict[str, Any]]) -> int | None:
    """The year that tells two measures of one type between one pair apart ("December 1999: Russia
    expels ..." and "February 1994: Moscow retaliates by expelling ..."); an undated one is the
    same measure as any dated one."""
    year: int | None = measure.get("year")
    same: list[int | None] = [k[3] for k in kept if k[:3] == (measure["measure"], measure["actor"], measure["target"])]
    if year is None or None in same:
        return same[0] if year is None and same else None
    return next((y for y in same if y is not None and abs(y - year) <= 1), year)


ANOTHER = re.compile(
    rf"\b({counts.NUMERAL})\s+(?:more|additional|further)\b"
    rf"|\b(?:another|a further|an additional)\s+({counts.NUMERAL})\b",
    re.IGNORECASE,
)


def _another(measure: dict[str, Any]) -> bool:
    """ "expels 6 more Soviets", "another 15 officials": a count told as added to an earlier one is a
    measure of its own, not a restatement of the earlier count."""
    said = measure["evidence"].get("sentence") or ""
    numbers = [counts.value(m.group(1) or m.group(2)) for m in ANOTHER.finditer(said)]
    return bool(measure.get("count")) and measure["count"] in numbers


def _unique(measures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One measure per type, pair of states and year in a document (a count told as "more" apart);
    the surest reading is kept."""
    kept: dict[tuple[Any, ...], dict[str, Any]] = {}
    for measure in measures:
        era = _era(measure, kept)
        key = (measure["measure"], measure["actor"], measure["target"], era, measure.get("_person"), _another(measure))
        if key not in kept or measure["confidence"] > kept[key]["confidence"]:
            kept[key] = {**measure, "year": kept[key]["year"] or measure["year"]} if key in kept else measure
    return list(kept.values())


# A former state and the present ones that news names it by, with its years: "Russian" and
# "Moscow" stood for the Soviet state, "Czech" and "Prague" for Czechoslovakia.
ERAS: dict[str, tuple[tuple[str, ...], int, int]] = {
    "SUN": (("RUS",), 1918, 1991),
    "CSK": (("CZE", "SVK"), 1918, 1992),
}


def _former_eras(result: dict[str, list[dict[str, Any]]], sentences: list[pipeline.Sentence], text: str) -> None:
    """Russia in an event before 1992 is the Soviet Union; so is an undated one in a text that names
    the Soviet Union and no later year ("the Russians retaliated" in a 1985 spy row). The same holds
    for every former state of `ERAS` ("the Czech expulsion" in a text about Czechoslovakia)."""
    years = [int(y) for y in context.YEAR.findall(text)]
    for former, (present, first, last) in ERAS.items():
        named = any(
            m.key == former and not re.search(r"\b(?:ex|post|former)[- ]$", s.text[: s.local(m.start)], re.IGNORECASE)
            for s in sentences
            for m in s.of("body")
        )  # "the small ex-Soviet state" is told after the Soviet Union
        era = _Era(former, present, first, last, named and (not years or first <= max(years) <= last))
        for record in result["exits"]:
            for field in ("sending_state", "receiving_state", "destination"):
                record[field] = era.of(record.get(field), record.get("year"))
        for record in result["measures"]:
            record["actor"] = era.of(record["actor"], record["year"])
            record["target"] = era.of(record["target"], record["year"])
    result["measures"] = [m for m in result["measures"] if m["actor"] != m["target"]]


@dataclass
class _Era:
    former: str
    present: tuple[str, ...]
    first: int
    last: int
    undated: bool  # an undated event in this text is told in the former state's years

    def of(self, code: str | None, year: int | None) -> str | None:
        within = (year is not None and self.first <= year <= self.last) or (year is None and self.undated)
        return self.former if code in self.present and within else code


def _named_expulsions(measures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ "Expelling a U.S. diplomat, Karen Doyle" is the persona non grata of one named person: the
    expulsion of one, read from the same sentence, says it twice."""
    png = [m for m in measures if m["measure"] == "persona_non_grata"]
    named = {(m["actor"], m["target"], m["evidence"]["sentence"]) for m in png}
    return [
        m
        for m in measures
        if not (
            m["measure"] == "expulsion"
            and m.get("count") == 1
            and (m["actor"], m["target"], m["evidence"]["sentence"]) in named
        )
    ]


def _dominant(sentences: list[pipeline.Sentence]) -> list[str]:
    """The state the document names most: the last resort for a sending state."""
    counts = Counter(m.key for s in sentences for m in s.of("body") if m.key)
    return [counts.most_common(1)[0][0]] if counts else []


def _link(result: dict[str, list[dict[str, Any]]], known: gazetteer.Persons) -> None:
    """Add the store's person id next to each name the store knows."""
    for section, field in (("exits", "person"), ("postings_in_force", "person"), ("contacts", "from")):
        for record in result[section]:
            name = record.get(field)
            person_id = known.link(name) if name else None
            if person_id:
                record[f"{field}_id"] = person_id
