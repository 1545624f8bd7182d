"""The supervisor's frames on the counsellor socket (watch, unwatch, whisper), the counsellor's flag,
and the supervisor's share of the broker events: the live overview, flags, wait alerts and the
watched conversations' messages. The logic lives in relay/domain/supervision.py.

A whisper goes to the ``counsellor:<id>`` channel of the counsellor who has the chat, a flag or wait
alert to ``supervision:<region>``: none of it ever travels on the conversation's channel, which is
the one the visitor's socket listens to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from relay.bridge import waiting
from relay.broker.events import conversation_channel, counsellor_channel, events_of, supervision_channel
from relay.db import get_db
from relay.domain import message_store, supervision, texts
from relay.domain.models import Conversation, Counsellor
from relay.ops.presence import stale_seconds
from relay.sockets import frames

if TYPE_CHECKING:
    from relay.sockets.counsellor import CounsellorSocket

SUPERVISOR_FRAMES = ("watch", "unwatch", "whisper")


def error_frame(code: str, conversation: str | None = None) -> dict:
    return frames.error_frame(code, texts.COUNSELLOR_ERRORS.get(code, code), conversation)


def supervisor_connected(counsellor: CounsellorSocket) -> Iterator[dict]:
    """A supervisor hears the flags and wait alerts of their regions, and gets the overview."""
    if not counsellor.supervisor:
        return
    for region in counsellor.regions:
        counsellor.listen(supervision_channel(region))
    yield from overview_frames(counsellor, force=True)


def overview_frames(counsellor: CounsellorSocket, force: bool = False) -> Iterator[dict]:
    """The overview, when it changed. Throttled by what it says: a longest wait that merely grew is
    no news (the console counts it up), so a busy queue does not send a frame a second."""
    if not counsellor.supervisor:
        return
    with get_db().transaction() as session:
        regions = supervision.overview(session, counsellor.regions, stale_seconds(), waiting.region_loads())
        chats = supervision.assigned_chats(session, counsellor.regions)
    shape: list[tuple] = [
        (r["id"], r["counsellors_online"], r["queued"], r["assigned"], r["estimate_s"]) for r in regions
    ]
    shape += [(c["conversation"], c["counsellor"], c["urgent"]) for c in chats]
    if force or shape != counsellor.last_overview:
        counsellor.last_overview = shape
        yield {"type": "overview", "regions": regions, "chats": chats}


def handle_supervision_frame(counsellor: CounsellorSocket, frame: dict, conversation_id: str) -> Iterator[dict]:
    if frame["type"] == "flag":
        yield from flag(counsellor, conversation_id)
        return
    if not counsellor.supervisor:
        yield error_frame("not_supervisor", conversation_id)
    elif frame["type"] == "watch":
        yield from watch(counsellor, conversation_id)
    elif frame["type"] == "unwatch":
        unwatch(counsellor, conversation_id)
        yield {"type": "unwatched", "conversation": conversation_id}
    else:
        yield from whisper(counsellor, conversation_id, frames.require_text(frame))


def watch(counsellor: CounsellorSocket, conversation_id: str) -> Iterator[dict]:
    """Read along with a conversation of one's regions: its transcript now, its messages as they come.
    The counsellor who has it hears who watches."""
    if conversation_id not in counsellor.watching:
        counsellor.listen(conversation_channel(conversation_id))  # before reading: nothing falls between
    with get_db().transaction() as session:
        found, error = supervision.watchable(session, conversation_id, counsellor.regions)
        if found is not None:
            history = message_store.transcript(session, conversation_id, for_counsellor=True)
            whispers = supervision.whispers_of(session, conversation_id)
            if found.counsellor_id is not None and found.counsellor_id != counsellor.counsellor_id:
                events_of(session).counsellor(
                    found.counsellor_id, "watched", conversation=conversation_id, by=counsellor.name
                )
    if found is None:
        if conversation_id not in counsellor.watching and conversation_id not in counsellor.open_chats:
            counsellor.stop_listening(conversation_channel(conversation_id))
        yield error_frame(error, conversation_id)
        return
    shown = counsellor.watching.get(conversation_id)
    if shown is None or not history or history[-1]["seq"] > shown.floor:
        counsellor.watching[conversation_id] = message_store.ShownSeqs(floor=history[-1]["seq"] if history else 0)
    conversation = found.conversation
    yield {
        "type": "watching",
        "conversation": conversation_id,
        "region": conversation.region,
        "nickname": conversation.nickname or "Anoniem",
        "state": conversation.state.value,
        "counsellor": found.counsellor_name,
        "urgent": conversation.urgent,
        "risk": conversation.risk,
        "transcript": history,
        "whispers": whispers,
    }


def unwatch(counsellor: CounsellorSocket, conversation_id: str) -> None:
    """Stop reading along; the counsellor who has the chat hears it."""
    if counsellor.watching.pop(conversation_id, None) is None:
        return
    if conversation_id not in counsellor.open_chats:
        counsellor.stop_listening(conversation_channel(conversation_id))
    tell_who_has_it(counsellor, conversation_id, "unwatched")


def tell_who_has_it(counsellor: CounsellorSocket, conversation_id: str, event: str) -> None:
    """``watched`` or ``unwatched`` to the counsellor who has the chat now, if that is someone else."""
    with get_db().transaction() as session:
        conversation = session.get(Conversation, conversation_id)
        has_it = conversation.counsellor_id if conversation is not None else None
        if has_it is not None and has_it != counsellor.counsellor_id:
            events_of(session).counsellor(has_it, event, conversation=conversation_id, by=counsellor.name)


def unwatch_all(counsellor: CounsellorSocket) -> None:
    """The supervisor's console closed: nobody watches from it any more."""
    for conversation_id in list(counsellor.watching):
        unwatch(counsellor, conversation_id)


def whisper(counsellor: CounsellorSocket, conversation_id: str, text: str) -> Iterator[dict]:
    with get_db().transaction() as session:
        me = session.get(Counsellor, counsellor.counsellor_id)
        if me is None:
            raise LookupError(f"counsellor {counsellor.counsellor_id} does not exist")
        stored, error = supervision.whisper(session, me, conversation_id, counsellor.regions, text)
    if stored is None:
        yield error_frame(error, conversation_id)
        return
    yield {"type": "whispered", "conversation": conversation_id, "text": text}


def flag(counsellor: CounsellorSocket, conversation_id: str) -> Iterator[dict]:
    """ "Kijk even mee": the supervisors online for the chat's region are asked to look along."""
    with get_db().transaction() as session:
        me = session.get(Counsellor, counsellor.counsellor_id)
        if me is None:
            raise LookupError(f"counsellor {counsellor.counsellor_id} does not exist")
        error = supervision.flag(session, me, conversation_id)
    if error:
        yield error_frame(error, conversation_id)
        return
    yield {"type": "flagged", "conversation": conversation_id}


def supervision_event_frames(counsellor: CounsellorSocket, channel: str, event: dict) -> Iterator[dict] | None:
    """Frames for the events that concern supervision, or None when the event is not one of them."""
    kind = event.get("event")
    conversation_id = event.get("conversation")
    if channel.startswith("supervision:"):
        return iter(_supervisor_alert(event))
    if kind in ("whisper", "watched", "unwatched") and channel == counsellor_channel(counsellor.counsellor_id):
        return iter(_to_the_counsellor(event))
    if conversation_id in counsellor.watching and conversation_id not in counsellor.open_chats:
        return _watched_conversation(counsellor, conversation_id, event)
    return None


def _supervisor_alert(event: dict) -> list[dict]:
    if event.get("event") == "flag":
        return [
            {
                "type": "flag",
                "conversation": event["conversation"],
                "counsellor": event["counsellor"],
                "region": event["region"],
            }
        ]
    if event.get("event") == "wait_alert":
        fields = ("conversation", "region", "level", "risk", "waiting_s")
        return [{"type": "wait_alert", **{key: event.get(key) for key in fields}}]
    return []


def _to_the_counsellor(event: dict) -> list[dict]:
    if event["event"] == "whisper":
        return [supervision.whisper_frame(event["conversation"], event["sender"], event["text"])]
    return [{"type": event["event"], "conversation": event["conversation"], "by": event["by"]}]


def _watched_conversation(counsellor: CounsellorSocket, conversation_id: str, event: dict) -> Iterator[dict]:
    kind = event.get("event")
    if kind == "message":
        frame = event["message"]
        if counsellor.watching[conversation_id].first_time(frame["seq"]):
            yield {**frame, "watched": True}
    elif kind == "ended":
        counsellor.watching.pop(conversation_id, None)
        counsellor.stop_listening(conversation_channel(conversation_id))
        yield {"type": "ended", "conversation": conversation_id, "by": event.get("by", "system"), "watched": True}
    elif kind == "agent" and event.get("kind") == "counsellor":
        # Taken while watched: the new counsellor, too, hears who reads along.
        tell_who_has_it(counsellor, conversation_id, "watched")
        yield {"type": "watched_taken", "conversation": conversation_id, "counsellor": event.get("name")}
