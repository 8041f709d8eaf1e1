"""The hook from event data to the review queue (legation.extraction.reviews): candidates become proposals.

Each candidate (CAMEO 161 between two states) is queued with its source URL as the article and one
proposed measure. Its type is the first measure type whose CAMEO code is the event's code
(vocabularies.yaml). CAMEO 161 cannot tell an expulsion from a recall or a closure, so the reviewer
sets the type when accepting. The certainty is `reported`, since one news event is not confirmation.
"""

from __future__ import annotations

from typing import Any

from legation.events.series import candidates
from legation.extraction import reviews
from legation.extraction.articles import Article
from legation.registry import vocabularies
from legation.registry.store import Store

ACTOR = "legation-gdelt"


def measure_type(code: str) -> str | None:
    return next((name for name, term in vocabularies.terms("measures").items() if term.get("cameo") == code), None)


def proposal(candidate: dict[str, Any]) -> dict[str, Any]:
    return {
        "actor": candidate["actor"],
        "target": candidate["target"],
        "measure": measure_type(candidate["code"]),
        "year": int(candidate["date"][:4]),
        "date": candidate["date"],
        "count": None,
        "detail": f"GDELT event {candidate['event_id']}: CAMEO {candidate['code']}, {candidate['mentions']} mentions",
        "certainty": "reported",
        "confidence": 0.5,
    }


def push(store: Store, *, min_mentions: int = 0, limit: int = 100) -> list[str]:
    """Queue the candidates that have a source URL; returns the review ids (queuing twice adds nothing)."""
    ids: list[str] = []
    for found in candidates(store, min_mentions=min_mentions, limit=limit):
        if not found["source_url"]:
            continue
        article = Article(text="", url=found["source_url"], title=f"GDELT event {found['event_id']}")
        ids.extend(reviews.queue(store, article, {"measures": [proposal(found)]}, actor=ACTOR))
    return ids
