"""The visitor socket: a thin loop over ``handle_visitor_frame`` and ``visitor_event_frames``.

Both functions are generators of the frames to send to this visitor; they carry all the logic and
are what the unit tests call.
"""

from __future__ import annotations

import logging
from typing import Iterator

from flask import Blueprint, Flask, abort, request
from simple_websocket import Server
from sqlalchemy.orm import Session

from relay.bridge import triage
from relay.broker import get_broker
from relay.broker.events import conversation_channel, events_of, presence_event, typing_event
from relay.db import get_db
from relay.domain import conversations, estimates, feedback, message_store, presence, texts
from relay.domain.models import Conversation, Counsellor, utcnow
from relay.domain.states import ASSIGNED, BOT, ENDED, QUEUED
from relay.ops import metrics
from relay.ops.presence import local_sockets
from relay.schedule import describe_opening, get_schedule
from relay.sockets.frames import FrameError, parse_frame, run_socket, sock
from relay.sockets.origins import allowed_origin
from relay.sockets.visitor_messages import MODEL_ALERT, message_allowed, run_bot_turn, visitor_message
from relay.sockets.visitor_state import VisitorSocket, error_frame, queue_update
from voordeur_content import regions as region_data

log = logging.getLogger(__name__)
bp = Blueprint("visitor", __name__)
VISITOR_FRAMES = ("hello", "message", "end", "feedback", "typing")


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
