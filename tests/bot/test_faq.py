"""A question asked again gets the short form of its answer, asked once the full answer."""

import asyncio

import pytest
from actions.every_message import ActionEveryMessage

from tests.support.bot import BOT_DIR, make_tracker


def slot(name, value):
    return {"event": "slot", "timestamp": None, "name": name, "value": value}


def asked(intent, text="?"):
    return [
        {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": 0.9}}},
        {"event": "bot", "text": "...", "metadata": {"utter_action": f"utter_{intent}"}},
    ]


def every_message(tracker, dispatcher, domain):
    return asyncio.run(ActionEveryMessage().run(dispatcher, tracker, domain))


@pytest.fixture(scope="module")
def nlg_domain():
    from rasa.shared.core.domain import Domain

    return Domain.load(str(BOT_DIR / "domain"))


def answer_text(nlg_domain, response, events):
    """The text Rasa gives for `response` after the hook's slot events, as a visitor would read it."""
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.events import SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker.from_events(
        "test", [SlotSet(e["name"], e["value"]) for e in events], slots=nlg_domain.slots
    )
    generated = asyncio.run(TemplatedNaturalLanguageGenerator(nlg_domain.responses).generate(response, tracker, "rest"))
    return generated["text"]


def test_a_question_asked_once_gets_the_full_answer(dispatcher, domain, nlg_domain):
    events = every_message(make_tracker("is dit anoniem?", intent="faq_anonymous"), dispatcher, domain)
    assert events == []
    full = answer_text(nlg_domain, "utter_faq_anonymous", events)
    assert full.startswith("Ja, je chat hier anoniem.") and "gewist" in full


def test_the_same_question_asked_again_gets_the_short_form(dispatcher, domain, nlg_domain):
    tracker = make_tracker("blijf ik echt anoniem?", intent="faq_anonymous")
    tracker.events[:0] = asked("faq_anonymous", "is dit anoniem?") + asked("faq_hours")
    events = every_message(tracker, dispatcher, domain)
    assert events == [slot("faq_asked_before", True)]
    short = answer_text(nlg_domain, "utter_faq_anonymous", events)
    assert short == "Zoals ik net zei: ja, je chat hier anoniem. Je hoeft niets over jezelf te vertellen."


def test_another_question_after_a_repeated_one_gets_its_full_answer(dispatcher, domain, nlg_domain):
    tracker = make_tracker("kan ik ook bellen?", intent="faq_call_instead", slots={"faq_asked_before": True})
    tracker.events[:0] = asked("faq_anonymous") + asked("faq_anonymous")
    events = every_message(tracker, dispatcher, domain)
    assert events == [slot("faq_asked_before", False)]
    assert answer_text(nlg_domain, "utter_faq_call_instead", events).startswith("Ja, dat kan altijd.")


def test_a_question_from_an_earlier_session_is_answered_in_full(dispatcher, domain):
    tracker = make_tracker("is dit anoniem?", intent="faq_anonymous")
    tracker.events[:0] = asked("faq_anonymous") + [{"event": "session_started"}]
    assert every_message(tracker, dispatcher, domain) == []


def test_a_repeated_message_that_is_no_question_changes_nothing(dispatcher, domain):
    tracker = make_tracker("Zwolle", intent="inform")
    tracker.events[:0] = asked("inform", "Zwolle")
    assert every_message(tracker, dispatcher, domain) == []


def test_a_question_whose_answer_was_not_given_is_answered_in_full_next_time(dispatcher, domain):
    # "ik woon in gorkum" read as a question about Belgium got utter_town_unknown, not the 1712 answer.
    tracker = make_tracker("ik woon in antwerpen", intent="faq_belgium")
    tracker.events[:0] = [
        asked("faq_belgium", "ik woon in gorkum")[0],
        {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_town_unknown"}},
    ]
    assert every_message(tracker, dispatcher, domain) == []
