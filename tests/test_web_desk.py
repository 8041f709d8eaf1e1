"""The review desk's JSON API and forms, /changes with diffs, and /changes.atom read back by feedparser."""

from __future__ import annotations

import asyncio
from typing import Any

import feedparser  # type: ignore[import-untyped]
import pytest

from legation.extraction import articles, extract, reviews
from legation.registry.store import Store
from legation.web import tokens
from tests.webapp import auth, client, load

TEXT = (
    "The Belgian ambassador to Chile, Luc Peeters, resigned in protest in 2021. "
    "He was later charged with leaking cables. In 2021 Chile expelled 3 Belgian diplomats. "
    "The Dutch ambassador to Peru, Anna de Vries, resigned in protest in 2019."
)
URL = "https://news.example.org/peeters"


def _queued(store: Store) -> dict[str, str]:
    load(store)
    article = articles.Article(TEXT, URL, title="Envoy quits", publisher="Example News", published="2026-11-02")
    reviews.queue(store, article, extract(TEXT, store=store), actor="legation-watch")
    found = {r.data.get("person") or r.data.get("measure"): r.id for r in reviews.listing(store)}
    return {str(k): v for k, v in found.items()}


def test_review_api_lists_filters_and_decides(store: Store) -> None:
    ids = _queued(store)
    with client(store) as web:
        listing = web.get("/api/review").json()
        assert listing["total"] == 3
        first = next(r for r in listing["reviews"] if r["id"] == ids["Luc Peeters"])
        assert first["source"]["title"] == "Envoy quits" and first["band"] in ("high", "medium", "low")
        marks = {p["mark"]: p["text"] for p in first["excerpt"]}
        assert marks["trigger"] == first["evidence"]["trigger"] and marks["trigger"] in TEXT
        assert "".join(p["text"] for p in first["excerpt"]).strip() == TEXT  # the whole short article
        assert web.get("/api/review", params={"kind": "measures"}).json()["total"] == 1
        assert web.get("/api/review", params={"state": "PER"}).json()["total"] == 1
        assert web.get("/api/review", params={"kind": "nonsense"}).status_code == 422
        # writing needs a token
        assert web.post(f"/api/review/{ids['Luc Peeters']}/accept", json={}).status_code == 401
        accepted = web.post(
            f"/api/review/{ids['Luc Peeters']}/accept", json={"changes": {"reason": "leaked cables"}}, headers=auth()
        )
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["status"] == "accepted" and "p-luc-peeters" in accepted.json()["records"]
        posting = store.get("pos-peeters-chl-2021")
        assert posting is not None and posting["reason"] == "leaked cables"
        assert posting["sources"][0]["url"] == URL and posting["sources"][0]["publisher"] == "Example News"
        again = web.post(f"/api/review/{ids['Luc Peeters']}/accept", json={}, headers=auth())
        assert again.status_code == 422 and "already accepted" in again.json()["error"]
        rejected = web.post(f"/api/review/{ids['expulsion']}/reject", json={"reason": "count unclear"}, headers=auth())
        expected = {"id": ids["expulsion"], "status": "rejected", "records": [], "reason": "count unclear"}
        assert rejected.json() == expected
        merged = web.post(f"/api/review/{ids['Anna de Vries']}/merge", json={"into": "p-evil"}, headers=auth())
        assert merged.json()["status"] == "merged"
        assert web.get("/api/review").json()["total"] == 0
        assert web.get("/api/review", params={"status": "all"}).json()["total"] == 3
        assert web.post("/api/review/rv-nope/reject", json={}, headers=auth()).status_code == 404


def test_review_forms_need_csrf_and_a_writer_and_edits_follow_the_form(store: Store) -> None:
    ids = _queued(store)
    with client(store) as web:
        page = web.get("/review")
        assert page.status_code == 200
        html = page.text
        assert "Resigned in protest" in html and "Belgium" in html and "resigned_in_protest</" not in html
        trigger = reviews.get(store, ids["Luc Peeters"]).data["evidence"]["text"]
        assert f'<mark class="trigger">{trigger}</mark>' in html
        csrf = html.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        target = f"/review/{ids['Luc Peeters']}/accept"
        assert web.post(target, data={"token": "test-token-0123456789"}).status_code == 403  # no CSRF
        assert web.post(target, data={"csrf": csrf}).status_code == 401  # no writer
        form = {"csrf": csrf, "token": "test-token-0123456789", "f_exit_type": "defected", "f_receiving_state": "PER"}
        done = web.post(target, data=form)
        assert done.status_code == 303 and done.headers["location"] == f"/review/{ids['Luc Peeters']}"
        written = reviews.get(store, ids["Luc Peeters"]).records
        posting = next(store.get(i) for i in written if i.startswith("pos-"))
        assert posting is not None and posting["exit_type"] == "defected" and posting["receiving"] == "PER"
        assert posting["sending"] == "BEL"  # an untouched field keeps the proposal's value
        batch = {"csrf": csrf, "token": "test-token-0123456789", "action": "reject", "reason": "off topic"}
        rest = [ids["expulsion"], ids["Anna de Vries"]]
        out = web.post("/review/batch", data={**batch, "ids": rest})
        assert out.status_code == 303 and out.headers["location"] == "/review?done=rejected-2"
        assert "2 proposals rejected." in web.get(out.headers["location"]).text
        assert {reviews.get(store, i).reason for i in rest} == {"off topic"}
        detail = web.get(f"/review/{ids['Anna de Vries']}", params={"find": "Rurarz"})
        assert "Rejected" in detail.text and "off topic" in detail.text


def test_changes_page_and_atom_feed_with_diffs(store: Store) -> None:
    load(store)
    with client(store) as web:
        edited = {**store.get("pos-evil-rus-2022"), "exit_type": "recalled"}  # type: ignore[dict-item]
        assert web.put("/api/records/pos-evil-rus-2022", json=edited, headers=auth()).status_code == 200
        found = web.get("/api/changes", params={"state": "RUS"}).json()["changes"]
        latest = found[0]
        assert latest["record_id"] == "pos-evil-rus-2022" and latest["version"] == 2 and latest["changed_by"] == "alice"
        assert {"field": "exit_type", "change": "changed", "before": "expelled", "after": "recalled"} in latest["diff"]
        assert all("RUS" in {c["data"].get(k) for k in ("sending", "receiving", "actor", "target")} for c in found)
        assert web.get("/api/changes", params={"state": "POL", "kind": "measure"}).json()["changes"] == []
        html = web.get("/changes").text
        assert "<del>Expelled</del>" in html and "<ins>Recalled</ins>" in html  # labels, not codes
        record = web.get("/record/pos-evil-rus-2022").text
        assert "<del>Expelled</del>" in record  # the record's history shows the same diff
        atom = web.get("/changes.atom", params={"state": "RUS"})
        assert atom.headers["content-type"].startswith("application/atom+xml")
    parsed: Any = feedparser.parse(atom.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and "Russia" in parsed.feed.title
    first = parsed.entries[0]
    assert first.link.endswith("/record/pos-evil-rus-2022") and first.author == "alice"
    assert "exit_type: Expelled → Recalled" in first.summary and "(posting, version 2)" in first.title
    assert len(parsed.entries) == len(found)


@pytest.mark.parametrize("since", ["2026-13-01", "yesterday"])
def test_changes_refuses_a_bad_date(store: Store, since: str) -> None:
    with client(store) as web:
        answer = web.get("/api/changes", params={"since": since})
    assert answer.status_code == 422 and answer.json()["field"] == "since"


def test_gdelt_candidates_appear_in_the_same_desk(store: Store) -> None:
    from legation.events import review as gdelt_review

    candidate = {
        "actor": "USA",
        "target": "RUS",
        "code": "161",
        "date": "2026-11-02",
        "event_id": 123456789,
        "mentions": 12,
        "source_url": "https://news.example.org/expulsions",
    }
    article = articles.Article("", candidate["source_url"], title="GDELT event 123456789")
    reviews.queue(store, article, {"measures": [gdelt_review.proposal(candidate)]}, actor=gdelt_review.ACTOR)
    with client(store) as web:
        found = web.get("/api/review", params={"kind": "measures", "state": "RUS"}).json()["reviews"]
        assert [r["created_by"] for r in found] == ["legation-gdelt"] and found[0]["excerpt"] == []
        html = web.get("/review").text
    assert "GDELT event 123456789" in html and "Russia" in html


def test_the_desk_pages_fifty_at_a_time(store: Store) -> None:
    article = articles.Article("", "https://news.example.org/many", title="Many")
    measures = [{"measure": "expulsion", "actor": "CHL", "target": "BEL", "count": n} for n in range(1, 56)]
    reviews.queue(store, article, {"measures": measures})
    with client(store) as web:
        first, second = (web.get("/api/review", params={"page": n}).json() for n in (1, 2))
        assert (first["total"], first["pages"], len(first["reviews"]), len(second["reviews"])) == (55, 2, 50, 5)
        assert not {r["id"] for r in first["reviews"]} & {r["id"] for r in second["reviews"]}
        assert "Older →" in web.get("/review").text and "← Newer" in web.get("/review?page=2").text
        assert web.get("/api/review", params={"page": 0}).status_code == 422


def test_person_merges_from_registries_are_rejected_or_left_not_accepted(store: Store) -> None:
    from legation.registry import review_queue

    load(store)
    source = {"url": "https://history.example.org/chiefs", "title": "Chiefs of mission", "accessed": "2026-12-01"}
    match = {"incoming": "p-evil", "existing": "p-zdzislaw-rurarz", "sure": False, "reasons": ["same name"]}
    (review_id,) = review_queue.add(store, source, "src-chiefs", [("person_merge", match)])
    with client(store) as web:
        html = web.get("/review", params={"kind": "person_merge"}).text
        assert "from the registry may be" in html and "Zdzisław Rurarz" in html
        batch = web.post("/api/review/batch", json={"action": "accept", "ids": [review_id]}, headers=auth())
        assert batch.json()[0]["status"] == "pending"  # decided by hand, never in a batch accept
        assert web.post(f"/api/review/{review_id}/accept", json={}, headers=auth()).status_code == 422
        done = web.post(f"/api/review/{review_id}/reject", json={"reason": "two people"}, headers=auth())
        assert done.json()["status"] == "rejected"


def test_review_forms_check_tokens_off_the_event_loop_and_limit_guesses(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The review forms go through the app's Verifier like every other form: scrypt runs in a worker
    thread (never on the loop that serves everyone) and a client that keeps guessing gets 429."""
    ids = _queued(store)
    on_loop: list[bool] = []
    real = tokens.check

    def spy(token: str, stored: list[str]) -> str | None:
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:
            on_loop.append(False)
        return real(token, stored)

    monkeypatch.setattr(tokens, "check", spy)
    with client(store, auth_failures=3) as web:
        csrf = web.get("/review").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        target = f"/review/{ids['Luc Peeters']}/reject"
        assert web.post(target, data={"csrf": csrf, "token": "test-token-0123456789"}).status_code == 303
        assert on_loop == [False]
        for n in range(3):
            assert web.post(target, data={"csrf": csrf, "token": f"guess-{n}"}).status_code == 401
        other = f"/review/{ids['Anna de Vries']}/reject"
        refused = web.post(other, data={"csrf": csrf, "token": "test-token-0123456789"})
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        batch = {"csrf": csrf, "token": "guess-batch", "action": "reject", "ids": [ids["expulsion"]]}
        assert web.post("/review/batch", data=batch).status_code == 429
    assert True not in on_loop
    assert reviews.get(store, ids["Anna de Vries"]).status == "pending"
