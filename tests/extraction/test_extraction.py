"""The extractor against the seed essay, the development set, and hand-picked hard cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from legation.extraction import evaluation, extract, pipeline

DEV = Path(__file__).parent / "dev"


def _seed(shared: Path) -> tuple[str, dict[str, Any]]:
    corpus = shared / "corpus"
    return (corpus / "seed-article.txt").read_text("utf-8"), json.loads((corpus / "seed-article.gold.json").read_text())


def test_seed_essay_meets_the_goals(shared: Path) -> None:
    text, gold = _seed(shared)
    found = extract(text)
    scores = evaluation.score(gold, found)
    assert scores["exits"].precision >= 0.9
    assert scores["exits"].recall >= 0.9
    assert scores["measures"].recall >= 0.75
    persons = " ".join(str(e.get("person")) for e in found["exits"])
    assert "Antonov" not in persons and "Kozyrev" not in persons


def test_seed_evidence_points_into_the_text(shared: Path) -> None:
    text, _ = _seed(shared)
    for section, records in extract(text).items():
        for record in records:
            evidence = record["evidence"]
            assert text[evidence["start"] : evidence["end"]] == evidence["text"], section
            assert evidence["text"] in evidence["sentence"]
            assert 0 < record["confidence"] <= 1


def test_seed_consequences_follow_the_pronoun(shared: Path) -> None:
    text, _ = _seed(shared)
    rurarz = next(e for e in extract(text)["exits"] if e["person"] == "Zdzislaw Rurarz")
    assert set(rurarz["consequences"]) == {
        "sentenced_to_death_in_absentia",
        "citizenship_stripped",
        "property_confiscated",
    }
    assert rurarz["destination"] == "USA"


def _dev_scores() -> dict[str, evaluation.Score]:
    scores = []
    for doc in sorted(DEV.glob("*.txt")):
        gold = json.loads(doc.with_suffix(".gold.json").read_text("utf-8"))
        scores.append(evaluation.score(gold, extract(doc.read_text("utf-8"))))
    return evaluation.total(scores)


def test_development_set_floor() -> None:
    assert len(list(DEV.glob("*.gold.json"))) >= 15
    scores = _dev_scores()
    assert scores["exits"].f1 >= 0.85
    assert scores["measures"].f1 >= 0.85
    assert scores["postings_in_force"].f1 >= 0.85
    assert scores["contacts"].recall >= 0.5


@pytest.mark.parametrize(
    "text",
    [
        "The Polish ambassador to Japan, Jan Kowal, did not resign despite the pressure.",
        "The Polish ambassador to Japan, Jan Kowal, could resign next week.",
        "Activists urged envoys to resign. The Polish ambassador to Japan, Jan Kowal, stayed.",
        "Some ambassadors, by resigning, improve their circumstances.",
        "If the Polish ambassador to Japan, Jan Kowal, defected, Warsaw would retaliate.",
        "The striker Jan Kowal retired after ten seasons.",
    ],
)
def test_no_exit_from_negations_hypotheticals_and_distractors(text: str) -> None:
    assert extract(text)["exits"] == []


def test_group_with_count_and_demonym() -> None:
    found = extract("Yesterday 12 Libyan diplomats and staff requested asylum in Malta.")["exits"]
    assert [(e["group"], e["count"], e["sending_state"], e["exit_type"]) for e in found] == [
        ("Libyan diplomats and staff", 12, "LBY", "sought_asylum")
    ]


def test_official_is_not_an_ambassador() -> None:
    text = (
        "The Czech ambassador to Slovakia, Petr Novak, praised the talks. "
        "Finance minister Jana Dvorak resigned in protest."
    )
    found = extract(text)
    assert [(e["person"], e["role"]) for e in found["exits"]] == [("Jana Dvorak", "official")]
    assert [p["person"] for p in found["postings_in_force"]] == ["Petr Novak"]


def test_title_points_back_to_the_person() -> None:
    text = (
        "Chilean ambassador to Peru Luis Rojas defected to Spain in 1974. "
        "The ambassador was later stripped of his citizenship."
    )
    exit_ = extract(text)["exits"][0]
    assert (exit_["sending_state"], exit_["receiving_state"], exit_["year"]) == ("CHL", "PER", 1974)
    assert exit_["consequences"] == ["citizenship_stripped"]


def test_a_name_suffix_is_no_surname() -> None:
    assert evaluation.same_person("James D. Melville Jr.", "Jim Melville")
    assert not evaluation.same_person("James D. Melville Jr.", "Peter Jr.")


def test_sanctions_on_a_state_are_no_sanction_on_a_person() -> None:
    found = extract("Montenegro has joined international sanctions against Russia over its invasion of Ukraine.")
    assert [m for m in found["measures"] if m["measure"] == "sanction_on_person"] == []


def test_scoring_counts_misses_and_false_alarms() -> None:
    gold = {"exits": [{"person": "A B", "exit_type": "defected", "sending_state": "POL", "year": 1981}]}
    found = {"exits": [{"person": "B", "exit_type": "defected", "sending_state": "POL", "year": 1983}]}
    score = evaluation.score(gold, found)["exits"]
    assert (score.matched, len(score.misses), len(score.false_alarms)) == (0, 1, 1)
    found["exits"][0]["year"] = 1982
    assert evaluation.score(gold, found)["exits"].f1 == 1.0


def test_a_false_alarm_one_field_from_a_miss_is_a_near_miss() -> None:
    gold = {
        "exits": [
            {"person": "Ana Ruiz", "exit_type": "recalled", "sending_state": "PER", "year": 2019},
            {"person": "Tomas Vega", "exit_type": "defected", "sending_state": "CUB", "year": 1990},
        ],
        "measures": [{"actor": "FRA", "target": "MLI", "measure": "mission_closure", "year": 2022}],
    }
    found = {
        "exits": [
            {"person": "Ruiz", "exit_type": "expelled", "sending_state": "PER", "year": 2019},
            {"person": "Ruiz", "exit_type": "resigned", "sending_state": "PER", "year": 2019},
            {"person": "Vega", "exit_type": "expelled", "sending_state": "ESP", "year": 1990},
        ],
        "measures": [{"actor": "FRA", "target": "MLI", "measure": "ambassador_recalled", "year": 2022}],
    }
    scores = evaluation.score(gold, found)
    exits = scores["exits"]
    # the miss pairs with the first alarm only; two wrong fields are no near miss
    assert [a.get("near") for a in exits.false_alarms] == [{"field": "exit_type", "gold": "recalled"}, None, None]
    assert exits.near == {"exit_type": 1} and scores["measures"].near == {"measure": 1}
    total = evaluation.total([scores, evaluation.score(gold, found)])
    assert total["exits"].as_dict()["near_misses"] == {"exit_type": 2}


def test_heads_of_mission_listed_by_post_each_exit() -> None:
    text = "The Greek ambassadors to Brazil, Chile and Kenya were dismissed on Monday."
    posts = {(e["sending_state"], e["receiving_state"], e["exit_type"]) for e in extract(text)["exits"]}
    assert posts == {("GRC", "BRA", "dismissed"), ("GRC", "CHL", "dismissed"), ("GRC", "KEN", "dismissed")}


def test_each_listed_host_expels_its_own_envoy_of_the_state() -> None:
    for text in (
        "Austria, Belgium and Ireland have all expelled their Libyan ambassadors.",
        "The plan was shared with the governments of Austria, Belgium and Ireland, all of whom have expelled "
        "their Libyan ambassadors.",
    ):
        posts = {(e["sending_state"], e["receiving_state"]) for e in extract(text)["exits"]}
        assert posts == {("LBY", "AUT"), ("LBY", "BEL"), ("LBY", "IRL")}, text


def test_recall_from_a_state_is_the_post_not_the_sender() -> None:
    text = (
        "Greek President Nikos Pappas has dismissed his country's ambassador to Kenya, Yannis Dimou.\n\n"
        "Pappas later called the recall of Ambassador Dimou from Kenya routine."
    )
    (found,) = extract(text)["exits"]
    assert (found["sending_state"], found["receiving_state"]) == ("GRC", "KEN")


def test_who_orders_an_expulsion_is_not_expelled() -> None:
    text = "Former Austrian Chancellor Karl Gruber ordered the expulsion in May 2001 over the spying affair."
    assert extract(text)["exits"] == []


def test_a_name_cut_short_by_the_tagger_is_whole() -> None:
    text = "Asked when the envoy, Piotr Adam Zielinski, would go back, the minister laughed."
    names = [m.text for s in pipeline.sentences(text) for m in s.of("person")]
    assert names == ["Piotr Adam Zielinski"]


def test_envoys_also_dismissed_are_the_same_states() -> None:
    text = (
        "The Greek president has dismissed the Greek ambassadors to Brazil and Mexico.\n\n"
        "Envoys to Kenya, Chile and Peru were also dismissed, the decrees said."
    )
    posts = {(e["role"], e["sending_state"], e["receiving_state"]) for e in extract(text)["exits"]}
    assert posts == {("ambassador", "GRC", s) for s in ("BRA", "MEX", "KEN", "CHL", "PER")}
    alone = "Envoys to Kenya, Chile and Peru were dismissed, the decrees said."
    assert extract(alone)["exits"] == []


def test_resigned_persons_who_denounce_the_government_resigned_in_protest() -> None:
    told = "Two Syrian diplomats at the embassy in Rome have resigned."
    denounced = told + "\n\nCounsellors Omar Haddad and Sami Khalil denounced the government, saying it had lied."
    thanked = told + "\n\nCounsellors Omar Haddad and Sami Khalil thanked their colleagues."
    assert {e["exit_type"] for e in extract(denounced)["exits"]} == {"resigned_in_protest"}
    assert {e["exit_type"] for e in extract(thanked)["exits"]} == {"resigned"}


def test_the_first_envoy_to_defect_is_the_person_said_to_be_it() -> None:
    text = "Anna Novak, who worked at the consulate, is the first Bulgarian diplomat to defect since 1985."
    (found,) = extract(text)["exits"]
    assert (found["person"], found["exit_type"], found["sending_state"]) == ("Anna Novak", "defected", "BGR")
    assert found["year"] != 1985  # "since 1985" bounds the record, it does not date the defection
    assert extract("Anna Novak is the best Bulgarian diplomat to send to the talks.")["exits"] == []


def test_a_state_named_before_its_own_envoy_is_the_post() -> None:
    told = "Kenya said on Monday that {} ambassador had been given two days to leave."
    assert [e["sending_state"] for e in extract(told.format("the Chile"))["exits"]] == ["CHL"]
    assert all(e["sending_state"] != "CHL" for e in extract(told.format("its Chile"))["exits"])


def test_ambassadors_of_listed_states_resigning_is_a_guess() -> None:
    resigned = extract("The ambassadors of Chile and Peru have resigned.")["exits"]
    assert resigned and all(e["confidence"] < 0.8 for e in resigned)
    declared = extract("The ambassadors of Chile and Peru were declared persona non grata.")["exits"]
    assert declared and all(e["confidence"] >= 0.8 for e in declared)


def test_the_fourth_envoy_to_die_in_post_and_those_included() -> None:
    text = (
        "Ivan Kolev is the fourth Bulgarian ambassador to die in post this year, including the UN envoy "
        "Petar Dimov and Chile envoy Georgi Stoev."
    )
    found = {e["person"]: (e["exit_type"], e["sending_state"]) for e in extract(text)["exits"]}
    assert found == {"Ivan Kolev": ("died", "BGR"), "Petar Dimov": ("died", "BGR"), "Georgi Stoev": ("died", "BGR")}
    assert extract("Ivan Kolev is a Bulgarian ambassador who would not die for a cause.")["exits"] == []


def test_an_indefinite_envoy_is_the_one_identified_later() -> None:
    text = (
        "A senior Chilean diplomat posted in Lisbon has defected, officials said. The ministry would not "
        "confirm it. A weekly said it had spoken to the diplomat, whom it identified as Tomas Ferrer."
    )
    found = extract(text)["exits"]
    assert [(e["person"], e["sending_state"], e["exit_type"]) for e in found] == [("Tomas Ferrer", "CHL", "defected")]
    assert found[0]["confidence"] < 0.8
    other = "A senior Chilean diplomat has defected. A weekly spoke to Tomas Ferrer, a Peruvian consul."
    assert all(e["person"] != "Tomas Ferrer" for e in extract(other)["exits"])


@pytest.mark.parametrize(
    ("text", "person", "sending"),
    [
        (
            "Portugal has expelled on Thursday the Danish Consul General in the city of Porto, north of Portugal, "
            "Henrik Sorensen for uttering anti-Portuguese statements.",
            "Henrik Sorensen",
            "DNK",
        ),
        (
            "Libyan envoys in London ran the embassy as a bureau for years. In 1981 Omar Salem, who had fled the "
            "regime in March, was expelled from the UK after threatening exiles.",
            "Omar Salem",
            "LBY",
        ),
        (
            "Dag Olsen was expelled in retaliation for an earlier order to leave a Danish adviser in Oslo, "
            "Copenhagen said. Deputy Ambassador Olsen left Denmark on Monday.",
            "Dag Olsen",
            "NOR",
        ),
        (
            "Two Iraqi diplomats seek asylum in Canada. They hope to stay in Canada once their terms end, Canadian "
            "officials said of the Iraqi envoys. Police said Ali Hassan, the deputy ambassador, walked into a police "
            "station on Friday and requested political asylum.",
            "Ali Hassan",
            "IRQ",
        ),
    ],
)
def test_a_guessed_sender_is_neither_the_host_nor_the_state_that_expels(text: str, person: str, sending: str) -> None:
    found = {e["person"]: e for e in extract(text)["exits"] if e["person"]}
    assert found[person]["sending_state"] == sending
    assert found[person]["confidence"] < 0.8


def test_no_envoy_behind_a_pronoun_after_a_role_or_another_title() -> None:
    attache = extract("President Ramos earlier this year expelled a US naval attache he accused of spying.")["exits"]
    assert [(e["person"], e["sending_state"]) for e in attache] == [(None, "USA")]  # unnamed, not Ramos
    assert extract("Thailand's army in May ousted civilian leader Somchai Wong, triggering protests.")["exits"] == []
    kamau = extract("Kenya expelled Ambassador John Kamau of Uganda on Monday.")["exits"]
    assert [(e["person"], e["sending_state"]) for e in kamau] == [("John Kamau", "UGA")]


def test_ambassadors_of_a_list_of_states_resigning_are_one_states_envoys() -> None:
    text = (
        "Bolivia's government faces a crisis. Officials confirmed that the ambassadors of Japan, Peru, Spain "
        "and Italy have resigned. Bolivia named no successors."
    )
    found = extract(text)["exits"]
    assert {(e["sending_state"], e["receiving_state"]) for e in found} == {
        ("BOL", "JPN"),
        ("BOL", "PER"),
        ("BOL", "ESP"),
        ("BOL", "ITA"),
    }
    assert all(e["confidence"] < 0.8 and e["exit_type"] == "resigned" for e in found)
    assert extract("The ambassadors of Japan, Peru, Spain and Italy have resigned.")["exits"] == []


def test_a_state_that_acts_on_a_diplomat_does_not_send_him() -> None:
    text = (
        "The Polish Foreign Ministry identified diplomat Mark Ellis, listed as a counselor at the British "
        "Embassy, as a spy. Ellis was declared persona non grata on Friday."
    )
    assert [(e["person"], e["sending_state"]) for e in extract(text)["exits"]] == [("Mark Ellis", "GBR")]
    recalled = extract("On May 2, Kyiv recalled its ambassador to Canada, Oleh Marchenko, for consultations.")
    assert [(e["sending_state"], e["receiving_state"]) for e in recalled["exits"]] == [("UKR", "CAN")]


def test_the_defector_a_record_is_counted_since_defected_before() -> None:
    text = (
        "Kim Chol, a North Korean envoy in Rome, defected in November, making him the highest-ranking North "
        "Korean diplomat known to have defected since Pak Song Il, the North's deputy ambassador to Italy, in 2011."
    )
    found = {e["person"]: e for e in extract(text)["exits"]}
    assert set(found) == {"Kim Chol", "Pak Song Il"}
    pak = found["Pak Song Il"]
    assert (pak["sending_state"], pak["exit_type"], pak["year"]) == ("PRK", "defected", 2011)
    assert pak["confidence"] < 0.8
    bound = extract("Luis Gomez is the first Cuban diplomat to defect since 1999.")["exits"]
    assert [(e["person"], e["year"]) for e in bound] == [("Luis Gomez", None)]


def test_an_expelled_indefinite_envoy_identified_after_is_named() -> None:
    text = "A Chilean diplomat was expelled from Peru on Monday. Local papers identified him as Tomas Ferrer."
    found = extract(text)["exits"]
    assert [(e["person"], e["sending_state"], e["receiving_state"]) for e in found] == [("Tomas Ferrer", "CHL", "PER")]
    assert found[0]["confidence"] < 0.8
    unnamed = extract("A Chilean diplomat was expelled from Peru on Monday.")["exits"]
    assert [(e["person"], e["sending_state"]) for e in unnamed] == [(None, "CHL")]
    assert unnamed[0]["confidence"] < 0.8


def test_a_counted_group_gives_way_to_its_members_named_apart() -> None:
    text = (
        "Two Iraqi diplomats seek asylum in Canada. Police said Ali Hassan, the Iraqi deputy ambassador, "
        "requested political asylum on Friday. Sources said Omar Aziz, an Iraqi counselor, made an asylum "
        "request last month."
    )
    found = extract(text)["exits"]
    assert {(e["person"], e["sending_state"]) for e in found} == {("Ali Hassan", "IRQ"), ("Omar Aziz", "IRQ")}
    assert all(e["group"] is None for e in found)


def test_the_kingdom_is_the_last_state_named_a_kingdom() -> None:
    text = (
        "Saudi Arabia said on Monday it was expelling the Canadian ambassador and recalling its envoy. Canada "
        "criticised arrests of activists. The kingdom said it was recalling its ambassador to Canada."
    )
    found = extract(text)
    recalls = [(e["sending_state"], e["receiving_state"]) for e in found["exits"] if e["exit_type"] == "recalled"]
    assert recalls == [("SAU", "CAN")]
    assert [(m["actor"], m["target"]) for m in found["measures"] if m["measure"] == "ambassador_recalled"] == [
        ("SAU", "CAN")
    ]


def test_a_holder_named_without_a_state_is_not_taken_for_another_states_envoy() -> None:
    text = (
        "Sudan envoy died of heart attack\n\nRussia's ambassador to Sudan, Ivan Orlov, died of a heart attack, the "
        "ministry said. Orlov is the third Russian ambassador to die on the job this year, including the UN envoy "
        "Petr Sokolov and Chile envoy Oleg Frolov."
    )
    found = sorted((e["person"], e["sending_state"]) for e in extract(text)["exits"])
    assert found == [("Ivan Orlov", "RUS"), ("Oleg Frolov", "RUS"), ("Petr Sokolov", "RUS")]
    hosted = extract("Ecuador expelled the U.S. ambassador on Tuesday. Ambassador Helen Ward has until Friday to go.")
    assert [(e["person"], e["sending_state"]) for e in hosted["exits"]] == [("Helen Ward", "USA")]
