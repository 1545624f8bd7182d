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


class ActionNotUnderstood(Action):
    """A message the model did not understand gets the honest "Sorry, dat begrijp ik niet goed" and
    the way to a person, unless danger in it was answered in this very turn: the guidance already
    said that it is serious and that a person comes, and a "not understood" after it reads as cold
    (conversation set 29: "mn man dreigt dat hij de kinderen meeneemt als ik weg ga")."""

    def name(self) -> Text:
        return "action_not_understood"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        if not urgency.answered_this_turn(tracker):
            dispatcher.utter_message(response="utter_default")
        return []


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
