"""The bridge to Rasa: one REST turn, the parse endpoint, and decoding the bot's custom payloads."""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import urllib3
from flask import Flask, current_app
from urllib3.exceptions import HTTPError, ProtocolError

from relay.ops import metrics

log = logging.getLogger(__name__)

# What Rasa answers on its HTTP API to a missing or wrong token.
REFUSED = (401, 403)


class RasaUnavailable(Exception):
    """Rasa did not answer in time (still starting, down or overloaded) or refused the relay's token."""


@dataclass
class BotTurn:
    """What the bot said in one turn: visible messages and the relay signals it sent."""

    messages: list[dict] = field(default_factory=list)  # {"text": str, "buttons": [...] | None}
    signals: list[dict] = field(default_factory=list)  # the {"voordeur": {...}} payloads


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


class RasaClient:
    """Rasa's REST channel and parse endpoint over one keep-alive connection pool.

    urllib3's pool is thread-safe and shared by every socket thread. Rasa is an internal service:
    no proxy from the environment is consulted. When Rasa does not answer (refused, or no answer
    within the timeout) it is remembered as down: later calls fail at once, so every visitor gets
    the relay's own answer without waiting, and one probe in the background asks Rasa every
    ``probe_interval`` seconds until it answers again, when it is used again without a restart.

    Every call to Rasa's HTTP API carries ``token`` (Rasa's ``--auth-token``); the REST channel
    takes none. A Rasa that refuses the token counts as down, with an error in the log: the
    relay could not purge its trackers or read its model, so it does not half use it.
    """

    def __init__(
        self,
        base_url: str,
        timeout: float,
        parse_timeout: float,
        probe_interval: float = 2.0,
        max_connections: int = 50,
        token: str | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        # Rasa 3.6 reads its token from the query string only (no header).
        self._auth_query = "?" + urlencode({"token": token}) if token else ""
        self._refusal_logged = False
        self.timeout = timeout
        self.parse_timeout = parse_timeout
        self.probe_interval = probe_interval
        # block=False: a burst beyond max_connections opens extra connections instead of waiting.
        self._http = urllib3.PoolManager(maxsize=max_connections, block=False, retries=False)
        self._down_since: float | None = None
        self._lock = threading.Lock()
        self._probing = False
        self._closed = threading.Event()
        self._responses: dict[str, str] = {}
        self._repeats: dict[str, str] = {}  # the "Zoals ik net zei" variants (slot faq_asked_before)
        self._for_risk: dict[tuple[str, str], str] = {}  # variants for a visitor in danger (slot urgent_category)
        self._responses_read = 0.0

    # ---- availability -------------------------------------------------------------------------

    def available(self) -> bool:
        return self._down_since is None

    def mark_down(self, reason: str) -> None:
        with self._lock:
            if self._down_since is None:
                self._down_since = time.monotonic()
                log.warning("Rasa is unavailable (%s); the relay answers itself until it is back", reason)
            if self._probing:
                return
            self._probing = True
        threading.Thread(target=self._probe_until_up, name="rasa-probe", daemon=True).start()

    def _api_url(self, path: str) -> str:
        """The URL of one endpoint of Rasa's HTTP API, with the relay's token."""
        return f"{self.base_url}{path}{self._auth_query}"

    def _refusal(self, status: int, path: str) -> str:
        """Rasa answered, but not to the relay's token: say so plainly, once until it accepts it."""
        reason = f"Rasa refused the relay's RASA_TOKEN (HTTP {status} on {path})"
        if not self._refusal_logged:
            self._refusal_logged = True
            log.error(
                "%s: RASA_TOKEN must be the token Rasa runs with (rasa run --auth-token); until it is, "
                "visitors get the relay's own answers as when Rasa is down (docs/deploy.md)",
                reason,
            )
        return reason

    def status(self) -> str | None:
        """One quick question to Rasa's HTTP API: None when it answers and accepts the relay's token,
        otherwise why not."""
        try:
            response = self._http.request("GET", self._api_url("/status"), timeout=urllib3.Timeout(total=1.0))
        except (HTTPError, ProtocolError, OSError) as error:
            return type(error).__name__
        if response.status in REFUSED:
            return self._refusal(response.status, "/status")
        return f"HTTP {response.status}" if response.status >= 500 else None

    def probe(self) -> bool:
        """Does Rasa answer, and accept the relay's token?"""
        return self.status() is None

    def _probe_until_up(self) -> None:
        try:
            while not self.probe():
                if self._closed.wait(self.probe_interval):
                    return
            with self._lock:
                down_for = time.monotonic() - (self._down_since or time.monotonic())
                self._down_since = None
                self._refusal_logged = False
            log.warning("Rasa answers again (after %.0f s)", down_for)
        finally:
            with self._lock:
                self._probing = False

    def check_at_start(self) -> None:
        """Ask Rasa once in the background at start-up: a Rasa that is still loading is known to be
        down before the first visitor writes, instead of costing that visitor a timeout."""

        def check() -> None:
            reason = self.status()
            if reason is not None:
                self.mark_down(f"not answering at start-up: {reason}")

        threading.Thread(target=check, name="rasa-start-check", daemon=True).start()

    def close(self) -> None:
        """Stop probing and close the pool's connections (for tests and shutdown)."""
        self._closed.set()
        self._http.clear()

    # ---- calls ----------------------------------------------------------------------------------

    def _post(self, path: str, body: dict, timeout: float, with_token: bool = True) -> Any:
        url = self._api_url(path) if with_token else f"{self.base_url}{path}"
        response = self._http.request(
            "POST",
            url,
            body=json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json"},
            timeout=urllib3.Timeout(total=timeout),
        )
        if response.status in REFUSED:
            reason = self._refusal(response.status, path)
            self.mark_down(reason)
            raise RasaUnavailable(reason)
        if response.status >= 400:
            raise RasaUnavailable(f"Rasa answered {response.status} on {path}")
        return json.loads(response.data)

    def turn(self, sender: str, message: str, metadata: dict) -> BotTurn:
        """Send one message and return the bot's answers; RasaUnavailable at once while Rasa is down.
        A message that may have reached Rasa is never sent twice."""
        if not self.available():
            raise RasaUnavailable("Rasa is down (the probe will notice when it is back)")
        body = {"sender": sender, "message": message, "metadata": metadata}
        try:
            # The REST channel ignores the token: it is not sent where it is not needed.
            turn = decode_turn(self._post("/webhooks/rest/webhook", body, self.timeout, with_token=False))
        except (HTTPError, ProtocolError, OSError) as error:  # refused, reset or no answer in time
            metrics.rasa_error("turn")
            self.mark_down(type(error).__name__)
            raise RasaUnavailable(str(error)) from error
        except ValueError as error:
            metrics.rasa_error("turn")
            raise RasaUnavailable(str(error)) from error
        except RasaUnavailable:  # refused the token, or an error status
            metrics.rasa_error("turn")
            raise
        if not turn.messages and not turn.signals:
            metrics.rasa_error("turn")
            # Rasa answers 200 with nothing when its action server is down; the bot always
            # says something otherwise, so silence means the assistant is not working.
            raise RasaUnavailable("Rasa gave an empty answer (is the action server down?)")
        return turn

    def parse(self, text: str) -> dict | None:
        """Rasa's NLU reading of a text, or None when Rasa is down or does not answer quickly."""
        if not self.available():
            return None
        try:
            return self._post("/model/parse", {"text": text}, self.parse_timeout)
        except (HTTPError, ProtocolError, OSError) as error:
            metrics.rasa_error("parse")
            self.mark_down(type(error).__name__)
            return None
        except (ValueError, RasaUnavailable):
            metrics.rasa_error("parse")
            log.warning("Rasa parse unavailable; the rules alone grade this message")
            return None

    def response_text(
        self, name: str, max_age: float = 300.0, repeat: bool = False, risk: str | None = None
    ) -> str | None:
        """The first text of the running model's response ``name`` (Rasa's ``GET /domain``), or None;
        with ``repeat``, its shorter variant for a question asked before ("Zoals ik net zei: ..."), or
        None when it has none; with ``risk`` (a conversation's grade), its variant for a visitor who
        told of that danger (condition: slot urgent_category), when it has one.

        The answers the relay gives while a visitor waits are the bot's own (bot/domain/), so one
        wording serves both; they are read again every ``max_age`` seconds, after a new model."""
        if time.monotonic() - self._responses_read > max_age and self.available():
            try:
                response = self._http.request(
                    "GET",
                    self._api_url("/domain"),
                    headers={"Accept": "application/json"},
                    timeout=urllib3.Timeout(total=self.parse_timeout),
                )
                if response.status in REFUSED:
                    self.mark_down(self._refusal(response.status, "/domain"))
                elif response.status < 400:
                    domain = json.loads(response.data)
                    self._responses, self._repeats, self._for_risk = {}, {}, {}
                    for key, variants in (domain.get("responses") or {}).items():
                        texts = [v for v in variants or [] if isinstance(v, dict) and v.get("text")]
                        plain = [v for v in texts if not v.get("condition")]  # Dutch, not a variant for English
                        if plain:
                            self._responses[key] = plain[0]["text"]
                        again = [v for v in texts if _asked_before(v.get("condition"))]
                        if again:
                            self._repeats[key] = again[0]["text"]
                        for variant in texts:
                            category = _risk_of(variant.get("condition"))
                            if category and (key, category) not in self._for_risk:
                                self._for_risk[(key, category)] = variant["text"]
                    self._responses_read = time.monotonic()
            except (HTTPError, ProtocolError, OSError, ValueError) as error:
                log.warning("Rasa's responses unavailable (%s); the relay's own acknowledgement is used", error)
        if risk and not repeat and (name, risk) in self._for_risk:
            return self._for_risk[(name, risk)]
        return (self._repeats if repeat else self._responses).get(name)


def _only_slot(condition: object) -> tuple[object, object] | None:
    """The (slot, value) of a response variant whose condition is one slot and nothing else."""
    if not isinstance(condition, list):
        return None
    pairs = [(c.get("name"), c.get("value")) for c in condition if isinstance(c, dict)]
    return pairs[0] if len(pairs) == 1 else None


def _risk_of(condition: object) -> str | None:
    """The grade a response variant is for, when its condition is only the bot's slot urgent_category."""
    slot = _only_slot(condition)
    return slot[1] if slot is not None and slot[0] == "urgent_category" and isinstance(slot[1], str) else None


def _asked_before(condition: object) -> bool:
    """Whether a response variant's condition is only the bot's slot for a question asked before."""
    return _only_slot(condition) == ("faq_asked_before", True)


def init_app(app: Flask, check_at_start: bool = True) -> None:
    app.extensions["relay_rasa"] = RasaClient(
        app.config["RASA_URL"],
        timeout=app.config["RASA_TIMEOUT"],
        parse_timeout=app.config["RASA_PARSE_TIMEOUT"],
        probe_interval=app.config["RASA_PROBE_SECONDS"],
        token=app.config.get("RASA_TOKEN"),
    )
    if check_at_start and not app.config["TESTING"]:
        app.extensions["relay_rasa"].check_at_start()


def get_rasa(app: Flask | None = None) -> RasaClient:
    return (app or current_app).extensions["relay_rasa"]
