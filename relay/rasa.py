"""The bridge to Rasa: one REST turn, the parse endpoint, and decoding the bot's custom payloads."""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field

import urllib3
from flask import Flask, current_app
from urllib3.exceptions import ConnectTimeoutError, HTTPError, ProtocolError

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
    """Rasa's REST channel and parse endpoint over one keep-alive connection pool.

    urllib3's pool is thread-safe and shared by every socket thread. Rasa is an internal service:
    no proxy from the environment is consulted (looking those up cost more than the call itself).
    """

    def __init__(self, base_url: str, timeout: float, parse_timeout: float, retry_seconds: float,
                 max_connections: int = 50):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.parse_timeout = parse_timeout
        self.retry_seconds = retry_seconds
        # block=False: a burst beyond max_connections opens extra connections instead of waiting.
        self._http = urllib3.PoolManager(maxsize=max_connections, block=False, retries=False)

    def _post(self, path: str, body: dict, timeout: float):
        response = self._http.request(
            "POST", f"{self.base_url}{path}", body=json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json"}, timeout=urllib3.Timeout(total=timeout))
        if response.status >= 400:
            raise RasaUnavailable(f"Rasa answered {response.status} on {path}")
        return json.loads(response.data)

    def turn(self, sender: str, message: str, metadata: dict) -> BotTurn:
        """Send one message and return the bot's answers.

        Refused connections are retried for a while, because Rasa takes about 30 s to load its
        model after `make run`; a message that did reach Rasa is never sent twice.
        """
        body = {"sender": sender, "message": message, "metadata": metadata}
        deadline = time.monotonic() + self.retry_seconds
        while True:
            try:
                turn = decode_turn(self._post("/webhooks/rest/webhook", body, self.timeout))
            except ConnectTimeoutError as error:  # refused or no connection made: nothing was sent, safe to retry
                if time.monotonic() >= deadline:
                    raise RasaUnavailable(str(error)) from error
                time.sleep(1.0)
                continue
            except (HTTPError, ProtocolError, ValueError) as error:
                raise RasaUnavailable(str(error)) from error
            if not turn.messages and not turn.signals:
                # Rasa answers 200 with nothing when its action server is down; the bot always
                # says something otherwise, so silence means the assistant is not working.
                raise RasaUnavailable("Rasa gave an empty answer (is the action server down?)")
            return turn

    def parse(self, text: str) -> dict | None:
        """Rasa's NLU reading of a text, or None when Rasa does not answer quickly."""
        try:
            return self._post("/model/parse", {"text": text}, self.parse_timeout)
        except (HTTPError, ProtocolError, ValueError, RasaUnavailable):
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
