"""The recall net (legation/extraction/fallback.py): broad guesses at confidence 0.5, and the
clauses that must give none. The texts are made up for these tests."""

from __future__ import annotations

from typing import Any

import pytest

from legation.extraction import context, exits, extract, fallback, pipeline


def _guesses(text: str, found: list[exits.Found] | None = None) -> list[dict[str, Any]]:
    sentences = pipeline.sentences(text)
    context.resolve(sentences)
    facts = exits.Facts()
    for sentence in sentences:
        facts.learn(context.role_phrases(sentence))
    years = context.Years.of(text, None)
    return [g.record for g in fallback.find(sentences, found or [], facts, years)]


def test_an_envoy_the_parse_ties_to_the_trigger_is_guessed_low() -> None:
    guesses = _guesses("Lars Edvik, the Norwegian military attaché in Santiago, was expelled by Chile in 2019.")
    assert [(g["person"], g["exit_type"], g["sending_state"]) for g in guesses] == [("Lars Edvik", "expelled", "NOR")]
    assert guesses[0]["confidence"] == fallback.CONFIDENCE < 0.6
    assert guesses[0]["year"] == 2019


@pytest.mark.parametrize(
    "text",
    [
        "Lars Edvik, the Norwegian military attaché in Santiago, was not expelled by Chile.",
        "Chile will expel Lars Edvik, the Norwegian military attaché in Santiago.",
        "If Chile expelled Lars Edvik, the Norwegian military attaché, Oslo would answer in kind.",
        "Senators urged Chile to expel Lars Edvik, the Norwegian military attaché.",
    ],
)
def test_negated_future_conditional_or_urged_triggers_give_nothing(text: str) -> None:
    assert _guesses(text) == []


def test_a_person_with_an_exit_already_gets_no_guess() -> None:
    text = "Lars Edvik, the Norwegian military attaché in Santiago, was expelled by Chile."
    record = {"person": "Lars Edvik", "exit_type": "expelled", "sending_state": "NOR"}
    assert _guesses(text, [exits.Found(record, "Lars Edvik", 0)]) == []


def test_a_resignation_needs_a_person_the_text_makes_an_envoy() -> None:
    assert _guesses("Maria Solberg resigned from the football club on Monday.") == []
    guesses = _guesses("Maria Solberg, Sweden's ambassador to Kenya, resigned on Monday.")
    assert [(g["person"], g["exit_type"], g["sending_state"]) for g in guesses] == [
        ("Maria Solberg", "resigned", "SWE")
    ]


def test_the_state_that_acts_is_not_taken_for_the_envoys() -> None:
    """With no state of his own in the text, the envoy's state is the text's most named one that
    is not the expelling state."""
    text = (
        "Chile expelled Lars Edvik on Friday. Norway protested. Norway said the move was unjustified. "
        "Chile said Edvik had met opposition leaders."
    )
    assert [(g["person"], g["sending_state"]) for g in _guesses(text)] == [("Lars Edvik", "NOR")]


def test_the_precise_reading_outranks_the_net() -> None:
    """A sentence the precise rules read gives their record, not a guess beside it."""
    found = extract("Lars Edvik, the Norwegian military attaché in Santiago, was expelled by Chile in 2019.")
    assert [(e["person"], e["confidence"] > fallback.CONFIDENCE) for e in found["exits"]] == [("Lars Edvik", True)]


def test_a_headline_gives_no_guess() -> None:
    assert fallback._headline("Chile Expels Norwegian Attaché, Alleges Plot")
    assert not fallback._headline("Chile expelled the Norwegian attaché.")
    text = "Chile Expels Norwegian Attaché, Alleges Plot\n\nOfficials gave no reason on Friday."
    assert all(g["person"] != "Alleges Plot" for g in _guesses(text))


def _exits(text: str) -> list[tuple[Any, ...]]:
    return [
        (e["person"], e["role"], e["sending_state"], e["receiving_state"], e["exit_type"], e["confidence"])
        for e in extract(text)["exits"]
    ]


def test_a_later_bare_name_fills_the_one_unnamed_exit_of_its_type() -> None:
    text = (
        "Norway told the Chilean consul general in Bergen to leave the country, citing meddling. "
        "The ministry said Mr. Tomas Vidal's expulsion was final, and Santiago protested."
    )
    found = _exits(text)
    assert [f[:5] for f in found] == [("Tomas Vidal", "consul_general", "CHL", "NOR", "expelled")]
    assert found[0][5] < 0.8


def test_the_consul_general_told_to_leave_is_one_unnamed_envoy_at_his_post() -> None:
    found = _exits("Peru told the Bolivian consul general in Cusco to leave the country.")
    assert [f[:5] for f in found] == [(None, "consul_general", "BOL", "PER", "expelled")]
    assert found[0][5] < 0.8
    assert _exits("Peru expels Bolivian consul from Cusco") == []  # a headline's bare noun


def test_a_passive_recall_of_a_definite_head_of_mission_takes_the_post_after_from() -> None:
    found = _exits("The Bolivian ambassador had been recalled from Lima, the ministry said.")
    assert [f[:5] for f in found] == [(None, "ambassador", "BOL", "PER", "recalled")]
    assert found[0][5] < 0.8


def test_the_three_declared_persona_non_grata_are_the_persons_listed_just_before() -> None:
    text = (
        "Kenya named the diplomats involved as Mr Peter Olsen, Mr Jan Berg and Mr Ole Dahl, all Norwegian diplomats. "
        "The three were declared persona non grata by the Kenyan government on Monday."
    )
    found = _exits(text)
    assert sorted((f[0], f[2], f[4]) for f in found) == [
        ("Jan Berg", "NOR", "expelled"),
        ("Ole Dahl", "NOR", "expelled"),
        ("Peter Olsen", "NOR", "expelled"),
    ]
    assert all(f[5] < 0.8 for f in found)
    persona = [m for m in extract(text)["measures"] if m["measure"] == "persona_non_grata"]
    assert len(persona) <= 1  # the three, not one measure per person the plural stands for


def test_a_plural_that_does_not_match_the_persons_before_names_no_one() -> None:
    text = (
        "Norwegian diplomats Peter Olsen and Jan Berg were seen in Nairobi. "
        "The three were declared persona non grata by the Kenyan government on Monday."
    )
    assert [f[0] for f in _exits(text) if f[0]] == []
