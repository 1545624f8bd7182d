"""Backup regions (achtervang): a waiting visitor whom their own region cannot answer is offered its
backup region (content/regions.yml), once, honestly; accepting moves them there with their place in
time, and the counsellors of the backup region see where the conversation came from (``backup_from``).

The offer is made while the conversation is queued and its region is open, when
- nobody of the region is online, or
- the expected wait (relay/domain/estimates.py) passes ``after_s`` (RELAY_BACKUP_AFTER_S), or
- the conversation is urgent and nobody of the region is free;
and only when the backup region is open and has someone online. It is checked at hand-off, on every
message of a waiting visitor and by every presence sweep (relay/ops/presence.py), so a region that
empties while visitors wait is noticed too. ``backup_offer`` on the conversation records that it was
offered (``pending``) and what the visitor answered, so each conversation hears it once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from relay.domain import conversations, estimates, message_store, queues, texts
from relay.domain.models import Conversation, Message
from relay.domain.presence import online_counsellors
from relay.domain.states import QUEUED
from voordeur_content.regions import Region

ACCEPT = "/backup_accept"
DECLINE = "/backup_decline"
PENDING, DECLINED = "pending", "declined"  # "accepted" is written by conversations.move_queue
NOBODY, WAIT, URGENT = "nobody", "wait", "urgent"

# Typed answers to a pending offer; anything else is answered as any message while waiting.
_YES = {
    "ja",
    "ja graag",
    "graag",
    "ok",
    "oke",
    "okay",
    "oké",
    "goed",
    "prima",
    "yes",
    "ja hoor",
    "doe maar",
    "ja, graag",
}
_NO = {"nee", "nee dank je", "nee bedankt", "nee, ik wacht", "nee ik wacht", "ik wacht", "liever niet", "no"}


@dataclass(frozen=True)
class Offer:
    why: str  # NOBODY, WAIT or URGENT
    region: Region
    backup: Region
    wait_s: float | None = None


def staffed_regions(session: Session, region_ids: list[str], now: datetime, stale_s: float) -> set[str]:
    """The regions of ``region_ids`` that someone online serves."""
    served: set[str] = set()
    for counsellor in online_counsellors(session, now, stale_s):
        served.update(r for r in region_ids if estimates.serves(counsellor.regions, r))
    return served


def offer_for(
    session: Session,
    conversation: Conversation,
    regions: Mapping[str, Region],
    is_open: Callable[[str], bool],
    now: datetime,
    stale_s: float,
    after_s: float,
) -> Offer | None:
    """Whether ``conversation`` should be offered its backup region now, and why."""
    if conversation.state != QUEUED or conversation.backup_offer is not None or conversation.backup_from:
        return None
    region = regions.get(conversation.region or "")
    backup = regions.get(region.backup or "") if region else None
    if region is None or backup is None or not is_open(region.id) or not is_open(backup.id):
        return None
    if estimates.region_load(session, backup.id, stale_s, now).slots <= 0:
        return None  # nobody there either: the offer would be an empty promise
    load = estimates.region_load(session, region.id, stale_s, now)
    if conversation.urgent and load.busy >= load.slots:
        return Offer(URGENT, region, backup)
    if load.slots <= 0:
        return Offer(NOBODY, region, backup)
    wait = estimates.expected_wait(queues.position(session, conversation) or 1, load)
    if wait is not None and wait > after_s:
        return Offer(WAIT, region, backup, wait)
    return None


def make_offer(session: Session, conversation: Conversation, offer: Offer) -> list[Message]:
    """Record the offer (once: a second relay or sweep that got here too does nothing) and tell the
    visitor, with buttons; the message reaches them with the commit."""
    marked = cast(
        CursorResult[Any],
        session.execute(
            update(Conversation)
            .where(
                Conversation.id == conversation.id, Conversation.state == QUEUED, Conversation.backup_offer.is_(None)
            )
            .values(backup_offer=PENDING)
            .execution_options(synchronize_session=False)
        ),
    ).rowcount
    session.refresh(conversation)
    if marked != 1:
        return []
    minutes = int(offer.wait_s // 60) if offer.wait_s else None
    text = texts.backup_offer(offer.region.name, offer.backup.name, offer.why, minutes)
    buttons = [
        {"title": texts.backup_accept_button(offer.backup.name), "payload": ACCEPT},
        {"title": texts.BACKUP_DECLINE_BUTTON, "payload": DECLINE},
    ]
    return message_store.store_messages(session, conversation.id, "bot", [{"text": text, "buttons": buttons}]).messages


def offer_if_needed(
    session: Session,
    conversation: Conversation,
    regions: Mapping[str, Region],
    is_open: Callable[[str], bool],
    now: datetime,
    stale_s: float,
    after_s: float,
) -> list[Message]:
    offer = offer_for(session, conversation, regions, is_open, now, stale_s, after_s)
    return make_offer(session, conversation, offer) if offer else []


def offer_to_waiting(
    session: Session,
    regions: Mapping[str, Region],
    is_open: Callable[[str], bool],
    now: datetime,
    stale_s: float,
    after_s: float,
) -> list[str]:
    """The sweep's part: every waiting conversation not offered yet is checked; the ids offered."""
    waiting = session.scalars(
        select(Conversation).where(
            Conversation.state == QUEUED, Conversation.backup_offer.is_(None), Conversation.backup_from.is_(None)
        )
    )
    return [
        conversation.id
        for conversation in list(waiting)
        if offer_if_needed(session, conversation, regions, is_open, now, stale_s, after_s)
    ]


def choice(text: str, payload: str | None) -> str | None:
    """ACCEPT, DECLINE or None: a button's payload, or a typed "ja", "ok", "nee"."""
    if payload in (ACCEPT, DECLINE):
        return payload
    words = re.sub(r"[!.?]+$", "", " ".join(text.lower().split()))
    if words in _YES or words.startswith("ja, naar ") or words.startswith("ja naar "):
        return ACCEPT
    if words in _NO:
        return DECLINE
    return None


def answer(
    session: Session,
    conversation: Conversation,
    text: str,
    payload: str | None,
    regions: Mapping[str, Region],
    is_open: Callable[[str], bool],
    now: datetime,
    stale_s: float,
) -> list[Message] | None:
    """The visitor's answer to a pending offer: the messages that tell them what happened, or None
    when there is no pending offer or the message is no answer to it."""
    if conversation.state != QUEUED or conversation.backup_offer != PENDING:
        return None
    picked = choice(text, payload)
    if picked is None:
        return None
    region = regions.get(conversation.region or "")
    backup = regions.get(region.backup or "") if region else None
    if region is None or backup is None:
        return None
    if picked == DECLINE:
        return _declined(session, conversation, texts.backup_declined(region.name))
    if not is_open(backup.id) or backup.id not in staffed_regions(session, [backup.id], now, stale_s):
        return _declined(session, conversation, texts.backup_gone(region.name, backup.name))
    if not conversations.move_queue(session, conversation, backup.id, backup_from=region.id):
        return None  # taken or ended meanwhile
    return message_store.store_messages(session, conversation.id, "bot", texts.backup_accepted(backup.name)).messages


def _declined(session: Session, conversation: Conversation, told: str) -> list[Message]:
    session.execute(
        update(Conversation)
        .where(Conversation.id == conversation.id, Conversation.backup_offer == PENDING)
        .values(backup_offer=DECLINED)
        .execution_options(synchronize_session=False)
    )
    session.refresh(conversation)
    return message_store.store_messages(session, conversation.id, "bot", told).messages


def first_free_region(
    session: Session, regions: Mapping[str, Region], is_open: Callable[[str], bool], now: datetime, stale_s: float
) -> Region | None:
    """The open region that can answer a visitor without a place first: someone of it online, the
    most chats free after those already waiting; None when no open region has anyone online. For a
    visitor in danger who gives no place (relay/bridge/assistant.py), who must not be left with only
    a phone number while counsellors are there."""
    staffed = sorted(staffed_regions(session, [region_id for region_id in regions if is_open(region_id)], now, stale_s))
    waiting = dict(
        session.execute(
            select(Conversation.region, func.count()).where(queues.queued_in(staffed)).group_by(Conversation.region)
        ).all()
    )
    best: tuple[int, int, str] | None = None
    for region_id in staffed:
        load = estimates.region_load(session, region_id, stale_s, now)
        room = load.slots - load.busy - waiting.get(region_id, 0)
        if best is None or (room, load.slots) > best[:2]:
            best = (room, load.slots, region_id)
    return regions[best[2]] if best else None
