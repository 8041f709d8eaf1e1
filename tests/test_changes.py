"""`legation changes`: the latest versions with their diffs, filtered by date, state and kind."""

from __future__ import annotations

import json
from typing import Any

from legation.registry.store import Store
from tests.webapp import load


def test_changes_lists_versions_with_diffs_and_filters(cli: Any, sqlite_path: str) -> None:
    store = Store.open(sqlite_path)
    load(store)
    edited = {**store.get("m-usa-rus-2022-03-01-expulsion"), "count": 13}  # type: ignore[dict-item]
    load(store, [edited])
    found = json.loads(cli(sqlite_path, "changes", "--since", "2026-11-01", "--state", "RUS", "-f", "json").stdout)
    assert found[0]["record_id"] == "m-usa-rus-2022-03-01-expulsion" and found[0]["version"] == 2
    assert found[0]["diff"] == [{"field": "count", "change": "changed", "before": "12", "after": "13"}]
    assert {c["record_id"] for c in found} >= {"pos-evil-rus-2022", "m-rus-usa-2022-04-01-expulsion"}
    assert "p-zdzislaw-rurarz" not in {c["record_id"] for c in found}  # not about Russia
    table = cli(sqlite_path, "changes", "--kind", "measure")
    assert table.exit_code == 0 and "→" in table.stdout and "v2 update" in table.stdout.replace("\n", " ")
    assert json.loads(cli(sqlite_path, "changes", "--since", "2999-01-01", "-f", "json").stdout) == []
    bad = cli(sqlite_path, "changes", "--since", "last week")
    assert bad.exit_code == 2 and "field 'since': expected a date such as 2026-11-01" in bad.stderr


def test_review_reject_keeps_the_reason(cli: Any, sqlite_path: str) -> None:
    from legation.extraction import articles, reviews

    store = Store.open(sqlite_path)
    text = "In 2021 Chile expelled 3 Belgian diplomats."
    article = articles.Article(text, "https://news.example.org/chile", accessed="2026-12-01")
    (review_id,) = reviews.queue(store, article, {"measures": [{"measure": "expulsion", "actor": "CHL"}]})
    done = cli(sqlite_path, "review", "reject", review_id, "--reason", "already recorded")
    assert done.exit_code == 0, done.output
    assert reviews.get(store, review_id).reason == "already recorded"
