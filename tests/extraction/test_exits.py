"""Exit classes of the sixth exits round (issue 11), each in sentences of our own."""

from __future__ import annotations

from typing import Any

from legation.extraction import extract


def _exits(text: str) -> list[dict[str, Any]]:
    return list(extract(text)["exits"])


def test_a_definite_envoy_is_no_other_states_envoy_named_later() -> None:
    text = (
        "Chile is recalling its ambassador to Peru in protest.\n\n"
        "A spokesman for the Chilean embassy said the ambassador had been recalled for consultations.\n\n"
        'In a similar move, Bolivia withdrew its envoy to Peru and said: "the Bolivian government has taken '
        'a decision to recall Ambassador Marta Quispe with immediate effect."'
    )
    found = _exits(text)
    assert any(e["person"] is None and (e["sending_state"], e["receiving_state"]) == ("CHL", "PER") for e in found)
    quispe = [e for e in found if e["person"] == "Marta Quispe"]
    assert [(e["sending_state"], e["evidence"]["text"]) for e in quispe] == [("BOL", "recall")]


def test_who_takes_the_decision_to_recall_sends_the_envoy() -> None:
    text = "After the Togolese raid, the Ghanaian government took a decision to recall Ambassador Kofi Mensah."
    found = _exits(text)
    assert [(e["person"], e["sending_state"]) for e in found] == [("Kofi Mensah", "GHA")]
    assert found[0]["confidence"] >= 0.8
