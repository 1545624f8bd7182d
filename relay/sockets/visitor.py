"""The visitor socket: a thin loop over ``handle_visitor_frame`` and ``visitor_event_frames``.

Both functions are generators of the frames to send to this visitor; they carry all the logic and
are what the unit tests call.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Iterator

from flask import Blueprint, Flask, abort, current_app, request
from simple_websocket import Server
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from relay.bridge import assistant, triage, waiting
from relay.broker import Subscription, get_broker
from relay.broker.events import conversation_channel, events_of, presence_event, region_channel, typing_event
from relay.db import get_db
from relay.domain import conversations, estimates, feedback, message_store, presence, queues, texts
from relay.domain.models import Conversation, Counsellor, Message, utcnow
from relay.domain.privacy import mentions_personal_data, personal_data_reminder
from relay.domain.states import ASSIGNED, BOT, ENDED, QUEUED, ConversationState
from relay.ops import metrics
from relay.ops.presence import local_sockets, stale_seconds
from relay.schedule import describe_opening, get_schedule
from relay.sockets import frames
from relay.sockets.frames import (
    FrameError,
    Inbox,
    TypingThrottle,
    optional_string,
    parse_frame,
    require_text,
    run_socket,
    sock,
)
from relay.sockets.origins import allowed_origin
from relay.sockets.ratelimit import TokenBucket
from voordeur_content import language
from voordeur_content import regions as region_data
from voordeur_content import triage as triage_rules

log = logging.getLogger(__name__)
bp = Blueprint("visitor", __name__)
VISITOR_FRAMES = ("hello", "message", "end", "feedback", "typing")


@dataclass
class VisitorSocket:
    """The state of one visitor connection, touched only by its socket's worker thread."""

    inbox: Inbox = field(default_factory=Inbox)
    conversation_id: str | None = None
    shown: message_store.ShownSeqs = field(default_factory=message_store.ShownSeqs)
    queue_region: str | None = None
    queue_position: int | None = None
    queue_estimate: int | None = None
    ended_sent: bool = False
    subscription: Subscription | None = None
    limiter: TokenBucket | None = None  # messages per socket (RELAY_RATE_BURST, RELAY_RATE_PER_SECOND)
    typing: TypingThrottle = field(default_factory=TypingThrottle)  # apart from the messages' budget

    def listen(self, channel: str) -> None:
        if self.subscription is None:
            self.subscription = get_broker().subscribe([channel], self.inbox.deliver)
        else:
            self.subscription.add(channel)

    def stop_listening_to_queue(self) -> None:
        if self.queue_region is not None and self.subscription is not None:
            self.subscription.remove(region_channel(self.queue_region))
        self.queue_region = None
        self.queue_position = None
        self.queue_estimate = None

    def close(self) -> None:
        if self.subscription is not None:
            self.subscription.close()

    def started(self) -> str:
        """The conversation's id, for a step that only follows a hello (which sets it)."""
        if self.conversation_id is None:
            raise FrameError("invalid_frame", texts.ERRORS["hello_first"])
        return self.conversation_id


def error_frame(code: str, message: str | None = None) -> dict:
    """An error for the visitor, in the words of texts.ERRORS unless given."""
    return frames.error_frame(code, message or texts.ERRORS.get(code, texts.ERRORS["unavailable"]))


def handle_visitor_frame(visitor: VisitorSocket, raw: object) -> Iterator[dict]:
    try:
        frame = parse_frame(raw, VISITOR_FRAMES)
        if frame["type"] == "hello":
            yield from hello(visitor, frame)
        elif visitor.conversation_id is None:
            yield error_frame("invalid_frame", texts.ERRORS["hello_first"])
        elif frame["type"] == "typing":
            visitor_typing(visitor)
        elif frame["type"] == "message":
            if message_allowed(visitor):
                yield from visitor_message(visitor, frame)
            else:  # not stored: the widget keeps the message and sends it again a little later
                yield error_frame("rate_limited", texts.RATE_LIMITED)
        elif frame["type"] == "feedback":
            yield visitor_feedback(visitor, frame)
        else:
            yield from visitor_end(visitor)
    except FrameError as error:
        yield error.frame()


def message_allowed(visitor: VisitorSocket) -> bool:
    if visitor.limiter is None:
        visitor.limiter = TokenBucket(
            current_app.config["RELAY_RATE_BURST"], current_app.config["RELAY_RATE_PER_SECOND"]
        )
    return visitor.limiter.allow(visitor.inbox.arrived)


def hello(visitor: VisitorSocket, frame: dict) -> Iterator[dict]:
    if visitor.conversation_id is not None:
        yield error_frame("invalid_frame", texts.ERRORS["already_started"])
        return
    token = frame.get("token")
    if token is not None and not isinstance(token, str):
        raise FrameError("invalid_frame", texts.ERRORS["session_not_found"])
    db = get_db()
    with db.transaction() as session:
        found = conversations.find_by_token(session, token) if token else None
        resumed = found is not None
        if found is None:
            conversation, token = conversations.open_conversation(session)
        else:
            conversation = found
        presence.visitor_arrived(session, conversation.id)
        if conversation.state == QUEUED:  # the counsellors see who is there
            events_of(session).visitor_presence_changed(conversation.region)
        if conversation.left_queue_region is not None:  # gone too long: back in the queue, at the back
            presence.return_to_queue(session, conversation, closed_on_return(conversation.left_queue_region))
    if frame.get("token") and not resumed:
        yield error_frame("session_not_found")
    visitor.conversation_id = conversation.id
    local_sockets().visitor_opened(conversation.id)
    # Listen before reading the history, so nothing stored in between is missed.
    visitor.listen(conversation_channel(conversation.id))
    if resumed:
        announce_presence(visitor, "online")
    with db.transaction() as session:
        conversation = conversations.get_conversation(session, conversation.id)
        history = message_store.transcript(session, conversation.id)
        agent = agent_frame(session, conversation)
    visitor.shown = message_store.ShownSeqs(floor=history[-1]["seq"] if history else 0)
    visitor.ended_sent = conversation.state == ENDED
    yield {
        "type": "session",
        "token": token,
        "conversation": conversation.id,
        "resumed": resumed,
        "state": conversation.state,
        "history": history,
    }
    yield agent
    alert = triage.visitor_alert(conversation) if resumed else None
    if alert is not None:  # the widget's safety banner comes back after a reload
        yield alert
    if conversation.state == QUEUED and conversation.region is not None:  # a queued one has its region
        yield from queue_update(visitor, conversation.region)
    if conversation.state == BOT and not history:
        yield from run_bot_turn(visitor, "/greet")


def closed_on_return(region_id: str) -> str | None:
    """What a visitor who comes back to a queue that closed meanwhile is told (None: it is open)."""
    schedule = get_schedule()
    region = region_data.get_region(region_id)
    if region is None or schedule.is_open(region.id):
        return None
    opening = describe_opening(schedule.next_open(region.id), schedule.timezone)
    return texts.chat_closed(region.name, opening) if opening else texts.NO_OPENING_KNOWN


def announce_presence(visitor: VisitorSocket, status: str) -> None:
    """Tell the counsellor (if any) that the visitor came back or dropped off (stored by
    ``presence``; told at once)."""
    get_broker().publish(*presence_event(visitor.started(), status, utcnow().isoformat()))


def visitor_gone(visitor: VisitorSocket) -> None:
    """A visitor's socket closed: stored if it was their last one here, and told to the counsellor."""
    conversation_id = visitor.started()
    if local_sockets().visitor_closed(conversation_id):
        with get_db().transaction() as session:
            presence.visitor_left(session, conversation_id)
            conversation = session.get(Conversation, conversation_id)
            if conversation is not None and conversation.state == QUEUED:
                events_of(session).visitor_presence_changed(conversation.region)
    announce_presence(visitor, "offline")


def visitor_typing(visitor: VisitorSocket) -> None:
    """The visitor is typing: the counsellor who has the chat hears that, never what. Not stored,
    not answered, and not counted against the messages' budget; at most one per TYPING_INTERVAL."""
    if visitor.typing.allow():
        get_broker().publish(*typing_event(visitor.started(), "visitor"))


def agent_frame(session: Session, conversation: Conversation) -> dict:
    region = region_data.get_region(conversation.region) if conversation.region else None
    if conversation.state == ASSIGNED and conversation.counsellor_id is not None:
        counsellor = session.get(Counsellor, conversation.counsellor_id)
        if counsellor is None:  # the foreign key keeps an assigned counsellor's row
            raise LookupError(f"counsellor {conversation.counsellor_id} does not exist")
        return {"type": "agent", "kind": "counsellor", "name": counsellor.name, "region": conversation.region}
    return {"type": "agent", "kind": "bot", "name": texts.BOT_NAME, "region": region.id if region else None}


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
    if outcome.alert_category:  # the bot's model saw more than the rules did
        yield triage_rules.alert_frame(outcome.alert_category, english=language.writes_english(message))
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


def visitor_end(visitor: VisitorSocket) -> Iterator[dict]:
    with get_db().transaction() as session:
        conversation = conversations.get_conversation(session, visitor.started())
        was_queued, region = conversation.state == QUEUED, conversation.region
        # Not locked: a take may change its state meanwhile; ``end`` still ends it then, unless it ended.
        ended = conversation.state != ENDED and conversations.end(session, conversation, "visitor")
        if ended:
            message = message_store.store_messages(session, conversation.id, "system", texts.ENDED_BY_VISITOR).messages[
                0
            ]
            events = events_of(session)
            events.conversation(conversation.id, "ended", by="visitor")
            if was_queued:
                events.region_changed(region)
    if not ended:
        yield error_frame("conversation_ended")
        return
    visitor.shown.first_time(message.seq)
    yield message_store.message_frame(message)
    visitor.stop_listening_to_queue()
    visitor.ended_sent = True
    yield {"type": "ended", "by": "visitor"}


def visitor_feedback(visitor: VisitorSocket, frame: dict) -> dict:
    """The answers after the end: counted in the figures, the comment apart (relay/domain/feedback.py)."""
    try:
        with get_db().transaction() as session:
            feedback.save_feedback(session, visitor.started(), frame.get("answers"))
    except feedback.FeedbackError as error:  # rolled back: the visitor can send it again
        return error_frame(error.code, error.message)
    return {"type": "feedback_saved"}


def queue_update(visitor: VisitorSocket, region: str) -> Iterator[dict]:
    """Send the visitor's place in the queue if it changed since the last one sent."""
    if visitor.queue_region != region:
        visitor.queue_region = region
        visitor.listen(region_channel(region))
    with get_db().transaction() as session:
        conversation = conversations.get_conversation(session, visitor.started())
        place = queues.position(session, conversation)
        queued_region = conversation.region
        estimate = None
        if place is not None and queued_region is not None:
            load = region_loads().get(session, queued_region, stale_seconds())
            estimate = estimates.shown(estimates.expected_wait(place, load))
    if place is not None and (place, estimate) != (visitor.queue_position, visitor.queue_estimate):
        visitor.queue_position, visitor.queue_estimate = place, estimate
        yield {"type": "queue", "position": place, "region": queued_region, "estimate_s": estimate}


def region_loads() -> estimates.RegionLoads:
    return current_app.extensions["relay_region_loads"]


def visitor_event_frames(visitor: VisitorSocket, channel: str, event: dict) -> Iterator[dict]:
    """Translate a broker event into what this visitor should see."""
    kind = event.get("event")
    if kind == MODEL_ALERT and event.get("conversation") == visitor.conversation_id:
        yield event["alert"]  # recorded already, and in the visitor's language, by the opinion
        return
    if kind == "queue_changed":
        if visitor.queue_region == event.get("region"):
            yield from queue_update(visitor, event["region"])
        return
    if event.get("conversation") != visitor.conversation_id:
        return
    if kind == "message":
        frame = dict(event["message"])
        frame.pop("conversation", None)
        if visitor.shown.first_time(frame["seq"]):
            yield frame
    elif kind == "agent":
        yield {"type": "agent", "kind": event["kind"], "name": event["name"], "region": event.get("region")}
        if event["kind"] == "counsellor":
            visitor.stop_listening_to_queue()
    elif kind == "queued":
        if event["region"] != visitor.queue_region:
            visitor.stop_listening_to_queue()  # a new queue: its position is news even if the number is not
        yield from queue_update(visitor, event["region"])
    elif kind == "typing" and event.get("from") == "counsellor":
        yield {"type": "typing", "from": "counsellor"}
    elif kind == "ended" and not visitor.ended_sent:
        visitor.stop_listening_to_queue()
        visitor.ended_sent = True
        yield {"type": "ended", "by": event.get("by", "system")}


@bp.before_request
def check_origin() -> None:
    if not allowed_origin(request.headers.get("Origin")):
        abort(403)


@sock.route("/ws/visitor", bp=bp)
def visitor_socket(ws: Server) -> None:
    visitor = VisitorSocket()
    metrics.SOCKETS_OPEN.labels(kind="visitor").inc()
    try:
        run_socket(
            ws,
            visitor.inbox,
            on_frame=lambda raw: handle_visitor_frame(visitor, raw),
            on_event=lambda channel, event: visitor_event_frames(visitor, channel, event),
        )
    finally:
        metrics.SOCKETS_OPEN.labels(kind="visitor").dec()
        visitor.close()
        if visitor.conversation_id is not None:
            try:
                visitor_gone(visitor)
            except Exception:  # the database away: its heartbeat has stopped anyway
                log.exception("could not store that a visitor left")


def init_app(app: Flask) -> None:
    app.extensions["relay_region_loads"] = estimates.RegionLoads()
    app.register_blueprint(bp)
