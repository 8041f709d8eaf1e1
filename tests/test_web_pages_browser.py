"""Every page type in a real Chromium over the bundled data: the API docs offline, labels not codes,
no horizontal overflow at a laptop's and a phone's width (issue 14)."""

from __future__ import annotations

import json
import os
import re
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
    expect(page.locator(".opblock").first).to_be_visible(timeout=30000)
    expect(page.locator(".opblock-summary-path", has_text="/api/search")).to_be_visible()
    assert page.problems == [] and page.outside == []


def test_redoc_renders_the_operations_offline_with_no_csp_violation(page: Any, server: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{server}/redoc")
    expect(page.get_by_text("/api/search").first).to_be_attached(timeout=30_000)  # ReDoc parses the whole schema first
    expect(page.locator("h1").first).to_contain_text("Legation")
    assert page.problems == [] and page.outside == []


# Pages of every type over the bundled data; the crawl follows none of their links, so the list names
# each type once or more (persons with consequences, contacts and group postings among them).
PAGES = [
    "/",
    "/search?q=rurarz",
    "/search?q=expulsion",
    "/search?q=sentenced",
    "/search?q=antonov",
    "/person/p-anatoly-antonov",
    "/person/p-zdzislaw-rurarz",
    "/state/RUS",
    "/state/POL",
    "/dyad/GBR/RUS",
    "/dyad/USA/RUS",
    "/brief/p-anatoly-antonov",
    "/brief/p-zdzislaw-rurarz",
    "/record/m-usa-rus-2016-12-29-persona_non_grata",
    "/record/pos-rurarz-jpn-1981",
    "/record/con-rurarz-jpn-1981-sentenced_to_death_in_absentia",
    "/persons",
    "/postings",
    "/consequences",
    "/measures?sort=-count",
    "/contacts",
    "/sources",
    "/states",
    "/dyads",
    "/source?url=https%3A%2F%2Fwww.theguardian.com%2Fworld%2F2016%2Faug%2F16%2Fnorth-korean-diplomat-in-london-defects-says-south-korean-media",
    "/person/Petrov",
    "/changes",
    "/changes?state=RUS&kind=measure",
    "/review?status=all",
]

# The pages the issue names, photographed at a laptop's and a phone's width.
SCREENS = {
    "home": "/",
    "search": "/search?q=expelled",
    "person": "/person/p-anatoly-antonov",
    "state": "/state/RUS",
    "dyad": "/dyad/GBR/RUS",
    "brief": "/brief/p-anatoly-antonov",
    "table": "/measures",
    "states": "/states",
}

# The text a reader sees, with <code> (where ids and codes may be shown as such) left out.
# Text nodes are joined with spaces: a chart's SVG labels sit side by side with none between them.
VISIBLE_TEXT = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('code, script, style').forEach(e => e.remove());
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  const parts = [];
  while (walker.nextNode()) parts.push(walker.currentNode.nodeValue);
  return parts.join(' ');
}"""


def _codes() -> set[str]:
    from legation.registry import vocabularies

    return {code for name in vocabularies.TERMS for code in vocabularies.codes(name) if "_" in code}


def _ids(server: str) -> set[str]:
    import httpx

    found: set[str] = set()
    for kind in ("person", "posting", "measure", "consequence", "contact"):
        rows = httpx.get(f"{server}/api/export", params={"format": "jsonl", "kind": kind}, timeout=30).text
        found |= {json.loads(line)["id"] for line in rows.splitlines() if line.strip()}
    return found


def test_no_raw_code_or_bare_id_is_shown_on_any_page_type(page: Any, server: str) -> None:
    codes, ids = _codes(), _ids(server)
    assert "sought_asylum" in codes and "p-anatoly-antonov" in ids
    shown: dict[str, list[str]] = {}
    for path in PAGES:
        page.goto(f"{server}{path}")
        words = set(re.findall(r"[\w-]+", page.evaluate(VISIBLE_TEXT)))
        bad = sorted(words & (codes | ids))
        if bad:
            shown[path] = bad
    assert shown == {}, "\n".join(f"{path}: {', '.join(bad)}" for path, bad in shown.items())


@pytest.mark.parametrize("width", [1280, 390])
def test_pages_fit_the_screen_at_laptop_and_phone_widths(page: Any, server: str, width: int) -> None:
    """No page scrolls sideways; each is saved as a screenshot (LEGATION_SCREENSHOTS) to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    wide: dict[str, int] = {}
    for name, path in SCREENS.items():
        page.goto(f"{server}{path}")
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        scrolled = page.evaluate("document.documentElement.scrollWidth")
        if scrolled > width:
            wide[name] = scrolled
    assert wide == {}, f"wider than {width} px: {wide}"
    assert page.problems == []


def test_state_page_leads_with_its_summary_and_the_brief_with_its_paths(page: Any, server: str) -> None:
    page.goto(f"{server}/state/RUS")
    assert page.locator("table.cards").first.locator("tbody tr").count() <= 10
    assert page.evaluate("document.documentElement.scrollHeight") < 12000
    page.goto(f"{server}/brief/p-anatoly-antonov")
    headings = page.locator("h2").all_inner_texts()
    assert headings[1].startswith("Paths"), headings
