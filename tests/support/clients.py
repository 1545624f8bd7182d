"""Socket clients for the tests against a live relay (websocket-client)."""

from __future__ import annotations

import json
import threading
import time
import uuid

import requests
import websocket

WAIT = 60  # seconds; Rasa on busy shared cores can be slow


class Client:
    def __init__(self, ws):
        self.ws = ws
        self.frames: list[dict] = []

    def send(self, frame: dict) -> None:
        self.ws.send(json.dumps(frame))

    def receive(self, timeout: float = WAIT) -> dict:
        """The next frame, or WebSocketTimeoutException after ``timeout`` seconds.

        Short socket timeouts in a loop: the relay's pings would otherwise restart one long timeout
        for ever (websocket-client answers them inside ``recv``).
        """
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise websocket.WebSocketTimeoutException(f"no frame within {timeout} s")
            self.ws.settimeout(min(remaining, 2.0))
            try:
                frame = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                continue
            self.frames.append(frame)
            return frame

    def until(self, predicate, timeout: float = WAIT) -> list[dict]:
        """Receive frames until one matches; returns all received, the match last."""
        seen, deadline = [], time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no matching frame within {timeout} s; got {seen}")
            frame = self.receive(remaining)
            seen.append(frame)
            if predicate(frame):
                return seen

    def quiet(self, seconds: float = 0.5) -> list[dict]:
        """Whatever arrives within a short while (to assert that nothing more comes)."""
        seen = []
        try:
            while True:
                seen.append(self.receive(seconds))
        except websocket.WebSocketTimeoutException:
            return seen

    def close(self) -> None:
        self.ws.close()


class Visitor(Client):
    def __init__(self, server, origin: str = "https://host.example"):
        super().__init__(websocket.create_connection(f"{server.ws_url}/ws/visitor", timeout=WAIT, origin=origin))

    def hello(self, token=None) -> dict:
        self.send({"type": "hello", "token": token})
        return self.until(lambda f: f["type"] == "session")[-1]

    def say(self, text: str, payload: str | None = None) -> dict:
        """Send a message and return its echo (the receipt)."""
        client_id = uuid.uuid4().hex
        frame = {"type": "message", "text": text, "id": client_id}
        if payload:
            frame["payload"] = payload
        self.send(frame)
        return self.until(lambda f: f["type"] == "message" and f.get("id") == client_id)[-1]


def login_cookie(server, username: str, password: str) -> str:
    response = requests.post(
        f"{server.url}/api/console/login", json={"username": username, "password": password}, timeout=30
    )
    response.raise_for_status()
    return response.cookies["voordeur_console"]


class Counsellor(Client):
    def __init__(self, server, username: str, password: str):
        self.cookie = login_cookie(server, username, password)
        super().__init__(
            websocket.create_connection(
                f"{server.ws_url}/ws/counsellor",
                timeout=WAIT,
                origin=server.url,
                cookie=f"voordeur_console={self.cookie}",
            )
        )


def follow_bot_to_queue(visitor: Visitor, nickname: str = "Sam", town: str = "Utrecht", turns: int = 12) -> list[dict]:
    """Answer the assistant's intake like a visitor would, until the queue frame arrives.

    Asks for a person first (the shortest intake: nickname and region), then answers whatever
    the last bot message asks: a name, a town, or the first button offered.
    """
    frames = visitor.frames[:]
    visitor.say("Ik wil met een medewerker praten")
    for _ in range(turns):
        batch = visitor.until(
            lambda f: f["type"] in ("message", "queue") and f.get("from") != "visitor" or f["type"] == "queue"
        )
        batch += visitor.quiet(1.5)
        frames += batch
        if any(f["type"] == "queue" for f in batch):
            return frames
        asked = [f for f in batch if f["type"] == "message" and f["from"] in ("bot", "system")]
        last = asked[-1] if asked else {"text": "", "buttons": []}
        text = last["text"].lower()
        if any(word in text for word in ("regio", "woonplaats", "gemeente", "welke plaats")):
            visitor.say(town)
        elif "bijnaam" in text or "noemen" in text:
            visitor.say(nickname)
        elif last.get("buttons"):
            button = next((b for b in last["buttons"] if "skip" not in b["payload"]), last["buttons"][0])
            visitor.say(button["title"], payload=button["payload"])
        else:
            visitor.say("Ik wil met een medewerker praten")
    raise AssertionError(f"the assistant never queued the visitor: {[f.get('text') for f in frames]}")


# ---- steps of the journey that the one-relay and the two-relay tests share ----------------------


def of_type(frames: list[dict], kind: str) -> list[dict]:
    return [f for f in frames if f["type"] == kind]


def take_and_talk(
    counsellor: Counsellor, visitor: Visitor, conversation: str, name: str = "Anna", region: str = "utrecht"
) -> None:
    """The counsellor takes the queued chat, the visitor is told who, and each says one thing."""
    counsellor.send({"type": "take", "conversation": conversation})
    taken = counsellor.until(lambda f: f["type"] == "taken")[-1]
    assert "Ik wil met een medewerker praten" in [m["text"] for m in taken["transcript"]]
    agent = visitor.until(lambda f: f["type"] == "agent")[-1]
    assert agent == {"type": "agent", "kind": "counsellor", "name": name, "region": region}
    counsellor.send({"type": "message", "conversation": conversation, "text": f"Hoi Sam, ik ben {name}."})
    heard = visitor.until(lambda f: f["type"] == "message" and f["from"] == "counsellor")[-1]
    assert heard["text"] == f"Hoi Sam, ik ben {name}."
    echo = visitor.say("Fijn dat je er bent.")
    assert echo["seq"] == heard["seq"] + 1
    to_counsellor = counsellor.until(lambda f: f["type"] == "message" and f["from"] == "visitor")[-1]
    assert to_counsellor["text"] == "Fijn dat je er bent." and to_counsellor["conversation"] == conversation
    assert to_counsellor["seq"] == echo["seq"]


def urgent_words_alert_both(visitor: Visitor, counsellor: Counsellor, conversation: str) -> None:
    visitor.say("Hij slaat me nu")
    assert "112" in visitor.until(lambda f: f["type"] == "alert")[-1]["phones"]
    assert counsellor.until(lambda f: f["type"] == "alert")[-1] == {
        "type": "alert",
        "conversation": conversation,
        "level": "urgent",
        "category": "acute",
        "reason": "violence",
    }


def end_and_register(counsellor: Counsellor, visitor: Visitor, conversation: str, relay_url: str) -> None:
    """The counsellor ends the chat, both sides hear it, and the advice is registered anonymously."""
    counsellor.send({"type": "end", "conversation": conversation})
    assert visitor.until(lambda f: f["type"] == "ended")[-1] == {"type": "ended", "by": "counsellor"}
    assert counsellor.until(lambda f: f["type"] == "ended")[-1]["by"] == "counsellor"
    registration = requests.post(
        f"{relay_url}/api/console/registrations",
        cookies={"voordeur_console": counsellor.cookie},
        headers={"Origin": relay_url},
        timeout=10,
        json={
            "conversation": conversation,
            "kinds": ["partner_violence"],
            "role": "victim",
            "advice": "Veiligheidsplan",
            "referrals": ["veilig_thuis_phone"],
        },
    )
    assert registration.status_code == 201


def all_take_at_once(counsellors: list[Counsellor], conversation: str) -> list[dict]:
    """Every counsellor sends ``take`` for one conversation at the same moment: their answers."""
    barrier = threading.Barrier(len(counsellors))
    answers: dict[int, dict] = {}

    def take(index: int, counsellor: Counsellor) -> None:
        barrier.wait()
        counsellor.send({"type": "take", "conversation": conversation})
        answers[index] = counsellor.until(lambda f: f["type"] in ("taken", "error"))[-1]

    threads = [threading.Thread(target=take, args=(i, c)) for i, c in enumerate(counsellors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [answers[i] for i in sorted(answers)]
