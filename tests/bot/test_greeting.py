import asyncio

from actions.every_message import language_events
from actions.greeting import ActionAnswerBelgium, ActionAnswerEnglish, ActionGreet, ActionInformAfterTheIntake

from tests.support.bot import make_tracker, texts

CLOSED = {
    "voordeur": {
        "any_open": False,
        "regions": {
            "utrecht": {"open": False, "next_open": "2026-11-30T09:00:00+01:00"},
            "twente": {"open": False, "next_open": "2026-12-01T09:00:00+01:00"},
        },
    }
}


def run(tracker, dispatcher, domain):
    return asyncio.run(ActionGreet().run(dispatcher, tracker, domain))


def test_greeting_says_it_is_a_bot_and_gives_the_house_rules(dispatcher, domain):
    events = run(make_tracker("/greet", intent="greet"), dispatcher, domain)
    assert events == []
    assert texts(dispatcher) == ["utter_greet", "utter_house_rules"]


def test_greeting_when_closed_says_when_the_chat_opens(dispatcher, domain):
    run(make_tracker("/greet", intent="greet", metadata=CLOSED), dispatcher, domain)
    assert texts(dispatcher) == ["utter_greet", "utter_house_rules", "utter_chat_closed_now"]
    assert dispatcher.messages[-1]["next_open"] == "maandag 30 november om 9:00"


def test_greeting_when_closed_without_an_opening_time(dispatcher, domain):
    metadata = {"voordeur": {"any_open": False, "regions": {}}}
    run(make_tracker("/greet", intent="greet", metadata=metadata), dispatcher, domain)
    assert texts(dispatcher) == ["utter_greet", "utter_house_rules", "utter_chat_closed_now_no_time"]


def test_greeting_when_open_says_nothing_about_hours(dispatcher, domain):
    metadata = {"voordeur": {"any_open": True, "regions": {"utrecht": {"open": True, "next_open": None}}}}
    run(make_tracker("/greet", intent="greet", metadata=metadata), dispatcher, domain)
    assert texts(dispatcher) == ["utter_greet", "utter_house_rules"]


def test_greeting_responses_name_the_house_rules(domain):
    rules = domain["responses"]["utter_house_rules"][0]["text"]
    for needed in (
        "huiselijk geweld",
        "kindermishandeling",
        "melding",
        "anoniem",
        "9:00",
        "17:00",
        "112",
        "blijft open",
    ):
        assert needed in rules
    assert "assistent" in domain["responses"]["utter_greet"][0]["text"]
    assert "medewerker" in domain["responses"]["utter_greet"][0]["text"]


def test_the_belgian_line_only_for_belgium(dispatcher, domain):
    asyncio.run(ActionAnswerBelgium().run(dispatcher, make_tracker("ik woon in gent", intent="faq_belgium"), domain))
    asyncio.run(ActionAnswerBelgium().run(dispatcher, make_tracker("ik woon in xyzdorp", intent="faq_belgium"), domain))
    assert texts(dispatcher) == ["utter_faq_belgium", "utter_town_unknown"]


def test_a_dutch_place_read_as_belgium_goes_to_the_intake_as_the_region(dispatcher, domain):
    tracker = make_tracker("nee niet belgie, hasselt bij zwolle", intent="faq_belgium", slots={"region": "skipped"})
    events = asyncio.run(ActionAnswerBelgium().run(dispatcher, tracker, domain))
    assert texts(dispatcher) == []  # no 1712 for a visitor who just said they do not live in Belgium
    assert {"event": "slot", "timestamp": None, "name": "region", "value": None} in events
    assert any(e.get("event") == "followup" and e.get("name") == "intake_form" for e in events)


def test_a_belgian_town_after_the_intake_gets_the_belgian_line_then_briefly(dispatcher, domain):
    said_before = {"event": "bot", "text": "Woon je in België?", "metadata": {"utter_action": "utter_faq_belgium"}}

    def run(tracker):
        asyncio.run(ActionInformAfterTheIntake().run(dispatcher, tracker, domain))

    run(make_tracker("sint-niklaas", intent="inform"))
    tracker = make_tracker("sint-niklaas", intent="inform")
    tracker.events.insert(0, said_before)
    run(tracker)
    run(make_tracker("tja weet niet", intent="inform"))
    assert texts(dispatcher) == ["utter_faq_belgium", "utter_belgium_again", "utter_default"]
    assert "1712" in domain["responses"]["utter_belgium_again"][-1]["text"]


def test_a_first_name_after_the_intake_becomes_the_nickname(dispatcher, domain):
    # Set 23: "Dewi" after the region was let go got "Sorry, dat begrijp ik niet goed".
    tracker = make_tracker("Dewi", intent="inform", slots={"nickname": "skipped", "region": "skipped"})
    events = asyncio.run(ActionInformAfterTheIntake().run(dispatcher, tracker, domain))
    assert events == [{"event": "slot", "timestamp": None, "name": "nickname", "value": "Dewi"}]
    assert texts(dispatcher)[0] == "utter_nickname_late"


def answer_english(tracker, dispatcher, domain):
    return asyncio.run(ActionAnswerEnglish().run(dispatcher, tracker, domain))


def test_english_gets_the_house_rules_in_english(dispatcher, domain):
    answer_english(make_tracker("Hi, I hope it's ok to write in English", intent="faq_english"), dispatcher, domain)
    assert texts(dispatcher) == ["utter_faq_english"]


def test_a_dutch_message_the_model_read_as_english_is_left_to_the_intake(dispatcher, domain):
    """Set 14: "ik woon in amersfoort nee hilversum sorry ben echt moe" went on in English."""
    text = "ik woon in amersfoort nee hilversum sorry ben echt moe"
    tracker = make_tracker(text, intent="faq_english", active_loop="intake_form")
    assert answer_english(tracker, dispatcher, domain) == []
    assert texts(dispatcher) == []  # the intake reads the town next, in Dutch
    assert language_events(make_tracker(text, intent="faq_english")) == []


def test_the_language_follows_what_the_visitor_writes():
    assert language_events(make_tracker("can I talk to someone in English?")) == [
        {"event": "slot", "timestamp": None, "name": "language", "value": "en"}
    ]
    assert language_events(make_tracker("spreken jullie engels?")) == [
        {"event": "slot", "timestamp": None, "name": "language", "value": "en"}
    ]
    back = make_tracker("ik woon toch in nederland hoor", slots={"language": "en"})
    assert language_events(back) == [{"event": "slot", "timestamp": None, "name": "language", "value": None}]
    assert language_events(make_tracker("Utrecht", slots={"language": "en"})) == []


def test_a_greeting_later_in_the_session_gets_no_second_welcome(dispatcher, domain):
    # Set 38: "ben je er nog?" after the town was declined brought the whole welcome again.
    tracker = make_tracker("ben je er nog?")
    tracker.events.insert(0, {"event": "bot", "text": "Hoi, welkom", "metadata": {"utter_action": "utter_greet"}})
    asyncio.run(ActionGreet().run(dispatcher, tracker, domain))
    assert texts(dispatcher) == ["utter_still_here"]
