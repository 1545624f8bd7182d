"""A young visitor who says their age hears once that De Kindertelefoon is there too."""

import asyncio

import pytest
from actions.every_message import ActionEveryMessage
from actions.young import says_they_are_young

from tests.support.bot import form_tracker, make_tracker, texts


def run(tracker, dispatcher, domain):
    return asyncio.run(ActionEveryMessage().run(dispatcher, tracker, domain))


@pytest.mark.parametrize(
    "text",
    [
        "hoi ik ben 12",
        "ik ben pas 11 en mn vader schreeuwt",
        "hoi ik bn 13",  # set 33: chat spelling of "ben"
        "im 14",
        "ik zit in groep 7",
        "IK BEN 15",
        "hoi ik ben Noa 14",
        "13",
        "14 jaar",
        "ben 15",  # set 18: chat drops the "ik"
        "k ben 13",
        "ik woon in zwijndrecht en ben 14",  # set 22: the age after the town
        "ben 16. mijn ouders maken elke avond ruzie",  # set 27: at the start of a longer message
        "ben 15, mijn oom doet dingen met mij die ik niet wil",
    ],
)
def test_a_stated_young_age_is_recognised(text):
    assert says_they_are_young(text)


@pytest.mark.parametrize(
    "text",
    [
        "ik ben 16 jaar getrouwd",
        "mijn dochter is 12",
        "ik ben 13 weken zwanger",
        "ik ben 34",
        "ik ben 18",
        "hallo",
        "ben 30",
        "we wonen in gouda en ben 14 jaar samen",
        "ben 20 minuten weg geweest",
        "ben 10 jaar getrouwd en hij slaat me",
    ],
)
def test_other_numbers_and_other_peoples_ages_are_not(text):
    assert not says_they_are_young(text)


def test_a_child_hears_of_de_kindertelefoon_once(dispatcher, domain):
    run(make_tracker("hoi ik ben 12", intent="greet"), dispatcher, domain)
    assert texts(dispatcher) == ["utter_young_kindertelefoon"]
    assert "0800 0432" in domain["responses"]["utter_young_kindertelefoon"][-1]["text"]
    again = make_tracker(
        "ik ben 12 en ik ben bang",
        intent="inform",
        after_user=[],
    )
    again.events.insert(0, {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_young_kindertelefoon"}})
    second = type(dispatcher)()
    run(again, second, domain)
    assert "utter_young_kindertelefoon" not in texts(second)


def test_the_age_question_does_not_name_it_a_second_time(dispatcher, domain):
    from actions.intake import ValidateIntakeForm

    tracker = form_tracker("12", "age_group")
    named = {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_young_kindertelefoon"}}
    tracker.events.insert(0, named)
    ValidateIntakeForm().validate_age_group("under_18", dispatcher, tracker, domain)
    assert "utter_kindertelefoon" not in texts(dispatcher)


def test_danger_now_comes_first_and_alone_and_de_kindertelefoon_next(dispatcher, domain):
    tracker = make_tracker("ik ben 12 en papa slaat mama nu", intent="inform")
    run(tracker, dispatcher, domain)
    assert "utter_young_kindertelefoon" not in texts(dispatcher)
    assert "utter_urgent_acute" in texts(dispatcher)
    later = make_tracker("wat moet ik doen", intent="inform", slots={"urgent_category": "acute"})
    later.events[:0] = [{"event": "user", "text": "ik ben 12 en papa slaat mama nu"}]
    second = type(dispatcher)()
    run(later, second, domain)
    assert texts(second) == ["utter_young_kindertelefoon"]
