"""Rasa's reading of messages in chats a human has, made beside the socket instead of on it.

While a counsellor has (or will have) the chat, the phrase list answers at once on the socket's own
thread. Asking Rasa's model as well takes a round trip to Rasa; on the socket's thread that would
hold up everything else for this visitor (the counsellor's next message included). So the question
goes to a few worker threads. On an urgent answer the caller's callback (relay/visitor.py) marks the
chat urgent and alerts the counsellor right there, even if the visitor has left meanwhile, and hands
the visitor's alert to the socket's inbox.
"""
from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from flask import Flask, current_app

from relay.rasa import get_rasa, urgent_intent

log = logging.getLogger(__name__)


class UrgencyChecker:
    """Asks Rasa's model about texts on ``workers`` threads; at most ``max_waiting`` wait at once.

    Beyond that (Rasa hanging, a flood) a text is not asked about and a warning is logged: the
    phrase list has already judged it, and a queue without end would only answer too late.
    """

    def __init__(self, app: Flask, workers: int = 4, max_waiting: int = 1000):
        self._app = app
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="urgency-check")
        self._max_waiting = max_waiting
        self._waiting = 0
        self._idle = threading.Condition()

    def submit(self, text: str, on_urgent: Callable[[str], None]) -> bool:
        """Ask about ``text``; ``on_urgent(category)`` is called (on a worker thread) if urgent."""
        with self._idle:
            if self._waiting >= self._max_waiting:
                log.warning("urgency checks are %d behind; this message relies on the phrase list", self._waiting)
                return False
            self._waiting += 1
        self._pool.submit(self._check, text, on_urgent)
        return True

    def _check(self, text: str, on_urgent: Callable[[str], None]) -> None:
        try:
            category = urgent_intent(get_rasa(self._app).parse(text))
            if category is not None:
                on_urgent(category)
        except Exception:  # a failed check must not take the worker down
            log.exception("urgency check failed")
        finally:
            with self._idle:
                self._waiting -= 1
                if self._waiting == 0:
                    self._idle.notify_all()

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until every check asked for so far has been answered (for tests and shutdown)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._waiting == 0, timeout)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def init_app(app: Flask) -> None:
    app.extensions["relay_urgency_checks"] = UrgencyChecker(app, workers=app.config["RELAY_URGENCY_WORKERS"])


def get_urgency_checker(app: Flask | None = None) -> UrgencyChecker:
    return (app or current_app).extensions["relay_urgency_checks"]
