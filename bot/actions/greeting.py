"""The greeting: who is talking, the house rules, and whether a counsellor is there now."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from actions import answers, faq, schedule
from actions.belgium import answered_as_belgian, names_belgium, not_understood
from actions.intake import late_name
from actions.payloads import SKIPPED
from actions.sdk import Action, CollectingDispatcher, DomainDict, FollowupAction, SlotSet, Tracker
from voordeur_content import language, places


class ActionGreet(Action):
    def name(self) -> Text:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        if answers.said_this_session(tracker, "utter_greet"):
            # "ben je er nog?" or "hallo?" later on: no second welcome with the house rules (set 38:
            # a girl of 15 who is hit read the whole welcome again after she declined her town).
            dispatcher.utter_message(response="utter_still_here")
            return []
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

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        if not language.wants_english(answers.text_of(tracker)):
            # The model read a Dutch message as English ("ik woon in amersfoort nee hilversum sorry
            # ben echt moe"): the intake reads it for what it is next; outside it, it was not understood.
            if not tracker.active_loop_name:
                dispatcher.utter_message(response=not_understood(tracker))
            return []
        told = faq.answered_before(tracker)  # the same rule as every other question asked again
        dispatcher.utter_message(response="utter_english_noted" if told else "utter_faq_english")
        return []


class ActionAnswerBelgium(Action):
    """The intent classifier reads "ik woon in <a place it does not know>" as a question about
    Belgium; the 1712 answer is given only when the message names Belgium or a Belgian place."""

    def name(self) -> Text:
        return "action_answer_belgium"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        text = answers.text_of(tracker)
        place = places.place_answer(text)
        if place.kind is places.PlaceKind.REGION:
            # "nee niet belgie, hasselt bij zwolle": a Dutch place after all. The intake takes it as the
            # region (also after an earlier Belgian answer let the region go) and hands over.
            return [SlotSet("region", None), FollowupAction("intake_form")]
        dispatcher.utter_message(response="utter_faq_belgium" if names_belgium(text) else "utter_town_unknown")
        return []


class ActionInformAfterTheIntake(Action):
    """A town or a name typed when the bot has nothing left to ask. A Dutch town never comes here when
    the intake ended without a region (the relay queues on it); a Belgian one gets the Belgian answer
    (once in full, then briefly); a first name when none was given becomes the nickname; anything
    else gets the honest "I did not understand"."""

    def name(self) -> Text:
        return "action_inform_after_the_intake"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        text = answers.text_of(tracker)
        if names_belgium(text):
            told = answered_as_belgian(tracker)  # the full answer came before: now briefly
            dispatcher.utter_message(response="utter_belgium_again" if told else "utter_faq_belgium")
        elif tracker.get_slot("nickname") in (None, SKIPPED) and answers.is_first_name(text):
            # "Dewi" after the intake let the name go (an alert, a story): the name, thanked for.
            return [SlotSet("nickname", late_name(text, dispatcher, tracker))]
        else:
            dispatcher.utter_message(response=not_understood(tracker))
        return []
