"""Retention: conversations are deleted a while after their last activity, in the relay and in Rasa.

`python -m relay purge` runs it once; the running relay runs it every `RELAY_PURGE_INTERVAL`
seconds. What is kept and for how long is in docs/privacy.md; tests/relay/test_retention.py holds
this module to that document.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

import requests
from flask import Flask
from sqlalchemy import CursorResult, Delete, bindparam, create_engine, delete, exists, select, text
from sqlalchemy.orm import Session

from relay.db import get_db
from relay.domain import figures
from relay.domain.models import (
    Conversation,
    CounsellorSession,
    FeedbackComment,
    LoginFailure,
    Message,
    Whisper,
    utcnow,
)
from relay.ops import periodic

log = logging.getLogger(__name__)

# Failed logins only matter for the 15-minute throttle window; a day is plenty.
LOGIN_FAILURE_DAYS = 1
BATCH = 500


@dataclass
class PurgeResult:
    conversations: list[str] = field(default_factory=list)
    messages: int = 0
    console_sessions: int = 0
    login_failures: int = 0
    feedback_comments: int = 0
    trackers_purged: int = 0
    tracker_failures: int = 0


def expired_conversation_ids(session: Session, cutoff: datetime) -> list[str]:
    """Conversations with no activity since ``cutoff``: opened, last message and end all before it."""
    recent_message = exists().where(Message.conversation_id == Conversation.id, Message.created_at >= cutoff)
    return list(
        session.scalars(
            select(Conversation.id)
            .where(
                Conversation.created_at < cutoff,
                (Conversation.ended_at.is_(None)) | (Conversation.ended_at < cutoff),
                ~recent_message,
            )
            .limit(BATCH)
        )
    )


def purge_relay(session: Session, retention_days: float, now: datetime | None = None) -> PurgeResult:
    """Delete expired conversations with their messages, expired console sessions and old failed logins.

    Anonymous advice registrations stay: they hold no transcript, nickname or conversation id. So do
    the service figures (counts without a conversation); the visitors' feedback comments, free text,
    go after the same number of days as the conversations, counted from the local day they were given.
    """
    now = now or utcnow()
    result = PurgeResult()
    ids = expired_conversation_ids(session, now - timedelta(days=retention_days))
    if ids:
        result.messages = _deleted(
            session,
            delete(Message).where(Message.conversation_id.in_(ids)).execution_options(synchronize_session=False),
        )
        # Named, not left to ON DELETE CASCADE: SQLite enforces foreign keys only when asked to.
        session.execute(
            delete(Whisper).where(Whisper.conversation_id.in_(ids)).execution_options(synchronize_session=False)
        )
        session.execute(
            delete(Conversation).where(Conversation.id.in_(ids)).execution_options(synchronize_session=False)
        )
    result.conversations = ids
    # Only the day is kept: a comment goes once that whole day lies before the cutoff.
    oldest_kept = figures.local_now(now - timedelta(days=retention_days)).date().isoformat()
    result.feedback_comments = _deleted(
        session,
        delete(FeedbackComment).where(FeedbackComment.day < oldest_kept).execution_options(synchronize_session=False),
    )
    result.console_sessions = _deleted(
        session,
        delete(CounsellorSession)
        .where(CounsellorSession.expires_at < now)
        .execution_options(synchronize_session=False),
    )
    result.login_failures = _deleted(
        session,
        delete(LoginFailure)
        .where(LoginFailure.at < now - timedelta(days=LOGIN_FAILURE_DAYS))
        .execution_options(synchronize_session=False),
    )
    return result


def _deleted(session: Session, statement: Delete) -> int:
    """Run a DELETE; how many rows it removed."""
    # A DELETE's result is a CursorResult (it has rowcount); Session.execute is typed as any Result.
    return cast(CursorResult[Any], session.execute(statement)).rowcount


def purge_rasa(
    rasa_url: str,
    conversation_ids: list[str],
    tracker_store_url: str | None,
    result: PurgeResult,
    timeout: float = 10.0,
    token: str | None = None,
) -> None:
    """Empty Rasa's trackers of purged conversations.

    The HTTP API (with Rasa's ``--auth-token``, ``token``) replaces a tracker's events with none:
    that empties Rasa's default in-memory store. A SQL tracker store only appends on save, so when
    its URL is configured the rows of those conversations are deleted there directly.
    """
    if not conversation_ids:
        return
    if tracker_store_url:
        engine = create_engine(tracker_store_url)
        try:
            with engine.begin() as connection:
                for start in range(0, len(conversation_ids), BATCH):
                    chunk = conversation_ids[start : start + BATCH]
                    connection.execute(
                        text("DELETE FROM events WHERE sender_id IN :ids").bindparams(bindparam("ids", expanding=True)),
                        {"ids": chunk},
                    )
        finally:
            engine.dispose()
    with requests.Session() as http:
        for done, conversation_id in enumerate(conversation_ids):
            try:
                response = http.put(
                    f"{rasa_url.rstrip('/')}/conversations/{conversation_id}/tracker/events",
                    params={"token": token} if token else None,
                    json=[],
                    timeout=timeout,
                )
            except requests.RequestException:  # never logged: its text holds the URL, and so the token
                result.tracker_failures += 1
                continue
            if response.status_code in (401, 403):  # so would every other one
                result.tracker_failures += len(conversation_ids) - done
                log.error(
                    "Rasa refused the relay's RASA_TOKEN (HTTP %d) when emptying trackers: RASA_TOKEN "
                    "must be the token Rasa runs with (rasa run --auth-token; docs/deploy.md)",
                    response.status_code,
                )
                break
            if response.ok:
                result.trackers_purged += 1
            else:
                result.tracker_failures += 1
    if result.tracker_failures:
        # Rasa's in-memory store forgets everything on restart anyway; a SQL store is purged above.
        log.warning("could not empty %d Rasa tracker(s) through the HTTP API", result.tracker_failures)


def purge(app: Flask, retention_days: float | None = None) -> PurgeResult:
    """One purge run: the relay's database first (one unit of work per batch), then Rasa."""
    days = app.config["RELAY_RETENTION_DAYS"] if retention_days is None else retention_days
    total = PurgeResult()
    while True:
        with get_db(app).transaction() as session:
            batch = purge_relay(session, days)
        total.conversations += batch.conversations
        total.messages += batch.messages
        total.console_sessions += batch.console_sessions
        total.login_failures += batch.login_failures
        total.feedback_comments += batch.feedback_comments
        purge_rasa(
            app.config["RASA_URL"],
            batch.conversations,
            app.config.get("RASA_TRACKER_STORE_URL"),
            total,
            token=app.config.get("RASA_TOKEN"),
        )
        if len(batch.conversations) < BATCH:
            break
    if total.conversations:
        log.info("purged %d conversation(s) older than %s day(s)", len(total.conversations), days)
    return total


def start_periodic_purge(app: Flask, first_delay: float = 5.0) -> threading.Event:
    """Purge in a daemon thread every RELAY_PURGE_INTERVAL seconds; set the returned event to stop.

    Several relay processes may all do this: deleting what is already gone deletes nothing.
    """
    interval = max(float(app.config["RELAY_PURGE_INTERVAL"]), 1.0)
    return periodic.every(interval, lambda: purge(app), "retention-purge", first_delay=first_delay)
