"""Two relay processes on one PostgreSQL and one Redis: a visitor on one, counsellors on the other.

The whole journey runs with the real Rasa and the trained model; the visitor returns through the
other relay. Taking stays atomic when the takers sit on different relays.
"""

import pytest

from bench.stack import FakeRasaProcess, Relay
from tests.support.clients import Counsellor, Visitor, follow_bot_to_queue, of_type
from tests.support.journeys import all_take_at_once, end_and_register, take_and_talk, urgent_words_alert_both
from tests.support.stack import RELAY_START_TIMEOUT

PASSWORD = "geheim-wachtwoord-1"


def start_two_relays(tmp_path, postgres_url, redis_url, rasa_url):
    relays = [Relay(tmp_path, postgres_url, rasa_url, redis_url=redis_url) for _ in range(2)]
    for relay in relays:
        relay.start(timeout=RELAY_START_TIMEOUT)
    return relays


@pytest.fixture
def two_relays(rasa_stack, postgres_url, redis_url, tmp_path):
    relays = start_two_relays(tmp_path, postgres_url, redis_url, rasa_stack)
    yield relays
    for relay in relays:
        relay.stop()


@pytest.fixture
def two_relays_fake_rasa(postgres_url, redis_url, tmp_path):
    fake = FakeRasaProcess(tmp_path)
    relays = start_two_relays(tmp_path, postgres_url, redis_url, fake.url)
    yield relays
    for relay in relays:
        relay.stop()
    fake.stop()


@pytest.mark.rasa
@pytest.mark.postgres
def test_the_whole_journey_across_two_relays(two_relays):
    relay_a, relay_b = two_relays
    relay_b.add_counsellor("anna", PASSWORD, "Anna", "utrecht")
    anna = Counsellor(relay_b, "anna", PASSWORD)
    assert anna.receive()["type"] == "hello"
    assert anna.receive() == {"type": "queue", "items": []}

    # The visitor meets the assistant on relay A and is queued for Utrecht.
    visitor = Visitor(relay_a)
    session = visitor.hello()
    assert session["resumed"] is False and session["state"] == "bot"
    visitor.until(lambda f: f["type"] == "message" and f["from"] == "bot")
    frames = follow_bot_to_queue(visitor, nickname="Sam", town="Utrecht")
    assert of_type(frames, "queue")[-1] == {"type": "queue", "position": 1, "region": "utrecht", "estimate_s": None}

    # Anna on relay B sees the queue change that happened on relay A.
    queue = anna.until(lambda f: f["type"] == "queue" and f["items"])[-1]
    assert queue["items"][0]["conversation"] == session["conversation"]
    assert queue["items"][0]["nickname"] == "Sam"

    # She takes it on B; the visitor on A is told who took over; messages both ways between the relays.
    take_and_talk(anna, visitor, session["conversation"])

    # The visitor drops from A, Anna writes meanwhile, the visitor returns through B.
    visitor.close()
    anna.send({"type": "message", "conversation": session["conversation"], "text": "Ben je er nog?"})
    anna.until(lambda f: f["type"] == "message" and f["text"] == "Ben je er nog?")
    back = Visitor(relay_b)
    resumed = back.hello(session["token"])
    assert resumed["resumed"] is True and resumed["state"] == "assigned"
    assert resumed["conversation"] == session["conversation"]
    assert resumed["history"][-1]["text"] == "Ben je er nog?"
    assert [m["seq"] for m in resumed["history"]] == list(range(1, len(resumed["history"]) + 1))
    assert back.until(lambda f: f["type"] == "agent")[-1]["kind"] == "counsellor"

    # Anna moves to relay A; the returned visitor on B and she still hear each other.
    anna.close()
    anna = Counsellor(relay_a, "anna", PASSWORD)
    again = anna.until(lambda f: f["type"] == "taken")[-1]
    assert again["conversation"] == session["conversation"]
    back.say("Ja, ik ben er weer.")
    assert anna.until(lambda f: f["type"] == "message" and f["from"] == "visitor")[-1]["text"] == "Ja, ik ben er weer."
    anna.send({"type": "message", "conversation": session["conversation"], "text": "Goed zo."})
    assert back.until(lambda f: f["type"] == "message" and f["from"] == "counsellor")[-1]["text"] == "Goed zo."

    # Urgent language on B raises the alert for Anna on A.
    urgent_words_alert_both(back, anna, session["conversation"])

    # Anna ends on A; the visitor on B hears it; the registration goes through either relay.
    end_and_register(anna, back, session["conversation"], relay_b.url)
    back.close()
    anna.close()


@pytest.mark.postgres
def test_counsellors_on_two_relays_take_one_conversation_once(two_relays_fake_rasa):
    relay_a, relay_b = two_relays_fake_rasa
    for i in range(8):
        relay_a.add_counsellor(f"c{i}", PASSWORD, f"Collega {i}", "utrecht")
    counsellors = [Counsellor(relay_a if i % 2 else relay_b, f"c{i}", PASSWORD) for i in range(8)]
    visitor = Visitor(relay_a)
    conversation = visitor.hello()["conversation"]
    visitor.say("Ik wil met iemand praten")
    visitor.until(lambda f: f["type"] == "queue")
    for counsellor in counsellors:
        counsellor.until(lambda f: f["type"] == "queue" and f["items"])
    answers = all_take_at_once(counsellors, conversation)
    assert sorted(a["type"] for a in answers) == ["error"] * 7 + ["taken"]
    assert {a["code"] for a in answers if a["type"] == "error"} == {"already_taken"}
    agents = of_type(visitor.until(lambda f: f["type"] == "agent" and f["kind"] == "counsellor"), "agent")
    assert len(agents) == 1 and not of_type(visitor.quiet(1.0), "agent")
    for counsellor in counsellors:
        counsellor.close()
    visitor.close()
