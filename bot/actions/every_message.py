"""What the bot checks on every visitor message, before Rasa predicts an answer."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from actions import faq, urgency
from actions.sdk import Action, CollectingDispatcher, DomainDict, Tracker


class ActionEveryMessage(Action):
    """Rasa runs `action_validate_slot_mappings` after every visitor message (the global slot
    validation hook): danger in the message, and whether its question was asked before."""

    def name(self) -> Text:
        return "action_validate_slot_mappings"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        return faq.asked_before_events(tracker) + urgency.check_phrases(dispatcher, tracker)
