"""A child or teenager who says how old they are hears once, gently, that De Kindertelefoon is there
too (0800 0432): the chat stays open to them, and the choice is theirs."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from actions import answers
from actions.sdk import CollectingDispatcher, Tracker
from voordeur_content._files import normalize

RESPONSE = "utter_young_kindertelefoon"
# Answers that already named De Kindertelefoon: said once is enough.
NAMED_IT = (RESPONSE, "utter_faq_young", "utter_kindertelefoon")  # the last: the intake's age question
YOUNGEST, ADULT = 6, 18

# "ik ben 12", "ik ben pas 11", "im 14": the visitor's own age. Not "ik ben 16 jaar getrouwd", "ik ben 13
# weken zwanger", and never someone else's age ("mijn dochter is 12").
_OWN_AGE = re.compile(
    r"\b(?:ik ben|ben ik|i am|im)\s+(?:pas\s+|nog\s+(?:maar\s+)?|net\s+|bijna\s+|[a-z]+\s+)?(\d{1,2})\b"
    r"(?!\s*(?:weken|maanden|dagen|keer|uur|minuten|kinderen|jaar\s+(?:getrouwd|samen|bij|met|weg|geleden)))"
)
_AT_SCHOOL = re.compile(
    r"\b(?:ik zit in groep [3-8]|ik zit op de basisschool|ik zit in de brugklas|ik zit in de [1-3]e)\b"
)


def says_they_are_young(text: str) -> bool:
    words = normalize(text)
    own = _OWN_AGE.search(words)
    if own and YOUNGEST <= int(own.group(1)) < ADULT:
        return True
    return bool(_AT_SCHOOL.search(words))


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
    if said_they_are_young(tracker):  # an answer to the intake's age question: validate_age_group
        dispatcher.utter_message(response=RESPONSE)
    return []
