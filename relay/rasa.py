"""The bridge to Rasa: one REST turn, the parse endpoint, and decoding the bot's custom payloads."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

import requests
from flask import Flask, current_app

log = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa did not answer in time (still starting, down or overloaded)."""


@dataclass
class BotTurn:
    """What the bot said in one turn: visible messages and the relay signals it sent."""

    messages: list[dict] = field(default_factory=list)  # {"text": str, "buttons": [...] | None}
    signals: list[dict] = field(default_factory=list)   # the {"voordeur": {...}} payloads


def decode_turn(answers: list[dict]) -> BotTurn:
    """Split Rasa REST answers into visitor messages and ``voordeur`` signals (never shown)."""
    turn = BotTurn()
    for answer in answers or []:
        custom = answer.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("voordeur"), dict):
            turn.signals.append(custom["voordeur"])
            continue
        text = answer.get("text")
        if not text:
            continue
        buttons = [
            {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in answer.get("buttons") or []
            if isinstance(b, dict)
        ]
        turn.messages.append({"text": text, "buttons": buttons or None})
    return turn


def urgent_intent(parse_result: dict | None, threshold: float = 0.6) -> str | None:
    """The urgency category of a parse result: urgent_suicide → suicide, other urgent_* → acute."""
    intent = (parse_result or {}).get("intent") or {}
    name = intent.get("name") or ""
    if not name.startswith("urgent_") or (intent.get("confidence") or 0) < threshold:
        return None
    return "suicide" if name == "urgent_suicide" else "acute"


class RasaClient:
    def __init__(self, base_url: str, timeout: float, parse_timeout: float, retry_seconds: float):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.parse_timeout = parse_timeout
        self.retry_seconds = retry_seconds
        # One HTTP session (connection pool) per thread: requests.Session is not meant to be shared.
        self._local = threading.local()

    @property
    def http(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def turn(self, sender: str, message: str, metadata: dict) -> BotTurn:
        """Send one message and return the bot's answers.

        Connection errors are retried for a while, because Rasa takes about 30 s to load its model
        after `make run`; a message that did reach Rasa is never sent twice.
        """
        body = {"sender": sender, "message": message, "metadata": metadata}
        deadline = time.monotonic() + self.retry_seconds
        while True:
            try:
                response = self.http.post(f"{self.base_url}/webhooks/rest/webhook", json=body, timeout=self.timeout)
                response.raise_for_status()
                turn = decode_turn(response.json())
                if not turn.messages and not turn.signals:
                    # Rasa answers 200 with nothing when its action server is down; the bot always
                    # says something otherwise, so silence means the assistant is not working.
                    raise RasaUnavailable("Rasa gave an empty answer (is the action server down?)")
                return turn
            except requests.ConnectionError as error:
                if time.monotonic() >= deadline:
                    raise RasaUnavailable(str(error)) from error
                time.sleep(1.0)
            except (requests.RequestException, ValueError) as error:
                raise RasaUnavailable(str(error)) from error

    def parse(self, text: str) -> dict | None:
        """Rasa's NLU reading of a text, or None when Rasa does not answer quickly."""
        try:
            response = self.http.post(f"{self.base_url}/model/parse", json={"text": text}, timeout=self.parse_timeout)
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError):
            log.warning("Rasa parse unavailable; relying on the phrase list")
            return None


def init_app(app: Flask) -> None:
    app.extensions["relay_rasa"] = RasaClient(
        app.config["RASA_URL"],
        timeout=app.config["RASA_TIMEOUT"],
        parse_timeout=app.config["RASA_PARSE_TIMEOUT"],
        retry_seconds=app.config["RASA_RETRY_SECONDS"],
    )


def get_rasa(app: Flask | None = None) -> RasaClient:
    return (app or current_app).extensions["relay_rasa"]
