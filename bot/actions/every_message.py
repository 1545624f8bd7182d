"""What the bot checks on every visitor message, before Rasa predicts an answer."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from actions import answers, faq, payloads, urgency, young
from actions.belgium import not_understood
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
        if urgency.answered_this_turn(tracker):
            return []
        if payloads.answer(tracker, "region") is None and answers.refuses(
            answers.intent_of(tracker), answers.text_of(tracker)
        ):
            # "ik zeg liever niet waar ik woon" after the way forward: accepted, not "not understood"
            dispatcher.utter_message(response="utter_no_without_region")
            return []
        dispatcher.utter_message(response=not_understood(tracker))
        return []


class ActionListenStory(Action):
    """A visitor tells what is going on outside the intake: thanked and asked whether they want a
    counsellor (utter_listen_story), unless that is settled. After the guidance for danger in this
    very turn, nothing more (it said a person comes); when a counsellor is already on the way (asked
    for, or the intake hands off), a short thanks without the question, which otherwise came right
    before "Ik zet je in de wachtrij" (set 32's review: a question not waited for)."""

    def name(self) -> Text:
        return "action_listen_story"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        if urgency.answered_this_turn(tracker):
            return []
        on_the_way = tracker.get_slot("handoff_requested") or tracker.get_slot("urgent")
        dispatcher.utter_message(response=answers.story_noted(tracker) if on_the_way else "utter_listen_story")
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
