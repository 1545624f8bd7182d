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

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from relay.bridge.rasa import get_rasa
from relay.broker.events import events_of
from relay.db import get_db
from relay.domain import conversations, queues, texts
from relay.domain.models import Conversation, Message
from relay.domain.states import QUEUED
from relay.schedule import get_schedule
from voordeur_content import regions as region_data

# The bot's intents answered by its own response while a visitor waits: utter_<intent>, except where
# the intake's answer does not fit a visitor who is already in the queue.
ANSWERED_INTENT_PREFIX = "faq_"
WHILE_WAITING = {"faq_english": "utter_english_noted"}
# Not a bot response: the relay's own "je staat al in de wachtrij", for a request for a person.
ALREADY_QUEUED = "relay:already_queued"
# Below this confidence, Rasa's intent is not trusted to pick an answer; the visitor is acknowledged.
MIN_CONFIDENCE = 0.6


def answer_for(parse: dict | None) -> str | None:
    """The name of the bot response that answers this reading, or None."""
    intent = (parse or {}).get("intent") or {}
    name, confidence = intent.get("name") or "", float(intent.get("confidence") or 0.0)
    if confidence < MIN_CONFIDENCE:
        return None
    if name in WHILE_WAITING:
        return WHILE_WAITING[name]
    if name.startswith(ANSWERED_INTENT_PREFIX):
        return f"utter_{name}"
    if name == "request_human":
        return ALREADY_QUEUED
    return None


def reply(conversation_id: str, text: str, parse: dict | None, alerted: str | None) -> list[Message]:
    """Answer one message ``text`` of a visitor in the queue: ``parse`` is Rasa's reading (None
    without it), ``alerted`` the category triage alerted on for this message, if any. The answers
    are announced with the commit."""
    response = answer_for(parse)
    answer = get_rasa().response_text(response) if response and response != ALREADY_QUEUED else None
    with get_db().transaction() as session:
        conversation = conversations.lock_conversation(session, conversation_id)
        if conversation is None or conversation.state != QUEUED:
            return []  # taken or ended meanwhile: the counsellor answers now
        said: list[str] = []
        moved = _follow_corrected_town(session, conversation, text)
        if moved:
            said.append(moved)
        place = queues.position(session, conversation)
        if alerted:
            said.append(texts.WAITING_MOVED_UP)
        if answer:
            said.append(answer)
        elif response == ALREADY_QUEUED:
            said.append(texts.waiting_already_queued(place))
        elif not said:
            # The first acknowledgement in this queue also says the visitor may call instead.
            first = not session.scalar(
                select(func.count())
                .select_from(Message)
                .where(
                    Message.conversation_id == conversation_id,
                    Message.sender == "bot",
                    Message.created_at >= conversation.queued_at,
                )
            )
            said.append(texts.waiting_acknowledged(place, first))
        return conversations.store_messages(session, conversation_id, "bot", [{"text": line} for line in said]).messages


def _follow_corrected_town(session: Session, conversation: Conversation, text: str) -> str | None:
    """ "nee sorry, ik bedoel Dordrecht": a visitor who corrects their town while waiting goes to that
    region's queue with their place in time (conversations.move_queue), if it is open now; the
    sentence that tells them, or None when the message corrects nothing."""
    corrected = region_data.corrected_place(text, conversation.region)
    if corrected is None or corrected.region is None:
        return None
    region = corrected.region
    if not get_schedule().is_open(region.id):
        current = region_data.get_region(conversation.region or "")
        return texts.queue_not_moved(region.name, current.name if current else "je regio")
    old_region = conversation.region
    if not conversations.move_queue(session, conversation, region.id):
        return None
    events = events_of(session)
    events.conversation(conversation.id, "queued", region=region.id)
    events.region_changed(region.id)
    events.region_changed(old_region)
    return texts.queue_moved(region.name)
