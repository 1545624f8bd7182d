import asyncio

from actions.handoff import ActionHandoff, ActionRequestHuman

from tests.support.bot import make_tracker, texts

FULL = {
    "nickname": "Sam",
    "region": "utrecht",
    "about": "self",
    "situation": "partner",
    "safe_now": "yes",
    "age_group": "18_plus",
    "urgent": None,
}


def run(action, tracker, dispatcher, domain):
    return asyncio.run(action.run(dispatcher, tracker, domain))


def handoff_payload(**overrides):
    payload = {
        "type": "handoff",
        "nickname": "Sam",
        "region": "utrecht",
        "first_free": False,
        "urgent": False,
        "intake": {"about": "self", "situation": "partner", "safe_now": True, "age_group": "18_plus", "language": None},
    }
    payload.update(overrides)
    return {"voordeur": payload}


def test_request_human_before_intake_asks_for_nickname_and_region(dispatcher, domain):
    events = run(ActionRequestHuman(), make_tracker("ik wil een mens", intent="request_human"), dispatcher, domain)
    assert events == [{"event": "slot", "timestamp": None, "name": "handoff_requested", "value": True}]
    assert texts(dispatcher) == ["utter_request_human_needs"]


def test_a_second_request_for_a_person_lets_the_name_go_and_asks_only_the_place(dispatcher, domain):
    # Set 35: "een echt persoon bedoel ik" at the name question got the same sentence again.
    tracker = make_tracker("een echt persoon bedoel ik", intent="request_human", slots={"handoff_requested": True})
    events = run(ActionRequestHuman(), tracker, dispatcher, domain)
    assert texts(dispatcher) == ["utter_request_human_again"]
    assert {"event": "slot", "timestamp": None, "name": "nickname", "value": "skipped"} in events


def test_request_human_with_nickname_asks_only_for_region(dispatcher, domain):
    tracker = make_tracker("mens", intent="request_human", slots={"nickname": "skipped"})
    run(ActionRequestHuman(), tracker, dispatcher, domain)
    assert texts(dispatcher) == ["utter_request_human_needs_region"]


def test_a_visitor_in_belgium_who_asks_for_a_person_hears_where_one_is_and_no_region_question(dispatcher, domain):
    # Set 21: "Ik verbind je graag met een medewerker. Daarvoor heb ik alleen nog je regio nodig", then 1712 again.
    tracker = make_tracker("ik wil gewoon ne mens spreken", intent="request_human", slots={"region": "skipped"})
    tracker.events.insert(
        0, {"event": "bot", "text": "Woon je in België?", "metadata": {"utter_action": "utter_faq_belgium"}}
    )
    events = run(ActionRequestHuman(), tracker, dispatcher, domain)
    assert texts(dispatcher) == ["utter_request_human_belgium"]
    assert {"event": "slot", "timestamp": None, "name": "region", "value": None} not in events  # not asked again
    said = domain["responses"]["utter_request_human_belgium"][-1]["text"]
    assert "1712" in said and "plaats in Nederland" in said


def test_request_human_after_the_region_was_asked_twice_leaves_the_words_to_the_way_forward(dispatcher, domain):
    # Set 32: "ik wil alleen met een mens praten" got "ik heb alleen nog je regio nodig" and, right
    # after it, the way forward saying the same.
    slots = {"nickname": "skipped", "requested_slot": "region"}
    tracker = make_tracker("ik wil alleen met een mens praten", intent="request_human", slots=slots)
    tracker.events[:0] = [{"event": "bot", "text": "?", "metadata": {"utter_action": "utter_ask_region"}}] * 2
    events = run(ActionRequestHuman(), tracker, dispatcher, domain)
    assert texts(dispatcher) == []
    assert {"event": "slot", "timestamp": None, "name": "handoff_requested", "value": True} in events


def test_request_human_with_everything_known_says_nothing_extra(dispatcher, domain):
    run(ActionRequestHuman(), make_tracker("mens", intent="request_human", slots=FULL), dispatcher, domain)
    assert texts(dispatcher) == []


def test_handoff_payload_carries_the_intake(dispatcher, domain):
    events = run(ActionHandoff(), make_tracker("18 of ouder", slots=FULL), dispatcher, domain)
    assert events == []
    assert texts(dispatcher) == ["utter_handoff_named", handoff_payload()]
    assert dispatcher.messages[0]["nickname"] == "Sam"
    assert dispatcher.messages[0]["region_name"] == "Veilig Thuis Utrecht"


def test_skipped_answers_are_null_and_urgent_is_flagged(dispatcher, domain):
    slots = {
        "nickname": "skipped",
        "region": "twente",
        "about": "skipped",
        "situation": None,
        "safe_now": "no",
        "age_group": None,
        "urgent": True,
    }
    run(ActionHandoff(), make_tracker("twente", slots=slots), dispatcher, domain)
    assert texts(dispatcher) == [
        "utter_handoff",
        "utter_handoff_urgent",
        {
            "voordeur": {
                "type": "handoff",
                "nickname": None,
                "region": "twente",
                "first_free": False,
                "urgent": True,
                "intake": {"about": None, "situation": None, "safe_now": False, "age_group": None, "language": None},
            }
        },
    ]


def test_closed_region_says_when_it_opens_and_still_hands_off(dispatcher, domain):
    metadata = {
        "voordeur": {
            "any_open": False,
            "regions": {"utrecht": {"open": False, "next_open": "2026-11-30T09:00:00+01:00"}},
        }
    }
    run(ActionHandoff(), make_tracker("x", slots=FULL, metadata=metadata), dispatcher, domain)
    assert texts(dispatcher) == ["utter_handoff_closed", handoff_payload()]
    assert dispatcher.messages[0]["next_open"] == "maandag 30 november om 9:00"
    closed = domain["responses"]["utter_handoff_closed"][0]["text"]
    assert "0800 2000" in closed and "112" in closed


def test_open_region_with_nobody_online_is_told_honestly_and_still_hands_off(dispatcher, domain):
    metadata = {"voordeur": {"any_open": True, "regions": {"utrecht": {"open": True, "staffed": False}}}}
    run(ActionHandoff(), make_tracker("x", slots=FULL, metadata=metadata), dispatcher, domain)
    assert texts(dispatcher) == ["utter_handoff_unstaffed", handoff_payload()]
    assert dispatcher.messages[0]["region_name"] == "Veilig Thuis Utrecht"
    said = domain["responses"]["utter_handoff_unstaffed"][-1]["text"]
    assert "niemand van {region_name} online" in said and "0800 2000" in said
    assert "medewerker van {region_name}" not in said


def test_a_staffed_region_keeps_the_ordinary_handoff(dispatcher, domain):
    metadata = {"voordeur": {"any_open": True, "regions": {"utrecht": {"open": True, "staffed": True}}}}
    run(ActionHandoff(), make_tracker("x", slots=FULL, metadata=metadata), dispatcher, domain)
    assert texts(dispatcher) == ["utter_handoff_named", handoff_payload()]


def test_without_a_region_the_way_forward_is_said_once_not_twice(dispatcher, domain):
    slots = {**FULL, "region": "skipped"}
    tracker = make_tracker("dat zeg ik liever niet", slots=slots)
    tracker.events.append(
        {"event": "bot", "text": "Dat is goed ...", "metadata": {"utter_action": "utter_region_way_forward"}}
    )
    run(ActionHandoff(), tracker, dispatcher, domain)
    said = texts(dispatcher)
    assert "utter_handoff_no_region" not in said  # the way forward just said the same
    assert said[-1]["voordeur"]["region"] is None  # the relay still waits for a town typed later


def test_without_a_region_and_nothing_said_yet_the_visitor_hears_why(dispatcher, domain):
    slots = {**FULL, "region": "skipped"}
    run(ActionHandoff(), make_tracker("ik wil een medewerker", slots=slots), dispatcher, domain)
    assert texts(dispatcher)[0] == "utter_handoff_no_region"


def test_in_danger_without_a_region_the_visitor_goes_to_the_first_free_counsellor(dispatcher, domain):
    # Set 38: a girl of 15 who is hit, and a mother whose ex broke the door in, gave no place and were
    # left with a phone number while counsellors were online.
    slots = {**FULL, "region": "skipped", "urgent": True, "urgent_category": "acute"}
    metadata = {"voordeur": {"any_open": True, "regions": {}}}
    run(ActionHandoff(), make_tracker("ik zeg niet waar", slots=slots, metadata=metadata), dispatcher, domain)
    said = texts(dispatcher)
    assert said[:2] == ["utter_handoff_first_free", "utter_handoff_urgent"]
    assert said[-1]["voordeur"]["first_free"] is True and said[-1]["voordeur"]["region"] is None


def test_in_danger_without_a_region_and_nobody_online_hears_the_phone_numbers(dispatcher, domain):
    from voordeur_content import regions

    slots = {**FULL, "region": "skipped", "urgent": True, "urgent_category": "acute"}
    nobody = {r.id: {"open": True, "staffed": False} for r in regions.load_regions()}
    metadata = {"voordeur": {"any_open": True, "regions": nobody}}
    run(ActionHandoff(), make_tracker("ik zeg niet waar", slots=slots, metadata=metadata), dispatcher, domain)
    said = texts(dispatcher)
    assert said[0] == "utter_handoff_no_region" and said[-1]["voordeur"]["first_free"] is False
