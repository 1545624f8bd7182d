"""A visitor's turn with the assistant, and the signals the bot sends.

The Rasa call happens outside any database transaction, so a slow bot never holds a lock.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from relay.bridge import triage
from relay.bridge.rasa import RasaUnavailable, get_rasa
from relay.bridge.waiting import BackupRules
from relay.broker.events import events_of
from relay.db import Database, get_db
from relay.domain import backup, conversations, figures, message_store, texts
from relay.domain.models import Conversation, Message, utcnow
from relay.domain.states import BOT
from relay.ops import metrics
from relay.schedule import describe_opening, get_regions, get_schedule
from voordeur_content import places
from voordeur_content import regions as region_data
from voordeur_content.triage import Assessment


@dataclass
class TurnOutcome:
    """What a visitor should see after a bot turn (in order); the counsellors hear of it from the
    unit of work that stored it."""

    messages: list[Message] = field(default_factory=list)
    alert: dict | None = None  # the visitor's alert frame when the bot's model saw more than the rules
    queued_region: str | None = None


def schedule_metadata(now: datetime | None = None, db: Database | None = None) -> dict:
    """The schedule sent with every message to Rasa (docs/architecture.md): whether any region is
    open, the regions that are closed now with when they open, and the open ones with nobody online
    (``"staffed": false``), so the bot promises no person who is not there. A region not listed is
    open and staffed. Rasa keeps the metadata of every message in its tracker, so only these are sent
    (docs/performance.md has what the list costs); in opening hours it is nearly always short."""
    status = get_schedule().status_this_minute(get_regions(), now)
    listed = {region_id: region for region_id, region in status["regions"].items() if not region["open"]}
    open_ids = [region_id for region_id, region in status["regions"].items() if region["open"]]
    if open_ids:
        rules = BackupRules.of()
        with (db or get_db()).transaction() as session:
            staffed = rules.staffed(session, open_ids)
        listed.update({r: {**status["regions"][r], "staffed": False} for r in open_ids if r not in staffed})
    return {"voordeur": {"any_open": status["any_open"], "regions": listed}}


def bot_turn(db: Database, conversation_id: str, message: str) -> TurnOutcome:
    """Send one message to Rasa and apply its answers: store messages, act on signals."""
    outcome = TurnOutcome()
    if answered_region_question(db, conversation_id, message, outcome):
        return outcome
    started = time.monotonic()
    try:
        turn = get_rasa().turn(conversation_id, message, schedule_metadata(db=db))
    except RasaUnavailable:
        current_app.logger.warning("Rasa unavailable for a bot turn")
        with db.transaction() as session:
            conversation = conversations.lock_conversation(session, conversation_id)
            if conversation is not None and conversation.state == BOT:
                assistant_unavailable(session, conversation, outcome, message)
        return outcome
    if turn.signals:
        with db.transaction() as session:
            conversation = conversations.lock_conversation(session, conversation_id)
            if conversation is None or conversation.state != BOT:
                return outcome  # the visitor ended or was queued meanwhile; the answer is moot
            outcome.messages.extend(
                message_store.store_messages(session, conversation_id, "bot", turn.messages).messages
            )
            for signal in turn.signals:
                apply_signal(session, conversation, signal, outcome, message)
    else:  # most turns: claiming the seqs checks the state and locks the row by itself
        stored = message_store.store_messages(
            db, conversation_id, "bot", turn.messages, claim=message_store.Claim.WITH_BOT
        )
        if not stored:
            return outcome  # the visitor ended or was queued meanwhile; the answer is moot
        outcome.messages.extend(stored.messages)
    metrics.BOT_TURN_SECONDS.observe(time.monotonic() - started)
    return outcome


def answered_region_question(db: Database, conversation_id: str, message: str, outcome: TurnOutcome) -> bool:
    """A town in a message of a visitor the conversation waits for a town from (the relay asked for
    it while Rasa was down, or the bot's intake ended without a region) is handled here: the visitor
    reaches that region's queue whatever the bot would make of the rest of the message ("ik woon in
    dordt" read as a question about Belgium), and a half-working Rasa is not needed for it. A
    Belgian town gets 1712 and the Belgian advice instead."""
    # Most messages name no town: skip the locking transaction (a commit) for them.
    place = places.UNKNOWN_PLACE if message.startswith("/") else places.place_answer(message)
    region = place.region if place.kind is places.PlaceKind.REGION else None
    if region is None and place.kind is not places.PlaceKind.BELGIUM:
        return False
    with db.transaction() as session:
        conversation = conversations.lock_conversation(session, conversation_id)
        if conversation is None or conversation.state != BOT or conversation.region or not conversation.awaiting_region:
            return False
        if region is None:  # "ze wonen in Roeselare, ik in Ieper": Belgium has its own line
            conversation.awaiting_region = False
            _say(session, conversation, outcome, texts.BELGIUM_OUTSIDE_THE_QUEUE)
            return True
        conversation.region = region.id
        if get_rasa().available():
            hand_off(session, conversation, region.id, {}, outcome)  # says where the visitor now waits
        else:
            assistant_unavailable(session, conversation, outcome, message)
    return True


def assistant_unavailable(
    session: Session, conversation: Conversation, outcome: TurnOutcome, message: str = ""
) -> None:
    """Rasa does not answer. A visitor whose region is known (the bot's profile payload) and open
    goes straight to the queue, so a broken bot never stands between them and a person. Without a
    region the relay asks for the town itself and reads the answer with the shared town list."""
    region = region_data.get_region(conversation.region) if conversation.region else None
    if region is None and message and not message.startswith("/"):
        region = places.region_for_town(message)
        if region is not None:
            conversation.region = region.id
    if region is not None and get_schedule().is_open(region.id):
        _say(session, conversation, outcome, texts.ASSISTANT_UNAVAILABLE_QUEUED)
        hand_off(session, conversation, region.id, {}, outcome)
        return
    if region is not None:  # known but closed: when it opens, and the phone numbers
        hand_off(session, conversation, region.id, {}, outcome)
        return
    conversation.awaiting_region = True
    _say(session, conversation, outcome, texts.ASSISTANT_UNAVAILABLE_ASK_REGION)


def _say(session: Session, conversation: Conversation, outcome: TurnOutcome, text: str) -> None:
    """The relay's own system message to the visitor, in this bot turn's unit of work."""
    outcome.messages.extend(message_store.store_messages(session, conversation.id, "system", text).messages)


def apply_signal(
    session: Session, conversation: Conversation, signal: dict, outcome: TurnOutcome, message: str = ""
) -> None:
    kind = signal.get("type")
    if kind == "profile":
        _apply_profile(conversation, signal)
    elif kind == "risk":  # the bot's reading: the same triage rules, with its classifier weighed in
        category = signal.get("category")
        if category in ("acute", "suicide", "high"):
            reason = signal.get("reason") if isinstance(signal.get("reason"), str) else None
            assessment = Assessment(category, (reason or "model")[:32], source="model")
            if triage.record(session, conversation, assessment) and outcome.alert is None:
                outcome.alert = triage.alert_for(conversation, category, message)
    elif kind == "handoff":
        _apply_profile(conversation, signal)
        intake = signal.get("intake")
        region = signal.get("region") or conversation.region
        if (
            region is None
            and signal.get("first_free")
            and conversation.risk
            and not triage.lives_in_belgium(conversation)
        ):
            region = first_free_region(session)  # in danger without a place: whoever can answer first
        hand_off(session, conversation, region, intake if isinstance(intake, dict) else {}, outcome)


def first_free_region(session: Session) -> str | None:
    rules = BackupRules.of()
    found = backup.first_free_region(session, rules.regions, rules.is_open, utcnow(), rules.stale_s)
    return found.id if found else None


def _apply_profile(conversation: Conversation, signal: dict) -> None:
    nickname, region = signal.get("nickname"), signal.get("region")
    if isinstance(nickname, str) and nickname.strip():
        conversation.nickname = nickname.strip()[:80]
    if isinstance(region, str) and region_data.get_region(region) is not None:
        conversation.region = region


def hand_off(
    session: Session, conversation: Conversation, region_id: str | None, intake: dict, outcome: TurnOutcome
) -> None:
    """Queue the conversation for its region, or explain why a human cannot take it now.

    The bot gets the same schedule as metadata and normally says all this itself; the relay only
    speaks when the bot's turn had no visible message, so the visitor never reads it twice.
    """
    if conversation.state != BOT:  # a second hand-off in one turn: queued by the first
        return
    bot_spoke = bool(outcome.messages)
    region = region_data.get_region(region_id) if region_id else None
    if region is None:
        conversation.awaiting_region = True  # a town typed later still reaches its queue
        if not bot_spoke:
            _say(session, conversation, outcome, texts.REGION_UNKNOWN)
        return
    conversation.awaiting_region = False
    schedule = get_schedule()
    if not schedule.is_open(region.id):
        figures.told_closed(session, conversation, region.id)
        if not bot_spoke:
            opening = describe_opening(schedule.next_open(region.id), schedule.timezone)
            text = texts.chat_closed(region.name, opening) if opening else texts.NO_OPENING_KNOWN
            _say(session, conversation, outcome, text)
        return
    conversations.enqueue(session, conversation, region.id, intake=intake)  # locked by the caller: still with the bot
    rules = BackupRules.of()
    if not bot_spoke:  # no promise of a person of the region when nobody of it is online
        staffed = region.id in rules.staffed(session, [region.id])
        _say(
            session,
            conversation,
            outcome,
            texts.queued(region.name) if staffed else texts.queued_unstaffed(region.name),
        )
        if conversation.priority > 0:  # told of danger: ahead in the queue, and 112 or 113 meanwhile
            _say(session, conversation, outcome, texts.queued_ahead(conversation.risk))
    outcome.queued_region = region.id
    events = events_of(session)
    events.region_changed(region.id)
    events.conversation(conversation.id, "queued", region=region.id)
    outcome.messages.extend(rules.offer(session, conversation))  # the backup region, if it fits already
