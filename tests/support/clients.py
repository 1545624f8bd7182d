"""The WebSocket test client, as a visitor or a counsellor, for every test against a live relay: the one
client of bench/clients.py, which the benchmarks use too. Here: following the assistant's intake to the
queue, and ``of_type``, which the socket-less unit tests use on their frames as well."""

from __future__ import annotations

from bench.clients import WAIT, Client, Counsellor, Visitor, login_cookie

__all__ = ["WAIT", "Client", "Counsellor", "Visitor", "follow_bot_to_queue", "login_cookie", "of_type"]


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


def of_type(frames: list[dict], kind: str) -> list[dict]:
    return [f for f in frames if f["type"] == kind]
