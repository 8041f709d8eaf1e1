"""Issue 14 through the app's doors, in-process: labels, honest charts, browse tables, index pages,
source pages, and bad parameters answered with a message that says what is accepted."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from legation.registry import vocabularies
from legation.registry.store import Store
from legation.web import figures, forms
from tests.conftest import SOURCE, rec
from tests.webapp import TOKEN, auth, client, load


@pytest.fixture
def web(store: Store) -> Iterator[TestClient]:
    load(store)
    with client(store) as test_client:
        yield test_client


def _hits(web: TestClient, **params: object) -> dict[str, str]:
    found = web.get("/api/search", params=params)
    assert found.status_code == 200, found.text
    return {h["id"]: h["title"] for h in found.json()["hits"]}


def test_titles_use_labels_and_names_not_codes(web: TestClient) -> None:
    titles = _hits(web, q="sentenced")
    assert titles["con-rurarz-jpn-1981-sentenced_to_death_in_absentia"] == (
        "Sentenced to death in absentia · Zdzisław Rurarz (Poland → Japan)"
    )
    measure = _hits(web, q="twelve")["m-usa-rus-2022-03-01-expulsion"]
    assert measure == "Expulsion (12): United States against Russia, 2022-03-01"


def test_record_page_links_states_and_answered_measures_by_title(web: TestClient) -> None:
    page = web.get("/record/m-rus-usa-2022-04-01-expulsion").text
    assert '<a href="/state/RUS">Russia</a>' in page
    assert '<a href="/record/m-usa-rus-2022-03-01-expulsion">Expulsion (12): United States against Russia' in page
    contacts = web.get("/person/p-evil").text
    assert "meeting_request" not in contacts.split("<svg")[0] and "Meeting request" in contacts


def test_every_charted_term_has_its_own_colour() -> None:
    for vocab in ("exit_types", "measures"):
        colours = [t["colour"] for t in vocabularies.terms(vocab).values()]
        assert len(set(colours)) == len(colours), vocab


def test_home_chart_says_what_it_counts_and_leaves_out() -> None:
    rows = [
        {"year": 1967, "exit_type": "recalled", "exits": 1, "groups": 1, "group_people": 44},
        {"year": 1981, "exit_type": "defected", "exits": 1, "groups": 0, "group_people": 0},
    ]
    chart = figures.exits_per_year(rows, undated=3)
    assert chart is not None
    assert "group posting counts once: 1 exit shown are group postings" in chart.caption
    assert "44 people" in chart.caption and "3 exits with no known end year" in chart.caption
    # A continuous year axis: years between the two with no exit are on it.
    assert ">1975<" in chart.svg and "Term completed" not in chart.svg  # only the terms present


def test_a_posting_with_an_unknown_start_is_drawn_and_marked() -> None:
    posting = {"role": "ambassador", "sending": "POL", "receiving": "JPN", "end": "1981-12", "exit_type": "defected"}
    chart = figures.postings_timeline([posting])
    assert chart is not None and "1 posting with one date unknown" in chart.caption
    span = figures._span(posting, __import__("datetime").date(2026, 1, 1))
    assert span is not None and span["start"] < span["end"]


def test_isolation_caption_counts_the_attempts_left_out_of_the_months() -> None:
    data = {"attempts": 4, "not_in_months": {"attempts": 1}}
    assert "1 attempt dated only to the year" in figures._isolation_caption(data)


def test_home_counts_sources_and_its_chips_open_full_tables(web: TestClient) -> None:
    home = web.get("/api/home").json()
    assert home["counts"]["source"] >= 1
    page = web.get("/").text
    assert 'href="/persons"' in page and 'href="/sources"' in page
    persons = web.get("/persons")
    assert persons.status_code == 200 and "Zdzisław Rurarz" in persons.text


def test_tables_page_sort_filter_and_download(web: TestClient) -> None:
    data = web.get("/api/tables/postings", params={"sort": "end"}).json()
    assert [r["id"] for r in data["rows"]] == ["pos-rurarz-jpn-1981", "pos-evil-rus-2022"]
    newest = web.get("/postings.json", params={"sort": "-end"}).json()
    assert newest["rows"][0]["id"] == "pos-evil-rus-2022"
    ranged = web.get("/measures.json", params={"from": "2022-04", "to": "2022"}).json()
    assert [r["id"] for r in ranged["rows"]] == ["m-rus-usa-2022-04-01-expulsion"]
    eighties = web.get("/postings.json", params={"decade": "1980s"}).json()
    assert eighties["total"] == 1
    rows = list(csv.DictReader(io.StringIO(web.get("/measures.csv").text)))
    assert {r["id"] for r in rows} == {"m-rus-usa-2022-04-01-expulsion", "m-usa-rus-2022-03-01-expulsion"}
    assert web.get("/measures.json", params={"page": 9}).status_code == 404
    bad = web.get("/measures.json", params={"sort": "bogus"})
    assert bad.status_code == 422 and "one of id, date, type" in bad.json()["message"]
    assert web.get("/measures.json", params={"from": "soon"}).status_code == 422


def test_states_dyads_and_source_pages(web: TestClient) -> None:
    states = {s["code"]: s for s in web.get("/api/states").json()["states"]}
    assert states["USA"]["measures_taken"] == 1 and states["USA"]["measures_suffered"] == 1
    assert states["POL"]["exits"] == 1
    dyads = web.get("/api/dyads").json()["dyads"]
    assert (dyads[0]["a"], dyads[0]["b"], dyads[0]["measures"]) == ("RUS", "USA", 2)
    assert 'href="/states"' in web.get("/").text and 'href="/dyads"' in web.get("/").text
    source = web.get("/api/source", params={"url": SOURCE["url"]}).json()
    assert source["archive"] == f"https://web.archive.org/web/20200102/{SOURCE['url']}"
    assert "pos-rurarz-jpn-1981" in {r["id"] for r in source["records"]}
    assert web.get("/source", params={"url": "https://nowhere.example/"}).status_code == 404


def test_bad_parameters_are_refused_or_read_sensibly(web: TestClient) -> None:
    same = web.get("/dyad/USA/USA")
    assert same.status_code == 422 and "two different states" in same.text
    assert web.get("/api/search", params={"q": "rurarz", "page": 9}).status_code == 404
    bogus = web.get("/api/search", params={"q": "rurarz", "kind": "bogus"})
    assert bogus.status_code == 422 and "one of person, posting" in bogus.json()["message"]
    assert _hits(web, q="expelled", sending="rus") == _hits(web, q="expelled", sending="RUS") != {}
    both = web.get("/api/search", params=[("q", "rurarz"), ("kind", "person"), ("kind", "posting")]).json()
    assert {h["kind"] for h in both["hits"]} == {"person", "posting"}
    assert both["filters"] == {"kind": ["person", "posting"]}
    assert web.get("/records/new", params={"kind": "foo"}).status_code == 422


def test_a_malformed_json_write_says_so_instead_of_naming_an_offset(web: TestClient) -> None:
    answer = web.post(
        "/api/records",
        content=b'{"kind": "person", "id": oops}',
        headers={**auth(), "content-type": "application/json"},
    )
    assert answer.status_code == 422
    body = answer.json()
    assert "not valid JSON" in body["message"] and body.get("field") is None


def test_search_syntax_or_phrases_and_exclusions(web: TestClient) -> None:
    assert {"p-zdzislaw-rurarz", "p-evil"} <= set(_hits(web, q="rurarz OR evil"))
    assert set(_hits(web, q='"martial law"')) == {"pos-rurarz-jpn-1981"}
    assert _hits(web, q='"law martial"') == {}
    assert set(_hits(web, q="expulsion")) == {"m-usa-rus-2022-03-01-expulsion", "m-rus-usa-2022-04-01-expulsion"}
    assert set(_hits(web, q="expulsion -twelve")) == {"m-rus-usa-2022-04-01-expulsion"}
    assert set(_hits(web, q='expulsion -"the answer"')) == {"m-usa-rus-2022-03-01-expulsion"}


def test_search_forgives_typos_and_other_scripts_in_names(web: TestClient) -> None:
    assert "p-zdzislaw-rurarz" in _hits(web, q="Zdzislav Rurarz")
    assert "p-zdzislaw-rurarz" in _hits(web, q="Рурарз")


def test_an_ambiguous_name_gives_a_page_to_choose_from(store: Store) -> None:
    load(store)
    load(
        store,
        [rec("person", "p-ivan-petrov", name="Ivan Petrov"), rec("person", "p-olga-petrova", name="Olga Petrova")],
    )
    with client(store) as web:
        page = web.get("/person/Petrov")
        assert page.status_code == 300
        assert '<a href="/person/p-ivan-petrov">Ivan Petrov</a>' in page.text
        assert '<a href="/person/p-olga-petrova">Olga Petrova</a>' in page.text
        assert '<a href="/brief/p-ivan-petrov">' in web.get("/brief/Petrov").text


def _csrf(web: TestClient, url: str) -> str:
    return web.get(url).text.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def test_an_edit_form_adds_a_source_without_carrying_the_old_ones_title(web: TestClient, store: Store) -> None:
    edit = web.get("/record/pos-rurarz-jpn-1981/edit").text
    assert f'value="{SOURCE["url"]}"' not in edit and "The record keeps its 1 source" in edit
    form = {
        "csrf": _csrf(web, "/record/pos-rurarz-jpn-1981/edit"),
        "token": TOKEN,
        **{k: v for k, v in forms.values(store.get("pos-rurarz-jpn-1981")).items()},
        "source_url": "https://example.org/new-article",
    }
    assert web.post("/record/pos-rurarz-jpn-1981/edit", data=form).status_code == 303
    new, old = store.get("pos-rurarz-jpn-1981")["sources"]
    assert new["url"] == "https://example.org/new-article" and new.get("title") is None and new.get("publisher") is None
    assert old == SOURCE


def test_a_known_address_with_blank_fields_keeps_its_title_and_dates(web: TestClient, store: Store) -> None:
    form = {
        "csrf": _csrf(web, "/records/new?kind=person"),
        "token": TOKEN,
        "kind": "person",
        "id": "p-new",
        "name": "New Person",
        "certainty": "confirmed",
        "source_url": SOURCE["url"],
    }
    assert web.post("/records/new", data=form).status_code == 303
    assert store.get("p-new")["sources"] == [SOURCE]


def test_a_form_shows_every_problem_at_once_in_plain_words(web: TestClient, store: Store) -> None:
    form = {
        "csrf": _csrf(web, "/records/new?kind=posting"),
        "token": TOKEN,
        "kind": "posting",
        "id": "pos-bad",
        "person": "p-evil",
        "role": "diplomat",
        "sending": "XXX",
        "end": "someday",
        "certainty": "confirmed",
    }
    page = web.post("/records/new", data=form)
    assert page.status_code == 422 and "3 things to fix" in page.text
    for field in ("sending", "end", "source_url"):
        assert f'id="{field}-error"' in page.text
    assert "List should have" not in page.text and "<web form>" not in page.text
    assert store.get("pos-bad") is None


def test_lowercase_state_codes_are_read_as_codes(web: TestClient, store: Store) -> None:
    form = {
        "csrf": _csrf(web, "/records/new?kind=posting"),
        "token": TOKEN,
        "kind": "posting",
        "id": "pos-lower",
        "person": "p-evil",
        "role": "diplomat",
        "sending": "pol",
        "receiving": "japan",
        "certainty": "confirmed",
        **{f"source_{k}": str(v) for k, v in SOURCE.items()},
    }
    assert web.post("/records/new", data=form).status_code == 303
    saved = store.get("pos-lower")
    assert (saved["sending"], saved["receiving"]) == ("POL", "JPN")


def test_a_401_gives_the_form_back_as_typed(web: TestClient, store: Store) -> None:
    form = {
        "csrf": _csrf(web, "/records/new?kind=person"),
        "token": "not-the-token",
        "kind": "person",
        "id": "p-typed",
        "name": "Typed With Care",
        "certainty": "confirmed",
        "source_url": "https://example.org/typed",
    }
    page = web.post("/records/new", data=form)
    assert page.status_code == 401
    assert 'value="Typed With Care"' in page.text and 'value="https://example.org/typed"' in page.text
    assert 'id="token-error"' in page.text and store.get("p-typed") is None


def test_a_search_exports_one_flat_csv_per_kind(web: TestClient) -> None:
    answer = web.get("/api/export", params={"format": "flat", "kind": "posting", "q": "rurarz"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [r["id"] for r in rows] == ["pos-rurarz-jpn-1981"]
    assert rows[0]["source_1_url"] == SOURCE["url"] and rows[0]["source_1_title"] == SOURCE["title"]
    assert rows[0]["sending"] == "POL" and "sources" not in rows[0]
    assert web.get("/api/export", params={"format": "flat", "kind": "bogus"}).status_code == 422
    assert "format=flat" in web.get("/export", params={"q": "rurarz"}).text


def test_a_state_with_many_cases_lists_fifty_and_links_the_rest(store: Store) -> None:
    """POCOM gives the United States thousands of cases: the state page lists 50 per exit type."""
    persons = [rec("person", f"p-envoy-{n}", name=f"Envoy {n}") for n in range(60)]
    postings = [
        rec("posting", f"pos-died-{n}", person=f"p-envoy-{n}", role="ambassador", sending="NOR", receiving="SWE")
        | {"end": str(1900 + n), "exit_type": "died"}
        for n in range(60)
    ]
    load(store, persons + postings)
    with client(store) as web:
        page = web.get("/state/NOR")
    assert page.status_code == 200
    listed = page.text.split("<details><summary>60 cases</summary>", 1)[1].split("</details>", 1)[0]
    assert listed.count("<li>") == 50
    assert "and 10 more" in listed and 'href="/postings?sending=NOR&amp;exit_type=died"' in listed
