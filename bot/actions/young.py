"""A child or teenager who says how old they are hears once, gently, that De Kindertelefoon is there
too (0800 0432): the chat stays open to them, and the choice is theirs."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from actions import answers
from actions.intake_history import REGION_WAY_FORWARD, REGION_WAY_FORWARD_OPEN, WITHOUT_KINDERTELEFOON
from actions.sdk import CollectingDispatcher, Tracker
from voordeur_content.young import says_they_are_grown_up, says_they_are_young

RESPONSE = "utter_young_kindertelefoon"
# Answers that already named De Kindertelefoon: said once is enough (the intake's age question, and the
# way forward that asks "ben je jonger dan 18?").
NAMED_IT = (
    RESPONSE,
    "utter_faq_young",
    "utter_faq_may_i_tell",
    "utter_kindertelefoon",
    REGION_WAY_FORWARD,
    REGION_WAY_FORWARD_OPEN,
)


def named_before(tracker: Tracker) -> bool:
    return any(answers.response_of(event) in NAMED_IT for event in tracker.events)


def said_they_are_young(tracker: Tracker) -> bool:
    """An age under 18 in any of the visitor's messages ("ik ben 15 en hij slaat mn moeder" may have
    had the 112 alert to itself: the next message hears of De Kindertelefoon)."""
    return any(
        event.get("event") == "user" and says_they_are_young(event.get("text") or "") for event in tracker.events
    )


def kindertelefoon_fits(tracker: Tracker) -> bool:
    """Whether a way forward should also name De Kindertelefoon: not when it was named before, nor to
    a visitor who answered "18 of ouder" or wrote of their partner, children or clients; always to one
    who said they are young."""
    if named_before(tracker):
        return False
    if said_they_are_young(tracker):
        return True
    if tracker.get_slot("age_group") == "18_plus":
        return False
    return not any(
        event.get("event") == "user" and says_they_are_grown_up(event.get("text") or "") for event in tracker.events
    )


def way_forward(response: str, tracker: Tracker) -> str:
    """The way forward `response` (utter_region_way_forward or _open), with or without De Kindertelefoon."""
    return response if kindertelefoon_fits(tracker) else WITHOUT_KINDERTELEFOON[response]


def mention_kindertelefoon(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    text = answers.text_of(tracker)
    if answers.is_button_payload(text) or named_before(tracker):
        return []
    # (An answer to the intake's own age question is answered there: validate_age_group.)
    if said_they_are_young(tracker):
        dispatcher.utter_message(response=RESPONSE)
    return []
