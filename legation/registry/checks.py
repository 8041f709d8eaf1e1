"""`legation check`: what keeps a registry honest.

Each check is a small function over the store that yields findings. An `error` makes the check
fail (non-zero exit); a `warning` asks a human to look.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

import orjson
import pydantic
from rapidfuzz import fuzz, process

from legation.registry import addresses, dates, matching, records, search, vocabularies
from legation.registry.store import Store

ERROR, WARNING = "error", "warning"
DATE_FIELDS = {
    "person": ("birth", "death"),
    "posting": ("start", "end"),
    "consequence": ("date",),
    "measure": ("date",),
    "contact": ("date",),
}
FUZZY = 92  # two names this alike (rapidfuzz's ratio out of 100, folded) are worth a look
BLOCK = 3  # letters of the folded surname that make a block
NEIGHBOURS = 40  # within a block, each name is compared with this many next in sorted order
SAME_MEASURE = timedelta(days=7)  # one actor's measures of one type on one target this close are likely one
WEAK = frozenset({"mirror", "aggregator", "content_farm"})  # reasons a host is no evidence on its own


@dataclass
class Finding:
    severity: str
    check: str
    record: str
    field: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)  # flat already: dataclasses.asdict's deep copy took seconds at 100k findings


Check = Callable[[dict[str, dict[str, Any]]], Iterator[Finding]]


def sources(items: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    for rid, item in items.items():
        if item["kind"] == "source":
            continue
        cited = item.get("sources") or []
        if not cited:
            yield Finding(ERROR, "sources", rid, "sources", "no source: every fact needs at least one")
        for i, source in enumerate(cited):
            if not str(source.get("url") or "").strip():
                yield Finding(ERROR, "sources", rid, f"sources.{i}.url", "a source without an address")


def codes(items: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    """Re-validate every record: codes and vocabularies may have changed since it was written."""
    for rid, item in items.items():
        try:
            records.parse(item)
        except pydantic.ValidationError as exc:
            for error in exc.errors():
                where, expected = records.explain(error)
                yield Finding(ERROR, "codes", rid, where, f"expected {expected}")


def references(items: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    for rid, item in items.items():
        pairs = [
            ("person", item.get("person"), "person"),
            ("posting", item.get("posting"), "posting"),
            ("reciprocal_of", item.get("reciprocal_of"), "measure"),
        ]
        pairs += [("persons", p, "person") for p in item.get("persons", [])]
        for field, ref, kind in pairs:
            if item["kind"] == "person" or not ref:
                continue
            if items.get(ref, {}).get("kind") != kind:
                yield Finding(ERROR, "references", rid, field, f"points to {ref!r}, which is not a {kind} in the store")
        original = items.get(item.get("reciprocal_of") or "") or {}
        if item.get("date") and original.get("date") and dates.lower(original["date"]) > dates.upper(item["date"]):
            message = f"answers {original['id']} dated {original['date']}, after this measure ({item['date']})"
            yield Finding(ERROR, "references", rid, "reciprocal_of", message)


def impossible_dates(items: dict[str, dict[str, Any]], today: date | None = None) -> Iterator[Finding]:
    today = today or date.today()
    for rid, item in items.items():
        for field in DATE_FIELDS.get(item["kind"], ()):
            value = item.get(field)
            if value and dates.lower(value) > today:
                yield Finding(ERROR, "dates", rid, field, f"{value} is in the future")
        if item["kind"] != "posting":
            continue
        start, end = item.get("start"), item.get("end")
        if start and end and dates.upper(end) < dates.lower(start):
            yield Finding(ERROR, "dates", rid, "end", f"ends ({end}) before it starts ({start})")
        birth = items.get(item.get("person") or "", {}).get("birth")
        for field in ("start", "end"):
            if birth and item.get(field) and dates.upper(item[field]) < dates.lower(birth):
                yield Finding(ERROR, "dates", rid, field, f"{item[field]} is before the person's birth ({birth})")
        if item.get("exit_type") and not end:
            yield Finding(WARNING, "dates", rid, "end", "an exit without an end date is left out of the decade counts")


def counts(items: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    for rid, item in items.items():
        kind = item["kind"]
        if kind == "measure":
            named = len(item.get("persons", []))
            if item.get("count") is not None and item["count"] < named:
                yield Finding(
                    ERROR, "counts", rid, "count", f"count {item['count']} is less than the {named} persons named"
                )
            if item["type"] == "persona_non_grata" and not named and not item.get("count"):
                yield Finding(WARNING, "counts", rid, "persons", "persona non grata names no person and gives no count")
        if kind == "posting":
            if item.get("group") and item.get("count") is None:
                yield Finding(WARNING, "counts", rid, "count", "a group without a count")
            if item.get("count") and not item.get("group"):
                yield Finding(ERROR, "counts", rid, "count", "a count on a posting of one person (set group)")
        if kind == "consequence":
            posting = items.get(item["posting"], {})
            if posting and not posting.get("exit_type"):
                yield Finding(WARNING, "counts", rid, "posting", "a consequence of a posting that has no exit")


_PUNCT = re.compile(r"[^\w\s]")


def _key(name: str) -> tuple[str, str]:
    """(the folded words, sorted so that word order does not matter; the folded last word).
    The surname makes the block: near-identical names almost always share its start (`rurarz`
    and `rurraz` meet in `rur`)."""
    words = _PUNCT.sub(" ", search.fold(name)).split()
    return " ".join(sorted(words)), words[-1] if words else ""


def _listed(ids: list[str], limit: int = 5) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _namesakes(group: set[str], items: dict[str, dict[str, Any]]) -> list[str]:
    """Who, among persons sharing a name, has a namesake that may be the same person.

    As `matching.apart` has it: only curated records count (a registry lists its own persons apart,
    and pairs across sources are `across_sources`' to report), and two born in different years are
    two persons. Counted by birth year, so a name shared by thousands costs one pass, not pairs."""
    curated = [rid for rid in group if matching.registry_of(rid) is None]
    years = Counter(dates.year(items[rid].get("birth")) for rid in curated)
    found = []
    for rid in curated:
        year = dates.year(items[rid].get("birth"))
        if (len(curated) if year is None else years[None] + years[year]) > 1:
            found.append(rid)
    return sorted(found)


def duplicate_persons(items: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    """The same person twice: names equal once folded (accents, case, order), or nearly equal.

    Near-linear at 200k persons: equal names meet in one dict; near-equal ones are compared only
    within a block of the same folded surname, each distinct name against its next few neighbours
    in sorted order, and many persons sharing one name make one finding, not one per pair."""
    owners: dict[str, list[str]] = defaultdict(list)
    blocks: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for rid, item in items.items():
        if item["kind"] != "person":
            continue
        for name in dict.fromkeys([item["name"], *item.get("aliases", [])]):
            key, surname = _key(name)
            if not owners[key] or owners[key][-1] != rid:
                owners[key].append(rid)
            blocks[surname[:BLOCK]].add((surname, key))
    flagged: set[tuple[str, ...]] = set()
    for key, ids in sorted(owners.items()):
        group = tuple(_namesakes(set(ids), items)) if len(ids) > 1 else ()
        if len(group) > 1 and group not in flagged:
            flagged.add(group)
            message = f"{_listed(list(group))} share the name {key!r}: merge them or tell them apart"
            yield Finding(ERROR, "duplicates", group[0], "name", message)
    for block in sorted(blocks):
        keys = [key for _, key in sorted(blocks[block])]  # by surname, so neighbours share it
        for i, key_a in enumerate(keys):
            window = keys[i + 1 : i + 1 + NEIGHBOURS]
            for key_b, _, _ in process.extract(key_a, window, scorer=fuzz.ratio, score_cutoff=FUZZY, limit=None):
                a, b = min(owners[key_a]), min(owners[key_b])
                if a != b:
                    message = f"{a} and {b} have near-identical names; add an alias if they are one person"
                    yield Finding(WARNING, "duplicates", a, "name", message)


_SECOND = re.compile(r"-[2-9]$")


def _measure_chain(items: dict[str, dict[str, Any]], rid: str) -> set[str]:
    """The measures this one answers, directly or through the measures they answer."""
    seen: set[str] = set()
    while (rid := items.get(rid, {}).get("reciprocal_of") or "") and rid not in seen:
        seen.add(rid)
    return seen


def _close(a: str, b: str) -> bool:
    """Year-only beside a date of that year, or two dates no more than a week apart."""
    if len(a) == 4 or len(b) == 4:  # a year alone: dated only to the year
        return a[:4] == b[:4]
    gap = max(dates.lower(b) - dates.upper(a), dates.lower(a) - dates.upper(b))
    return gap <= SAME_MEASURE


def duplicate_measures(items: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    """One act recorded twice: same actor, target and type, close in time, and not one answering the other."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for item in items.values():
        if item["kind"] == "measure" and item.get("date"):
            groups[(item["actor"], item["target"], item["type"])].append(item)
    for group in groups.values():
        group.sort(key=lambda m: (dates.lower(m["date"]), m["id"]))
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                chained = a["id"] in _measure_chain(items, b["id"]) or b["id"] in _measure_chain(items, a["id"])
                told_apart = _SECOND.sub("", a["id"]) == _SECOND.sub("", b["id"])  # `-2`: a second one, knowingly
                if not chained and not told_apart and _close(a["date"], b["date"]):
                    pair = f"{a['id']} ({a['date']}) and {b['id']} ({b['date']})"
                    message = f"{pair} look like one {a['type']}: merge them"
                    yield Finding(WARNING, "duplicate_measures", b["id"], "date", message)


def addresses_check(items: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    """Sources must be web pages (http or https) at their canonical address."""
    for rid, item in items.items():
        cited = [item] if item["kind"] == "source" else item.get("sources") or []
        for i, source in enumerate(cited):
            url = str(source.get("url") or "").strip()
            field = "url" if item["kind"] == "source" else f"sources.{i}.url"
            if not url:
                continue
            if not addresses.is_web(url):
                yield Finding(ERROR, "addresses", rid, field, f"{url!r} is not an http(s) address")
                continue
            note = addresses.listed(url) or {}
            if note.get("reason") == "staging":
                message = f"{addresses.host(url)} is a staging or CDN host: cite the page on {note['canonical']}"
                yield Finding(WARNING, "addresses", rid, field, message)
            elif addresses.normalise(url) != url:
                yield Finding(WARNING, "addresses", rid, field, f"not normalised: cite {addresses.normalise(url)}")


def weak_sources(items: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    """A record that rests only on mirrors, aggregators or content farms needs a primary or reputable page."""
    for rid, item in items.items():
        cited = [str(s.get("url") or "") for s in item.get("sources") or []]
        notes = [(addresses.listed(url) or {}).get("reason") for url in cited]
        if cited and all(reason in WEAK for reason in notes):
            hosts = ", ".join(f"{addresses.host(u)} ({r})" for u, r in zip(cited, notes, strict=True))
            yield Finding(WARNING, "weak_sources", rid, "sources", f"only weak sources: {hosts}")


def independent_sites(item: dict[str, Any]) -> set[str]:
    """The distinct sites a record cites, leaving out weak hosts and counting a staging host as its canonical."""
    found: set[str] = set()
    for source in item.get("sources") or []:
        url = str(source.get("url") or "")
        note = addresses.listed(url) or {}
        if note.get("reason") in WEAK:
            continue
        found.add(addresses.site("https://" + note["canonical"]) if note.get("canonical") else addresses.site(url))
    return found - {""}


def source_shares(items: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The share of records, by kind, with sources on at least two independent sites."""
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    _tally(items, tally)
    return _shares(tally)


def _tally(items: dict[str, dict[str, Any]], tally: dict[str, list[int]]) -> None:
    """Add these records to `tally`: kind -> [records, records with two or more independent sites]."""
    for item in items.values():
        if item["kind"] == "source":
            continue
        two = len(independent_sites(item)) >= 2
        kinds = [item["kind"]]
        if item["kind"] == "posting" and item.get("exit_type"):
            kinds.append("exit")
        if item["kind"] == "measure" or "exit" in kinds:
            kinds.append("exits and measures")
        if "exits and measures" in kinds and matching.registry_of(item["id"]) is None:
            # The curated exits and measures apart too: POCOM's thousands of exits, each citing the
            # dataset and the State Department's page, would hide a gap in the researched ones.
            kinds += [f"{kind} (curated)" for kind in kinds if kind in ("exit", "measure", "exits and measures")]
        for kind in kinds:
            tally[kind][0] += 1
            tally[kind][1] += two


def _shares(tally: dict[str, list[int]]) -> dict[str, dict[str, Any]]:
    return {k: {"records": n, "two_or_more": m, "share": round(m / n, 3)} for k, (n, m) in sorted(tally.items())}


@cache
def _exit_words() -> dict[str, dict[str, Any]]:
    text = resources.files("legation").joinpath("data/exit_words.yaml").read_text("utf-8")
    data: dict[str, dict[str, Any]] = vocabularies.parse_yaml(text)["exit_types"]
    return data


def _words(words: list[str]) -> re.Pattern[str]:
    return _pattern(tuple(words))


@cache
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE)


def exit_words(items: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    """An exit whose reason says otherwise than its type, by the words in `data/exit_words.yaml`."""
    for rid, item in items.items():
        rules = _exit_words().get(item.get("exit_type") or "") if item["kind"] == "posting" else None
        if not rules:
            continue
        reason = " ".join(str(item.get(f) or "") for f in ("group", "reason"))
        if rules.get("contradicted_by") and (hit := _words(rules["contradicted_by"]).search(reason)):
            message = f"the reason says {hit.group(0)!r}, which contradicts {item['exit_type']}"
            yield Finding(WARNING, "exit_words", rid, "reason", message)
        answered = bool(rules.get("or_field") and item.get(str(rules["or_field"])))
        if rules.get("needs_one_of") and not answered and not _words(rules["needs_one_of"]).search(reason):
            wanted = ", ".join(rules["needs_one_of"][:6])
            message = f"{item['exit_type']} but the reason has none of its words ({wanted} ...)"
            yield Finding(WARNING, "exit_words", rid, "reason", message)


def across_sources(items: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    """Persons from a registry and from elsewhere who may be one person (registry.matching)."""
    persons = [item for item in items.values() if item["kind"] == "person"]
    for a, b in matching.possible_duplicates(persons):
        message = f"{a['name']} ({a['id']}) and {b['name']} ({b['id']}) may be one person: see `legation review`"
        yield Finding(WARNING, "across sources", a["id"], "name", message)


def disagreements(items: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    """The values a merged record kept where its sources disagree."""
    for rid, item in items.items():
        for source in item.get("sources") or []:
            for name, value in (source.get("differs") or {}).items():
                where = source.get("publisher") or source["url"]
                message = f"{where} gives {value!r}; the record keeps {item.get(name)!r} ({source['url']})"
                yield Finding(WARNING, "disagreements", rid, name, message)


# Checks that read one record at a time (`run` gives them the store in chunks), and those that
# look across records (`run` gives them every record at once, cut down to the fields in WHOLE_FIELDS).
PER_RECORD: tuple[Check, ...] = (sources, codes, addresses_check, weak_sources, exit_words, disagreements)
WHOLE: tuple[Check, ...] = (references, impossible_dates, counts, duplicate_persons, duplicate_measures, across_sources)
CHECKS: tuple[Check, ...] = PER_RECORD + WHOLE
WHOLE_FIELDS = frozenset(
    {
        *("kind", "id", "person", "posting", "persons", "reciprocal_of", "type", "actor", "target"),
        *("name", "aliases", "birth", "death", "start", "end", "date", "exit_type", "group", "count"),
    }
)
CHUNK = 5000  # records checked one chunk at a time: memory holds a chunk, not the store


def run(store: Store) -> dict[str, Any]:
    """Every check over the store, in one pass over its records.

    At 200k records, holding every record whole took 1.6 GB: the sources, notes and reasons are
    most of a record, and only the per-record checks read them. So each chunk of records goes
    through those checks and is then cut down to the few fields the checks across records need."""
    findings: list[Finding] = []
    slim: dict[str, dict[str, Any]] = {}
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    chunk: dict[str, dict[str, Any]] = {}

    def flush() -> None:
        findings.extend(f for check in PER_RECORD for f in check(chunk))
        _tally(chunk, tally)
        slim.update({rid: {k: v for k, v in item.items() if k in WHOLE_FIELDS} for rid, item in chunk.items()})
        chunk.clear()

    # orjson and the bare cursor: loading is a sixth of a large check; streamed (a server-side
    # cursor on PostgreSQL), so the rows' text is never all in memory either
    with store.engine.connect().execution_options(stream_results=True) as conn:
        for rows in conn.exec_driver_sql("SELECT data FROM records").partitions(CHUNK):
            chunk.update((item["id"], item) for item in map(orjson.loads, (row[0] for row in rows)))
            flush()
    findings.extend(f for check in WHOLE for f in check(slim))
    findings.sort(key=lambda f: (f.severity != ERROR, f.check, f.record))
    errors = sum(f.severity == ERROR for f in findings)
    return {
        "records": len(slim),
        "errors": errors,
        "warnings": len(findings) - errors,
        "findings": [f.as_dict() for f in findings],
        "two_source_shares": _shares(tally),
    }
