"""SQLAlchemy 2 models. Every shared fact lives here, so several relay processes can share it."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from relay.domain.states import INITIAL, ConversationState


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every database (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.astimezone(timezone.utc) if value is not None and value.tzinfo else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


class StateType(TypeDecorator):
    """A conversation's state: stored as its plain value ("queued"), read back as the enum, and
    refused before the database if it is not one of the states."""

    impl = String(16)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else ConversationState(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> ConversationState | None:
        return None if value is None else ConversationState(value)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class Counsellor(Base):
    __tablename__ = "counsellors"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    # "all", or region ids separated by commas.
    regions: Mapped[str] = mapped_column(Text)
    max_chats: Mapped[int] = mapped_column(Integer, default=3)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A supervisor may also see the service figures (and, later, watch): `counsellor add --supervisor`.
    supervisor: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Presence (relay/domain/presence.py): whether a console socket is open on some relay, and when a
    # relay last saw it (its heartbeat, or the moment the last socket closed).
    online: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    seen_at: Mapped[Optional[datetime]]


class CounsellorSession(Base):
    """A console login. Only the hash of the cookie's token is stored."""

    __tablename__ = "counsellor_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    counsellor_id: Mapped[int] = mapped_column(ForeignKey("counsellors.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class LoginFailure(Base):
    """A failed console login, kept briefly to slow down password guessing (no IP is stored)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_queue", "state", "region", "priority", "queued_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    # SHA-256 of the visitor's session token; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Written only by the transitions in relay/domain/conversations.py (the machine: relay/domain/states.py).
    state: Mapped[ConversationState] = mapped_column(StateType(), default=INITIAL)
    region: Mapped[Optional[str]] = mapped_column(String(64))
    nickname: Mapped[Optional[str]] = mapped_column(String(80))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    # The triage grade (relay/bridge/triage.py): the most serious category seen, the signal kind that
    # decided it (never the visitor's words), the categories already alerted ("acute,suicide"),
    # and the queue priority that follows from them (2 urgent, 1 high, 0 ordinary).
    risk: Mapped[Optional[str]] = mapped_column(String(16))
    risk_reason: Mapped[Optional[str]] = mapped_column(String(32))
    risk_alerted: Mapped[str] = mapped_column(String(40), default="", server_default="")
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    intake: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Waiting for a town: the relay asked for it (Rasa down) or the bot's intake ended without one.
    # A town in a later message then queues the conversation (relay/bridge/assistant.py), whatever the bot
    # would make of the rest of the message.
    awaiting_region: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    counsellor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("counsellors.id"))
    # The highest seq handed out; bumped with a row-locking UPDATE so seqs never collide.
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # First entry into any queue; a transfer keeps it, so the conversation keeps its place in time.
    queued_at: Mapped[Optional[datetime]]
    assigned_at: Mapped[Optional[datetime]]
    ended_at: Mapped[Optional[datetime]]
    ended_by: Mapped[Optional[str]] = mapped_column(String(16))
    registered: Mapped[bool] = mapped_column(Boolean, default=False)
    # The kinds of personal data the visitor was reminded of ("phone,email"; relay/domain/privacy.py), so
    # each is mentioned once, whatever the reminder's sentence says.
    reminded_kinds: Mapped[str] = mapped_column(String(80), default="", server_default="")
    # What this conversation has been counted for already in the service figures, once each
    # (",answered,urgent,feedback"; relay/domain/figures.py): the figures themselves hold no link back.
    figures_counted: Mapped[str] = mapped_column(String(80), default="", server_default="")
    # The visitor's presence (relay/domain/presence.py): a widget socket is open on some relay; since
    # when that is so (or since when not); when a relay last saw it (heartbeat, or the close).
    visitor_online: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    visitor_since: Mapped[Optional[datetime]]
    visitor_seen_at: Mapped[Optional[datetime]]
    # The region of the queue this conversation left because the visitor was gone too long
    # (RELAY_QUEUE_GONE_S): when they return, they go back into it, at the back.
    left_queue_region: Mapped[Optional[str]] = mapped_column(String(64))
    # The backup region (achtervang, relay/domain/backup.py): whether it was offered while waiting
    # (None: not yet; "pending", "accepted", "declined"; offered once), and the region this
    # conversation came from when the visitor accepted it.
    backup_offer: Mapped[Optional[str]] = mapped_column(String(16))
    backup_from: Mapped[Optional[str]] = mapped_column(String(64))
    # Supervisors were alerted that this urgent or high-risk conversation waited longer than
    # RELAY_SUPERVISOR_ALERT_S (relay/domain/supervision.py): once, by whichever relay swept first.
    wait_alerted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The counsellor's own notes on this chat (relay/domain/notes.py): never shown to the visitor,
    # deleted with the conversation.
    counsellor_note: Mapped[str] = mapped_column(Text, default="", server_default="")


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "seq", name="uq_messages_conversation_seq"),
        # Idempotency: a widget that re-sends after a reconnect never stores a message twice.
        UniqueConstraint("conversation_id", "client_id", name="uq_messages_conversation_client_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    sender: Mapped[str] = mapped_column(String(16))  # visitor, bot, counsellor, system
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[Optional[list[Any]]]
    client_id: Mapped[Optional[str]] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Whisper(Base):
    """A supervisor's word to the counsellor who has a conversation (relay/domain/supervision.py).
    Apart from the messages on purpose: nothing that serves the visitor reads this table. Deleted with
    its conversation by the retention purge."""

    __tablename__ = "whispers"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    supervisor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("counsellors.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Registration(Base):
    """The anonymous advice registration: no nickname, no transcript, no conversation id."""

    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Only the day, so a registration cannot be matched to a conversation by its exact time.
    day: Mapped[str] = mapped_column(String(10))
    region: Mapped[Optional[str]] = mapped_column(String(64))
    kinds: Mapped[list[Any]] = mapped_column(default=list)
    role: Mapped[str] = mapped_column(String(16))
    advice: Mapped[str] = mapped_column(Text, default="")
    referrals: Mapped[list[Any]] = mapped_column(default=list)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)


class Figure(Base):
    """One count of the service figures (relay/domain/figures.py): how often ``measure`` happened on a
    local day in a region, per ``bucket`` (a wait's upper edge in seconds, an hour of the day, a score;
    0 for a plain count). No conversation id, token or time of day: it outlives the retention purge."""

    __tablename__ = "figures"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), primary_key=True)  # "" when the region was not known
    measure: Mapped[str] = mapped_column(String(24), primary_key=True)
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(Integer, default=0)


class FeedbackComment(Base):
    """A visitor's free comment after a chat: apart from any conversation, only the day and region,
    deleted after RELAY_RETENTION_DAYS like the conversations (relay/ops/retention.py)."""

    __tablename__ = "feedback_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[str] = mapped_column(String(10), index=True)
    region: Mapped[Optional[str]] = mapped_column(String(64))
    comment: Mapped[str] = mapped_column(Text)
