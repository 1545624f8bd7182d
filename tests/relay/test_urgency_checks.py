"""Rasa's model judges messages in human chats beside the socket: the socket never waits for it."""
import json
import threading
import time

from conftest import of_type
from relay.urgency_checks import UrgencyChecker, get_urgency_checker
from relay.visitor import handle_visitor_frame
from test_queue import queued_visitor


class SlowRasa:
    """A Rasa whose parse waits until released, then finds the text urgent."""

    def __init__(self):
        self.release = threading.Event()
        self.asked: list[str] = []

    def parse(self, text):
        self.asked.append(text)
        assert self.release.wait(10)
        return {"intent": {"name": "urgent_danger", "confidence": 0.9}}


def test_the_visitors_socket_goes_on_while_rasa_judges(app, visitor_factory, rasa, counsellor_factory):
    visitor, _ = queued_visitor(visitor_factory, rasa)
    anna = counsellor_factory()
    slow = SlowRasa()
    app.extensions["relay_rasa"] = slow
    started = time.monotonic()
    with app.app_context():
        frames = list(handle_visitor_frame(visitor.state, json.dumps(
            {"type": "message", "text": "ik ben bang dat hij terugkomt", "id": "u1"})))
    assert time.monotonic() - started < 5  # the echo did not wait for Rasa
    assert [f["type"] for f in frames] == ["message"] and frames[0]["id"] == "u1"
    slow.release.set()
    alerts = of_type(visitor.pump(), "alert")  # the finding comes back through the inbox
    assert slow.asked == ["ik ben bang dat hij terugkomt"]
    assert len(alerts) == 1 and alerts[0]["phones"] == ["112", "0800 2000"]
    assert of_type(anna.pump(), "queue")[-1]["items"][0]["urgent"] is True  # it moved up, marked urgent


def test_phrases_still_alert_at_once_without_asking_rasa(visitor_factory, rasa):
    visitor, _ = queued_visitor(visitor_factory, rasa)
    rasa.parsed.clear()
    frames = visitor.say("Hij slaat me nu", client_id="s1")
    assert len(of_type(frames, "alert")) == 1
    assert rasa.parsed == []


def test_a_backlog_is_bounded_and_a_failing_check_is_survived(app, caplog):
    slow = SlowRasa()
    app.extensions["relay_rasa"] = slow
    checker = UrgencyChecker(app, workers=1, max_waiting=2)
    found = []
    try:
        assert checker.submit("een", found.append) and checker.submit("twee", found.append)
        assert not checker.submit("drie", found.append)  # beyond the bound: the phrase list only
        assert "behind" in caplog.text
        slow.release.set()
        assert checker.drain()
        assert found == ["acute", "acute"]

        def broken(_text):
            raise ValueError("kapot")
        slow.parse = broken
        assert checker.submit("vier", found.append) and checker.drain()
        slow.parse = SlowRasa.parse.__get__(slow)
        assert checker.submit("vijf", found.append) and checker.drain()
        assert found == ["acute", "acute", "acute"]
    finally:
        checker.shutdown()


def test_the_app_has_a_checker(app):
    assert get_urgency_checker(app).drain(timeout=0.1)


def test_a_visitor_who_left_before_rasa_answered_is_still_marked_urgent(app, visitor_factory, rasa,
                                                                       counsellor_factory):
    """Someone may send one urgent line and close the tab at once (quick exit): the counsellors
    must still see it, though no socket is left to show the visitor anything."""
    visitor, _ = queued_visitor(visitor_factory, rasa)
    anna = counsellor_factory()
    slow = SlowRasa()
    app.extensions["relay_rasa"] = slow
    with app.app_context():
        list(handle_visitor_frame(visitor.state, json.dumps(
            {"type": "message", "text": "ik ben bang dat hij terugkomt", "id": "weg"})))
    visitor.close()  # the tab is gone before Rasa answers
    slow.release.set()
    with app.app_context():
        assert get_urgency_checker().drain()
    assert of_type(anna.pump(), "queue")[-1]["items"][0]["urgent"] is True
