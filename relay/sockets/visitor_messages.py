"""A visitor's message: stored, graded for danger before anything else, then answered by the bot,
or read by the model beside the socket while a person has (or will have) the chat."""

from __future__ import annotations

import time
from typing import Iterator

from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError

from relay.bridge import assistant, triage, waiting
from relay.db import get_db
from relay.domain import message_store
from relay.domain.models import Message
from relay.domain.privacy import mentions_personal_data, personal_data_reminder
from relay.domain.states import BOT, QUEUED, ConversationState
from relay.ops import metrics
from relay.sockets.frames import optional_string, require_text
from relay.sockets.ratelimit import TokenBucket
from relay.sockets.visitor_state import VisitorSocket, error_frame, queue_update
from voordeur_content import triage as triage_rules


def message_allowed(visitor: VisitorSocket) -> bool:
    if visitor.limiter is None:
        visitor.limiter = TokenBucket(
            current_app.config["RELAY_RATE_BURST"], current_app.config["RELAY_RATE_PER_SECOND"]
        )
    return visitor.limiter.allow(visitor.inbox.arrived)


def visitor_message(visitor: VisitorSocket, frame: dict) -> Iterator[dict]:
    received = time.monotonic()
    text = require_text(frame)
    client_id = optional_string(frame, "id", 80)
    payload = optional_string(frame, "payload", 500)
    conversation_id = visitor.started()
    try:  # stored and announced to the counsellor
        message, state, reminder, payload = store_visitor_message(conversation_id, text, client_id, payload)
    except IntegrityError:
        # The unique (conversation, client id) caught a re-send; the rollback undid its seq too.
        if client_id is None:
            raise
        message = None
    if message is None:
        yield resent_or_ended(conversation_id, client_id)
        return
    visitor.shown.first_time(message.seq)
    yield message_store.message_frame(message)
    if reminder is not None:
        visitor.shown.first_time(reminder.seq)
        yield message_store.message_frame(reminder)
    # Triage first, in every state: the alert must never wait for Rasa.
    rules_view = triage_rules.assess(text)
    alert = triage.grade(conversation_id, rules_view, text)
    category = alert["category"] if alert else None
    if alert is not None:
        yield alert
        metrics.ALERT_SECONDS.observe(time.monotonic() - received)  # resumed once the frame was sent
    if state == BOT:
        yield from run_bot_turn(visitor, payload or text)
        return
    # An answer to the backup offer (relay/domain/backup.py) is answered here; the model still reads it.
    told = waiting.answer_backup_offer(conversation_id, text, payload) if state == QUEUED else None
    for answer in told or []:
        if visitor.shown.first_time(answer.seq):
            yield message_store.message_frame(answer)
    # queued: never silence while waiting, the relay answers until a person does
    ask_model_opinion(
        visitor, text, rules_view, answer_while_waiting=state == QUEUED and told is None, alerted=category
    )


def store_visitor_message(
    conversation_id: str, text: str, client_id: str | None, payload: str | None
) -> tuple[Message | None, ConversationState | None, Message | None, str | None]:
    """Store a visitor's message unless the chat ended: (message, the conversation's state after,
    privacy reminder or None, the payload if the bot offered it) or (None, None, None, None)."""
    db = get_db()
    personal = mentions_personal_data(text)
    if not payload and not personal:  # nearly every message: one round trip
        stored = message_store.store_messages(
            db, conversation_id, "visitor", text, claim=message_store.Claim.OPEN, client_id=client_id
        )
        return (stored.messages[0], stored.state, None, None) if stored else (None, None, None, None)
    with db.transaction() as session:
        # Only a payload of a button the bot offered goes to Rasa; anything else is sent as the text,
        # so a visitor cannot steer the bot with hand-made intents.
        if payload and payload not in message_store.offered_payloads(session, conversation_id):
            payload = None
        stored = message_store.store_messages(
            session, conversation_id, "visitor", text, claim=message_store.Claim.OPEN, client_id=client_id
        )
        if not stored:
            return None, None, None, None
        return stored.messages[0], stored.state, personal_data_reminder(session, conversation_id, personal), payload


def resent_or_ended(conversation_id: str, client_id: str | None) -> dict:
    """A re-send after a reconnect gets the stored echo and stores nothing; else the chat has ended."""
    if client_id:
        with get_db().transaction() as session:
            stored = message_store.find_by_client_id(session, conversation_id, client_id)
        if stored is not None:
            return message_store.message_frame(stored)
    return error_frame("conversation_ended")


def run_bot_turn(visitor: VisitorSocket, message: str) -> Iterator[dict]:
    outcome = assistant.bot_turn(get_db(), visitor.started(), message)
    for message_row in outcome.messages:
        if visitor.shown.first_time(message_row.seq):
            yield message_store.message_frame(message_row)
    if outcome.alert:  # the bot's model saw more than the rules did
        yield outcome.alert
    if outcome.queued_region:
        yield from queue_update(visitor, outcome.queued_region)


def ask_model_opinion(
    visitor: VisitorSocket,
    text: str,
    rules_view: triage_rules.Assessment,
    answer_while_waiting: bool = False,
    alerted: str | None = None,
) -> None:
    """While a human has (or will have) the chat, Rasa's model reads the message beside the socket;
    a more serious grade comes back through this socket's inbox. A visitor who waits in the queue is
    answered after that reading (relay/bridge/waiting.py), through the conversation's channel."""
    # The app object itself (the proxy needs a context): the callbacks run on the model's worker threads.
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]  # a method of the proxy, not of Flask
    inbox, conversation_id = visitor.inbox, visitor.started()

    def raised(assessment: triage_rules.Assessment) -> str | None:  # on a worker, even if the visitor left
        with app.app_context():
            alert = triage.grade(conversation_id, assessment, text)
        if alert is not None:
            inbox.deliver(MODEL_ALERT, {"event": MODEL_ALERT, "conversation": conversation_id, "alert": alert})
        return alert["category"] if alert else None

    def answer(parse: dict | None, raised_now: str | None) -> None:
        with app.app_context():
            waiting.reply(conversation_id, text, parse, alerted or raised_now, rules_view.category)

    asked = triage.get_model_opinions().submit(text, rules_view, raised, answer if answer_while_waiting else None)
    if answer_while_waiting and not asked:  # Rasa down or far behind: answered without its reading
        answer(None, None)


# Not a broker channel: a model opinion hands its finding to this socket's own inbox.
MODEL_ALERT = "model_alert"
