"""What a counsellor does with a conversation: take it, write in it, end it, transfer it, hand it
over, and follow it (the ``taken`` frame with its transcript). The socket
(relay/sockets/counsellor.py) parses each frame and calls these; each is a plain function that
returns the frames to send."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Iterator

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from relay.broker import get_broker
from relay.broker.events import conversation_channel, events_of, typing_event
from relay.db import get_db
from relay.domain import conversations, message_store, presence, queues, texts
from relay.domain import supervision as supervision_domain
from relay.domain.models import Conversation, Counsellor, utcnow
from relay.domain.states import ASSIGNED
from relay.ops.presence import stale_seconds
from relay.schedule import get_schedule
from relay.sockets import frames
from voordeur_content import regions as region_data

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from relay.sockets.counsellor import CounsellorSocket


def error_frame(code: str, conversation: str | None = None) -> dict:
    """An error for the counsellor, in the words of texts.COUNSELLOR_ERRORS."""
    return frames.error_frame(code, texts.COUNSELLOR_ERRORS.get(code, code), conversation)


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
