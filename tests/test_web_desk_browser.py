"""The review desk end to end: feeds watched into a real `legation serve`, reviewed in headless Chromium."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from legation.extraction import reviews
from legation.importers import feeds, watch
from legation.registry.store import Store
from tests.conftest import CHROMIUM
from tests.newsroom import Site, serve, standard
from tests.webapp import serving

TOKEN = "desk-test-token-0123456789"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"), reason="/usr/bin/chromium is absent"),
]


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """The server with the bundled data, and four proposals the watcher queued from the test feeds;
    with the proposals the bundled data queued itself (unsure person merges), counted."""
    db = tmp_path / "desk.db"
    with serving(db, TOKEN) as url, serve(Site()) as site:
        standard(site)
        store = Store.open(str(db))
        before = len(reviews.listing(store))
        chosen = [feeds.Feed(f"{site.base}{p}", n) for p, n in (("/rss.xml", "wire"), ("/atom.xml", "atom"))]
        chosen.append(feeds.Feed(f"{site.base}/latin1.xml", "latin"))
        assert watch.run(store, chosen).totals()["proposals_queued"] == 4
        store.close()
        yield url, before


def test_review_edit_accept_reject_and_batch_accept(desk: tuple[str, int], chromium: Any) -> None:
    from playwright.sync_api import Page, expect

    desk, before = desk
    page: Page = chromium.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"{desk}/login?next=/review")
        page.fill("input[name=token]", TOKEN)
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(f"{desk}/review")
        expect(page.locator("h1")).to_have_text("Review desk")
        cards = page.locator("article.proposal")
        expect(cards).to_have_count(before + 4)
        peeters = cards.filter(has_text="Luc Peeters")
        expect(peeters).to_contain_text("Resigned in protest")
        expect(peeters.locator("mark.trigger")).to_be_visible()
        for code in ("resigned_in_protest", "postings_in_force", "BEL", "CHL"):  # labels and names, not codes
            expect(page.locator("main")).not_to_contain_text(code)
        # edit a field, then accept
        peeters.get_by_role("link", name="Edit and accept…").click()
        page.get_by_label("reason", exact=True).fill("Leaked cables")
        page.get_by_role("button", name="Accept with these fields").click()
        expect(page.locator(".status")).to_have_text("Accepted")
        page.locator(".written").get_by_role("link", name="Luc Peeters:").click()
        expect(page.locator("h1")).to_contain_text("Luc Peeters")
        expect(page.locator("main")).to_contain_text("Leaked cables")
        expect(page.locator("main")).to_contain_text("Belgian story")  # the article is the source
        expect(page.locator("ol.versions")).to_contain_text("v1 create by web")
        # reject another, with a reason
        page.goto(f"{desk}/review")
        dutch = page.locator("article.proposal").filter(has_text="Anna de Vries")
        dutch.get_by_placeholder("Reason for rejecting").fill("Wrong person")
        dutch.get_by_role("button", name="Reject", exact=True).click()
        expect(page.locator(".status")).to_have_text("Rejected")
        expect(page.locator("main")).to_contain_text("reason: Wrong person")
        # batch-accept the two left
        page.goto(f"{desk}/review")
        expect(page.locator("article.proposal")).to_have_count(before + 2)
        left = page.locator("article.proposal").filter(
            has_text=re.compile(r"(Latin|Expel) story")
        )  # the two from the feeds
        expect(left).to_have_count(2)
        for n in range(2):
            left.nth(n).get_by_role("checkbox").check()
        page.get_by_role("button", name="Accept selected").click()
        expect(page.locator(".notice").first).to_have_text("2 proposals accepted.")
        expect(page.locator("article.proposal")).to_have_count(before)
        page.goto(f"{desk}/changes")
        expect(page.locator("article.change").first).to_contain_text("by web")
        expect(page.locator("main")).to_contain_text("René Lévêque")
    finally:
        page.close()
