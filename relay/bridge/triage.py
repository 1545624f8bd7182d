"""The relay's side of triage: every visitor message is graded in every state, before and without Rasa.

The rules of voordeur_content.triage decide at once, on the socket's own thread. A more serious
grade than the conversation had is stored on it (risk, reason, priority in the queue) and the
counsellor's alert is published with the same commit; the visitor's alert frame is sent by the
caller, so it is said once and then stays visible. Rasa's classifier is a second opinion, asked
beside the socket on a few worker threads (`ModelOpinions`) while a human has or will have the
chat; in the bot state the bot's own turn brings it (relay/bridge/assistant.py).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from flask import Flask, current_app
from sqlalchemy.orm import Session

from relay.bridge.rasa import get_rasa
from relay.broker.events import events_of
from relay.db import get_db
from relay.domain import conversations, figures
from relay.domain.models import Conversation
from relay.domain.states import QUEUED
from voordeur_content import language, places, triage
from voordeur_content.triage import Assessment

log = logging.getLogger(__name__)
PRIORITY = {"urgent": 2, "high": 1}


def alerted_categories(conversation: Conversation) -> list[str]:
    return [c for c in (conversation.risk_alerted or "").split(",") if c]


def record(session: Session, conversation: Conversation, assessment: Assessment) -> bool:
    """Store a grade that is more serious than what the conversation had, and the counsellor's
    alert, published with the commit; True when the visitor is to be shown the alert of
    ``assessment.category``."""
    alerted = alerted_categories(conversation)
    category, level = assessment.category, assessment.level
    if category is None or level is None or not triage.more_serious(assessment, alerted):
        return False
    conversation.risk_alerted = ",".join([*alerted, category])
    if triage.RANK[category] >= triage.RANK[conversation.risk]:
        conversation.risk, conversation.risk_reason = category, assessment.reason
    priority = PRIORITY[level]
    events = events_of(session)
    if priority > conversation.priority:
        conversation.priority = priority
        if conversation.state == QUEUED:
            events.region_changed(conversation.region)  # it moves up its queue
    conversation.urgent = conversation.urgent or level == "urgent"
    figures.risk(session, conversation, level)
    events.conversation(conversation.id, "alert", level=level, category=category, reason=assessment.reason)
    return True


def grade(conversation_id: str, assessment: Assessment, text: str) -> dict | None:
    """Record ``assessment`` of the visitor's message ``text`` for a conversation (its own unit of
    work); the alert frame to show the visitor, in their language and with the numbers of the
    country they live in, or None when it adds nothing. A message that names a place in Belgium
    marks the conversation as Belgian first, so that this alert and every later one give 1712 (and
    1813) instead of the Dutch lines. Most messages carry no signal and touch no row."""
    belgian = names_belgium(text)
    if (not assessment or assessment.category is None) and not belgian:
        return None
    with get_db().transaction() as session:
        conversation = conversations.lock_conversation(session, conversation_id)
        if conversation is None:
            return None
        if belgian and not lives_in_belgium(conversation):
            conversation.intake = {**(conversation.intake or {}), "country": BELGIUM}
        if assessment.category is None or not record(session, conversation, assessment):
            return None
        return alert_for(conversation, assessment.category, text)


def names_belgium(text: str) -> bool:
    """Whether a visitor's message (not a button's payload) names Belgium or a Belgian place: the same
    reading as the bot's 1712 answer (voordeur_content.places)."""
    return not text.startswith("/") and places.names_belgium(text)


BELGIUM = "be"  # the intake's "country" for a visitor who named a place in Belgium


def lives_in_belgium(conversation: Conversation) -> bool:
    return (conversation.intake or {}).get("country") == BELGIUM


def visitor_language(conversation: Conversation) -> str | None:
    """The language the bot's intake found ("en"), stored with the handoff; None before it."""
    return (conversation.intake or {}).get("language")


def alert_for(conversation: Conversation, category: str, text: str = "") -> dict:
    """The visitor's alert of ``category`` for this conversation: in English when ``text`` (or,
    without it, the intake) is, with Belgium's numbers for a visitor there."""
    english = language.answers_in_english(text, visitor_language(conversation))
    return triage.alert_frame(category, english=english, belgium=lives_in_belgium(conversation))


def visitor_alert(conversation: Conversation) -> dict | None:
    """The alert a returning visitor sees again (the widget keeps it visible), or None."""
    if not conversation.risk:
        return None
    return alert_for(conversation, conversation.risk)


class ModelOpinions:
    """Asks Rasa's model about texts on ``workers`` threads; at most ``max_waiting`` wait at once.

    Beyond that (Rasa hanging, a flood) a text is not asked about and a warning is logged: the
    rules have already graded it, and a queue without end would only answer too late.
    """

    def __init__(self, app: Flask, workers: int = 4, max_waiting: int = 1000):
        self._app = app
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="model-opinion")
        self._max_waiting = max_waiting
        self._waiting = 0
        self._idle = threading.Condition()

    def submit(
        self,
        text: str,
        rules_view: Assessment,
        on_raise: Callable[[Assessment], str | None],
        on_read: Callable[[dict | None, str | None], None] | None = None,
    ) -> bool:
        """Ask about ``text``; ``on_raise(assessment)`` runs on a worker when the weighed grade is
        more serious than the rules' own (it returns the category alerted, or None); then
        ``on_read(parse, alerted)`` gets Rasa's reading (None if Rasa did not answer). False when
        the text was not asked about (Rasa down, or too far behind): the caller goes on without."""
        if not get_rasa(self._app).available():
            return False  # Rasa is down: the rules have spoken, and the probe will bring Rasa back
        with self._idle:
            if self._waiting >= self._max_waiting:
                log.warning("model opinions are %d behind; this message relies on the rules", self._waiting)
                return False
            self._waiting += 1
        self._pool.submit(self._ask, text, rules_view, on_raise, on_read)
        return True

    def _ask(
        self,
        text: str,
        rules_view: Assessment,
        on_raise: Callable[[Assessment], str | None],
        on_read: Callable[[dict | None, str | None], None] | None,
    ) -> None:
        try:
            parse = get_rasa(self._app).parse(text)
            weighed = triage.weigh(rules_view, parse)
            alerted = None
            if triage.RANK[weighed.category] > triage.RANK[rules_view.category]:
                alerted = on_raise(weighed)
            if on_read is not None:
                on_read(parse, alerted)
        except Exception:  # a failed opinion must not take the worker down
            log.exception("model opinion failed")
        finally:
            with self._idle:
                self._waiting -= 1
                if self._waiting == 0:
                    self._idle.notify_all()

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until every opinion asked for so far has been answered (for tests and shutdown)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._waiting == 0, timeout)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def init_app(app: Flask) -> None:
    app.extensions["relay_model_opinions"] = ModelOpinions(app, workers=app.config["RELAY_URGENCY_WORKERS"])
    triage.warm_up()  # the first message must not pay for reading the rules and the word list


def get_model_opinions(app: Flask | None = None) -> ModelOpinions:
    return (app or current_app).extensions["relay_model_opinions"]
