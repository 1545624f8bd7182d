import asyncio

from conftest import form_tracker, make_tracker, texts

from actions.urgency import ActionCheckUrgentPhrases, ActionUrgent, category_of

URGENT_ACUTE = {"voordeur": {"type": "urgent", "category": "acute"}}
URGENT_SUICIDE = {"voordeur": {"type": "urgent", "category": "suicide"}}


def slot(name, value):
    return {"event": "slot", "timestamp": None, "name": name, "value": value}


FLAGS_ACUTE = [slot("urgent", True), slot("urgent_category", "acute"), slot("handoff_requested", True)]
FLAGS_SUICIDE = [slot("urgent", True), slot("urgent_category", "suicide"), slot("handoff_requested", True)]


def run(action, tracker, dispatcher, domain):
    return asyncio.run(action.run(dispatcher, tracker, domain))


def test_danger_now_gets_112_guidance_and_the_urgent_payload(dispatcher, domain):
    events = run(ActionUrgent(), make_tracker("hij slaat me nu", intent="urgent_danger"), dispatcher, domain)
    assert events == FLAGS_ACUTE
    assert texts(dispatcher) == ["utter_urgent_acute", URGENT_ACUTE, "utter_urgent_queue"]
    guidance = domain["responses"]["utter_urgent_acute"][0]["text"]
    assert "112" in guidance and "0800 2000" in guidance


def test_suicide_gets_113_guidance(dispatcher, domain):
    events = run(ActionUrgent(), make_tracker("ik wil dood", intent="urgent_suicide"), dispatcher, domain)
    assert events == FLAGS_SUICIDE
    assert texts(dispatcher) == ["utter_urgent_suicide", URGENT_SUICIDE, "utter_urgent_queue"]
    guidance = domain["responses"]["utter_urgent_suicide"][0]["text"]
    assert "113" in guidance and "0800 0113" in guidance


def test_known_region_skips_the_queue_remark(dispatcher, domain):
    tracker = make_tracker("hij heeft een mes", intent="urgent_danger", slots={"region": "utrecht"})
    run(ActionUrgent(), tracker, dispatcher, domain)
    assert texts(dispatcher) == ["utter_urgent_acute", URGENT_ACUTE]


def test_phrase_net_catches_what_the_classifier_missed(dispatcher, domain):
    tracker = form_tracker("hij heeft een mes", "nickname", intent="inform")
    events = run(ActionCheckUrgentPhrases(), tracker, dispatcher, domain)
    assert events == FLAGS_ACUTE
    assert texts(dispatcher) == ["utter_urgent_acute", URGENT_ACUTE, "utter_urgent_queue"]


def test_phrase_net_stays_quiet_when_the_classifier_already_flagged_it(dispatcher, domain):
    tracker = make_tracker("hij heeft een mes", intent="urgent_danger")
    assert run(ActionCheckUrgentPhrases(), tracker, dispatcher, domain) == []
    assert texts(dispatcher) == []


def test_phrase_net_speaks_once_per_message(dispatcher, domain):
    tracker = make_tracker("hij heeft een mes", intent="inform", after_user=[
        {"event": "bot", "text": None, "data": {"custom": URGENT_ACUTE}},
    ])
    assert run(ActionCheckUrgentPhrases(), tracker, dispatcher, domain) == []


def test_past_violence_and_questions_are_not_urgent(dispatcher, domain):
    for text in ("vroeger had hij een mes", "wat moet ik doen als hij me slaat", "ik maak me zorgen om de buren"):
        assert run(ActionCheckUrgentPhrases(), make_tracker(text, intent="describe_situation"), dispatcher, domain) == []
    assert texts(dispatcher) == []


def test_buttons_are_never_urgent(dispatcher, domain):
    assert run(ActionCheckUrgentPhrases(), make_tracker("/skip", intent="skip"), dispatcher, domain) == []


def test_category_combines_intent_and_phrases():
    assert category_of("urgent_danger", "iets") == "acute"
    assert category_of("urgent_suicide", "iets") == "suicide"
    assert category_of("urgent_danger", "ik wil dood") == "suicide"
    assert category_of("inform", "ik wil dood") == "suicide"
    assert category_of("inform", "hij bedreigt me") == "acute"
    assert category_of("describe_situation", "vorig jaar bedreigde hij me") is None
