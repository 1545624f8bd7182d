"""When the assistant fails, the relay asks for the town itself and queues the visitor."""

from relay.domain import texts
from tests.support.clients import of_type
from tests.support.drivers import bot_says


def test_rasa_down_then_half_working_still_queues_by_town(visitor_factory, rasa):
    rasa.down = True
    visitor = visitor_factory()
    frames = visitor.hello()
    assert [m["text"] for m in of_type(frames, "message")] == [texts.ASSISTANT_UNAVAILABLE_ASK_REGION]
    # Rasa answers again, but without its action server it would only say its fallback text.
    rasa.down = False
    rasa.answers["Amersfoort"] = bot_says("Sorry, dat begrijp ik niet goed.")
    frames = visitor.say("Amersfoort", client_id="t")
    assert of_type(frames, "queue") == [{"type": "queue", "position": 1, "region": "utrecht", "estimate_s": None}]
    assert "Amersfoort" not in [sent[1] for sent in rasa.sent]
    # Nobody of Utrecht is online in this test: the relay promises no person of Utrecht.
    assert texts.queued_unstaffed("Veilig Thuis Utrecht") in [m["text"] for m in of_type(frames, "message")]


def test_a_town_typed_after_an_intake_without_region_reaches_its_queue(visitor_factory, rasa):
    visitor = visitor_factory()
    visitor.hello()
    no_region = {"type": "handoff", "nickname": None, "region": None, "intake": {}}
    rasa.answers["dat zeg ik niet"] = bot_says("Dan kan ik je niet doorzetten; bel 0800 2000.", signals=[no_region])
    frames = visitor.say("dat zeg ik niet")
    assert of_type(frames, "queue") == []
    assert texts.REGION_UNKNOWN not in [m["text"] for m in of_type(frames, "message")]  # the bot said it
    # Later, whatever the bot would make of it, a town reaches the queue.
    frames = visitor.say("ik woon in dordt hoor")
    assert of_type(frames, "queue") == [
        {"type": "queue", "position": 1, "region": "zuid-holland-zuid", "estimate_s": None}
    ]
    assert "ik woon in dordt hoor" not in [sent[1] for sent in rasa.sent]


def test_a_belgian_town_typed_after_an_intake_without_region_gets_1712(visitor_factory, rasa):
    visitor = visitor_factory()
    visitor.hello()
    no_region = {"type": "handoff", "nickname": None, "region": None, "intake": {}}
    rasa.answers["liever niet"] = bot_says("Dan kan ik je niet doorzetten; bel 0800 2000.", signals=[no_region])
    visitor.say("liever niet")
    frames = visitor.say("Ze wonen in Roeselare, ik in Ieper")
    assert [m["text"] for m in of_type(frames, "message") if m["from"] != "visitor"] == [
        texts.BELGIUM_OUTSIDE_THE_QUEUE
    ]
    assert "1712" in texts.BELGIUM_OUTSIDE_THE_QUEUE and of_type(frames, "queue") == []
    assert "Ze wonen in Roeselare, ik in Ieper" not in [sent[1] for sent in rasa.sent]
    # Said once: what follows is the bot's again.
    rasa.answers["is da hier enkel voor nederland?"] = bot_says("Deze chat is voor Nederland.")
    visitor.say("is da hier enkel voor nederland?")
    assert "is da hier enkel voor nederland?" in [sent[1] for sent in rasa.sent]


def test_an_answer_that_names_no_town_goes_to_rasa(visitor_factory, rasa):
    rasa.down = True
    visitor = visitor_factory()
    visitor.hello()
    rasa.down = False
    frames = visitor.say("Ik weet het niet", client_id="t")
    assert "Ik weet het niet" in [sent[1] for sent in rasa.sent]
    assert of_type(frames, "queue") == []


def test_a_town_typed_later_by_a_visitor_in_danger_is_told_they_go_ahead_and_of_112(visitor_factory, rasa):
    # Set 39's review: after the way forward, "oosterhout" got only the region's queue notice.
    visitor = visitor_factory()
    visitor.hello()
    no_region = {"type": "handoff", "nickname": None, "region": None, "intake": {}}
    rasa.answers["hij slaat me nu, ik zeg niet waar"] = bot_says("Bel nu 112.", signals=[no_region])
    visitor.say("hij slaat me nu, ik zeg niet waar")
    frames = visitor.say("oosterhout")
    said = [m["text"] for m in of_type(frames, "message") if m["from"] != "visitor"]
    assert said[-1] == texts.queued_ahead("acute") and "112" in said[-1]
    assert of_type(frames, "queue")[0]["region"] == "west-brabant"
