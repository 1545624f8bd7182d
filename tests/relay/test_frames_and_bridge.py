"""Frame parsing, the in-process broker, and decoding Rasa's answers."""

import json

from hypothesis import given
from hypothesis import strategies as st

from relay.bridge.rasa import decode_turn
from relay.broker import InProcessBroker
from relay.sockets.frames import FrameError, parse_frame


@given(
    st.one_of(
        st.text(max_size=300),
        st.binary(max_size=50),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
            max_leaves=8,
        ).map(json.dumps),
    )
)
def test_any_input_is_a_known_frame_or_a_frame_error(raw):
    try:
        frame = parse_frame(raw, ("hello", "message", "end"))
    except FrameError as error:
        assert error.code in {"invalid_json", "invalid_frame", "unknown_type", "too_long"} and error.message
    else:
        assert frame["type"] in ("hello", "message", "end")


def test_in_process_broker_delivers_to_listeners_until_removed_or_closed():
    broker = InProcessBroker()
    heard = []
    subscription = broker.subscribe(["a"], lambda channel, event: heard.append((channel, event["n"])))
    broken = broker.subscribe(["a"], lambda channel, event: 1 / 0)  # must not stop delivery to others
    broker.publish("a", {"n": 1})
    subscription.add("b")
    broker.publish("b", {"n": 2})
    subscription.remove("a")
    broker.publish("a", {"n": 3})
    subscription.close()
    broker.publish("b", {"n": 4})
    broken.close()
    assert heard == [("a", 1), ("b", 2)]


def test_decode_turn_separates_signals_from_visible_messages():
    turn = decode_turn(
        [
            {
                "recipient_id": "x",
                "text": "Hoe mogen we je noemen?",
                "buttons": [{"title": "Sla over", "payload": "/skip"}],
            },
            {"recipient_id": "x", "custom": {"voordeur": {"type": "profile", "nickname": "Sam", "region": None}}},
            {"recipient_id": "x", "custom": {"other": 1}},
            {"recipient_id": "x", "image": "https://example.org/x.png"},
        ]
    )
    assert turn.messages == [
        {"text": "Hoe mogen we je noemen?", "buttons": [{"title": "Sla over", "payload": "/skip"}]}
    ]
    assert turn.signals == [{"type": "profile", "nickname": "Sam", "region": None}]


def test_client_addresses_are_redacted_from_the_server_log():
    import logging

    from relay.ops.serve import RedactClientAddresses

    record = logging.LogRecord(
        "gunicorn.error", logging.WARNING, __file__, 1, "Invalid request from ip=%s: %s", ("203.0.113.9", "bad"), None
    )
    RedactClientAddresses().filter(record)
    assert "203.0.113.9" not in record.getMessage() and "bad" in record.getMessage()
    v6 = logging.LogRecord("x", logging.WARNING, __file__, 1, "peer 2001:db8::1 left", None, None)
    RedactClientAddresses().filter(v6)
    assert "2001:db8" not in v6.getMessage()


def test_socket_options_of_an_operator_keep_the_inbox_wakeup(database_url):
    """Frames reach a socket's worker only through InboxEvent; own SOCK_SERVER_OPTIONS keep it."""
    from relay import create_app
    from relay.sockets.frames import InboxEvent

    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SOCK_SERVER_OPTIONS": {"ping_interval": 5}})
    assert app.config["SOCK_SERVER_OPTIONS"] == {"ping_interval": 5, "event_class": InboxEvent}
