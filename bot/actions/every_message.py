"""What the bot checks on every visitor message, before Rasa predicts an answer."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from actions import answers, faq, urgency, young
from actions.sdk import Action, CollectingDispatcher, DomainDict, EventType, SlotSet, Tracker
from voordeur_content import language


class ActionEveryMessage(Action):
    """Rasa runs `action_validate_slot_mappings` after every visitor message (the global slot
    validation hook): danger in the message, whether its question was asked before, a young
    visitor's age (De Kindertelefoon, once), and the language they write."""

    def name(self) -> Text:
        return "action_validate_slot_mappings"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        events = faq.asked_before_events(tracker)
        danger = urgency.check_phrases(dispatcher, tracker)
        if urgency.assessment_of(tracker).level != "urgent":  # 112 or 113 stays the one thing to read now
            events += young.mention_kindertelefoon(dispatcher, tracker)
        return events + danger + language_events(tracker)


def language_events(tracker: Tracker) -> List[EventType]:
    """The slot `language`: "en" from a message in English (or asking for English), back to Dutch
    from a message in plain Dutch; buttons and names change nothing."""
    text = answers.text_of(tracker)
    current = tracker.get_slot("language")
    if answers.is_button_payload(text):
        return []
    if current != "en" and language.wants_english(text):
        return [SlotSet("language", "en")]
    if current == "en" and language.writes_dutch(text):
        return [SlotSet("language", None)]
    return []
