"""A child or teenager who says how old they are hears once, gently, that De Kindertelefoon is there
too (0800 0432): the chat stays open to them, and the choice is theirs."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from actions import answers
from actions.sdk import CollectingDispatcher, Tracker
from voordeur_content.young import says_they_are_young

RESPONSE = "utter_young_kindertelefoon"
# Answers that already named De Kindertelefoon: said once is enough (the last: the intake's age question).
NAMED_IT = (RESPONSE, "utter_faq_young", "utter_faq_may_i_tell", "utter_kindertelefoon")


def named_before(tracker: Tracker) -> bool:
    return any(answers.response_of(event) in NAMED_IT for event in tracker.events)


def said_they_are_young(tracker: Tracker) -> bool:
    """An age under 18 in any of the visitor's messages ("ik ben 15 en hij slaat mn moeder" may have
    had the 112 alert to itself: the next message hears of De Kindertelefoon)."""
    return any(
        event.get("event") == "user" and says_they_are_young(event.get("text") or "") for event in tracker.events
    )


def mention_kindertelefoon(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    text = answers.text_of(tracker)
    if answers.is_button_payload(text) or named_before(tracker):
        return []
    # (An answer to the intake's own age question is answered there: validate_age_group.)
    if said_they_are_young(tracker):
        dispatcher.utter_message(response=RESPONSE)
    return []
