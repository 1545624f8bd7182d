"""Urgent language at any moment: guidance with the right phone numbers, and an urgent flag.

Two ways in, never both for one message:
- the classifier's urgent_* intents, answered by `action_urgent` through the rules;
- the editors' phrase file (voordeur_content.urgency), checked for every message by
  `action_validate_slot_mappings`, which Rasa runs after each visitor message. It speaks only
  when the classifier missed it, so the visitor gets the guidance once.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import answers, payloads
from voordeur_content import urgency

URGENT_INTENT_PREFIX = "urgent_"
GUIDANCE = {"acute": "utter_urgent_acute", "suicide": "utter_urgent_suicide"}


def category_of(intent: str, text: str) -> Optional[str]:
    """"suicide", "acute" or None for a message, from the intent and the phrase file combined.

    This is exactly what the bot uses; the urgency evaluation (bot/eval/) calls it too.
    """
    found = None if answers.is_button_payload(text) else urgency.detect(text)
    if intent == "urgent_suicide" or (found and found.category == "suicide"):
        return "suicide"
    if intent.startswith(URGENT_INTENT_PREFIX) or found:
        return "acute"
    return None


def give_guidance(dispatcher: CollectingDispatcher, tracker: Tracker, category: str) -> List[Dict[Text, Any]]:
    dispatcher.utter_message(response=GUIDANCE[category])
    dispatcher.utter_message(json_message=payloads.urgent(category))
    if not tracker.get_slot("region"):
        dispatcher.utter_message(response="utter_urgent_queue")
    return [
        SlotSet("urgent", True),
        SlotSet("urgent_category", category),
        SlotSet("handoff_requested", True),
    ]


class ActionUrgent(Action):
    """Predicted by the rules for urgent_danger and urgent_suicide."""

    def name(self) -> Text:
        return "action_urgent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        category = category_of(answers.intent_of(tracker), answers.text_of(tracker)) or "acute"
        return give_guidance(dispatcher, tracker, category)


def already_guided(tracker: Tracker) -> bool:
    """Whether the visitor's latest message already got urgent guidance."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        custom = ((event.get("data") or {}).get("custom") or {}) if event.get("event") == "bot" else {}
        if (custom.get("voordeur") or {}).get("type") == "urgent":
            return True
    return False


class ActionCheckUrgentPhrases(Action):
    """Rasa runs this after every visitor message (the global slot validation hook)."""

    def name(self) -> Text:
        return "action_validate_slot_mappings"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        intent = answers.intent_of(tracker)
        if intent.startswith(URGENT_INTENT_PREFIX) or already_guided(tracker):
            return []
        category = category_of(intent, answers.text_of(tracker))
        if category is None:
            return []
        return give_guidance(dispatcher, tracker, category)
