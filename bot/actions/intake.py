"""The intake form: what counts as an answer to each question, and what the assistant says back.

Extraction (`extract_<slot>`) reads the visitor's latest message only when it answers the question
that was asked; validation (`validate_<slot>`) decides whether the answer is usable.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Text

from actions import answers, payloads, young
from actions.intake_history import (
    ASK_REGION,
    ASK_REGION_AFTER_WAY_FORWARD,
    ASK_REGION_IN_PROVINCE,
    ASK_TOWN,
    REGION_WAY_FORWARD,
    REGION_WAY_FORWARD_OPEN,
    WAYS_FORWARD,
    answers_question,
    asked_enough,
    fresh_reply,
    let_go,
    names_a_place,
    place_told,
    times_asked,
    told_their_story,
)
from actions.payloads import SKIPPED
from actions.sdk import (
    Action,
    CollectingDispatcher,
    DomainDict,
    FormValidationAction,
    Tracker,
)
from actions.urgency import acknowledge, already_guided, answer_again, first_free_fits, note_story
from voordeur_content import personal_data, place_corrections, places, regions, triage

DONT_KNOW = "?"  # region answer "weet ik niet", replaced by a question for the town
REFUSED = "-"  # "nee", "dat zeg ik liever niet": answered kindly, never taken as a name or a town
NAME_REFUSED = "-naam"  # "nee geen naam" where the region was asked: the name is declined, not the region
GIVEN_UP = "~"  # asked twice without an answer: the slot is skipped (the region with a way forward)
MAX_NICKNAME_WORDS = 3
MAX_NICKNAME_CHARS = 30
HANDOFF_SLOTS = ["nickname", "region"]

ABOUT_VALUES = {"self": "self", "other": "other"}
SITUATION_VALUES = {v: v for v in ("partner", "child", "elderly", "other")}
AGE_VALUES = {"under_18": "under_18", "18_plus": "18_plus"}


def late_name(text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> str:
    """A name typed at a later question: thanked for, sent to the relay with the profile, returned."""
    nickname = answers.clean_nickname(text)
    dispatcher.utter_message(response="utter_nickname_late", nickname=nickname)
    dispatcher.utter_message(json_message=payloads.profile(nickname, payloads.answer(tracker, "region")))
    return nickname


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
        # In danger now or thinking of suicide: only the place, which the queue needs (a nickname is a
        # step too many then; set 32's review). A name given already is kept.
        if tracker.get_slot("urgent") and not tracker.get_slot("nickname"):
            return [slot for slot in domain_slots if slot == "region"]
        # A visitor who asks for a person, or who is in danger, answers only what a counsellor needs.
        if tracker.get_slot("handoff_requested") or told_their_story(tracker):
            return [slot for slot in domain_slots if slot in HANDOFF_SLOTS]
        return domain_slots

    # ---- nickname -------------------------------------------------------------------------------

    def extract_nickname(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = answers.text_of(tracker)
        if tracker.get_slot("requested_slot") == "nickname" and (
            names_a_place(text) or place_corrections.corrected_place(text, tracker.get_slot("region"))
        ):
            # A town typed where a name was asked, whatever the model read in it and whatever answered
            # it first: the visitor chose what to answer. extract_region takes the town, and the name
            # (optional) is not asked again.
            return {"nickname": SKIPPED}
        if not answers_question(tracker, "nickname"):
            return {"nickname": SKIPPED} if let_go(tracker, "nickname") else {}
        if _skipped(tracker):
            return {"nickname": SKIPPED}
        if answers.is_button_payload(text):
            return {"nickname": None}
        if answers.refuses_the_place(answers.intent_of(tracker), text):
            return {"nickname": SKIPPED}  # "ik wil niet zeggen waar": the place is declined (extract_region)
        if answers.refuses(answers.intent_of(tracker), text):
            return {"nickname": REFUSED}
        return {"nickname": text}

    def validate_nickname(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        checked = self._check_nickname(value, dispatcher, tracker)
        if checked.get("nickname") is None and asked_enough(tracker, "nickname"):
            return {"nickname": SKIPPED}  # asked twice: the intake goes on without a name
        return checked

    def _check_nickname(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        if value == SKIPPED:
            return {"nickname": SKIPPED}
        if value == REFUSED:
            dispatcher.utter_message(response="utter_nickname_not_needed")
            return {"nickname": SKIPPED}
        text = str(value or "")
        if not text.strip():
            return {"nickname": None}
        told = triage.assess(text)
        if told:
            # Danger told where a name was asked: the guidance came (urgency.check_phrases), or it came
            # before and this message gets its own short word. No name is asked for after it.
            answer_again(dispatcher, tracker, told)
            return {"nickname": SKIPPED}
        if personal_data.find(text):
            dispatcher.utter_message(response="utter_nickname_personal")
            return {"nickname": None}
        # A visitor who tells what is going on where a name was asked is thanked, and the name
        # (optional) is not asked again: asking for it after a disclosure reads as not listening.
        if _tells_a_story(tracker, text):
            note_story(dispatcher, tracker)
            return {"nickname": SKIPPED}
        nickname = answers.clean_nickname(text)
        if not nickname:
            return {"nickname": None}
        if answers.says_how_they_are(text, nickname) or nickname.isdigit():  # "ik ben bang", "ik ben 13": not a name
            note_story(dispatcher, tracker)
            return {"nickname": SKIPPED}
        if len(nickname.split()) > MAX_NICKNAME_WORDS or len(nickname) > MAX_NICKNAME_CHARS:
            if answers.is_sentence(text):  # the visitor telling something, not a long name
                note_story(dispatcher, tracker)
                return {"nickname": SKIPPED}
            dispatcher.utter_message(response="utter_nickname_too_long")
            return {"nickname": None}
        dispatcher.utter_message(json_message=payloads.profile(nickname, payloads.answer(tracker, "region")))
        return {"nickname": nickname}

    # ---- region ---------------------------------------------------------------------------------

    def extract_region(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = answers.text_of(tracker)
        if answers_question(tracker, "nickname") and answers.refuses_the_place(answers.intent_of(tracker), text):
            # Set 32: "ik wil niet zeggen waar" where the name was asked declines the place, and is
            # answered as that (not with the place question as if nothing was said).
            return {"region": REFUSED}
        if not answers_question(tracker, "region"):
            # A town named at any moment (a greeting, a story, the nickname question) answers this
            # question before it is asked; a town given to correct the one before replaces it.
            current = tracker.get_slot("region")
            told = None if current else place_told(tracker)
            if current and fresh_reply(tracker) and not answers.is_button_payload(text):
                corrected = place_corrections.corrected_place(text, current, place_told(tracker, include_latest=False))
                told = corrected.name if corrected else None  # the town: validate_region says where it goes
            if told:
                return {"region": told}
            return {"region": GIVEN_UP} if let_go(tracker, "region") else {}
        if not answers.is_button_payload(text) and places.place_answer(text).kind is places.PlaceKind.UNKNOWN:
            earlier = place_told(tracker, include_latest=False)
            if earlier and times_asked(tracker, "region") <= 1:
                return {"region": earlier}  # the town was told before the question came
        button = answers.entity_of(tracker, "region")
        if button:
            return {"region": button}
        text = answers.text_of(tracker)
        if not answers.is_button_payload(text) and places.place_answer(text).kind is not places.PlaceKind.UNKNOWN:
            return {"region": text}  # a place answers, whatever intent the model saw ("kortenhoef" as skip)
        if answers.refuses_the_name(answers.intent_of(tracker), text):
            return {"region": NAME_REFUSED}
        if answers.refuses(answers.intent_of(tracker), text):
            return {"region": REFUSED}
        if answers.dont_know(answers.intent_of(tracker), text) or _skipped(tracker):
            return {"region": DONT_KNOW}
        if answers.is_button_payload(text):
            return {"region": None}
        return {"region": text}

    def validate_region(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value == SKIPPED:
            # Settled before (the way forward, Belgium). Rasa validates a filled slot again when the
            # form starts again (after an alert): that is no answer to check, and no third question.
            return {"region": SKIPPED}
        let_go = asked_enough(tracker, "region")
        checked = self._check_region(value, dispatcher, tracker, let_go)
        if checked.get("region") is None and let_go:
            # No third question (a story or a question in between counts too). The way forward:
            # 0800 2000, or a town typed later (the relay still queues on it).
            # "Dat is goed, ik vraag er niet meer naar" only to a visitor who declined; one who told
            # their story or named a place unknown here hears that a town is still welcome.
            if not first_free_fits(tracker):  # in danger: the first free counsellor instead (action_handoff)
                way = REGION_WAY_FORWARD if value == REFUSED else REGION_WAY_FORWARD_OPEN
                dispatcher.utter_message(response=young.way_forward(way, tracker))
            return {**checked, "region": SKIPPED, "region_ask_town": False, "handoff_requested": True}
        return checked

    def _check_region(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, let_go: bool
    ) -> Dict[Text, Any]:
        """The region this answer gives, or None and what to say before the question comes again
        (nothing that leads to a new question when it will not come again: `let_go`)."""
        if value == NAME_REFUSED:
            # An answer to the name question, late: no name then, and the region is not refused.
            dispatcher.utter_message(response="utter_nickname_not_needed")
            return {"region": None, "nickname": tracker.get_slot("nickname") or SKIPPED}
        if value in (DONT_KNOW, REFUSED, GIVEN_UP):
            if value == REFUSED:
                if not let_go:
                    dispatcher.utter_message(response="utter_region_refused")
                return {"region": None}
            return {"region": None, "region_ask_town": True}
        text = str(value or "")
        region = regions.get_region(text)
        typed = region is None
        place = places.place_answer(text) if region is None else None
        if region is None and tracker.get_slot("nickname") in (None, SKIPPED) and answers.names_themselves(text):
            # "ok noem me maar buurvrouw" at the place question is the name, not a story (set 41).
            return {"region": None, "nickname": late_name(text, dispatcher, tracker)}
        if _tells_a_story(tracker, text) and (place is None or place.kind is places.PlaceKind.UNKNOWN):
            # A story without a place in it (one that names a town answers the question as well).
            note_story(dispatcher, tracker)
            return {"region": None}
        if place is not None and place.kind is places.PlaceKind.BELGIUM:
            # Belgium has its own line; the chat's counsellors know the help in the Netherlands.
            dispatcher.utter_message(response="utter_faq_belgium")
            return {"region": SKIPPED, "handoff_requested": True, "region_ask_town": False}
        if place is not None and place.kind is places.PlaceKind.PROVINCE:
            # The province's regions become the next question's buttons (action_ask_region).
            return {"region": None, "region_province": place.name}
        if region is None:
            # place_answer reads the town in a short answer too ("ik woon in Zwolle", "ok dan, Hoorn").
            region = place.region if place is not None and place.kind is places.PlaceKind.REGION else None
        if region is None and tracker.get_slot("nickname") in (None, SKIPPED) and answers.gives_a_name(text):
            # "naam: b" at the place question: the name is taken, and the question comes again.
            return {"region": None, "nickname": late_name(text, dispatcher, tracker)}
        if region is None:
            told = triage.assess(text) if text else triage.NONE
            if told:
                answer_again(dispatcher, tracker, told)
            elif text and not let_go:
                # "ik ben 19" is the visitor telling something, not a town we do not know.
                said = answers.story_noted(tracker) if answers.is_sentence(text) else "utter_town_unknown"
                dispatcher.utter_message(response=said)
            return {"region": None}
        if typed:
            dispatcher.utter_message(response="utter_region_found", region_name=region.name)
        dispatcher.utter_message(json_message=payloads.profile(payloads.answer(tracker, "nickname"), region.id))
        done = {"region": region.id, "region_ask_town": False}
        if tracker.get_slot("region_province"):
            done["region_province"] = None
        return done

    # ---- optional questions ---------------------------------------------------------------------

    def _extract_choice(
        self, tracker: Tracker, slot: str, allowed: Dict[str, str], parse: Callable[[str], Optional[str]]
    ) -> Dict[Text, Any]:
        if not answers_question(tracker, slot):
            return {slot: SKIPPED} if let_go(tracker, slot) else {}
        if _skipped(tracker):
            return {slot: SKIPPED}
        button = answers.entity_value(tracker, slot, allowed)
        if button:
            return {slot: button}
        text = answers.text_of(tracker)
        parsed = None if answers.is_button_payload(text) else parse(text)
        return {slot: parsed or DONT_KNOW}

    def _validate_choice(
        self, slot: str, value: Any, allowed: Dict[str, str], dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Dict[Text, Any]:
        if value == SKIPPED or value in allowed:
            return {slot: value}
        if asked_enough(tracker, slot):
            return {slot: SKIPPED}  # optional, and asked twice: let it go without a word
        text = answers.text_of(tracker)
        if triage.assess(text):
            return {slot: None}  # the urgency check has answered
        if tracker.get_slot("region") and places.place_answer(text).kind is not places.PlaceKind.UNKNOWN:
            return {slot: None}  # "sorry autocorrect. gouda": the region took it; this question comes again
        if tracker.get_slot("nickname") in (None, SKIPPED) and answers.is_first_name(text):
            # The name comes late ("lola", after a question at the nickname question): it is taken.
            return {slot: None, "nickname": late_name(text, dispatcher, tracker)}
        if answers.is_sentence(text):
            # The visitor asks or tells something else: this question is optional, so it is let go
            # and what they said is answered ("kies een knop" to a question reads as not listening).
            question = text.strip().endswith("?")
            said = "utter_question_for_counsellor" if question else answers.story_noted(tracker)
            dispatcher.utter_message(response=said)
            return {slot: SKIPPED}
        dispatcher.utter_message(response="utter_choose_a_button")
        return {slot: None}

    def extract_about(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return self._extract_choice(tracker, "about", ABOUT_VALUES, answers.parse_about)

    def validate_about(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self._validate_choice("about", value, ABOUT_VALUES, dispatcher, tracker)

    def extract_situation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self._extract_choice(tracker, "situation", SITUATION_VALUES, answers.parse_situation)

    def validate_situation(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self._validate_choice("situation", value, SITUATION_VALUES, dispatcher, tracker)

    def extract_safe_now(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if not answers_question(tracker, "safe_now"):
            return {"safe_now": SKIPPED} if let_go(tracker, "safe_now") else {}
        if _skipped(tracker):
            return {"safe_now": SKIPPED}
        parsed = answers.parse_yes_no(answers.intent_of(tracker), answers.text_of(tracker))
        return {"safe_now": parsed or DONT_KNOW}

    def validate_safe_now(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value == "no":
            # Not safe: urgent guidance, and only the questions a counsellor needs before handoff.
            events: Dict[Text, Any] = {"safe_now": "no"}
            if not already_guided(tracker):
                for event in acknowledge(dispatcher, tracker, triage.Assessment("acute", "not_safe_now")):
                    events[event["name"]] = event["value"]
            events["handoff_requested"] = True
            return events
        return self._validate_choice("safe_now", value, {"yes": "yes"}, dispatcher, tracker)

    def extract_age_group(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self._extract_choice(tracker, "age_group", AGE_VALUES, answers.parse_age_group)

    def validate_age_group(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value == "under_18" and not young.named_before(tracker):
            dispatcher.utter_message(response="utter_kindertelefoon")
        return self._validate_choice("age_group", value, AGE_VALUES, dispatcher, tracker)


class ActionAskRegion(Action):
    """Asks for the region with a button per region; after "weet ik niet" it asks for the town."""

    def name(self) -> Text:
        return "action_ask_region"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        province = tracker.get_slot("region_province")
        answer = places.place_answer(province) if province else None
        if answer is not None and answer.kind is places.PlaceKind.PROVINCE:
            buttons = [_region_button(region) for region in answer.regions]
            names = " of ".join(region.short_name for region in answer.regions)
            dispatcher.utter_message(
                response=ASK_REGION_IN_PROVINCE, buttons=buttons, province=answer.name, regions=names
            )
            return []
        question = ASK_TOWN if tracker.get_slot("region_ask_town") else ASK_REGION
        if any(answers.response_of(event) in WAYS_FORWARD for event in tracker.events):
            # Asked twice before the way forward; now they want a person: the buttons, no third question.
            question = ASK_REGION_AFTER_WAY_FORWARD
        buttons = [_region_button(region) for region in regions.load_regions()]
        buttons.append({"title": "Weet ik niet", "payload": "/dont_know"})
        dispatcher.utter_message(response=question, buttons=buttons)
        return []


def _region_button(region: regions.Region) -> Dict[str, str]:
    return {"title": region.short_name, "payload": f'/inform{{"region":"{region.id}"}}'}


def region_name(region_id: Optional[str]) -> str:
    region = regions.get_region(region_id) if region_id else None
    return region.name if region else "Veilig Thuis"
