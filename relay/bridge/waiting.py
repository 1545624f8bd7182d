"""What a visitor who waits in the queue is answered: never silence, and quiet once a person is there.

While queued, every visitor message gets an answer before the counsellor takes the chat:
- danger: the triage alert (relay/bridge/triage.py), and the news that the conversation moved up;
- a question the bot knows: the bot's own answer (Rasa's intent, the response of the running model);
- anything else: an acknowledgement that the message is ready for the counsellor, with the place in
  the queue.
The answers are stored as the bot's messages, so the counsellor reads what the visitor was told.
Rasa's reading of the message is also its second opinion for triage (relay/bridge/triage.py asks it on a
worker beside the socket), so one call serves both; without Rasa, the acknowledgement.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from relay.bridge.rasa import get_rasa
from relay.bridge.triage import visitor_language
from relay.db import get_db
from relay.domain import backup, conversations, estimates, message_store, queues, texts
from relay.domain.models import Conversation, Message, utcnow
from relay.domain.states import QUEUED
from relay.ops.presence import stale_seconds
from relay.schedule import get_regions, get_schedule
from voordeur_content import language, place_corrections, places, young
from voordeur_content import regions as region_data
from voordeur_content.regions import Region

# The bot's intents answered by its own response while a visitor waits: utter_<intent>, except where
# the intake's answer does not fit a visitor who is already in the queue.
ANSWERED_INTENT_PREFIX = "faq_"
WHILE_WAITING = {"faq_english": "utter_english_noted"}
# Answered with the place in the queue: the intake's "how it works" (first a few questions, then the
# queue) is wrong for a visitor who waits already and asks how long it takes.
ABOUT_THE_QUEUE = frozenset({"faq_how_it_works"})
# Not a bot response: the relay's own "je staat al in de wachtrij", for a request for a person.
ALREADY_QUEUED = "relay:already_queued"
# The bot's answer to a young visitor who says their age (bot/actions/young.py).
YOUNG_RESPONSE = "utter_young_kindertelefoon"
# The grades whose visitors may hear a response's own variant (its condition: slot urgent_category).
RISKS = ("acute", "suicide")
# Below this confidence, Rasa's intent is not trusted to pick an answer; the visitor is acknowledged.
MIN_CONFIDENCE = 0.6
# A waiting visitor asks how long it takes: answered honestly with the estimate (the queue frame's),
# not with the place alone (set 32's review). Not "hoe lang duurt een chatgesprek" (the chat's length)
# nor "hoe lang bewaren jullie dit" (privacy): those are the bot's answers.
_ASKS_HOW_LONG = re.compile(
    r"\b(?:hoe ?lang|how long)\s+(?:nog|moet ik|wacht ik|ben ik|gaat (?:het|dit|dat)|duurt (?:het|dit|dat)\b(?!\s+voor)"
    r"|still|do i|will it|until|till|before|is the wait)"
    r"|\b(?:duurt|duren|gaat)\s+(?:het|dit|dat)\s+(?:nog\s+)?(?:erg\s+|heel\s+|zo\s+|te\s+)?lang"
    r"|\blang\s+(?:moeten\s+)?wachten\b|\bnog\s+(?:erg\s+|heel\s+|zo\s+)?lang\b"
    r"|\b(?:bijna|al)\s+aan\s+de\s+beurt\b|\bwanneer\s+(?:ben\s+ik|kom\s+ik|komt\s+er|is\s+er|kan\s+ik)\b"
    r"|\bwacht\w*\s+(?:nu\s+)?al\s+(?:zo\s+|heel\s+|erg\s+)?lang\b|\bbeen\s+waiting\b"
    r"|\bhow\s+much\s+longer\b|\bwhen\s+will\s+(?:someone|somebody|a\s+counsellor|it\s+be\s+my\s+turn)\b",
    re.IGNORECASE,
)


# A visitor asks what to do now ("wat moet ik doen", "wat nu?"): after danger or suicide was told,
# answered with what to do now (texts.WHAT_TO_DO_NOW).
_ASKS_WHAT_TO_DO = re.compile(
    r"\bwat\s+(?:moet|kan|zal|moeten)\s+(?:ik|we|wij)\s+(?:nu\s+)?(?:doen|doe)\b|\bwat\s+nu\b"
    r"|\bwhat\s+(?:should|can|do|must)\s+(?:i|we)\s+do\b",
    re.IGNORECASE,
)


# A waiting visitor who has to leave soon: "hij komt zo thuis", "ik moet opschieten", "heb niet veel tijd".
_LEAVING_SOON = re.compile(
    r"\b(?:komt|is)\s+(?:zo|straks|bijna|zometeen|over\s+\w+\s+min\w*|om\s+\d+(?:[.:]\d+)?(?:\s*uur)?)\s+thuis\b"
    r"|\b(?:moet|moeten)\s+(?:ik\s+)?(?:op\s*schieten|opschieten|zo\s+stoppen|zo\s+weg)\b"
    r"|\b(?:heb|hebt)\s+(?:ik\s+)?(?:niet\s+veel|weinig|bijna\s+geen)\s+tijd\b"
    r"|\b(?:he|she)\s+(?:is\s+)?(?:coming|comes|will\s+be)\s+home\b|\bnot\s+much\s+time\b",
    re.IGNORECASE,
)


def leaving_soon(text: str) -> bool:
    return bool(_LEAVING_SOON.search(text))


def asks_what_to_do(text: str) -> bool:
    return bool(_ASKS_WHAT_TO_DO.search(text))


def asks_how_long(text: str) -> bool:
    return bool(_ASKS_HOW_LONG.search(text))


def region_loads(app: Flask | None = None) -> estimates.RegionLoads:
    return (app or current_app).extensions["relay_region_loads"]


def wait_estimate(session: Session, conversation: Conversation, place: int | None) -> int | None:
    """The expected wait in seconds as the visitor sees it (the queue frame's ``estimate_s``), or None."""
    if place is None or conversation.region is None:
        return None
    load = region_loads().get(session, conversation.region, stale_seconds())
    return estimates.shown(estimates.expected_wait(place, load))


def answer_for(parse: dict | None) -> str | None:
    """The name of the bot response that answers this reading, or None."""
    intent = (parse or {}).get("intent") or {}
    name, confidence = intent.get("name") or "", float(intent.get("confidence") or 0.0)
    if confidence < MIN_CONFIDENCE:
        return None
    if name == "faq_english" and not language.wants_english(str((parse or {}).get("text") or "")):
        return None  # a Dutch message the model read as English: acknowledged in Dutch
    if name in WHILE_WAITING:
        return WHILE_WAITING[name]
    if name in ABOUT_THE_QUEUE:
        return ALREADY_QUEUED
    if name.startswith(ANSWERED_INTENT_PREFIX):
        return f"utter_{name}"
    if name == "request_human":
        return ALREADY_QUEUED
    return None


def reply(
    conversation_id: str, text: str, parse: dict | None, alerted: str | None, grade: str | None = None
) -> list[Message]:
    """Answer one message ``text`` of a visitor in the queue: ``parse`` is Rasa's reading (None
    without it), ``alerted`` the category triage alerted on for this message, if any, and ``grade``
    triage's grade of it (alerted now or before: "HIJ HEEFT EEN MES" after the alert for "hij gooit
    met dingen" gets no second alert, but no plain acknowledgement either). The answers are
    announced with the commit."""
    response = answer_for(parse)
    answer = get_rasa().response_text(response) if response and response != ALREADY_QUEUED else None
    shorter = get_rasa().response_text(response, repeat=True) if answer and response else None
    # Its wording for a visitor who told of danger or suicide ("ik durf niet te bellen" after the 112
    # alert must not hear "je hoeft niet te bellen": set 38's review), chosen below by the grade.
    for_risk = {risk: get_rasa().response_text(response, risk=risk) for risk in RISKS} if answer and response else {}
    # A child who says its age while waiting, or told the intake it is under 18, hears of De
    # Kindertelefoon once, as it would from the bot (set 35's review: a 12-year-old read only 0800 2000).
    # Only with Rasa's reading in hand: a Rasa that hangs must not hold the acknowledgement up for
    # its wording (the fault test "rasa too slow" found a /domain call per waiting message).
    kindertelefoon = get_rasa().response_text(YOUNG_RESPONSE) if parse is not None else None
    with get_db().transaction() as session:
        conversation = conversations.lock_conversation(session, conversation_id)
        if conversation is None or conversation.state != QUEUED:
            return []  # taken or ended meanwhile: the counsellor answers now
        said: list[str] = []
        rules = BackupRules.of()
        moved = _follow_corrected_town(session, conversation, text)
        if moved:
            said.append(moved)
        place = queues.position(session, conversation)
        # The relay's own words, in the visitor's language (the intake's, when this message does not tell).
        english = language.answers_in_english(text, visitor_language(conversation))
        if alerted:
            said.append(texts.WAITING_MOVED_UP_EN if english else texts.WAITING_MOVED_UP)
        if answer and conversation.risk in for_risk:
            answer = for_risk[conversation.risk] or answer
        if answer and _bot_said(session, conversation_id, Message.text == answer):
            answer = shorter  # "Zoals ik net zei: ...", or the acknowledgement below: never the same answer twice
        if not said and asks_how_long(text):
            estimate = wait_estimate(session, conversation, place)
            said.append(
                (texts.waiting_how_long_en if english else texts.waiting_how_long)(place, estimate, conversation.risk)
            )
        elif not said and conversation.risk in texts.WHAT_TO_DO_NOW and response is None and asks_what_to_do(text):
            said.append(texts.waiting_what_to_do(place, conversation.risk, english))
        elif answer:
            said.append(answer)
        elif response == ALREADY_QUEUED:
            staffed = conversation.region is None or bool(rules.staffed(session, [conversation.region]))
            said.append(texts.waiting_already_queued(place, conversation.risk, english, staffed))
        elif (
            not said
            and leaving_soon(text)
            and not _bot_said(session, conversation_id, Message.text == texts.WAITING_LEAVING)
        ):
            said.append(texts.WAITING_LEAVING_EN if english else texts.WAITING_LEAVING)
        elif not said:
            # The first acknowledgement in this queue also says the visitor may call instead.
            first = not _bot_said(session, conversation_id, Message.created_at >= conversation.queued_at)
            if grade in texts.STILL_IN_DANGER:
                still = texts.waiting_still_in_danger_en if english else texts.waiting_still_in_danger
                said.append(still(place, grade))
            else:
                acknowledged = texts.waiting_acknowledged_en if english else texts.waiting_acknowledged
                # A question the bot has no answer for (not one it answered before: "welk nummer?")
                question = response is None and language.asks_a_question(text)
                said.append(acknowledged(place, first, conversation.risk, question))
        young_visitor = young.says_they_are_young(text) or (conversation.intake or {}).get("age_group") == "under_18"
        if (
            kindertelefoon
            and young_visitor
            and not _bot_said(session, conversation_id, Message.text.contains(young.KINDERTELEFOON, autoescape=True))
        ):
            said.append(kindertelefoon)
        stored = message_store.store_messages(session, conversation_id, "bot", [{"text": line} for line in said])
        # A wait that grew (or a region that emptied) since the hand-off: the backup, if it fits now.
        return stored.messages + rules.offer(session, conversation)


def _bot_said(session: Session, conversation_id: str, *conditions: Any) -> bool:
    """Whether the bot said anything in this conversation that meets these conditions (this very
    answer, these words, since the visitor joined the queue)."""
    return bool(
        session.scalar(
            select(func.count())
            .select_from(Message)
            .where(Message.conversation_id == conversation_id, Message.sender == "bot", *conditions)
        )
    )


@dataclass(frozen=True)
class BackupRules:
    """What the backup offer (relay/domain/backup.py) needs from the app: the regions, the schedule,
    when a heartbeat is stale, and RELAY_BACKUP_AFTER_S."""

    regions: dict[str, Region]
    is_open: Callable[[str], bool]
    stale_s: float
    after_s: float

    @classmethod
    def of(cls, app: Flask | None = None) -> BackupRules:
        app = app or current_app._get_current_object()  # type: ignore[attr-defined]  # the proxy's own method
        return cls(
            regions={region.id: region for region in get_regions(app)},
            is_open=get_schedule(app).is_open,
            stale_s=stale_seconds(app),
            after_s=float(app.config["RELAY_BACKUP_AFTER_S"]),
        )

    def offer(self, session: Session, conversation: Conversation, now: datetime | None = None) -> list[Message]:
        return backup.offer_if_needed(
            session, conversation, self.regions, self.is_open, now or utcnow(), self.stale_s, self.after_s
        )

    def offer_to_waiting(self, session: Session, now: datetime | None = None) -> list[str]:
        return backup.offer_to_waiting(session, self.regions, self.is_open, now or utcnow(), self.stale_s, self.after_s)

    def staffed(self, session: Session, region_ids: list[str], now: datetime | None = None) -> set[str]:
        return backup.staffed_regions(session, region_ids, now or utcnow(), self.stale_s)


def answer_backup_offer(conversation_id: str, text: str, payload: str | None) -> list[Message] | None:
    """A waiting visitor's answer to the backup offer ("ja", "nee" or a button): what they are told,
    or None when the message answers no offer (then it is answered as any message while waiting)."""
    rules = BackupRules.of()
    with get_db().transaction() as session:
        conversation = conversations.lock_conversation(session, conversation_id)
        if conversation is None:
            return None
        return backup.answer(
            session, conversation, text, payload, rules.regions, rules.is_open, utcnow(), rules.stale_s
        )


def _follow_corrected_town(session: Session, conversation: Conversation, text: str) -> str | None:
    """ "nee sorry, ik bedoel Dordrecht": a visitor who corrects their town while waiting goes to that
    region's queue with their place in time (conversations.move_queue), if it is open now; one who
    lives in Belgium after all hears of 1712 and may keep waiting. The sentence that tells them, or
    None when the message corrects nothing."""
    corrected = place_corrections.corrected_place(text, conversation.region)
    if corrected is not None and corrected.kind is places.PlaceKind.BELGIUM:
        return texts.queue_kept_for_belgium()  # Belgium has its own line; the queue keeps them
    if corrected is None or corrected.region is None:
        return None
    region = corrected.region
    if not get_schedule().is_open(region.id):
        current = region_data.get_region(conversation.region or "")
        return texts.queue_not_moved(region.name, current.name if current else "je regio")
    if not conversations.move_queue(session, conversation, region.id):
        return None
    return texts.queue_moved(region.name)
