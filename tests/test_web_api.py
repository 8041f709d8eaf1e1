"""The REST API and the HTML pages, in-process through an ASGI client, on both backends."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from legation.registry.store import Store
from tests.conftest import SOURCE, rec
from tests.webapp import TOKEN, XSS, auth, client, load


@pytest.fixture
def web(store: Store) -> Iterator[TestClient]:
    load(store)
    with client(store) as test_client:
        yield test_client


def test_home_counts_and_latest_exits(web: TestClient) -> None:
    data = web.get("/api/home").json()
    assert data["counts"]["person"] == 2 and data["counts"]["measure"] == 2
    assert data["exits"] == 2
    assert [e["posting"] for e in data["latest_exits"]] == ["pos-evil-rus-2022", "pos-rurarz-jpn-1981"]
    assert {(r["year"], r["exit_type"], r["exits"]) for r in data["exits_per_year"]} == {
        (1981, "defected", 1),
        (2022, "expelled", 1),
    }
    page = web.get("/")
    assert page.status_code == 200 and "<svg" in page.text and "Zdzisław Rurarz" in page.text


def test_search_finds_without_accents_and_counts_facets(web: TestClient) -> None:
    data = web.get("/api/search", params={"q": "Rurarz"}).json()
    assert data["total"] == 2
    assert {h["id"] for h in data["hits"]} == {"p-zdzislaw-rurarz", "pos-rurarz-jpn-1981"}
    kinds = {f["value"]: f["count"] for f in data["facets"]["kind"]}
    assert kinds == {"person": 1, "posting": 1}
    assert data["facets"]["decade"] == [{"value": "1980s", "count": 1}]
    only = web.get("/api/search", params={"q": "zdzislaw", "kind": "posting"}).json()
    assert [h["id"] for h in only["hits"]] == ["pos-rurarz-jpn-1981"]
    assert only["hits"][0]["sending"] == "POL" and only["hits"][0]["exit_type"] == "defected"
    # a facet's own counts ignore its own filter, so the other values stay clickable
    assert {f["value"] for f in only["facets"]["kind"]} == {"person", "posting"}


def test_search_paginates(web: TestClient) -> None:
    first = web.get("/api/search", params={"q": "expulsion", "size": 1}).json()
    second = web.get("/api/search", params={"q": "expulsion", "size": 1, "page": 2}).json()
    assert first["total"] == second["total"] == first["pages"] == 2
    assert first["hits"][0]["id"] != second["hits"][0]["id"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x" * 201}, "q"),
        ({"q": "x", "size": 101}, "size"),
        ({"q": "x", "page": 0}, "page"),
        ({"page": "a"}, "page"),
    ],
)
def test_search_limits_answer_422_naming_the_field(web: TestClient, params: dict[str, object], field: str) -> None:
    response = web.get("/api/search", params=params)
    assert response.status_code == 422
    assert response.json()["field"] == field and field in response.json()["error"]


def test_person_page_has_postings_consequences_contacts_isolation_and_history(web: TestClient) -> None:
    data = web.get("/api/person/Zdzislaw Rurarz").json()
    assert data["person"]["id"] == "p-zdzislaw-rurarz"
    assert data["postings"][0]["exit_type"] == "defected"
    assert data["consequences"][0]["type"] == "sentenced_to_death_in_absentia"
    assert data["history"]["pos-rurarz-jpn-1981"][0]["changed_by"] == "tester"
    evil = web.get("/api/person/p-evil").json()
    assert evil["contacts"][0]["outcome"] == "declined"
    if evil["isolation"] is not None:  # legation.analysis.isolation is installed
        assert evil["isolation"]["attempts"] == 1 and evil["isolation"]["refused"] == 1
    html = web.get("/person/p-zdzislaw-rurarz").text
    assert "Sentenced to death in absentia" in html and "example.org/report" in html


def test_state_and_dyad_pages(web: TestClient) -> None:
    rus = web.get("/api/state/RUS").json()
    assert [e["posting"] for e in rus["exits"]] == ["pos-evil-rus-2022"]
    assert [m["id"] for m in rus["measures_suffered"]] == ["m-usa-rus-2022-03-01-expulsion"]
    assert [m["id"] for m in rus["measures_taken"]] == ["m-rus-usa-2022-04-01-expulsion"]
    usa = web.get("/api/state/usa").json()
    assert [e["posting"] for e in usa["exits_received"]] == ["pos-evil-rus-2022"]
    dyad = web.get("/api/dyad/USA/RUS").json()
    assert [m["id"] for m in dyad["measures"]] == ["m-usa-rus-2022-03-01-expulsion", "m-rus-usa-2022-04-01-expulsion"]
    if dyad["reciprocity"] is not None:
        assert dyad["reciprocal_pairs"][0]["answers"] == "m-usa-rus-2022-03-01-expulsion"
    assert web.get("/dyad/USA/RUS").status_code == 200
    assert web.get("/api/state/XXX").status_code == 404


def test_brief_page(web: TestClient) -> None:
    data = web.get("/api/brief/Rurarz").json()
    assert data["person"]["id"] == "p-zdzislaw-rurarz"
    assert data["posting"]["id"] == "pos-rurarz-jpn-1981"
    page = web.get("/brief/p-zdzislaw-rurarz")
    assert page.status_code == 200 and "no advice" in page.text.lower()


def test_not_found_is_json_404_for_the_api_and_a_page_for_html(web: TestClient) -> None:
    api = web.get("/api/person/nobody-at-all")
    assert api.status_code == 404 and "nobody-at-all" in api.json()["message"]
    html = web.get("/person/nobody-at-all")
    assert html.status_code == 404 and html.headers["content-type"].startswith("text/html")


def test_writes_need_a_valid_token(web: TestClient, store: Store) -> None:
    person = rec("person", "p-new", name="New Person")
    assert web.post("/api/records", json=person).status_code == 401
    assert web.post("/api/records", json=person, headers={"Authorization": "Bearer wrong"}).status_code == 401
    files = {"file": ("x.jsonl", json.dumps(person).encode())}
    assert web.post("/api/import", files=files).status_code == 401
    assert store.get("p-new") is None
    response = web.post("/api/records", json=person, headers=auth())
    assert response.status_code == 200 and response.json()["created"] == 1
    assert store.history("p-new")[0]["changed_by"] == "alice"


def test_edit_makes_a_new_version_and_keeps_the_old(web: TestClient, store: Store) -> None:
    posting = store.get("pos-rurarz-jpn-1981")
    assert posting is not None
    changed = {**posting, "reason": "Protest against martial law"}
    response = web.put("/api/records/pos-rurarz-jpn-1981", json=changed, headers=auth())
    assert response.json()["updated"] == 1
    history = web.get("/api/records/pos-rurarz-jpn-1981").json()["history"]
    assert [(v["version"], v["changed_by"]) for v in history] == [(1, "tester"), (2, "alice")]
    assert history[0]["data"]["reason"] == "Martial law in Poland"
    mismatch = web.put("/api/records/pos-rurarz-jpn-1981", json={**changed, "id": "other"}, headers=auth())
    assert mismatch.status_code == 422 and mismatch.json()["field"] == "id"


@pytest.mark.parametrize(
    ("record", "field"),
    [
        (rec("posting", "pos-x", person="p-nobody", role="ambassador", sending="POL"), "person"),
        (rec("posting", "pos-x", person="p-evil", role="ambassador", sending="XXX"), "sending"),
        ({**rec("person", "p-x", name="X"), "sources": []}, "sources"),
        (rec("person", "p-x", name="X", birth="1981-13"), "birth"),
    ],
)
def test_bad_records_answer_422_naming_the_field(web: TestClient, record: dict[str, object], field: str) -> None:
    response = web.post("/api/records", json=record, headers=auth())
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_import_upload_with_limit(store: Store) -> None:
    load(store)
    with client(store, upload_limit=2000) as web:
        good = json.dumps(rec("person", "p-upload", name="Uploaded")) + "\n"
        response = web.post("/api/import", files={"file": ("u.jsonl", good.encode())}, headers=auth())
        assert response.status_code == 200 and response.json()["created"] == 1
        big = good * 20
        too_big = web.post("/api/import", files={"file": ("u.jsonl", big.encode())}, headers=auth())
        assert too_big.status_code == 413
        bad = web.post("/api/import", files={"file": ("u.jsonl", b"{not json\n")}, headers=auth())
        assert bad.status_code == 422 and bad.json()["line"] == 1


def test_private_reads_need_the_token(store: Store) -> None:
    load(store)
    with client(store, private=True) as web:
        assert web.get("/api/search", params={"q": "Rurarz"}).status_code == 401
        assert web.get("/person/p-evil").status_code == 401
        assert web.get("/api/search", params={"q": "Rurarz"}, headers=auth()).status_code == 200


def test_exports_of_the_store_and_of_a_search(web: TestClient) -> None:
    everything = web.get("/api/export", params={"format": "jsonl"})
    assert len(everything.text.splitlines()) == 8
    found = web.get("/api/export", params={"format": "jsonl", "q": "Rurarz"}).text.splitlines()
    assert {json.loads(line)["id"] for line in found} == {"p-zdzislaw-rurarz", "pos-rurarz-jpn-1981"}
    archive = zipfile.ZipFile(io.BytesIO(web.get("/api/export", params={"format": "csv"}).content))
    assert set(archive.namelist()) == {
        "persons.csv",
        "postings.csv",
        "consequences.csv",
        "measures.csv",
        "contacts.csv",
    }
    ftm = [
        json.loads(line) for line in web.get("/api/export", params={"format": "ftm", "q": "Rurarz"}).text.splitlines()
    ]
    assert {"Person", "Occupancy", "Event"} <= {e["schema"] for e in ftm}


def test_security_headers(web: TestClient) -> None:
    for url in ("/", "/api/home", "/static/legation.css"):
        headers = web.get(url).headers
        assert "default-src 'self'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/search?q=evil",
        "/search?q=expelled",
        "/person/p-evil",
        "/record/pos-evil-rus-2022",
        "/record/c-p-evil-2022-1",
        "/record/pos-evil-rus-2022/edit",
        "/state/RUS",
        "/state/USA",
        "/dyad/USA/RUS",
        "/brief/p-evil",
        f"/search?q={XSS}",
        f"/export?q={XSS}",
    ],
)
def test_script_in_a_record_shows_as_text(web: TestClient, url: str) -> None:
    page = web.get(url)
    assert page.status_code == 200
    assert "<script" not in page.text
    assert "&lt;script&gt;" in page.text


def _csrf(web: TestClient, url: str) -> str:
    page = web.get(url).text
    return page.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def _source() -> dict[str, str]:
    return {f"source_{k}": str(v) for k, v in SOURCE.items()}


def test_forms_need_csrf_and_a_token(web: TestClient, store: Store) -> None:
    form = {"kind": "person", "id": "p-form", "name": "Form Person", "certainty": "confirmed", **_source()}
    assert web.post("/records/new", data=form).status_code == 403
    csrf = _csrf(web, "/records/new?kind=person")
    assert web.post("/records/new", data={**form, "csrf": csrf}).status_code == 401
    assert web.post("/records/new", data={**form, "csrf": "forged"}).status_code == 403
    done = web.post("/records/new", data={**form, "csrf": csrf, "token": TOKEN})
    assert done.status_code == 303 and done.headers["location"] == "/person/p-form"
    assert store.history("p-form")[0]["changed_by"] == "alice"


def test_login_then_edit_an_exit_by_form(web: TestClient, store: Store) -> None:
    csrf = _csrf(web, "/login")
    assert web.post("/login", data={"token": "wrong", "csrf": csrf}).status_code == 401
    assert web.post("/login", data={"token": TOKEN, "csrf": csrf, "next": "/"}).status_code == 303
    edit = web.get("/record/pos-rurarz-jpn-1981/edit").text
    assert 'value="defected" selected' in edit and 'name="token"' not in edit
    form = {
        "csrf": csrf,
        "kind": "posting",
        "person": "p-zdzislaw-rurarz",
        "role": "ambassador",
        "sending": "POL",
        "receiving": "JPN",
        "end": "1981-12-20",
        "exit_type": "defected",
        "reason": "Asked for asylum at the US embassy",
        "certainty": "confirmed",
        "source_url": "https://example.org/another",
    }
    assert web.post("/record/pos-rurarz-jpn-1981/edit", data=form).status_code == 303
    versions = store.history("pos-rurarz-jpn-1981")
    assert len(versions) == 2 and versions[1]["changed_by"] == "alice"
    assert [s["url"] for s in versions[1]["data"]["sources"]] == ["https://example.org/another", SOURCE["url"]]
    assert "Asked for asylum" in web.get("/person/p-zdzislaw-rurarz").text


def test_bad_form_comes_back_with_the_error_next_to_the_field(web: TestClient, store: Store) -> None:
    csrf = _csrf(web, "/records/new?kind=posting")
    form = {
        "csrf": csrf,
        "token": TOKEN,
        "kind": "posting",
        "id": "pos-bad",
        "person": "p-evil",
        "role": "diplomat",
        "certainty": "confirmed",
    }
    no_source = web.post("/records/new", data={**form, "sending": "RUS"})
    assert no_source.status_code == 422
    assert 'id="source_url-error"' in no_source.text
    bad_state = web.post("/records/new", data={**form, "sending": "XXX", **_source()})
    assert bad_state.status_code == 422
    block = bad_state.text.split('id="f-sending"', 1)[1].split("</div>", 1)[0]
    assert 'class="field-error" id="sending-error"' in block and "XXX" in block
    assert 'value="p-evil"' in bad_state.text  # what the user typed is kept
    assert store.get("pos-bad") is None


def test_openapi_documents_the_pages(web: TestClient) -> None:
    schema = web.get("/openapi.json").json()
    assert {"/api/search", "/api/person/{person}", "/api/dyad/{a}/{b}", "/api/records", "/api/import"} <= set(
        schema["paths"]
    )
    hit = schema["components"]["schemas"]["SearchHit"]["properties"]
    assert {"exit_type", "sending", "receiving", "certainty"} <= set(hit)


def test_a_persons_consequences_come_in_one_query_in_posting_order(store: Store) -> None:
    """The person page asked once a posting for its consequences (N+1); now once in all, with the
    same order: posting by posting as the postings run, then by date."""
    from sqlalchemy import event

    from legation.registry import persons

    person = rec("person", "p-many", name="Many Postings")
    items: list[dict[str, object]] = [person]
    for n, year in enumerate((1990, 1970, 1980)):
        items.append(
            rec(
                "posting",
                f"pos-many-{n}",
                person="p-many",
                role="ambassador",
                sending="POL",
                start=str(year),
                end=str(year + 2),
                exit_type="expelled",
            )
        )
        for day in ("-05", "-01"):
            items.append(rec("consequence", f"con-many-{n}{day}", posting=f"pos-many-{n}", type="prosecuted"))
            items[-1]["date"] = f"{year + 2}{day}"
    load(store, items)
    asked: list[str] = []
    listen = lambda *args: asked.append(args[2]) if "consequences" in args[2] else None  # noqa: E731
    event.listen(store.engine, "before_cursor_execute", listen)
    try:
        found = persons.profile(store, "p-many")["consequences"]
    finally:
        event.remove(store.engine, "before_cursor_execute", listen)
    assert len(asked) == 1
    expected = [f"con-many-{n}{d}" for n in (1, 2, 0) for d in ("-01", "-05")]
    assert [c["id"] for c in found] == expected
