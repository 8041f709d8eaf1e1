"""Precedents: how a sending state's diplomats left their posts, and what followed (DOMAIN.md).

A case is one ended posting. For each exit type: the number of cases, the cases with their sources, and
for each consequence type the share of those cases that had at least one consequence of that type.
Rumoured consequences count, and stay marked as rumoured in the case.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

from legation.analysis import peer_groups
from legation.errors import InputError
from legation.registry import bodies, dates, vocabularies
from legation.registry.store import Store


def lineage(state: str) -> list[str]:
    """The state and the former states it continues (RUS continues SUN), whose diplomats count as its own."""
    found = [state]
    for body in bodies.registry().values():
        if body.continued_by == state and body.code != state:
            found += [c for c in lineage(body.code) if c not in found]
    return found


def _cases(store: Store, senders: list[str], at: str | None) -> list[dict[str, Any]]:
    """Ended postings (with an exit type) from these senders, each with its consequences."""
    marks = ", ".join(f":s{i}" for i in range(len(senders)))
    rows = store.rows(
        "SELECT r.data FROM postings p JOIN records r ON r.id = p.id "
        f"WHERE p.exit_type IS NOT NULL AND p.sending IN ({marks}) ORDER BY coalesce(p.end_date, ''), p.id",
        **{f"s{i}": s for i, s in enumerate(senders)},
    )
    postings = [json.loads(r["data"]) for r in rows]
    if at:
        postings = [p for p in postings if p.get("end") and dates.lower(p["end"]) <= dates.upper(at)]
    by_posting: dict[str, list[dict[str, Any]]] = defaultdict(list)
    consequences = store.rows(
        "SELECT r.data FROM consequences c JOIN records r ON r.id = c.id JOIN postings p ON p.id = c.posting_id "
        f"WHERE p.sending IN ({marks}) ORDER BY c.id",
        **{f"s{i}": s for i, s in enumerate(senders)},
    )
    for row in consequences:
        record = json.loads(row["data"])
        by_posting[record["posting"]].append(record)
    return [_case(p, by_posting.get(p["id"], [])) for p in postings]


def _case(posting: dict[str, Any], consequences: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "person": posting.get("person_name") or posting.get("group") or posting.get("person"),
        "person_id": posting.get("person"),
        "persons": posting.get("count") or 1,
        "year": dates.year(posting.get("end")),
        "posting": posting["id"],
        "sending": posting["sending"],
        "receiving": posting.get("receiving"),
        "exit_type": posting["exit_type"],
        "certainty": posting["certainty"],
        "sources": posting["sources"],
        "consequences": [
            {"id": c["id"], "type": c["type"], "certainty": c["certainty"], "sources": c["sources"]}
            for c in consequences
        ],
    }


def block(cases: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """{exit_type: {count, persons, cases, consequences: {type: share}}} in vocabulary order."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in cases:
        grouped[case["exit_type"]].append(case)
    return {code: summary(grouped[code]) for code in vocabularies.codes("exit_types") if grouped[code]}


def summary(cases: list[dict[str, Any]]) -> dict[str, Any]:
    """One exit type's figures: shares are over cases, so a case with two consequences counts in both."""
    had = Counter(t for case in cases for t in {c["type"] for c in case["consequences"]})
    order = vocabularies.codes("consequences")
    return {
        "count": len(cases),
        "persons": sum(c["persons"] for c in cases),
        "cases": cases,
        "consequences": {t: round(had[t] / len(cases), 6) for t in order if had[t]} if cases else {},
        "without_consequence_record": sum(1 for c in cases if not c["consequences"]),
        "note": _note(len(cases)),
    }


def _note(count: int) -> str | None:
    if count == 0:
        return "No recorded cases."
    if count == 1:
        return "One case only: its consequences are that case's, not a pattern."
    return None


def _peer_codes(
    state: str, peers: list[str] | None, peer_group: str | None, group_file: str | None
) -> tuple[list[str], peer_groups.PeerGroup | None]:
    if peers and peer_group:
        raise InputError("either peers or a peer group, not both", field="peers")
    if peer_group:
        group = peer_groups.find(peer_group, group_file)
        return [c for c in group.codes() if c != state], group
    codes = [p.strip().upper() for p in peers or [] if p.strip()]
    for code in codes:
        if not bodies.exists(code):
            raise InputError(f"a body code such as POL or SUN; got {code!r}", field="peers")
    return [c for c in dict.fromkeys(codes) if c != state], None


def precedents(
    store: Store,
    state: str,
    *,
    peers: list[str] | None = None,
    peer_group: str | None = None,
    at: str | None = None,
    group_file: str | None = None,
) -> dict[str, Any]:
    """Exit types and their consequences for a sending state, and for its peers.

    The state's cases include those of the former states it continues (see `lineage`). With a peer group,
    a peer's case counts only if the peer was a member in the case's year (an undated case counts if the
    peer was ever a member). `at` keeps only the exits known by that date.
    """
    code = state.strip().upper()
    if not bodies.exists(code):
        raise InputError(f"a body code such as POL, PRK or SUN; got {state!r}", field="state")
    if at:
        try:
            dates.parse(at)
        except ValueError as exc:
            raise InputError(str(exc), field="at") from None
    own = lineage(code)
    codes, group = _peer_codes(code, peers, peer_group, group_file)
    codes = [c for c in codes if c not in own]
    peer_cases = _cases(store, codes, at) if codes else []
    if group:
        peer_cases = [c for c in peer_cases if group.member_in(c["sending"], c["year"])]
    return {
        "state": code,
        "state_name": bodies.name(code),
        "lineage": own,
        "at": at,
        "exit_types": block(_cases(store, own, at)),
        "peers": {
            "members": codes,
            "group": group.as_dict() if group else None,
            "exit_types": block(peer_cases),
        },
    }
