"""What the conversation so far tells the intake: which question waits and how often it was asked,
whether the latest message is a fresh reply to it, whether the visitor told their story, and which
place they named at any step. actions/intake.py decides what to do with it."""

from __future__ import annotations

from typing import Optional

from actions import answers
from actions.sdk import Tracker
from voordeur_content import places

FORM_NAME = "intake_form"
STORY_WORDS = 8  # a message this long that is not a question tells what is going on
MAX_ASKS = 2  # no question is asked a third time: after two, the intake goes on without it
# The responses that ask for each slot (Rasa keeps the name of a response with the bot's message).
QUESTIONS = {
    "nickname": ("utter_ask_nickname",),
    "region": (
        "utter_ask_region",
        "utter_ask_town",
        "utter_ask_region_in_province",
        "utter_ask_region_after_way_forward",
    ),
    "about": ("utter_ask_about",),
    "situation": ("utter_ask_situation",),
    "safe_now": ("utter_ask_safe_now",),
    "age_group": ("utter_ask_age_group",),
}
# The last: after the way forward, to a visitor who asks for a person: a statement with buttons.
ASK_REGION, ASK_TOWN, ASK_REGION_IN_PROVINCE, ASK_REGION_AFTER_WAY_FORWARD = QUESTIONS["region"]
# The region is let go with this answer (0800 2000, or a town typed later); counting starts again after it.
REGION_WAY_FORWARD = "utter_region_way_forward"  # after "I'd rather not say": no more questions
REGION_WAY_FORWARD_OPEN = "utter_region_way_forward_open"  # after a story or an unknown place
# The same, without "Ben je jonger dan 18? ... De Kindertelefoon": for a grown-up visitor, or one who
# heard of De Kindertelefoon already (actions/young.py: kindertelefoon_fits).
WITHOUT_KINDERTELEFOON = {
    REGION_WAY_FORWARD: "utter_region_way_forward_adult",
    REGION_WAY_FORWARD_OPEN: "utter_region_way_forward_open_adult",
}
WAYS_FORWARD = (*WITHOUT_KINDERTELEFOON, *WITHOUT_KINDERTELEFOON.values())


def fresh_reply(tracker: Tracker) -> bool:
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


def times_asked(tracker: Tracker, slot: str) -> int:
    """How often the question for `slot` was asked; for the region, since the last way forward (a
    visitor who asks for a person after it may give the region again)."""
    names, count = QUESTIONS[slot], 0
    for event in reversed(tracker.events):
        said = answers.response_of(event)
        if slot == "region" and said in WAYS_FORWARD:
            break
        if said in names:
            count += 1
    return count


# Answers after which the optional questions are not asked: the bot took a message for a story
# ("hij heeft een heel kort lontje"), or the visitor is a professional (a GP is not asked whether
# they are safe now; they heard of 0800 2000 for consultation).
_NO_MORE_QUESTIONS_AFTER = (answers.STORY_NOTED, answers.STORY_NOTED_AGAIN, "utter_faq_professional")


# A visitor who asked this many questions came with questions: a counsellor answers the next one
# better than more questions from the bot (conversation set 31: "komen ze dan gelijk langs?").
QUESTIONS_BEFORE_A_PERSON = 2


def told_their_story(tracker: Tracker) -> bool:
    """The visitor told what is going on, or danger was seen, or they are a professional, or they
    asked two questions: the optional questions are not asked, the counsellor reads the story."""
    if tracker.get_slot("urgent") or tracker.get_slot("language") == "en":
        return True
    questions = 0
    for event in tracker.events:
        if answers.response_of(event) in _NO_MORE_QUESTIONS_AFTER:
            return True
        if event.get("event") != "user":
            continue
        intent = answers.intent_of_event(event)
        text = event.get("text") or ""
        questions += intent.startswith("faq_")
        if (
            questions >= QUESTIONS_BEFORE_A_PERSON
            or intent == "describe_situation"
            or (
                len(text.split()) >= STORY_WORDS
                and not text.strip().endswith("?")
                and not intent.startswith("faq_")
                and intent != "request_human"
            )
        ):
            return True
    return False


def names_a_place(text: str) -> bool:
    """A visitor's message that names a Dutch place, a province or Belgium (not a button, not just a
    first name): an answer to the region question, whenever it is typed ("limburg. is dat genoeg?"
    gets its answer and the province's regions as buttons)."""
    if answers.is_button_payload(text) or answers.is_first_name(text) or places.is_a_reply(text):
        return False  # "echt?" at the name question is surprise, not the village Echt
    return places.place_answer(text).kind is not places.PlaceKind.UNKNOWN


def place_told(tracker: Tracker, include_latest: bool = True) -> Optional[str]:
    """The latest message of the visitor that names a Dutch place or Belgium, at any step ("hallo, ik
    woon in Antwerpen" before any question was asked): said once is enough."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        text = event.get("text") or ""
        if include_latest and names_a_place(text):
            return text
        include_latest = True
    return None


def asked_enough(tracker: Tracker, slot: str) -> bool:
    """The one rule for "ask again or let go": the question for `slot` is the one waiting and was
    asked MAX_ASKS times (counted from what the bot said, `times_asked`), so it is not asked again."""
    return tracker.get_slot("requested_slot") == slot and times_asked(tracker, slot) >= MAX_ASKS


def let_go(tracker: Tracker, slot: str) -> bool:
    """Asked twice, and the visitor's message was something else, answered by a rule (a question, a
    request for a person): now the intake goes on without this answer. A fresh message is never
    let go here: the form must step aside first so that the rule can answer it."""
    return asked_enough(tracker, slot) and not fresh_reply(tracker)


def answers_question(tracker: Tracker, slot: str) -> bool:
    """Whether the latest message is a fresh reply to the question for `slot`."""
    return tracker.get_slot("requested_slot") == slot and fresh_reply(tracker) and not answers.is_not_an_answer(tracker)
