"""The intake form: what counts as an answer to each question, and what the assistant says back.

Extraction (`extract_<slot>`) reads the visitor's latest message only when it answers the question
that was asked; validation (`validate_<slot>`) decides whether the answer is usable.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import answers, payloads
from actions.payloads import SKIPPED
from actions.urgency import acknowledge, already_guided
from voordeur_content import personal_data, regions, triage

FORM_NAME = "intake_form"
DONT_KNOW = "?"  # region answer "weet ik niet", replaced by a question for the town
MAX_NICKNAME_WORDS = 3
MAX_NICKNAME_CHARS = 30
HANDOFF_SLOTS = ["nickname", "region"]

ABOUT_VALUES = {"self": "self", "other": "other"}
SITUATION_VALUES = {v: v for v in ("partner", "child", "elderly", "other")}
AGE_VALUES = {"under_18": "under_18", "18_plus": "18_plus"}


def _fresh_reply(tracker: Tracker) -> bool:
    """Whether nothing but the form itself ran since the visitor's latest message.

    After an interruption (a question answered by a rule) the form runs again on the same message;
    that message was no answer to the form's question.
    """
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "action" and event.get("name") != FORM_NAME:
            return False
    return False


def _answers_question(tracker: Tracker, slot: str) -> bool:
    """Whether the latest message is a fresh reply to the question for `slot`."""
    return (
        tracker.get_slot("requested_slot") == slot
        and _fresh_reply(tracker)
        and not answers.is_not_an_answer(tracker)
    )


def _tells_a_story(tracker: Tracker, text: str) -> bool:
    """A visitor telling what happens instead of answering: thank them, then ask again."""
    return answers.intent_of(tracker) == "describe_situation" and len(text.split()) > MAX_NICKNAME_WORDS


def _skipped(tracker: Tracker) -> bool:
    return answers.intent_of(tracker) == "skip"


class ValidateIntakeForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_intake_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        # A visitor who asks for a person, or who is in danger, answers only what a counsellor needs.
        if tracker.get_slot("handoff_requested"):
            return [slot for slot in domain_slots if slot in HANDOFF_SLOTS]
        return domain_slots

    # ---- nickname -------------------------------------------------------------------------------

    def extract_nickname(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        if not _answers_question(tracker, "nickname"):
            return {}
        if _skipped(tracker):
            return {"nickname": SKIPPED}
        text = answers.text_of(tracker)
        if answers.is_button_payload(text):
            return {"nickname": None}
        return {"nickname": text}

    def validate_nickname(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        if value == SKIPPED:
            return {"nickname": SKIPPED}
        text = str(value or "")
        if not text.strip():
            return {"nickname": None}
        if triage.assess(text):
            # The urgency check has already given guidance; this was no nickname.
            return {"nickname": None}
        if personal_data.find(text):
            dispatcher.utter_message(response="utter_nickname_personal")
            return {"nickname": None}
        if _tells_a_story(tracker, text):
            dispatcher.utter_message(response="utter_story_noted")
            return {"nickname": None}
        nickname = answers.clean_nickname(text)
        if not nickname:
            return {"nickname": None}
        if len(nickname.split()) > MAX_NICKNAME_WORDS or len(nickname) > MAX_NICKNAME_CHARS:
            # A sentence is the visitor telling or asking something, not a long name: answer that.
            said = "utter_story_noted" if answers.is_sentence(text) else "utter_nickname_too_long"
            dispatcher.utter_message(response=said)
            return {"nickname": None}
        dispatcher.utter_message(json_message=payloads.profile(nickname, payloads.answer(tracker, "region")))
        return {"nickname": nickname}

    # ---- region ---------------------------------------------------------------------------------

    def extract_region(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        if not _answers_question(tracker, "region"):
            return {}
        button = answers.entity_of(tracker, "region")
        if button:
            return {"region": button}
        text = answers.text_of(tracker)
        if answers.dont_know(answers.intent_of(tracker), text) or _skipped(tracker):
            return {"region": DONT_KNOW}
        if answers.is_button_payload(text):
            return {"region": None}
        return {"region": text}

    def validate_region(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        if value == DONT_KNOW:
            if tracker.get_slot("region_ask_town"):
                dispatcher.utter_message(response="utter_region_still_unknown")
                return {"region": None, "region_ask_town": False}
            return {"region": None, "region_ask_town": True}
        text = str(value or "")
        if _tells_a_story(tracker, text):
            dispatcher.utter_message(response="utter_story_noted")
            return {"region": None}
        region = regions.get_region(text)
        typed = region is None
        if region is None:
            region = regions.region_for_town(text)
        if region is None:
            if text and not triage.assess(text):
                dispatcher.utter_message(response="utter_town_unknown")
            return {"region": None}
        if typed:
            dispatcher.utter_message(response="utter_region_found", region_name=region.name)
        dispatcher.utter_message(json_message=payloads.profile(payloads.answer(tracker, "nickname"), region.id))
        return {"region": region.id, "region_ask_town": False}

    # ---- optional questions ---------------------------------------------------------------------

    def _extract_choice(self, tracker: Tracker, slot: str, allowed: Dict[str, str], parse) -> Dict[Text, Any]:
        if not _answers_question(tracker, slot):
            return {}
        if _skipped(tracker):
            return {slot: SKIPPED}
        button = answers.entity_value(tracker, slot, allowed)
        if button:
            return {slot: button}
        text = answers.text_of(tracker)
        parsed = None if answers.is_button_payload(text) else parse(text)
        return {slot: parsed or DONT_KNOW}

    def _validate_choice(self, slot: str, value: Any, allowed, dispatcher, tracker) -> Dict[Text, Any]:
        if value == SKIPPED or value in allowed:
            return {slot: value}
        if not triage.assess(answers.text_of(tracker)):
            dispatcher.utter_message(response="utter_choose_a_button")
        return {slot: None}

    def extract_about(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._extract_choice(tracker, "about", ABOUT_VALUES, answers.parse_about)

    def validate_about(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._validate_choice("about", value, ABOUT_VALUES, dispatcher, tracker)

    def extract_situation(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._extract_choice(tracker, "situation", SITUATION_VALUES, answers.parse_situation)

    def validate_situation(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._validate_choice("situation", value, SITUATION_VALUES, dispatcher, tracker)

    def extract_safe_now(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if not _answers_question(tracker, "safe_now"):
            return {}
        if _skipped(tracker):
            return {"safe_now": SKIPPED}
        parsed = answers.parse_yes_no(answers.intent_of(tracker), answers.text_of(tracker))
        return {"safe_now": parsed or DONT_KNOW}

    def validate_safe_now(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if value == "no":
            # Not safe: urgent guidance, and only the questions a counsellor needs before handoff.
            events: Dict[Text, Any] = {"safe_now": "no"}
            if not already_guided(tracker):
                for event in acknowledge(dispatcher, tracker, triage.Assessment("acute", "not_safe_now")):
                    events[event["name"]] = event["value"]
            events["handoff_requested"] = True
            return events
        return self._validate_choice("safe_now", value, {"yes": "yes"}, dispatcher, tracker)

    def extract_age_group(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._extract_choice(tracker, "age_group", AGE_VALUES, answers.parse_age_group)

    def validate_age_group(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if value == "under_18":
            dispatcher.utter_message(response="utter_kindertelefoon")
        return self._validate_choice("age_group", value, AGE_VALUES, dispatcher, tracker)


class ActionAskRegion(Action):
    """Asks for the region with a button per region; after "weet ik niet" it asks for the town."""

    def name(self) -> Text:
        return "action_ask_region"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        question = "utter_ask_town" if tracker.get_slot("region_ask_town") else "utter_ask_region"
        buttons = [
            {"title": region.short_name, "payload": f'/inform{{"region":"{region.id}"}}'}
            for region in regions.load_regions()
        ]
        buttons.append({"title": "Weet ik niet", "payload": "/dont_know"})
        dispatcher.utter_message(response=question, buttons=buttons)
        return []


def region_name(region_id: Optional[str]) -> str:
    region = regions.get_region(region_id) if region_id else None
    return region.name if region else "Veilig Thuis"
