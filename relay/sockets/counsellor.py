"""The counsellor socket: a thin loop over ``handle_counsellor_frame`` and ``counsellor_event_frames``.

The socket needs the console's session cookie and the relay's own Origin. A counsellor sees the
queues of their regions and acts only on conversations assigned to them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Iterator

from flask import Blueprint, Flask, abort, current_app, request
from simple_websocket import Server
from sqlalchemy import select

from relay.broker import Subscription, get_broker
from relay.broker.events import counsellor_channel, events_of, region_channel
from relay.db import get_db
from relay.domain import message_store, presence, queues
from relay.domain.models import Conversation, Counsellor, utcnow
from relay.domain.states import ASSIGNED, ENDED
from relay.ops import metrics
from relay.ops.presence import local_sockets, stale_seconds
from relay.schedule import get_regions
from relay.sockets import supervision
from relay.sockets.counsellor_actions import (
    counsellor_end,
    counsellor_message,
    counsellor_typing,
    follow,
    release,
    take,
    taken_frame,
    transfer,
    unfollow,
)
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
from relay.sockets.origins import same_origin
from relay.web.auth import counsellor_of_request, region_ids_of

log = logging.getLogger(__name__)
bp = Blueprint("counsellor", __name__)
COUNSELLOR_FRAMES = ("take", "message", "end", "transfer", "typing", "release", "flag", *supervision.SUPERVISOR_FRAMES)


@dataclass
class CounsellorSocket:
    """One counsellor connection; touched only by its socket's worker thread."""

    counsellor_id: int
    username: str
    name: str
    regions: list[str]
    max_chats: int
    inbox: Inbox = field(default_factory=Inbox)
    open_chats: dict[str, message_store.ShownSeqs] = field(default_factory=dict)  # followed conversations
    last_queue: list | None = None
    subscription: Subscription | None = None
    typing: TypingThrottle = field(default_factory=TypingThrottle)  # per conversation
    registered: bool = False  # counted in this relay's presence (relay/ops/presence.py)
    supervisor: bool = False
    watching: dict[str, message_store.ShownSeqs] = field(default_factory=dict)  # read along (supervisor)
    last_overview: list | None = None

    @classmethod
    def for_counsellor(cls, counsellor: Counsellor) -> "CounsellorSocket":
        return cls(
            counsellor_id=counsellor.id,
            username=counsellor.username,
            name=counsellor.name,
            regions=region_ids_of(counsellor, [r.id for r in get_regions()]),
            max_chats=counsellor.max_chats,
            supervisor=counsellor.supervisor,
        )

    def listen(self, channel: str) -> None:
        if self.subscription is None:
            self.subscription = get_broker().subscribe([channel], self.inbox.deliver)
        else:
            self.subscription.add(channel)

    def stop_listening(self, channel: str) -> None:
        if self.subscription is not None:
            self.subscription.remove(channel)

    def close(self) -> None:
        if self.subscription is not None:
            self.subscription.close()


def counsellor_connected(counsellor: CounsellorSocket) -> Iterator[dict]:
    """Hello, the queue, and every open conversation back as a ``taken`` frame with its transcript."""
    counsellor.listen(counsellor_channel(counsellor.counsellor_id))
    for region in counsellor.regions:
        counsellor.listen(region_channel(region))
    local_sockets().counsellor_opened(counsellor.counsellor_id)
    counsellor.registered = True
    counsellor_presence(counsellor, online=True)
    yield {
        "type": "hello",
        "username": counsellor.username,
        "name": counsellor.name,
        "regions": counsellor.regions,
        "max_chats": counsellor.max_chats,
        "supervisor": counsellor.supervisor,
    }
    yield from queue_frames(counsellor, force=True)
    yield from supervision.supervisor_connected(counsellor)
    with get_db().transaction() as session:
        open_ids = list(
            session.scalars(
                select(Conversation.id)
                .where(Conversation.counsellor_id == counsellor.counsellor_id, Conversation.state == ASSIGNED)
                .order_by(Conversation.assigned_at)
            )
        )
    for conversation_id in open_ids:
        yield from follow(counsellor, conversation_id)
    yield from registrations_due(counsellor)


def counsellor_presence(counsellor: CounsellorSocket, online: bool) -> None:
    """Store that the counsellor is here (or that their last console here closed); the waits of their
    regions change with it."""
    with get_db().transaction() as session:
        presence.counsellor_seen(session, counsellor.counsellor_id, online)
        for region in counsellor.regions:
            events_of(session).region_changed(region)


def counsellor_gone(counsellor: CounsellorSocket) -> None:
    """The console's socket closed: stored if it was this counsellor's last one here. Should the
    database be away, the heartbeat stops all the same and the sweep sees them gone."""
    supervision.unwatch_all(counsellor)  # the counsellors read along with hear that it stopped
    was_registered, counsellor.registered = counsellor.registered, False
    if was_registered and local_sockets().counsellor_closed(counsellor.counsellor_id):
        counsellor_presence(counsellor, online=False)


def registrations_due(counsellor: CounsellorSocket) -> Iterator[dict]:
    """Chats this counsellor had that ended (also while the console was away) and still wait for
    their registration: ``taken`` with ``"state": "ended"`` and the transcript, then ``ended``, so a
    reloaded console gets its registration forms back. Only chats ended within a console login's
    lifetime (CONSOLE_SESSION_HOURS), so forgotten ones do not come back for ever."""
    since = utcnow() - timedelta(hours=current_app.config["CONSOLE_SESSION_HOURS"])
    with get_db().transaction() as session:
        due = list(
            session.scalars(
                select(Conversation)
                .where(
                    Conversation.counsellor_id == counsellor.counsellor_id,
                    Conversation.state == ENDED,
                    Conversation.registered.is_(False),
                    Conversation.ended_at >= since,
                )
                .order_by(Conversation.ended_at)
            )
        )
        transcripts = {c.id: message_store.transcript(session, c.id, for_counsellor=True) for c in due}
    for conversation in due:
        yield {**taken_frame(conversation, transcripts[conversation.id]), "state": ENDED}
        yield {
            "type": "ended",
            "conversation": conversation.id,
            "by": conversation.ended_by or "system",
            "registration_due": True,
        }


def queue_frames(counsellor: CounsellorSocket, force: bool = False) -> Iterator[dict]:
    now, stale_s = utcnow(), stale_seconds()
    with get_db().transaction() as session:
        items = [
            {**queues.queue_item(c, now), **presence.visitor_presence(c, now, stale_s).fields()}
            for c in queues.queued_conversations(session, counsellor.regions)
        ]
    # waiting_s changes every second; only a change in who waits, in order, or in presence is news.
    shape = [
        (i["conversation"], i["region"], i["urgent"], i["risk"], i["nickname"], i["visitor_online"]) for i in items
    ]
    if force or shape != counsellor.last_queue:
        counsellor.last_queue = shape
        yield {"type": "queue", "items": items}


def handle_counsellor_frame(counsellor: CounsellorSocket, raw: object) -> Iterator[dict]:
    try:
        frame = parse_frame(raw, COUNSELLOR_FRAMES)
        conversation_id = optional_string(frame, "conversation", 40)
        if frame["type"] == "take":
            yield from take(counsellor, conversation_id)
        elif conversation_id is None:
            raise FrameError("invalid_frame", "Geef aan over welk gesprek het gaat.")
        elif frame["type"] == "message":
            client_id = optional_string(frame, "id", 80)
            yield from counsellor_message(counsellor, conversation_id, require_text(frame), client_id)
        elif frame["type"] == "end":
            yield from counsellor_end(counsellor, conversation_id)
        elif frame["type"] == "typing":
            counsellor_typing(counsellor, conversation_id)
        elif frame["type"] == "release":
            yield from release(counsellor, conversation_id)
        elif frame["type"] in ("flag", *supervision.SUPERVISOR_FRAMES):
            yield from supervision.handle_supervision_frame(counsellor, frame, conversation_id)
        else:
            yield from transfer(counsellor, conversation_id, optional_string(frame, "region", 64))
    except FrameError as error:
        yield error.frame()


def counsellor_event_frames(counsellor: CounsellorSocket, channel: str, event: dict) -> Iterator[dict]:
    kind = event.get("event")
    if kind in ("queue_changed", "presence_changed"):
        yield from queue_frames(counsellor)
        yield from supervision.overview_frames(counsellor)
        return
    supervised = supervision.supervision_event_frames(counsellor, channel, event)
    if supervised is not None:
        yield from supervised
        return
    if kind == "taken":  # on counsellor:<id>: another of this counsellor's sockets took a chat
        yield from follow(counsellor, event["conversation"])
        return
    conversation_id = event.get("conversation")
    if conversation_id not in counsellor.open_chats:
        return
    if kind == "message":
        frame = event["message"]
        if counsellor.open_chats[conversation_id].first_time(frame["seq"]):
            yield frame
    elif kind == "alert":
        yield {
            "type": "alert",
            "conversation": conversation_id,
            "level": event.get("level", "urgent"),
            "category": event.get("category"),
            "reason": event.get("reason"),
        }
    elif kind == "ended":
        unfollow(counsellor, conversation_id)
        yield {
            "type": "ended",
            "conversation": conversation_id,
            "by": event.get("by", "system"),
            "registration_due": True,
        }
    elif kind == "queued":
        unfollow(counsellor, conversation_id)
    elif kind == "presence":
        yield {
            "type": "presence",
            "conversation": conversation_id,
            "visitor": event["visitor"],
            "since": event.get("since"),
        }
    elif kind == "typing" and event.get("from") == "visitor":
        yield {"type": "typing", "conversation": conversation_id}


@bp.before_request
def check_session_and_origin() -> None:
    if not same_origin(request.headers.get("Origin")):
        abort(403)
    counsellor = counsellor_of_request()
    if counsellor is None:
        abort(401)
    request.environ["voordeur.counsellor"] = counsellor


@sock.route("/ws/counsellor", bp=bp)
def counsellor_socket(ws: Server) -> None:
    counsellor = CounsellorSocket.for_counsellor(request.environ["voordeur.counsellor"])
    metrics.SOCKETS_OPEN.labels(kind="counsellor").inc()
    try:
        run_socket(
            ws,
            counsellor.inbox,
            on_frame=lambda raw: handle_counsellor_frame(counsellor, raw),
            on_event=lambda channel, event: counsellor_event_frames(counsellor, channel, event),
            start=counsellor_connected(counsellor),
        )
    finally:
        metrics.SOCKETS_OPEN.labels(kind="counsellor").dec()
        counsellor.close()
        try:
            counsellor_gone(counsellor)
        except Exception:  # the database away: its heartbeat has stopped anyway
            log.exception("could not store that a console closed")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
