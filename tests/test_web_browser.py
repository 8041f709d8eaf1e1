"""End to end: a real `legation serve` on a free port, driven by Debian's headless Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CHROMIUM
from tests.webapp import serving

TOKEN = "browser-test-token-0123456789"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"), reason="/usr/bin/chromium is absent"),
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """`legation serve` on an empty store: it loads the bundled data, as the README's run command does."""
    with serving(tmp_path / "web.db", TOKEN) as url:
        yield url


@pytest.fixture
def page(server: str, chromium: Any) -> Iterator[object]:
    tab = chromium.new_page()
    tab.set_default_timeout(15000)
    yield tab
    tab.close()


def test_search_then_person_then_brief(page: object, server: str) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(server)
    page.get_by_role("searchbox", name="Search the registry").fill("Rurarz")
    page.get_by_role("searchbox", name="Search the registry").press("Enter")
    expect(page).to_have_url(f"{server}/search?q=Rurarz")
    page.locator(".hits").get_by_role("link", name="Zdzisław Rurarz", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Zdzisław Rurarz")
    expect(page.locator(".exit-box").first).to_contain_text("Defected")
    page.get_by_role("link", name="Options brief").click()
    expect(page).to_have_url(f"{server}/brief/p-zdzislaw-rurarz")
    expect(page.locator("h1")).to_contain_text("Options brief: Zdzisław Rurarz")
    expect(page.locator(".notice").first).to_contain_text("No advice")


def test_add_a_sourced_exit_with_a_token_and_see_it_in_the_history(page: object, server: str) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(f"{server}/records/new?kind=posting&person=p-zdzislaw-rurarz")
    page.fill("#f-id", "pos-rurarz-usa-1987")
    page.select_option("#f-role", "official")
    page.fill("#f-sending", "POL")
    page.fill("#f-receiving", "USA")
    page.fill("#f-end", "1987")
    page.select_option("#f-exit_type", "retired")
    page.select_option("#f-certainty", "reported")
    page.fill("#f-token", TOKEN)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#source_url-error")).to_be_visible()  # no source: the form comes back
    page.fill("#f-source_url", "https://example.org/rurarz-later-years")
    page.fill("#f-source_title", "Rurarz's later years")
    page.fill("#f-token", TOKEN)
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(f"{server}/record/pos-rurarz-usa-1987")
    page.get_by_role("link", name="Edit").click()
    page.fill("#f-reason", "Left public life")
    page.fill("#f-token", TOKEN)
    page.get_by_role("button", name="Save as a new version").click()
    history = page.locator("ol.versions")
    expect(history).to_contain_text("v2 update by web")
    expect(history).to_contain_text("v1 create by web")
    page.goto(f"{server}/person/p-zdzislaw-rurarz")
    expect(page.locator("#pos-rurarz-usa-1987")).to_contain_text("Retired")
    expect(page.locator("#pos-rurarz-usa-1987")).to_contain_text("Left public life")
