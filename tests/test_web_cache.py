"""Pages kept between writes: a write anywhere, in the app or through another connection to the
same store (as `legation import` makes), shows in the next answer. On both backends; search data
with the cache off, tiny (one page, so pages push each other out) and at its default size; whole
pages through the app and through a real `legation serve --workers 2`."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from legation.registry import imports
from legation.registry.store import Store
from tests.conftest import rec
from tests.webapp import TOKEN, auth, client, load
from tests.webserver import serve

SIZES = [0, 1, 256]


def _ids(found: dict[str, object]) -> set[str]:
    hits = found["hits"]
    assert isinstance(hits, list)
    return {h["id"] for h in hits}


@pytest.mark.parametrize("size", SIZES)
def test_a_write_through_the_app_shows_in_the_next_search(store: Store, size: int) -> None:
    load(store)
    with client(store, search_cache=size) as web:
        before = web.get("/api/search", params={"q": "Rurarz"}).json()
        assert before["total"] == 2
        assert web.get("/api/search", params={"q": "Rurarz"}).json() == before
        web.get("/api/search", params={"q": "expelled"})  # another page in between
        person = rec("person", "p-jan-rurarz", name="Jan Rurarz", citizenship="POL")
        assert web.post("/api/records", json=person, headers=auth()).json()["created"] == 1
        after = web.get("/api/search", params={"q": "Rurarz"}).json()
        assert after["total"] == 3 and "p-jan-rurarz" in _ids(after)
        kinds = {f["value"]: f["count"] for f in after["facets"]["kind"]}
        assert kinds == {"person": 2, "posting": 1}
        html = web.get("/search", params={"q": "Rurarz"})
        assert "Jan Rurarz" in html.text


def _write_elsewhere(store: Store, row: dict[str, Any]) -> None:
    """Import one record through another connection to the same store, as `legation import` does."""
    other = Store.open(store.engine.url.render_as_string(hide_password=False))
    try:
        imports.import_records(other, [imports.Located("<other>", 1, row)], actor="cli")
    finally:
        other.close()


@pytest.mark.parametrize("size", SIZES)
def test_a_write_from_another_connection_shows_in_the_next_search(store: Store, size: int) -> None:
    load(store)
    with client(store, search_cache=size) as web:
        assert web.get("/api/search", params={"q": "Antonov"}).json()["total"] == 0
        _write_elsewhere(store, rec("person", "p-anatoly-antonov", name="Anatoly Antonov", citizenship="RUS"))
        found = web.get("/api/search", params={"q": "Antonov"}).json()
        assert found["total"] == 1 and _ids(found) == {"p-anatoly-antonov"}


@pytest.mark.parametrize("size", SIZES)
def test_pages_and_filters_are_kept_apart(store: Store, size: int) -> None:
    load(store)
    with client(store, search_cache=size) as web:
        for _ in range(2):  # the second round may come from the cache: the same answers
            first = web.get("/api/search", params={"q": "expulsion", "size": 1}).json()
            second = web.get("/api/search", params={"q": "expulsion", "size": 1, "page": 2}).json()
            assert first["page"] == 1 and second["page"] == 2
            assert _ids(first) != _ids(second) and first["total"] == second["total"] == 2
            only = web.get("/api/search", params={"q": "zdzislaw", "kind": "posting"}).json()
            assert _ids(only) == {"pos-rurarz-jpn-1981"} and only["filters"] == {"kind": ["posting"]}


# Whole pages (web/cache.py's Responses): home, search, person, dyad, brief and state pages, in HTML
# and JSON, kept until the store's write mark moves, on SQLite and on PostgreSQL alike.

PAGES = [
    "/",
    "/search?q=Rurarz",
    "/person/p-zdzislaw-rurarz",
    "/dyad/USA/RUS",
    "/brief/p-zdzislaw-rurarz",
    "/state/POL",
    "/api/person/p-zdzislaw-rurarz",
]
REASON = "Martial law in Poland"


def _worked_out(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pages the app works out (rather than answering from the cache), by route function."""
    from legation.web import page_data

    seen: list[str] = []
    for name in ("home", "search_page", "person_page", "dyad_page", "brief_page", "state_page"):
        real = getattr(page_data, name)

        def spy(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            seen.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(page_data, name, spy)
    return seen


def test_whole_pages_are_kept_until_a_write_on_both_backends(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    load(store)
    seen = _worked_out(monkeypatch)
    with client(store) as web:
        first = {url: web.get(url) for url in PAGES}
        assert all(r.status_code == 200 for r in first.values()), {u: r.status_code for u, r in first.items()}
        assert len(seen) >= len(PAGES)
        for _ in range(5):
            # PostgreSQL's mark is the whole server's snapshot, which its own autovacuum moves now
            # and then (an ANALYZE after the load writes the statistics): a pass it interrupted
            # worked pages out again, which is safe; one pass without it must come from the cache
            worked = len(seen)
            again = {url: web.get(url) for url in PAGES}
            if len(seen) == worked:
                break
        assert len(seen) == worked  # every page came from the cache: no page data worked out again
        assert all(again[u].content == first[u].content for u in PAGES)
        assert REASON in again["/person/p-zdzislaw-rurarz"].text

        # an edit through the app: the next answer of every page is worked out afresh and shows it
        posting = {**store.get("pos-rurarz-jpn-1981"), "reason": "Recalled after the coup"}  # type: ignore[dict-item]
        assert web.put("/api/records/pos-rurarz-jpn-1981", json=posting, headers=auth()).status_code == 200
        edited = web.get("/person/p-zdzislaw-rurarz").text
        assert "Recalled after the coup" in edited and REASON not in edited
        assert web.get("/api/person/p-zdzislaw-rurarz").json()["postings"][0]["reason"] == "Recalled after the coup"
        assert len(seen) > worked

        # a write from another connection (as `legation import` makes) drops the pages as well
        _write_elsewhere(store, rec("person", "p-jan-rurarz", name="Jan Rurarz", citizenship="POL"))
        assert "Jan Rurarz" in web.get("/search", params={"q": "Rurarz"}).text
        assert web.get("/").text != first["/"].text  # the home page counts one more person


def test_a_real_server_with_two_workers_shows_an_edit_at_once(db_url: str, tmp_path: Path) -> None:
    """`legation serve --workers 2`: each worker keeps its own page cache; an edit through one
    worker, and an import by another process, show in the next answer of either worker."""
    store = Store.open(db_url)
    load(store)
    posting = store.get("pos-rurarz-jpn-1981")
    store.close()
    assert posting is not None
    page = "/person/p-zdzislaw-rurarz"
    with serve(db_url, "--workers", "2", "--no-bundled", env={"LEGATION_WRITE_TOKEN": TOKEN}) as server:

        def answers() -> list[str]:
            # new connections, so that both workers answer some (the kernel spreads them)
            return [httpx.get(server.url + page, timeout=30).text for _ in range(8)]

        assert all(REASON in text for text in answers() + answers())  # worked out, then from the caches
        edited = {**posting, "reason": "Recalled after the coup"}
        put = httpx.put(f"{server.url}/api/records/pos-rurarz-jpn-1981", json=edited, headers=auth(), timeout=30)
        assert put.status_code == 200, put.text
        shown = answers()
        assert all("Recalled after the coup" in text and REASON not in text for text in shown)
        again = {**edited, "reason": "Left for the United States"}
        path = tmp_path / "again.jsonl"
        path.write_text(json.dumps(again) + "\n")
        done = subprocess.run(
            [str(Path(sys.executable).parent / "legation"), "--db", db_url, "import", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert all("Left for the United States" in text for text in answers())


def test_charts_drawn_once_are_found_on_disk_by_another_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The figure shelf: a chart drawn by one worker is read back by the others and after a restart
    (here: with this process's memory cache emptied) without drawing it again; other rows, or a
    new day, are drawn afresh."""
    from legation.web import figures

    drawn: list[str] = []
    real = figures.vlc.vegalite_to_svg

    def counted(spec: Any) -> str:
        drawn.append("svg")
        return str(real(spec))

    monkeypatch.setattr(figures.vlc, "vegalite_to_svg", counted)
    monkeypatch.setattr(figures, "SHELF", figures.Shelf(tmp_path / "figures"))
    figures._svg.cache_clear()
    rows = [{"year": 1981, "exit_type": "defected", "exits": 2}, {"year": 1983, "exit_type": "expelled", "exits": 1}]
    first = figures.exits_per_year(rows, 0)
    assert first is not None and drawn == ["svg", "svg"]  # the laptop's and the phone's widths
    assert len(list((tmp_path / "figures").glob("*/*.json"))) == 1

    figures._FIGURES.clear()  # as in another worker, or after a restart
    figures._svg.cache_clear()
    assert figures.exits_per_year(rows, 0) == first and len(drawn) == 2

    figures._FIGURES.clear()
    other = figures.exits_per_year([*rows, {"year": 1990, "exit_type": "recalled", "exits": 1}], 0)
    assert other is not None and other != first and len(drawn) == 4

    monkeypatch.setattr(figures, "_today", lambda: date(2999, 1, 1))
    figures._FIGURES.clear()
    figures._svg.cache_clear()
    assert figures.exits_per_year(rows, 0) == first and len(drawn) == 6  # open postings run to today
