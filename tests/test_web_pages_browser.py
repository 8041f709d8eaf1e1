"""Every page type in a real Chromium over the bundled data: the API docs offline, labels not codes,
no horizontal overflow at a laptop's and a phone's width (issue 14)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CHROMIUM
from tests.webapp import serving

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"), reason="/usr/bin/chromium is absent"),
]
SHOTS = Path(os.environ.get("LEGATION_SCREENSHOTS", "/tmp/legation-screenshots"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(tmp_path_factory.mktemp("pages") / "web.db", "pages-test-token-0123456789") as url:
        yield url


@pytest.fixture
def page(server: str, chromium: Any) -> Iterator[Any]:
    """A tab that may reach the test server only, and records what the console and the CSP said."""
    context = chromium.new_context()
    tab = context.new_page()
    tab.set_default_timeout(15000)
    tab.problems = []
    tab.outside = []

    def route(r: Any) -> None:
        if r.request.url.startswith(server):
            r.continue_()
        else:
            tab.outside.append(r.request.url)
            r.abort()

    tab.route("**/*", route)
    tab.on("console", lambda m: tab.problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.problems.append(str(e)))
    yield tab
    context.close()


def test_swagger_ui_renders_the_operations_offline_with_no_csp_violation(page: Any, server: str) -> None:
    from playwright.sync_api import expect

    page.goto(server)
    page.get_by_role("link", name="API", exact=True).click()
    expect(page).to_have_url(f"{server}/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/search")).to_be_visible()
    assert page.problems == [] and page.outside == []


def test_redoc_renders_the_operations_offline_with_no_csp_violation(page: Any, server: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{server}/redoc")
    expect(page.get_by_text("/api/search").first).to_be_attached()
    expect(page.locator("h1").first).to_contain_text("Legation")
    assert page.problems == [] and page.outside == []
