"""What the bot checks on every visitor message, before Rasa predicts an answer."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from actions import faq, urgency, young
from actions.sdk import Action, CollectingDispatcher, DomainDict, Tracker


class ActionEveryMessage(Action):
    """Rasa runs `action_validate_slot_mappings` after every visitor message (the global slot
    validation hook): danger in the message, whether its question was asked before, and a young
    visitor's age (De Kindertelefoon, once)."""

    def name(self) -> Text:
        return "action_validate_slot_mappings"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        events = faq.asked_before_events(tracker)
        danger = urgency.check_phrases(dispatcher, tracker)
        if urgency.assessment_of(tracker).level != "urgent":  # 112 or 113 stays the one thing to read now
            events += young.mention_kindertelefoon(dispatcher, tracker)
        return events + danger
