"""A question asked again gets the short form of its answer.

Every answer to a question (`utter_faq_*` in the domain) has a second, short variant ("Zoals ik net
zei: ...") conditioned on the slot `faq_asked_before`. This module owns the rule that sets it: the
visitor's latest message asks a question (a faq_* intent) whose answer (utter_<intent>, the rules'
naming, which relay/bridge/waiting.py follows too) was given before in this session. The rules answer it
as always; Rasa picks the variant.
"""

from __future__ import annotations

from typing import List

from actions import answers
from actions.sdk import EventType, SlotSet, Tracker

FAQ_INTENT_PREFIX = "faq_"
ASKED_BEFORE_SLOT = "faq_asked_before"


def answer_to(intent: str) -> str:
    """The response that answers a question (data/rules/faq.yml)."""
    return f"utter_{intent}"


def answered_before(tracker: Tracker) -> bool:
    """Whether the latest message asks a question whose answer the bot gave earlier in this session
    (an answer not given, such as 1712 to a Dutch town misread as Belgium, does not count)."""
    intent = answers.intent_of(tracker)
    if not intent.startswith(FAQ_INTENT_PREFIX):
        return False
    return answers.said_this_session(tracker, answer_to(intent))


def asked_before_events(tracker: Tracker) -> List[EventType]:
    """The slot for the answer's variant, set only when it changes (most messages change nothing)."""
    repeat = answered_before(tracker)
    return [SlotSet(ASKED_BEFORE_SLOT, repeat)] if repeat != bool(tracker.get_slot(ASKED_BEFORE_SLOT)) else []
