"""Search pages kept between writes: a write anywhere, in the app or through another connection to the
same store (as `legation import` makes), shows in the next search. On both backends, and with the
cache off, tiny (one page, so pages push each other out) and at its default size."""

from __future__ import annotations

import pytest

from legation.registry import imports
from legation.registry.store import Store
from tests.conftest import rec
from tests.webapp import auth, client, load

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


@pytest.mark.parametrize("size", SIZES)
def test_a_write_from_another_connection_shows_in_the_next_search(store: Store, size: int) -> None:
    load(store)
    with client(store, search_cache=size) as web:
        assert web.get("/api/search", params={"q": "Antonov"}).json()["total"] == 0
        other = Store.open(store.engine.url.render_as_string(hide_password=False))
        try:
            row = rec("person", "p-anatoly-antonov", name="Anatoly Antonov", citizenship="RUS")
            imports.import_records(other, [imports.Located("<other>", 1, row)], actor="cli")
        finally:
            other.close()
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
