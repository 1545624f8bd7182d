"""Random frames thrown at the socket handlers themselves (not only the parser): every answer is a
well-formed frame, errors have a code and a Dutch message, nothing stored is lost, and the session
keeps working afterwards."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from relay.db import get_db
from relay.domain.models import Message
from tests.support.clients import of_type

junk_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.text(min_size=1990, max_size=2100),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)
frame_type = st.sampled_from(["hello", "message", "take", "transfer", "", "HELLO", "message "]) | st.text(max_size=10)
structured = st.fixed_dictionaries(
    {"type": frame_type},
    optional={
        "text": junk_value,
        "id": junk_value,
        "payload": junk_value,
        "token": junk_value,
        "conversation": junk_value,
        "region": junk_value,
    },
).map(json.dumps)
raw_frame = st.one_of(
    structured,
    st.text(max_size=200),
    st.binary(max_size=40),
    st.just("x" * 20000),
    st.just("[]"),
    st.just("null"),
    st.just('{"type": 1}'),
)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_well_formed(frames):
    for frame in frames:
        assert isinstance(frame, dict) and isinstance(frame.get("type"), str)
        if frame["type"] == "error":
            assert frame["code"] != "unavailable", "a handler crashed on hostile input"
            assert frame["code"].replace("_", "").isalpha() and frame["message"]


def stored(app, conversation):
    with get_db(app).transaction() as session:
        return [
            (m.seq, m.text)
            for m in session.scalars(
                select(Message).where(Message.conversation_id == conversation).order_by(Message.seq)
            )
        ]


@SETTINGS
@given(st.lists(raw_frame, min_size=1, max_size=8))
def test_random_frames_at_the_visitor_handler(app, visitor_factory, frames):
    app.config.update(RELAY_RATE_BURST=1000)
    visitor = visitor_factory()
    conversation = visitor.hello()[0]["conversation"]
    before = stored(app, conversation)
    for raw in frames:
        assert_well_formed(visitor.send(raw))
    after = stored(app, conversation)
    assert after[: len(before)] == before
    assert [seq for seq, _ in after] == list(range(1, len(after) + 1))
    echo = visitor.say("Ben je er nog?", client_id="check")
    assert (
        of_type(echo, "message")[0]["text"] == "Ben je er nog?"
        or of_type(echo, "error")[0]["code"] == "conversation_ended"
    )
    visitor.close()


@SETTINGS
@given(st.lists(raw_frame, min_size=1, max_size=8))
def test_random_frames_at_the_counsellor_handler(app, counsellor_factory, frames):
    from relay.sockets.counsellor import handle_counsellor_frame

    anna = counsellor_factory()
    for raw in frames:
        with app.app_context():
            assert_well_formed(list(handle_counsellor_frame(anna.state, raw)))
    assert of_type(anna.send({"type": "take"}), "error")[0]["code"] == "queue_empty"
    anna.state.close()
