"""Passing the conversation to a counsellor: asking what is still needed, then the handoff payload."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from actions import answers, payloads, schedule
from actions.belgium import BELGIAN_ANSWERS, answered_as_belgian
from actions.intake import region_name
from actions.intake_history import WAYS_FORWARD, asked_enough
from actions.payloads import SKIPPED
from actions.sdk import Action, CollectingDispatcher, DomainDict, SlotSet, Tracker
from actions.urgency import first_free_fits

REQUEST_HUMAN_BELGIUM = "utter_request_human_belgium"


class ActionRequestHuman(Action):
    """The visitor asks for a person: the intake shrinks to nickname and region."""

    def name(self) -> Text:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        events = [SlotSet("handoff_requested", True)]
        region = tracker.get_slot("region")
        if region == SKIPPED and answered_as_belgian(tracker):
            # Not asked for a region again (their Belgian town would answer it with 1712 once more):
            # told where a person is, and that a Dutch place typed later reaches a queue here.
            dispatcher.utter_message(response=REQUEST_HUMAN_BELGIUM)
            return events
        if region == SKIPPED:  # declined earlier; asking for a person now, they are asked once more
            events.append(SlotSet("region", None))  # times_asked counts from the way forward on
            region = None
        if asked_enough(tracker, "region") and not region:
            # Asked twice already: the intake now gives the way forward, which says what is needed
            # (set 32 had both, one after the other).
            return events
        if not tracker.get_slot("nickname") and tracker.get_slot("handoff_requested") and not region:
            # Asked again ("een echt persoon bedoel ik" at the name question, set 35): yes, a person;
            # the name is let go, only the place is still needed.
            dispatcher.utter_message(response="utter_request_human_again")
            events.append(SlotSet("nickname", SKIPPED))
        elif not tracker.get_slot("nickname"):
            dispatcher.utter_message(response="utter_request_human_needs")
        elif not region:
            dispatcher.utter_message(response="utter_request_human_needs_region")
        return events


class ActionHandoff(Action):
    """Sends the handoff payload; says whether a counsellor is there or when the chat opens."""

    def name(self) -> Text:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        region_id = payloads.answer(tracker, "region")
        if region_id is None and first_free_fits(tracker):
            # In danger and no place given (refused, or not known): not left with only a phone number
            # (set 38: a mother alone with her baby while her ex broke the door in; a girl of 15 who is
            # hit). The relay queues them with the region that can answer first.
            dispatcher.utter_message(response="utter_handoff_first_free")
            if tracker.get_slot("urgent"):
                dispatcher.utter_message(response="utter_handoff_urgent")
            dispatcher.utter_message(json_message=payloads.handoff(tracker, first_free=True))
            return []
        if region_id is None:  # no region: the way forward (utter_region_way_forward, or 1712 for Belgium)
            if not answers.said_since_visitor(tracker, (*WAYS_FORWARD, *BELGIAN_ANSWERS, REQUEST_HUMAN_BELGIUM)):
                dispatcher.utter_message(response="utter_handoff_no_region")  # else said just now
            # The relay then waits for a town: one typed later reaches its queue (relay/bridge/assistant.py).
            dispatcher.utter_message(json_message=payloads.handoff(tracker))
            return []
        name = region_name(region_id)
        if schedule.is_open(tracker, region_id):
            nickname = payloads.answer(tracker, "nickname")
            if not schedule.is_staffed(tracker, region_id):
                # Honest: nobody of the region is online; the relay offers its backup region when it can.
                dispatcher.utter_message(response="utter_handoff_unstaffed", region_name=name)
            elif nickname:
                dispatcher.utter_message(response="utter_handoff_named", nickname=nickname, region_name=name)
            else:
                dispatcher.utter_message(response="utter_handoff", region_name=name)
            if tracker.get_slot("urgent"):
                dispatcher.utter_message(response="utter_handoff_urgent")
        else:
            opens = schedule.next_open(tracker, region_id)
            if opens:
                dispatcher.utter_message(
                    response="utter_handoff_closed", region_name=name, next_open=schedule.dutch_moment(opens)
                )
            else:
                dispatcher.utter_message(response="utter_handoff_closed_no_time", region_name=name)
        dispatcher.utter_message(json_message=payloads.handoff(tracker))
        return []
