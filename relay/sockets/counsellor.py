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
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from relay.broker import Subscription, get_broker
from relay.broker.events import conversation_channel, counsellor_channel, events_of, region_channel, typing_event
from relay.db import get_db
from relay.domain import conversations, message_store, presence, queues, texts
from relay.domain import supervision as supervision_domain
from relay.domain.models import Conversation, Counsellor, utcnow
from relay.domain.states import ASSIGNED, ENDED
from relay.ops import metrics
from relay.ops.presence import local_sockets, stale_seconds
from relay.schedule import get_regions, get_schedule
from relay.sockets import frames, supervision
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
from voordeur_content import regions as region_data

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


def error_frame(code: str, conversation: str | None = None) -> dict:
    """An error for the counsellor, in the words of texts.COUNSELLOR_ERRORS."""
    return frames.error_frame(code, texts.COUNSELLOR_ERRORS.get(code, code), conversation)


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


def follow(counsellor: CounsellorSocket, conversation_id: str) -> Iterator[dict]:
    """Start following an assigned conversation and send it as ``taken`` with its transcript."""
    if conversation_id in counsellor.open_chats:
        return
    counsellor.listen(conversation_channel(conversation_id))
    with get_db().transaction() as session:
        conversation = conversations.get_conversation(session, conversation_id)
        history = message_store.transcript(session, conversation_id, for_counsellor=True)
        whispers = supervision_domain.whispers_of(session, conversation_id)  # apart from the transcript
    counsellor.open_chats[conversation_id] = message_store.ShownSeqs(floor=history[-1]["seq"] if history else 0)
    yield {**taken_frame(conversation, history), "whispers": whispers}


def taken_frame(conversation: Conversation, transcript: list[dict]) -> dict:
    """A conversation as the counsellor who has it receives it: who, where, how urgent, and its messages."""
    return {
        "type": "taken",
        "conversation": conversation.id,
        "nickname": conversation.nickname or "Anoniem",
        "region": conversation.region,
        "urgent": conversation.urgent,
        "risk": conversation.risk,
        "risk_reason": conversation.risk_reason,
        # The region it came from through the backup (achtervang), whose organisation may follow up.
        "backup_from": conversation.backup_from,
        "intake": conversation.intake or {},
        "note": conversation.counsellor_note or "",  # the counsellor's own notes (relay/domain/notes.py)
        # How long the visitor waited in the queue before this take (null: never queued, or not taken).
        "waited_s": _waited(conversation),
        "transcript": transcript,
        **presence.visitor_presence(conversation, utcnow(), stale_seconds()).fields(),
    }


def _waited(conversation: Conversation) -> int | None:
    if conversation.queued_at is None or conversation.assigned_at is None:
        return None
    return max(0, int((conversation.assigned_at - conversation.queued_at).total_seconds()))


def unfollow(counsellor: CounsellorSocket, conversation_id: str) -> None:
    if counsellor.open_chats.pop(conversation_id, None) is not None:
        counsellor.stop_listening(conversation_channel(conversation_id))


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


def take(counsellor: CounsellorSocket, conversation_id: str | None) -> Iterator[dict]:
    with get_db().transaction() as session:  # announced with its commit, before this socket follows
        me = session.get(Counsellor, counsellor.counsellor_id)
        if me is None:  # the account was removed while its socket was open
            raise LookupError(f"counsellor {counsellor.counsellor_id} does not exist")
        result = queues.take(session, me, counsellor.regions, conversation_id)
        if result.conversation is not None:
            taken = result.conversation
            region = region_data.get_region(taken.region) if taken.region else None
            message_store.store_messages(
                session, taken.id, "system", texts.counsellor_joined(me.name, region.name if region else "Veilig Thuis")
            )
            events = events_of(session)
            events.conversation(taken.id, "agent", kind="counsellor", name=me.name, region=taken.region)
            events.region_changed(taken.region)
            events.counsellor(me.id, "taken", conversation=taken.id)
    if result.conversation is None:  # then result.error says why
        yield error_frame(result.error or "not_found", conversation_id)
        return
    yield from follow(counsellor, result.conversation.id)


def _own_assigned(
    session: Session, counsellor: CounsellorSocket, conversation_id: str
) -> tuple[Conversation | None, str | None]:
    conversation = conversations.lock_conversation(session, conversation_id)
    if conversation is None:
        return None, "not_found"
    if conversation.counsellor_id != counsellor.counsellor_id or conversation.state != ASSIGNED:
        return None, "not_yours"
    return conversation, None


def counsellor_message(
    counsellor: CounsellorSocket, conversation_id: str, text: str, client_id: str | None = None
) -> Iterator[dict]:
    """Store a counsellor's message. With the console's ``client_id`` a message sent again after a
    reconnect is stored once: the second time its stored echo is the receipt."""
    db = get_db()
    try:
        stored = message_store.store_messages(
            db,
            conversation_id,
            "counsellor",
            text,
            claim=message_store.Claim.ASSIGNED_TO,
            counsellor=counsellor.counsellor_id,
            client_id=client_id,
        )
    except IntegrityError:  # the unique (conversation, client id): stored before the connection dropped
        if client_id is None:
            raise
        with db.transaction() as session:
            earlier = message_store.find_by_client_id(session, conversation_id, client_id)
        if earlier is not None and earlier.sender == "counsellor":
            yield message_store.message_frame(earlier, conversation_id)
            return
        raise
    if not stored:  # the rare case: say why
        with db.transaction() as session:
            found = session.get(Conversation, conversation_id) is not None
        yield error_frame("not_yours" if found else "not_found", conversation_id)
        return
    frame = message_store.message_frame(stored.messages[0], conversation_id)
    shown = counsellor.open_chats.get(conversation_id)
    if shown is None or shown.first_time(frame["seq"]):
        yield frame


def counsellor_end(counsellor: CounsellorSocket, conversation_id: str) -> Iterator[dict]:
    with get_db().transaction() as session:
        conversation, error = _own_assigned(session, counsellor, conversation_id)
        if conversation is not None:
            conversations.end(session, conversation, "counsellor")  # locked: it cannot end meanwhile
            message_store.store_messages(session, conversation_id, "system", texts.ENDED_BY_COUNSELLOR)
            events_of(session).conversation(conversation_id, "ended", by="counsellor")
    if error:
        yield error_frame(error, conversation_id)
        return
    unfollow(counsellor, conversation_id)
    # The console opens the anonymous advice registration for this conversation.
    yield {"type": "ended", "conversation": conversation_id, "by": "counsellor", "registration_due": True}


def transfer(counsellor: CounsellorSocket, conversation_id: str, region_id: str | None) -> Iterator[dict]:
    region = region_data.get_region(region_id) if region_id else None
    if region is None:
        yield error_frame("region_not_found", conversation_id)
        return
    if not get_schedule().is_open(region.id):
        yield error_frame("region_closed", conversation_id)
        return
    with get_db().transaction() as session:
        conversation, error = _own_assigned(session, counsellor, conversation_id)
        if conversation is not None:
            old_region = conversation.region
            queues.transfer(session, counsellor.counsellor_id, conversation, region.id)  # locked: it is still theirs
            message_store.store_messages(session, conversation_id, "system", texts.transferred(region.name))
            events = events_of(session)
            events.conversation(conversation_id, "agent", kind="bot", name=texts.BOT_NAME, region=region.id)
            events.conversation(conversation_id, "queued", region=region.id)
            events.region_changed(region.id)
            if old_region != region.id:
                events.region_changed(old_region)
    if error:
        yield error_frame(error, conversation_id)
        return
    unfollow(counsellor, conversation_id)
    yield {"type": "transferred", "conversation": conversation_id, "region": region.id}


def counsellor_typing(counsellor: CounsellorSocket, conversation_id: str) -> None:
    """The counsellor is typing in a chat they have: the visitor hears that, never what. Not stored;
    at most one per TYPING_INTERVAL per chat; for a chat that is not theirs (any more), dropped."""
    if conversation_id in counsellor.open_chats and counsellor.typing.allow(conversation_id):
        get_broker().publish(*typing_event(conversation_id, "counsellor"))


def release(counsellor: CounsellorSocket, conversation_id: str) -> Iterator[dict]:
    """Hand a chat over to a colleague (before logging out): back to the front of its own queue
    (``queued_at`` kept), and the visitor is told."""
    with get_db().transaction() as session:
        conversation, error = _own_assigned(session, counsellor, conversation_id)
        if conversation is not None and conversation.region is not None:
            region = conversation.region
            conversations.requeue(session, conversation, region, counsellor.counsellor_id)  # locked: still theirs
            presence.back_to_queue_events(session, conversation_id, region, texts.HANDED_OVER)
    if error:
        yield error_frame(error, conversation_id)
        return
    unfollow(counsellor, conversation_id)
    counsellor.typing.forget(conversation_id)
    yield {"type": "released", "conversation": conversation_id}


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
