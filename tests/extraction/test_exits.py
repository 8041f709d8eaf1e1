"""Exit classes of the eighth and ninth exits rounds (issue 11), each in sentences of our own."""

from __future__ import annotations

from typing import Any

from spacy.tokens import Span

from legation.extraction import _merge, context, exits, extract, pipeline


def _exits(text: str) -> list[dict[str, Any]]:
    return list(extract(text)["exits"])


def _fields(text: str, *names: str) -> list[tuple[Any, ...]]:
    """The named fields of each exit, sorted."""
    return sorted((tuple(e[n] for n in names) for e in _exits(text)), key=str)


def _told(text: str) -> list[tuple[Any, ...]]:
    """Each exit's person, sending state, type and confidence, in order."""
    return sorted((e["person"], e["sending_state"], e["exit_type"], e["confidence"]) for e in _exits(text))


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


def test_a_deadline_to_leave_is_an_expulsion_of_its_subject() -> None:
    text = "The Chilean ambassador, Ivan Roca, was summoned on Monday. He had 72 hours to leave, the ministry said."
    assert [(e["person"], e["sending_state"], e["exit_type"]) for e in _exits(text)] == [
        ("Ivan Roca", "CHL", "expelled")
    ]
    assert _exits("The tourists had two days to leave the island before the storm.") == []


def test_quitting_a_country_is_no_resignation() -> None:
    text = "Peru said that Ivan Roca, the Chilean consul, had until Friday to quit the country."
    assert [(e["person"], e["exit_type"]) for e in _exits(text)] == [("Ivan Roca", "expelled")]


def test_leaving_ones_job_as_envoy_is_a_resignation() -> None:
    found = _exits("Tom Hale has announced he is leaving his job as the Canadian ambassador to Japan.")
    assert [(e["person"], e["sending_state"], e["exit_type"]) for e in found] == [("Tom Hale", "CAN", "resigned")]
    assert found[0]["confidence"] < 0.8


def test_persons_named_after_a_group_expulsion_are_of_the_groups_state() -> None:
    text = (
        "Norway on Friday ordered three Chilean diplomats to leave within two weeks.\n\n"
        "A Norwegian ministry spokesman said Chilean Ambassador Luis Vera was summoned and told that an "
        "attache, Pablo Soto, had 14 days to leave the country."
    )
    found = [e for e in _exits(text) if e["person"] == "Pablo Soto"]
    assert [(e["sending_state"], e["exit_type"]) for e in found] == [("CHL", "expelled")]
    assert found[0]["confidence"] < 0.8


def test_one_unnamed_envoy_expelled_is_an_exit_with_no_name() -> None:
    text = (
        "Chile expels Peruvian envoy\n\n"
        "Chile expelled a Peruvian diplomat on Monday, and Peru retaliated by ordering the expulsion of a "
        "Chilean diplomat from Lima."
    )
    found = _exits(text)
    assert sorted((e["person"], e["sending_state"], e["exit_type"]) for e in found) == [
        (None, "CHL", "expelled"),
        (None, "PER", "expelled"),
    ]
    assert all(e["confidence"] < 0.8 or e["evidence"]["text"] == "expels" for e in found)
    named = _exits("Chile expelled a Peruvian diplomat on Monday. Papers identified him as Luis Vera.")
    assert [(e["person"], e["sending_state"]) for e in named] == [("Luis Vera", "PER")]


def test_asked_to_leave_in_the_passive_is_an_expulsion() -> None:
    found = _exits("Chile's ambassador, Luis Vera, was also asked to leave.")
    assert [(e["person"], e["sending_state"], e["exit_type"]) for e in found] == [("Luis Vera", "CHL", "expelled")]


def test_these_persons_declared_not_acceptable_are_the_ones_just_named() -> None:
    text = (
        "The ministry said two Chilean diplomats, Luis Vera and Pablo Soto, had engaged in espionage. In "
        "accordance with the Vienna Convention, these persons are herewith declared not acceptable."
    )
    found = _exits(text)
    assert sorted((e["person"], e["sending_state"], e["exit_type"]) for e in found) == [
        ("Luis Vera", "CHL", "expelled"),
        ("Pablo Soto", "CHL", "expelled"),
    ]
    assert all(e["confidence"] < 0.8 for e in found)


def test_kicked_out_in_the_active_is_an_expulsion_of_its_object() -> None:
    text = "In retaliation, the administration kicked out Chile's envoy in Washington, Luis Vera, and two aides."
    assert [(e["person"], e["sending_state"], e["exit_type"]) for e in _exits(text)] == [
        ("Luis Vera", "CHL", "expelled")
    ]
    assert _exits("The party kicked out Luis Vera last year.") == []


def test_ordered_to_depart_is_ordered_to_leave() -> None:
    found = _exits("Chile ordered Ambassador Ivan Petrov to depart within 48 hours.")
    assert [(e["person"], e["exit_type"]) for e in found] == [("Ivan Petrov", "expelled")]


def test_the_future_of_a_past_announcement_is_an_exit_below_the_top_band() -> None:
    found = _exits("The ministry said that Ivan Petrov, a Russian attache, would be expelled.")
    assert [(e["person"], e["sending_state"], e["exit_type"]) for e in found] == [("Ivan Petrov", "RUS", "expelled")]
    assert found[0]["confidence"] < 0.8
    assert _exits("The ministry said that Ivan Petrov, a Russian attache, would be expelled if talks failed.") == []
    assert _exits("Ivan Petrov, a Russian attache, would be expelled, the ministry warned.") == []


def test_we_in_a_quote_is_the_speakers_state() -> None:
    text = '"We have recalled our ambassador to Russia and it is not a gesture," the Georgian president said.'
    assert [(e["person"], e["sending_state"], e["receiving_state"]) for e in _exits(text)] == [(None, "GEO", "RUS")]


def test_its_envoy_expelled_by_a_host_is_the_other_states() -> None:
    text = "Venezuela has broken off ties with Panama and expelled its ambassador and three other diplomats."
    found = _exits(text)
    assert [(e["person"], e["sending_state"], e["exit_type"]) for e in found] == [(None, "PAN", "expelled")]
    assert found[0]["confidence"] < 0.8
    assert _exits("Venezuela expelled its ambassador.") == []


def test_an_indefinite_defector_who_changed_his_name_is_that_name() -> None:
    text = (
        "A Cuban diplomat has defected to Spain, officials said on Monday. "
        "An aide told reporters that the diplomat, who changed his name to Carlos Mendoza after arriving in "
        "Madrid, had feared arrest."
    )
    found = _exits(text)
    assert [(e["person"], e["sending_state"], e["exit_type"]) for e in found] == [("Carlos Mendoza", "CUB", "defected")]
    assert found[0]["confidence"] < 0.8


def test_the_ambassador_summoned_after_a_diplomat_is_expelled_is_not_the_diplomat() -> None:
    text = (
        "Britain said on Monday it had expelled a Russian diplomat over spying.\n\n"
        "The Foreign Office also summoned the Russian ambassador, Ivan Petrov, to explain the case."
    )
    assert [e["person"] for e in _exits(text)] == [None]


def test_a_spokesmans_state_is_the_host_of_an_announced_expulsion() -> None:
    text = (
        "State Department spokesman John Hale said Friday that Cuban officials had been told that Col. Luis "
        "Ortega, who was detained on Thursday, would be expelled. The FBI said Ortega, air attache at the "
        "embassy, had tried to buy secrets."
    )
    found = _exits(text)
    assert [(e["person"], e["sending_state"], e["exit_type"]) for e in found] == [("Luis Ortega", "CUB", "expelled")]
    assert found[0]["confidence"] < 0.8


def _found(person: str | None, confidence: float, sentence: str, index: int) -> exits.Found:
    record = {
        "person": person,
        "group": None,
        "count": None,
        "role": "diplomat" if person else "special_envoy",
        "sending_state": "CUB",
        "receiving_state": None if person else "NOR",
        "exit_type": "expelled",
        "destination": None,
        "consequences": [],
        "year": None,
        "confidence": confidence,
        "evidence": {"start": 0, "end": 6, "text": "expels", "sentence": sentence},
    }
    return exits.Found(record, person or "special_envoy:CUB:NOR", index)


def test_a_headlines_envoy_is_the_one_the_body_names_even_by_position() -> None:
    headline = _found(None, 0.85, "Norway expels Cuban envoy", 0)
    body = _found("Luis Ortega", 0.6, "The diplomat, Luis Ortega, has been declared persona non grata.", 2)
    assert [f.record["person"] for f in _merge([headline, body])] == ["Luis Ortega"]
    lead = _found(None, 0.85, "Norway said on Monday that it had expelled a Cuban envoy.", 0)
    assert [f.record["person"] for f in _merge([lead, body])] == [None, "Luis Ortega"]


def test_resigning_because_of_a_governments_repression_is_a_protest() -> None:
    text = "Chilean diplomat Luis Vera said he resigned because of the systematic persecution of civilians."
    assert [(e["person"], e["exit_type"]) for e in _exits(text)] == [("Luis Vera", "resigned_in_protest")]
    plain = "Chilean diplomat Luis Vera said he resigned because of poor health."
    assert [(e["person"], e["exit_type"]) for e in _exits(plain)] == [("Luis Vera", "resigned")]


def test_the_last_post_after_a_serial_comma_is_a_post() -> None:
    found = _exits("The Greek ambassadors to Peru, Chile, and Cuba were dismissed on Monday.")
    assert sorted(e["receiving_state"] for e in found) == ["CHL", "CUB", "PER"]
    assert {e["sending_state"] for e in found} == {"GRC"}


def test_the_head_of_an_international_bodys_mission_serves_the_body() -> None:
    text = "Mali expelled Ugandan diplomat John Okello, the head of the African Union mission, on Monday."
    found = extract(text)
    assert [(e["person"], e["sending_state"], e["receiving_state"]) for e in found["exits"]] == [
        ("John Okello", "AU", "MLI")
    ]
    assert [(m["actor"], m["target"]) for m in found["measures"]] == [("MLI", "AU")]
    own = _exits("Mali expelled Ugandan diplomat John Okello, the head of the Ugandan mission, on Monday.")
    assert [(e["person"], e["sending_state"]) for e in own] == [("John Okello", "UGA")]


# Ninth exits round (ext-exits7)


def test_the_envoys_a_head_of_state_dismisses_are_his_states() -> None:
    found = _exits("Chilean President Ana Rojas has dismissed the ambassadors to Peru, Bolivia and Cuba.")
    assert sorted((e["sending_state"], e["receiving_state"]) for e in found) == [
        ("CHL", "BOL"),
        ("CHL", "CUB"),
        ("CHL", "PER"),
    ]
    assert all(e["confidence"] < 0.8 for e in found)
    assert _exits("Chilean President Ana Rojas has praised the ambassadors to Peru, Bolivia and Cuba.") == []


def test_a_list_of_posts_the_parser_splits_at_the_serial_comma() -> None:
    text = (
        "Chilean President Ana Rojas has dismissed the ambassadors to Peru and Bolivia. "
        "Envoys to the Maldives, Nepal, Sri Lanka, and Bangladesh were also dismissed, the decrees stated."
    )
    later = [e for e in _exits(text) if e["receiving_state"] not in ("PER", "BOL")]
    assert sorted((e["sending_state"], e["receiving_state"]) for e in later) == [
        ("CHL", "BGD"),
        ("CHL", "LKA"),
        ("CHL", "MDV"),
        ("CHL", "NPL"),
    ]


def test_names_the_parser_hangs_on_a_conjoined_plural_role_noun() -> None:
    text = (
        "Norway on Friday ordered three Chilean diplomats to leave within two weeks. A Norwegian ministry "
        "spokesman said Chilean Ambassador Luis Vera was summoned and told that an air attache, Maj. Pablo "
        "Soto, and envoys Juan Rios and Pedro Diaz had 14 days to leave the country."
    )
    found = {e["person"]: e for e in _exits(text)}
    assert {"Juan Rios", "Pedro Diaz"} <= set(found)
    assert {found[p]["sending_state"] for p in ("Juan Rios", "Pedro Diaz")} == {"CHL"}
    assert "Luis Vera" not in found


def test_the_expulsion_on_a_day_of_a_person() -> None:
    text = "Moscow said it had to respond to the expulsion on Friday of Ivan Petrov, a Russian diplomat in Ottawa."
    assert [(e["person"], e["sending_state"], e["exit_type"]) for e in _exits(text)] == [
        ("Ivan Petrov", "RUS", "expelled")
    ]


def test_the_state_a_defector_fled_to_never_sent_him() -> None:
    text = (
        "The deputy head of the Chilean trade office has defected to Canada, officials said.\n\n"
        "Canadian officials said the man, identified as Luis Vera, was questioned by Canadian police. "
        "The Canadian government confirmed his defection in May."
    )
    senders = {e["sending_state"] for e in _exits(text) if e["person"] == "Luis Vera"}
    assert "CAN" not in senders


def test_the_speaker_who_tells_of_an_expulsion_is_not_expelled() -> None:
    text = (
        "Foreign Minister Luis Vera said at a news conference that the Cuban mission and its staff in Chile "
        "had been given 48 hours to leave."
    )
    assert [e for e in _exits(text) if e["person"] == "Luis Vera"] == []
    own = "Cuban diplomat Pablo Soto, who was expelled on Monday, said he had been spied on."
    assert [e["person"] for e in _exits(own)] == ["Pablo Soto"]


def test_an_envoy_told_by_role_is_not_a_person_named_before_him() -> None:
    text = (
        "Deputy Minister Luis Vera spoke on television on Monday.\n\n"
        "Vera said that several responses were possible against any country that insulted Chile, "
        "including the expulsion of an ambassador.\n\n"
        "Vera, a former ambassador to Peru, added that Chile would wait."
    )
    assert [e for e in _exits(text) if e["person"] == "Luis Vera"] == []


def test_persons_declared_not_acceptable_as_a_list_are_diplomats() -> None:
    text = (
        "Peru told the Chilean embassy that Luis Vera, Pablo Soto, and Juan Rios had engaged in spying. "
        "These persons are herewith declared not acceptable."
    )
    found = [e for e in _exits(text) if e["person"] in ("Luis Vera", "Juan Rios")]
    assert len(found) == 2
    assert {(e["role"], e["exit_type"]) for e in found} == {("diplomat", "expelled")}
    assert all(e["confidence"] < 0.8 for e in found)
    told = "Peru said that Luis Vera, Pablo Soto, and Juan Rios had won the race. These persons are happy."
    assert _exits(told) == []


def test_an_unnamed_envoy_asked_to_leave_is_expelled() -> None:
    text = "A statement from Peru's foreign ministry says a senior Chilean diplomat has been asked to leave Peru."
    found = _exits(text)
    assert [(e["person"], e["sending_state"], e["exit_type"]) for e in found] == [(None, "CHL", "expelled")]
    assert found[0]["confidence"] < 0.8


def test_an_envoy_who_must_leave_by_a_deadline_is_expelled() -> None:
    found = _exits("Peru said Luis Vera, a Chilean diplomat, must leave the country within 72 hours.")
    assert [(e["person"], e["sending_state"], e["exit_type"]) for e in found] == [("Luis Vera", "CHL", "expelled")]
    assert found[0]["confidence"] < 0.8
    unnamed = _exits("The senior Chilean diplomat at the embassy in Lima must leave the country within 72 hours.")
    assert [(e["person"], e["sending_state"], e["exit_type"]) for e in unnamed] == [(None, "CHL", "expelled")]
    assert _exits("Tourists must leave the island within two days.") == []
    assert _exits("Luis Vera, a Chilean diplomat, must leave early to catch his train.") == []


def test_an_exit_told_by_reference_to_the_one_before() -> None:
    recall = _exits("Chile recalled its ambassador to Peru on Monday. Bolivia followed suit on Tuesday.")
    assert sorted((e["sending_state"], e["receiving_state"], e["exit_type"]) for e in recall) == [
        ("BOL", "PER", "recalled"),
        ("CHL", "PER", "recalled"),
    ]
    answer = _exits("Peru expelled a Chilean diplomat on Monday. Just hours later, Chile did the same.")
    assert ("PER", "CHL", "expelled") in {(e["sending_state"], e["receiving_state"], e["exit_type"]) for e in answer}
    text = (
        "On Monday the Cuban consul in Oslo, Luis Vera, defected to Norway. Four days later, the Cuban "
        "envoy in Tokyo, Pablo Soto, decided to take a similar step."
    )
    soto = [e for e in _exits(text) if e["person"] == "Pablo Soto"]
    assert [(e["sending_state"], e["exit_type"]) for e in soto] == [("CUB", "defected")]
    assert all(
        e["confidence"] < 0.8 for e in recall + answer + soto if e["evidence"]["text"] != "recalled its ambassador"
    )
    assert len(_exits("Chile recalled its ambassador to Peru. The weather followed suit.")) == 1


def test_he_after_a_since_clause_is_the_person_it_names() -> None:
    text = (
        "The Chilean attache Luis Vera was expelled from Peru on Monday. Vera is the first Chilean to be "
        "expelled from Peru since Jorge Castillo, a Chilean consul, was accused of spying in 1990. "
        "He was given 48 hours to leave the country."
    )
    soto = [e for e in _exits(text) if e["person"] == "Jorge Castillo"]
    assert [(e["sending_state"], e["exit_type"]) for e in soto] == [("CHL", "expelled")]
    assert soto[0]["confidence"] < 0.8
    assert soto[0]["evidence"]["text"] == "was given 48 hours to leave"


def test_a_name_after_a_role_and_a_place_the_gazetteer_lacks() -> None:
    found = _exits("Chile recalled Luis Vera and its consul general in Cusco, Jorge Castillo, on Friday.")
    castillo = [e for e in found if e["person"] == "Jorge Castillo"]
    assert [(e["role"], e["sending_state"], e["exit_type"]) for e in castillo] == [
        ("consul_general", "CHL", "recalled")
    ]


# Tenth exits round (ext-exits8): wire copy from many regions, in sentences of our own.


def test_a_regions_nation_is_neither_the_body_nor_the_subjects_own() -> None:
    text = (
        "Norway's ambassador to Chad, Lars Holm, left on Saturday after the military government expelled him. "
        "The move came after the African nation kicked out the European nation's ambassador over his remarks."
    )
    found = _exits(text)
    assert {(e["person"], e["sending_state"]) for e in found} == {("Lars Holm", "NOR")}
    assert all(e["sending_state"] not in ("EU", "AU") for e in found)


def test_one_of_two_alternatives_is_no_event() -> None:
    text = "Five states, all of which have either expelled their Chilean ambassadors or said they will do so, met."
    assert _exits(text) == []
    assert extract(text)["measures"] == []


def test_a_titled_name_the_tagger_took_for_a_title_is_a_name() -> None:
    text = "Peru took the step of expelling Ruben Ortega, charge d'affaires at the Chilean embassy."
    doc = pipeline.nlp()(text)
    doc.ents = [Span(doc, 6, 8, label="WORK_OF_ART")]  # as the small model tags some names
    assert [span.text for span in pipeline._titled_names(doc, text)] == ["Ruben Ortega"]


def test_envoys_listed_after_a_colon_share_the_exit() -> None:
    text = (
        "President Ana Ruiz of Chile dismissed two ambassadors of Chile: Ambassador to Peru Jorge Castillo "
        "and Ambassador to Bolivia Luis Vera."
    )
    assert _told(text) == [("Jorge Castillo", "CHL", "dismissed", 0.75), ("Luis Vera", "CHL", "dismissed", 0.75)]


def test_a_decrees_lines_after_a_colon_are_its_list() -> None:
    text = (
        "Under the decree, the following ambassadors are being recalled to Chile:\n\n"
        "Jorge Castillo, ambassador to Peru, was appointed in 2012,\n\n"
        "Marta Quispe, ambassador to Bolivia, was appointed in 2015.\n\n"
        "Luis Vera, the foreign minister, said more changes would follow."
    )
    posts = {(e["person"], e["receiving_state"]) for e in _exits(text)}
    assert posts == {("Jorge Castillo", "PER"), ("Marta Quispe", "BOL")}
    assert _told(text) == [("Jorge Castillo", "CHL", "recalled", 0.75), ("Marta Quispe", "CHL", "recalled", 0.75)]


def test_the_state_that_owns_a_name_or_a_bodys_envoy_sends_him() -> None:
    text = "Luis Vera, Chile's deputy U.N. ambassador, walked into a police station and requested political asylum."
    assert _fields(text, "person", "sending_state", "receiving_state") == [("Luis Vera", "CHL", "UN")]
    named = "Norway’s ministry on Tuesday said Chad’s Hassan Ali Moussa has to leave the country within 48 hours."
    assert _fields(named, "person", "sending_state", "exit_type") == [("Hassan Ali Moussa", "TCD", "expelled")]


def test_where_a_defector_stayed_is_no_state_that_sent_him() -> None:
    text = (
        "Russia asked to meet a diplomat who left its mission in New York last year.\n\n"
        "Pavel Orlov, a first secretary at the mission, quietly defected with his family and remained in the "
        "United States, officials said."
    )
    assert _fields(text, "person", "sending_state", "exit_type") == [("Pavel Orlov", "RUS", "defected")]


def test_the_return_a_state_orders_of_its_envoy_is_a_recall() -> None:
    text = (
        '"We have ordered the immediate return of our ambassador Jorge Castillo," Chilean Foreign Minister '
        "Ana Ruiz said."
    )
    assert _fields(text, "person", "sending_state", "exit_type") == [("Jorge Castillo", "CHL", "recalled")]


def test_envoys_pulled_from_a_post_by_the_states_a_plural_includes() -> None:
    text = "Some Latin American countries, including Chile and Bolivia, have pulled their ambassadors from Peru."
    assert _fields(text, "sending_state", "receiving_state", "exit_type") == [
        ("BOL", "PER", "recalled"),
        ("CHL", "PER", "recalled"),
    ]
    assert _exits("The mayor removed their statues from the square.") == []


def test_the_latest_to_defect_is_the_person_the_copula_names() -> None:
    text = (
        "More Cuban diplomats have defected. The latest to leave the government and ask for political asylum in "
        "Spain is Ambassador Luis Vera, who was his country's consul in Peru. Recently a staff member of the "
        "Cuban embassy in Tokyo, Hailu Bekele, decided to do likewise."
    )
    assert _fields(text, "person", "role", "sending_state", "receiving_state", "exit_type") == [
        ("Hailu Bekele", "diplomat", "CUB", None, "defected"),
        ("Luis Vera", "ambassador", "CUB", "PER", "defected"),
    ]


def test_an_announced_expulsion_and_an_ousted_leader() -> None:
    text = "Chile said on Monday it would expel Peru's ambassador over the affair."
    assert _fields(text, "sending_state", "receiving_state", "exit_type", "confidence") == [
        ("PER", "CHL", "expelled", 0.7)
    ]
    assert _exits("Chile would expel Peru's ambassador if the talks failed.") == []
    ousted = "Ana Ruiz became president in May after Jorge Castillo, the former president, was ousted and detained."
    assert _exits(ousted) == []


def test_a_denied_report_and_a_gulf_are_no_exit_and_no_name() -> None:
    text = "Lima has denied reports suggesting that Chile has decided to expel the Peruvian ambassador there."
    assert _exits(text) == []
    gulf = "Kuwait expelled the Iranian ambassador to the Persian Gulf state on Thursday."
    assert _fields(gulf, "person", "sending_state", "receiving_state") == [(None, "IRN", "KWT")]


def test_a_rank_before_a_name_and_an_adverb_in_a_passive() -> None:
    text = (
        "Peru expelled Chilean Ambassador to Lima Lt. General (Rtd) Jorge Castillo on Monday. In the statement, "
        "Peru's ambassador to Chile was also recalled to Lima."
    )
    assert _fields(text, "person", "sending_state", "receiving_state", "exit_type") == [
        ("Jorge Castillo", "CHL", "PER", "expelled"),
        (None, "PER", "CHL", "recalled"),
    ]


def test_a_role_told_by_a_copula_and_the_holder_of_that_very_role() -> None:
    text = (
        "Luis Vera vanished in May. A newspaper reported that Vera had sought asylum in Spain with his family. "
        "Vera, 48, has been Cuba's ambassador in Rome since 2017."
    )
    assert _fields(text, "person", "role", "sending_state", "exit_type") == [
        ("Luis Vera", "ambassador", "CUB", "defected")
    ]
    holders = {"Jorge Castillo": "ambassador", "Pablo Soto": "consul"}  # in the order the text names them
    assert context._holder("the ambassador", holders) == "Jorge Castillo"
    assert context._holder("the diplomat", holders) == "Pablo Soto"


# Tenth exits round (encyclopedias, obituaries, timelines): texts 110 to 115 hold the rest.


def test_an_obituary_of_a_former_envoy_is_no_death_in_post() -> None:
    text = (
        "Ana Ruiz, a veteran Peruvian diplomat who was her country's envoy to Chile in the 1980s, has died. "
        "The ministry said the former ambassador died on Monday."
    )
    assert _exits(text) == []
    in_post = "Ana Ruiz, the Peruvian ambassador to Chile, has died. The ministry said she died on Monday."
    assert [(e["person"], e["exit_type"]) for e in _exits(in_post)] == [("Ana Ruiz", "died")]


def test_a_headline_counts_the_cases_its_body_names() -> None:
    headline = "The Three Dutch Envoys Killed In The Line Of Duty\n\n"
    body = (
        "The Dutch ambassador to Chad, Jan Smit, was killed in 1970. "
        "The Dutch ambassador to Peru, Els Vos, was killed in 1980."
    )
    assert sorted(e["person"] for e in _exits(headline + body)) == ["Els Vos", "Jan Smit"]
    assert [e["count"] for e in _exits(headline + "Their names are kept at the ministry.")] in ([3], [])


def test_the_speaker_of_a_first_person_resignation() -> None:
    text = 'Luis Vera, the Chilean ambassador to Peru, said: "I resign from serving this dictatorship."'
    assert [(e["person"], e["exit_type"]) for e in _exits(text)] == [("Luis Vera", "resigned_in_protest")]
    assert _exits('Luis Vera, the Chilean ambassador to Peru, said: "I will resign if they ask me to."') == []


def test_a_lead_dated_by_the_dateline_takes_the_year_the_body_gives() -> None:
    text = (
        "Oslo, March 3, 2023 - Belarus's acting ambassador to Norway has defected, a lawmaker said on Monday. "
        "Pavel Zhuk is thought to have fled with his family in October 2021."
    )
    assert [(e["person"], e["year"]) for e in _exits(text)] == [("Pavel Zhuk", 2021)]
    later = "Oslo, March 3, 2023 - Belarus's acting envoy to Norway, Pavel Zhuk, has defected. He was born in 1970."
    assert [e["year"] for e in _exits(later)] == [2023]


def test_an_envoy_told_by_role_beside_a_named_one_is_expelled_too() -> None:
    text = (
        "Lars Berg, the Swedish consul in Minsk, and a Finnish diplomat drove north on Monday. "
        "On their return Berg and the Finnish diplomat were declared persona non grata."
    )
    found = {(e["person"], e["sending_state"], e["exit_type"]) for e in _exits(text)}
    assert found == {("Lars Berg", "SWE", "expelled"), (None, "FIN", "expelled")}


def test_a_state_s_envoy_at_a_body_and_the_state_a_defector_stayed_in() -> None:
    text = "Ana Ruiz, Peru's deputy U.N. ambassador, requested political asylum on Friday."
    assert [(e["sending_state"], e["receiving_state"]) for e in _exits(text)] == [("PER", "UN")]
    text = (
        "Moscow demanded a meeting with a diplomat who defected last year. Ivan Petrov, a first secretary "
        "at the mission in New York, quietly defected with his wife and remained in the United States."
    )
    assert [(e["person"], e["sending_state"]) for e in _exits(text)] == [("Ivan Petrov", "RUS")]


def test_a_president_ousted_from_power_is_no_envoy_expelled() -> None:
    text = "Ana Ruiz became president in May after Luis Vera tried to close Congress, was ousted and detained."
    assert _exits(text) == []


def test_a_region_s_adjective_on_a_state_noun_sends_no_one() -> None:
    text = (
        "Peru's ambassador to Spain has been expelled by Madrid after the South American nation "
        "kicked out the European nation's ambassador last week."
    )
    assert {e["sending_state"] for e in _exits(text)} == {"PER"}
