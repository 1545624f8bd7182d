"""Danger at any moment: the bot's side of triage (voordeur_content.triage decides; docs/triage.md).

The relay grades every message with the same rules before it reaches Rasa and shows the alert
with the phone numbers. The bot adds its classifier's opinion (`triage.weigh`), tells the relay
about a grade through a `risk` payload, answers the visitor as a person would, and from then on
asks only what a counsellor needs. A grade is acknowledged once, not on every message.

Two ways in, never both for one message:
- the classifier's urgent_* intents, answered by `action_urgent` through the rules;
- every other message, checked by `check_phrases` from `action_validate_slot_mappings`, which
  Rasa runs after each visitor message (actions/every_message.py).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from actions import answers, payloads, schedule
from actions.belgium import answered_as_belgian, names_belgium
from actions.sdk import Action, CollectingDispatcher, DomainDict, SlotSet, Tracker
from voordeur_content import language, triage

URGENT_INTENT_PREFIX = "urgent_"
GUIDANCE = {"acute": "utter_urgent_acute", "suicide": "utter_urgent_suicide", "high": "utter_urgent_high"}
# For a visitor in Belgium: 1712 and the Zelfmoordlijn 1813, and no place in a Dutch queue promised.
GUIDANCE_BELGIUM = {
    "acute": "utter_urgent_acute_belgium",
    "suicide": "utter_urgent_suicide_belgium",
    "high": "utter_urgent_high_belgium",
}
# When nobody is online in the chat (schedule metadata from the relay), the guidance promises no
# counsellor in the chat: it names who can be reached now (set 41's review: "Ik breng je meteen in
# contact met een medewerker" came just before "er is nu niemand online").
GUIDANCE_NOBODY = {
    "acute": "utter_urgent_acute_nobody",
    "suicide": "utter_urgent_suicide_nobody",
    "high": "utter_urgent_high_nobody",
}
# A message graded like one answered before gets a short word of its own, not the guidance again.
AGAIN = {
    "acute": "utter_urgent_again_acute",
    "suicide": "utter_urgent_again_suicide",
    "high": "utter_urgent_again_high",
}
AGAIN_NOBODY = {
    "acute": "utter_urgent_again_acute_nobody",
    "suicide": "utter_urgent_again_suicide_nobody",
    "high": "utter_urgent_again_high_nobody",
}


def assessment_of(tracker: Tracker) -> triage.Assessment:
    """The grade of the visitor's latest message: the rules, with the classifier weighed in."""
    text = answers.text_of(tracker)
    if answers.is_button_payload(text):
        return triage.NONE
    return triage.weigh(triage.assess(text), tracker.latest_message)


def alerted(tracker: Tracker) -> List[str]:
    return [c for c in str(tracker.get_slot("urgent_category") or "").split(",") if c]


def acknowledge(
    dispatcher: CollectingDispatcher, tracker: Tracker, assessment: triage.Assessment
) -> List[Dict[Text, Any]]:
    """Answer a grade once: a warm word, the risk payload for the relay, and a shorter intake."""
    seen = alerted(tracker)
    category = assessment.category
    if category is None or not triage.more_serious(assessment, seen):  # no grade is never more serious
        return []
    belgian = answered_as_belgian(tracker) or names_belgium(answers.text_of(tracker))
    nobody = not belgian and not schedule.someone_is_there(tracker)
    guidance = GUIDANCE_BELGIUM if belgian else GUIDANCE_NOBODY if nobody else GUIDANCE
    dispatcher.utter_message(response=guidance[category])
    dispatcher.utter_message(json_message=payloads.risk(assessment))
    if not tracker.get_slot("region") and not seen and not belgian and not nobody:
        # once: a second grade needs no second promise; and no place in a queue nobody reads
        dispatcher.utter_message(response="utter_urgent_queue")
    return [
        SlotSet("urgent", bool(tracker.get_slot("urgent")) or assessment.level == "urgent"),
        SlotSet("urgent_category", ",".join([*seen, category])),
        SlotSet("handoff_requested", True),
    ]


def first_free_fits(tracker: Tracker) -> bool:
    """Whether a visitor without a region goes to the first counsellor who is free: they told of
    danger (an alert), they do not live in Belgium (1712 is their line), and someone is online."""
    return bool(alerted(tracker)) and not answered_as_belgian(tracker) and schedule.someone_is_there(tracker)


def answer_again(dispatcher: CollectingDispatcher, tracker: Tracker, assessment: triage.Assessment) -> None:
    """A message in which danger is told again ("hij is dronken en schreeuwt, ik zit op de wc" after
    "help") is answered as what it is: a short word for its grade, never silence and never the
    question it did not answer. The full guidance came once; the relay keeps the alert in view."""
    if assessment.category in AGAIN and not already_guided(tracker):
        again = AGAIN if schedule.someone_is_there(tracker) or answered_as_belgian(tracker) else AGAIN_NOBODY
        dispatcher.utter_message(response=again[assessment.category])


def already_guided(tracker: Tracker) -> bool:
    """Whether the visitor's latest message already got an answer to its grade."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        custom = ((event.get("data") or {}).get("custom") or {}) if event.get("event") == "bot" else {}
        if (custom.get("voordeur") or {}).get("type") == "risk":
            return True
    return False


class ActionUrgent(Action):
    """Predicted by the rules for urgent_danger and urgent_suicide."""

    def name(self) -> Text:
        return "action_urgent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        assessment = assessment_of(tracker)
        if not assessment:  # the classifier alone was unsure, or the rules saw it was over
            dispatcher.utter_message(response=answers.story_noted(tracker))
            return []
        events = acknowledge(dispatcher, tracker, assessment)
        if not events:  # this grade was answered before: not again in full, and not in silence
            answer_again(dispatcher, tracker, assessment)
        return events


def answered_this_turn(tracker: Tracker) -> bool:
    """Whether the bot gave the alert's guidance (or its short word again) since the visitor's latest
    message."""
    return answers.said_since_visitor(
        tracker,
        set(GUIDANCE.values())
        | set(GUIDANCE_BELGIUM.values())
        | set(GUIDANCE_NOBODY.values())
        | set(AGAIN.values())
        | set(AGAIN_NOBODY.values()),
    )


def note_story(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Thank a visitor who tells something where a question was asked, unless this message already
    got the guidance for danger: then a "dank je" after "bel nu 112" reads as a form (set 39's review:
    "mijn man maakt me kapot en ik zie geen uitweg" got both)."""
    if answered_this_turn(tracker) or _guided_just_now(dispatcher):
        return
    if language.asks_a_question(answers.text_of(tracker)):
        # "als ik een melding doe weten ze dan dat ik het was?" is a question the model did not know,
        # not something told (set 41: "Dank je dat je dit vertelt")
        dispatcher.utter_message(response="utter_question_for_counsellor")
    else:
        dispatcher.utter_message(response=answers.story_noted(tracker))


def _guided_just_now(dispatcher: CollectingDispatcher) -> bool:
    """Whether this very action already gave the guidance (its risk payload)."""
    return any(
        ((message.get("custom") or {}).get("voordeur") or {}).get("type") == "risk" for message in dispatcher.messages
    )


def check_phrases(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """Every message that is not an urgent_* intent: the rules (and the classifier) may still see danger."""
    intent = answers.intent_of(tracker)
    if intent.startswith(URGENT_INTENT_PREFIX) or already_guided(tracker):
        return []
    return acknowledge(dispatcher, tracker, assessment_of(tracker))
