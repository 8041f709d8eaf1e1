"""The review flow end to end: extract, queue, accept or merge or reject, registry with history."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from legation.errors import InputError
from legation.extraction import articles, extract, reviews
from legation.registry.store import Store

TEXT = (
    "The Belgian ambassador to Chile, Luc Peeters, resigned in protest in 2021. "
    "He was later charged with leaking cables. In 2021 Chile expelled 3 Belgian diplomats."
)


def _queue(
    store: Store, tmp_path: Path, *, url: str | None = "https://example.org/a"
) -> tuple[articles.Article, list[str]]:
    """Queue TEXT read from a local copy; `url` is where it was published (None keeps the file's address)."""
    path = tmp_path / "article.txt"
    path.write_text(TEXT, encoding="utf-8")
    article = articles.read(str(path))
    if url:
        article = dataclasses.replace(article, url=url)
    return article, reviews.queue(store, article, extract(article.text, store=store), actor="tester")


def _pending(store: Store, section: str) -> reviews.Review:
    return next(r for r in reviews.listing(store) if r.section == section)


def test_accept_writes_records_with_source_and_history(store: Store, tmp_path: Path) -> None:
    article, ids = _queue(store, tmp_path)
    assert len(ids) == 2
    assert store.scalar("SELECT count(*) FROM postings") == 0  # nothing enters unreviewed
    exit_review = _pending(store, "exits")
    written = reviews.accept(store, exit_review.id, changes=reviews.edits(["reason=leaked cables"]), actor="editor")
    posting = store.get("pos-peeters-chl-2021")
    assert posting is not None and posting["exit_type"] == "resigned_in_protest"
    assert posting["reason"] == "leaked cables" and posting["sending"] == "BEL"
    assert posting["sources"][0]["url"] == article.url
    assert "p-luc-peeters" in written and "con-peeters-chl-2021-prosecuted" in written
    history = store.history("pos-peeters-chl-2021")
    assert [(h["version"], h["change"], h["changed_by"]) for h in history] == [(1, "create", "editor")]
    assert reviews.get(store, exit_review.id).status == "accepted"
    with pytest.raises(InputError):
        reviews.accept(store, exit_review.id)


def test_a_local_copy_cannot_be_cited_until_it_has_a_web_address(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="give the address it was published at"):
        _queue(store, tmp_path, url=None)
    assert reviews.listing(store) == [] and store.scalar("SELECT count(*) FROM sources") == 0


def test_reject_and_merge(store: Store, tmp_path: Path) -> None:
    _queue(store, tmp_path)
    measure = _pending(store, "measures")
    reviews.reject(store, measure.id)
    assert store.scalar("SELECT count(*) FROM measures") == 0
    exit_review = _pending(store, "exits")
    reviews.accept(store, exit_review.id)
    # the same article queued again proposes nothing new; a second article's exit merges into the posting
    again = reviews.queue(store, articles.Article(TEXT, "https://example.org/b", accessed="2026-11-29"), extract(TEXT))
    second = next(r for r in reviews.listing(store) if r.id in again and r.section == "exits")
    reviews.merge(store, second.id, "pos-peeters-chl-2021")
    history = store.history("pos-peeters-chl-2021")
    assert [h["version"] for h in history] == [1, 2]
    urls = [s["url"] for s in history[-1]["data"]["sources"]]
    assert urls[-1] == "https://example.org/b" and len(urls) == 2


def test_cli_extract_review_accept(cli: Any, sqlite_path: str, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    refused = cli(sqlite_path, "extract", str(path), "--review")
    assert refused.exit_code == 2 and "--url" in refused.stderr
    result = cli(sqlite_path, "extract", str(path), "--format", "json", "--review", "--url", "https://example.org/a")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["exits"][0]["person"] == "Luc Peeters" and len(data["reviews"]) == 2
    listed = cli(sqlite_path, "review")
    assert "Luc Peeters" in listed.stdout and "resigned" in listed.stdout
    review_id = data["reviews"][0]
    accepted = cli(sqlite_path, "review", "accept", review_id, "--set", "year=2020")
    assert accepted.exit_code == 0, accepted.output
    assert Store.open(sqlite_path).get("pos-peeters-chl-2020") is not None
    bad = cli(sqlite_path, "review", "accept", data["reviews"][1], "--set", "count=many")
    assert bad.exit_code == 2 and "count" in bad.stderr


def test_cli_accept_all(cli: Any, sqlite_path: str, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    assert cli(sqlite_path, "extract", str(path), "--accept-all").exit_code == 2
    result = cli(
        sqlite_path, "extract", str(path), "--review", "--accept-all", "-f", "json", "--url", "https://example.org/a"
    )
    assert result.exit_code == 0, result.output
    store = Store.open(sqlite_path)
    assert store.scalar("SELECT count(*) FROM measures") == 1
    assert reviews.listing(store) == []


def test_eval_extract_cli(cli: Any, sqlite_path: str, shared: Path) -> None:
    corpus = shared / "corpus"
    result = cli(
        sqlite_path,
        "eval-extract",
        str(corpus / "seed-article.txt"),
        str(corpus / "seed-article.gold.json"),
        "-f",
        "json",
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["exits"]["precision"] >= 0.9 and figures["exits"]["recall"] >= 0.9
    table = cli(sqlite_path, "eval-extract", str(corpus / "seed-article.txt"), str(corpus / "seed-article.gold.json"))
    assert "postings_in_force" in table.stdout


def test_html_file_and_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = (
        "<html><head><title>Envoy quits</title></head><body><nav>Menu Home</nav><article><h1>Envoy quits</h1>"
        f"<p>{TEXT}</p><p>More context follows in this paragraph about the embassy.</p></article></body></html>"
    )
    path = tmp_path / "a.html"
    path.write_text(page, encoding="utf-8")
    article = articles.read(str(path))
    assert "Luc Peeters" in article.text and "<p>" not in article.text
    monkeypatch.setattr(
        httpx, "get", lambda url, **_: httpx.Response(200, text=page, request=httpx.Request("GET", url))
    )
    online = articles.read("https://news.example/envoy")
    assert online.url == "https://news.example/envoy" and extract(online.text)["exits"][0]["person"] == "Luc Peeters"
    with pytest.raises(InputError):
        articles.read(str(tmp_path / "missing.txt"))
