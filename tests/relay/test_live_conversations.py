"""Against a live relay, a real Rasa and the trained model: what visitors who type (not tap) meet.

Multi-turn conversations for each behaviour of issue #12; the held-out conversations that measure
them are scored by bot/eval/conversations.py (docs/bot.md)."""

import pytest

from tests.support.clients import Visitor, follow_bot_to_queue

pytestmark = pytest.mark.rasa


@pytest.fixture
def visitors(relay_server):
    made = []

    def make() -> Visitor:
        made.append(start(relay_server))
        return made[-1]

    yield make
    for visitor in made:
        visitor.close()


def start(relay_server) -> Visitor:
    visitor = Visitor(relay_server)
    visitor.hello()
    visitor.until(lambda f: f["type"] == "message" and f["from"] == "bot")
    visitor.quiet(1.5)
    return visitor


def turn(visitor: Visitor, text: str) -> list[dict]:
    """Say something and collect what comes back until the assistant is quiet."""
    visitor.say(text)
    frames = visitor.until(lambda f: f["type"] in ("message", "alert", "queue") and f.get("from") != "visitor")
    return frames + visitor.quiet(2.0)


def said(frames: list[dict]) -> list[str]:
    return [f["text"] for f in frames if f["type"] == "message" and f["from"] in ("bot", "system")]


def test_a_town_typed_for_a_nickname_is_taken_as_the_region_and_never_as_danger(visitors):
    visitor = visitors()
    frames = turn(visitor, "zoetermeer")
    assert not [f for f in frames if f["type"] == "alert"]
    assert any("Veilig Thuis Haaglanden" in text for text in said(frames))
    frames = turn(visitor, "ik wil met een medewerker praten")
    for _ in range(3):
        if any(f["type"] == "queue" for f in frames):
            break
        frames = turn(visitor, "Sam")
    assert [f for f in frames if f["type"] == "queue"][-1]["region"] == "haaglanden"


def test_a_refused_region_is_asked_twice_at_most_then_a_way_forward(visitors):
    visitor = visitors()
    texts = said(turn(visitor, "Dewi"))
    texts += said(turn(visitor, "dat zeg ik liever niet"))
    texts += said(turn(visitor, "nee"))
    texts += said(turn(visitor, "nee echt niet"))
    asked = [t for t in texts if t.startswith("In welke regio woon je")]
    assert len(asked) <= 2
    assert any("0800 2000" in t and "ik vraag er niet meer naar" in t for t in texts)


def test_belgium_is_told_about_1712(visitors):
    visitor = visitors()
    texts = said(turn(visitor, "hallo, ik woon in Antwerpen"))
    texts += said(turn(visitor, "Sam"))
    assert any("1712" in t for t in texts)


def test_is_it_really_anonymous_is_answered_yes(visitors):
    visitor = visitors()
    texts = said(turn(visitor, "is dit echt anoniem?"))
    assert texts[0].startswith("Ja")


def test_english_gets_english(visitors):
    visitor = visitors()
    texts = said(turn(visitor, "hello, do you speak english? I need help"))
    assert any("anonymous" in t and "112" in t for t in texts)
    assert any(t.startswith("What may we call you") for t in texts)


def test_while_waiting_every_message_is_answered(visitors):
    visitor = visitors()
    follow_bot_to_queue(visitor, nickname="Sam", town="Utrecht")
    visitor.quiet(1.0)
    police = said(turn(visitor, "kunnen jullie de politie sturen?"))
    assert police and police[0].startswith("Nee")
    hello = said(turn(visitor, "hallo?? is daar iemand"))
    assert hello and "klaar voor de medewerker" in hello[0]
