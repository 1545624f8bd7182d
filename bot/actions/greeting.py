"""The greeting: who is talking, the house rules, and whether a counsellor is there now."""

from __future__ import annotations

from typing import Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import schedule


class ActionGreet(Action):
    def name(self) -> Text:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        dispatcher.utter_message(response="utter_greet")
        dispatcher.utter_message(response="utter_house_rules")
        if not schedule.is_open(tracker):
            opens = schedule.next_open(tracker)
            if opens:
                dispatcher.utter_message(response="utter_chat_closed_now", next_open=schedule.dutch_moment(opens))
            else:
                dispatcher.utter_message(response="utter_chat_closed_now_no_time")
        return []


class ActionAnswerEnglish(Action):
    """A visitor who writes English gets the house rules and numbers in English once; later English
    messages are acknowledged briefly (the intake's questions follow in English: domain responses
    with a condition on the slot `language`)."""

    def name(self) -> Text:
        return "action_answer_english"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        told = any((event.get("metadata") or {}).get("utter_action") == "utter_faq_english"
                   for event in tracker.events if event.get("event") == "bot")
        dispatcher.utter_message(response="utter_english_noted" if told else "utter_faq_english")
        return []
