"""Against a live relay, a real Rasa and the trained model: the whole journey, and ten takers at once."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import websocket

from tests.support.clients import Counsellor, Visitor, follow_bot_to_queue, login_cookie, of_type
from tests.support.journeys import all_take_at_once, end_and_register, take_and_talk, urgent_words_alert_both

pytestmark = pytest.mark.rasa
PASSWORD = "geheim-wachtwoord-1"


def test_the_whole_journey(relay_server):
    relay_server.add_counsellor("anna", PASSWORD, "Anna", ["utrecht"])
    anna = Counsellor(relay_server, "anna", PASSWORD)
    assert anna.receive()["type"] == "hello"
    assert anna.receive() == {"type": "queue", "items": []}

    # Visitor meets the assistant, which greets with a question.
    visitor = Visitor(relay_server)
    session = visitor.hello()
    assert session["resumed"] is False and session["state"] == "bot"
    greeting = visitor.until(lambda f: f["type"] == "message" and f["from"] == "bot")
    assert of_type(greeting, "agent")[0]["kind"] == "bot"

    # Intake, then the queue of Utrecht.
    frames = follow_bot_to_queue(visitor, nickname="Sam", town="Utrecht")
    assert of_type(frames, "queue")[-1] == {"type": "queue", "position": 1, "region": "utrecht", "estimate_s": None}
    queue = anna.until(lambda f: f["type"] == "queue" and f["items"])[-1]
    assert queue["items"][0]["conversation"] == session["conversation"]
    assert queue["items"][0]["nickname"] == "Sam" and queue["items"][0]["region"] == "utrecht"

    # Anna takes over; the visitor is told; messages both ways.
    take_and_talk(anna, visitor, session["conversation"])

    # The visitor drops; Anna writes meanwhile; the visitor returns to all of it.
    visitor.close()
    assert anna.until(lambda f: f["type"] == "presence")[-1]["visitor"] == "offline"
    anna.send({"type": "message", "conversation": session["conversation"], "text": "Ben je er nog?"})
    anna.until(lambda f: f["type"] == "message" and f["text"] == "Ben je er nog?")
    back = Visitor(relay_server)
    resumed = back.hello(session["token"])
    assert resumed["resumed"] is True and resumed["state"] == "assigned"
    assert resumed["conversation"] == session["conversation"]
    history = resumed["history"]
    assert history[-1]["text"] == "Ben je er nog?"
    assert [m["seq"] for m in history] == list(range(1, len(history) + 1))
    assert back.until(lambda f: f["type"] == "agent")[-1]["kind"] == "counsellor"

    # Anna drops and comes back to her conversation with its transcript.
    anna.close()
    anna = Counsellor(relay_server, "anna", PASSWORD)
    again = anna.until(lambda f: f["type"] == "taken")[-1]
    assert again["conversation"] == session["conversation"] and again["transcript"][-1]["text"] == "Ben je er nog?"

    # Urgent language while a human has the chat raises an alert on both sides.
    urgent_words_alert_both(back, anna, session["conversation"])

    # Anna ends; both sides hear it; she registers the advice anonymously.
    end_and_register(anna, back, session["conversation"], relay_server.url)
    back.close()
    anna.close()
    access_lines = [line for line in relay_server.log_tail(400).splitlines() if '"POST /api/console/' in line]
    assert access_lines and not any("127.0.0.1" in line for line in access_lines)  # no visitor IPs


def test_ten_counsellors_take_the_same_conversation_at_once(relay_server):
    with ThreadPoolExecutor(4) as pool:  # each account is a `counsellor add` process
        list(pool.map(lambda i: relay_server.add_counsellor(f"c{i}", PASSWORD, f"Collega {i}", ["utrecht"]), range(10)))
    counsellors = [Counsellor(relay_server, f"c{i}", PASSWORD) for i in range(10)]
    visitor = Visitor(relay_server)
    conversation = visitor.hello()["conversation"]
    follow_bot_to_queue(visitor)
    for counsellor in counsellors:
        counsellor.until(lambda f: f["type"] == "queue" and f["items"])
    answers = all_take_at_once(counsellors, conversation)
    kinds = sorted(a["type"] for a in answers)
    assert kinds == ["error"] * 9 + ["taken"]
    assert all(a["code"] == "already_taken" for a in answers if a["type"] == "error")
    agents = of_type(visitor.until(lambda f: f["type"] == "agent" and f["kind"] == "counsellor"), "agent")
    assert len(agents) == 1
    for counsellor in counsellors:
        counsellor.close()
    visitor.close()


def test_counsellor_socket_needs_session_and_own_origin(relay_server):
    relay_server.add_counsellor("anna", PASSWORD, "Anna", ["utrecht"])
    with pytest.raises(websocket.WebSocketBadStatusException) as no_cookie:
        websocket.create_connection(f"{relay_server.ws_url}/ws/counsellor", origin=relay_server.url, timeout=10)
    assert no_cookie.value.status_code == 401
    cookie = login_cookie(relay_server, "anna", PASSWORD)
    with pytest.raises(websocket.WebSocketBadStatusException) as foreign:
        websocket.create_connection(
            f"{relay_server.ws_url}/ws/counsellor",
            origin="https://evil.example",
            cookie=f"voordeur_console={cookie}",
            timeout=10,
        )
    assert foreign.value.status_code == 403


def test_visitor_socket_validates_frames_and_stays_open(relay_server):
    visitor = Visitor(relay_server)
    visitor.ws.send("{oops")
    assert visitor.receive()["code"] == "invalid_json"
    visitor.ws.send_binary(b"\x00\x01")
    assert visitor.receive()["code"] == "invalid_frame"
    visitor.send({"type": "nope"})
    assert visitor.receive()["code"] == "unknown_type"
    visitor.hello()
    visitor.send({"type": "message", "text": "x" * 2001, "id": "long"})
    assert visitor.until(lambda f: f["type"] == "error")[-1]["code"] == "too_long"
    echo = visitor.say("nog steeds open")
    assert echo["from"] == "visitor"
    visitor.close()


def test_outside_opening_hours_the_assistant_answers_and_explains(relay_server, tmp_path):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    opening_day = datetime.now(ZoneInfo("Europe/Amsterdam")).date() + timedelta(days=2)
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[opening_day.weekday()]
    schedule = tmp_path / "schedule.yml"
    schedule.write_text(f"holidays: false\nextra_hours: false\ndefault:\n  {weekday}: ['09:00-17:00']\n")
    relay_server.stop()
    relay_server.start(RELAY_SCHEDULE=str(schedule))
    status = requests.get(f"{relay_server.url}/api/status", timeout=10).json()
    assert status["open"] is False
    assert all(r["next_open"].startswith(opening_day.isoformat()) for r in status["regions"])

    visitor = Visitor(relay_server)
    visitor.hello()
    visitor.until(lambda f: f["type"] == "message" and f["from"] == "bot")
    visitor.say("Ik wil met een medewerker praten")
    frames = []
    for _ in range(6):
        batch = visitor.until(lambda f: f["type"] == "message" and f["from"] != "visitor") + visitor.quiet(1.5)
        frames += batch
        said = " ".join(f.get("text", "") for f in batch)
        if "0800 2000" in said:
            break
        lowered = said.lower()
        visitor.say("Utrecht" if "regio" in lowered or "woonplaats" in lowered else "Sam")
    said = " ".join(f.get("text", "") for f in frames)
    assert "0800 2000" in said and "112" in said
    assert str(opening_day.day) in said  # the day the chat opens again
    assert not of_type(frames, "queue")
    visitor.close()
