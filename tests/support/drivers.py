"""The relay's sockets without a network, for the unit tests: a scripted Rasa, and visitor and
counsellor drivers that feed frames to the frame handlers and apply broker events on demand."""

from __future__ import annotations

import json

from relay.bridge.rasa import BotTurn, RasaUnavailable
from relay.bridge.triage import get_model_opinions
from relay.sockets.counsellor import (
    CounsellorSocket,
    counsellor_connected,
    counsellor_event_frames,
    counsellor_gone,
    handle_counsellor_frame,
)
from relay.sockets.visitor import VisitorSocket, handle_visitor_frame, visitor_event_frames, visitor_gone


def bot_says(*texts, buttons=None, signals=()):
    return BotTurn(messages=[{"text": t, "buttons": buttons} for t in texts], signals=list(signals))


def handoff(region="utrecht", nickname="Sam"):
    return {
        "type": "handoff",
        "nickname": nickname,
        "region": region,
        "intake": {"about": "self", "situation": "partner", "safe_now": True, "age_group": "18_plus"},
    }


class ScriptedRasa:
    """Stands in for Rasa: answers by message text; records what the relay sent."""

    def __init__(self):
        self.sent: list[tuple[str, str, dict]] = []
        self.parsed: list[str] = []
        self.down = False
        self.answers = {
            "/greet": bot_says(
                "Hoi, ik ben een digitale assistent.",
                "Over wie maak je je zorgen?",
                buttons=[{"title": "Over mezelf", "payload": "/about_self"}],
            ),
            "/request_human": bot_says("Dank je, Sam. Ik zet je nu in de wachtrij.", signals=[handoff()]),
        }
        self.intents: dict[str, dict] = {}
        self.responses: dict[str, str] = {}  # the running model's responses (GET /domain)
        self.repeats: dict[str, str] = {}  # their "Zoals ik net zei" variants
        self.for_risk: dict[tuple[str, str], str] = {}  # their variants for a visitor in danger (urgent_category)

    def turn(self, sender, message, metadata):
        self.sent.append((sender, message, metadata))
        if self.down:
            raise RasaUnavailable("down")
        return self.answers.get(message, bot_says("Vertel gerust meer."))

    def parse(self, text):
        self.parsed.append(text)
        if self.down:
            return None
        return {"text": text, "intent": self.intents.get(text, {"name": "inform", "confidence": 0.9})}

    def response_text(self, name, repeat=False, risk=None):
        if self.down:
            return None
        if risk and not repeat and (name, risk) in self.for_risk:
            return self.for_risk[(name, risk)]
        return (self.repeats if repeat else self.responses).get(name)

    def available(self):
        return True  # a scripted Rasa that is "down" still answers at once, with RasaUnavailable


def pump_inbox(app, socket_state, event_frames) -> list[dict]:
    """What a socket's worker would send for the events waiting in its inbox, once the urgency
    checks asked for so far have answered (they hand their findings to the inbox too)."""
    out = []
    with app.app_context():
        assert get_model_opinions().drain(), "a model opinion did not finish"
        for _kind, channel, event in socket_state.inbox.take_waiting():
            out += list(event_frames(socket_state, channel, event))
    return out


class VisitorDriver:
    """A visitor socket without a socket: frames in, frames out, broker events applied on demand."""

    def __init__(self, app):
        self.app = app
        self.state = VisitorSocket()
        self.received: list[dict] = []

    def send(self, frame) -> list[dict]:
        raw = frame if isinstance(frame, (str, bytes)) else json.dumps(frame)
        with self.app.app_context():
            out = list(handle_visitor_frame(self.state, raw))
            out += self.pump()
        self.received += out
        return out

    def pump(self) -> list[dict]:
        return pump_inbox(self.app, self.state, visitor_event_frames)

    def hello(self, token=None) -> list[dict]:
        return self.send({"type": "hello", "token": token})

    def say(self, text, client_id=None, payload=None) -> list[dict]:
        frame = {"type": "message", "text": text, "id": client_id}
        if payload:
            frame["payload"] = payload
        return self.send(frame)

    def close(self):
        """The widget's socket closes, as the socket's ``finally`` would."""
        self.state.close()
        if self.state.conversation_id is not None:
            with self.app.app_context():
                visitor_gone(self.state)


class CounsellorDriver:
    def __init__(self, app, counsellor):
        self.app = app
        with app.app_context():
            self.state = CounsellorSocket.for_counsellor(counsellor)
            self.received = list(counsellor_connected(self.state))

    def send(self, frame) -> list[dict]:
        with self.app.app_context():
            out = list(handle_counsellor_frame(self.state, json.dumps(frame)))
        self.received += out
        return out

    def pump(self) -> list[dict]:
        out = pump_inbox(self.app, self.state, counsellor_event_frames)
        self.received += out
        return out

    def close(self):
        """The console's socket closes, as the socket's ``finally`` would."""
        with self.app.app_context():
            self.state.close()
            counsellor_gone(self.state)
