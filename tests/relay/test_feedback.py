"""The visitor's feedback after a chat: once, only after the end, never after an urgent alert, counted in
the figures of its day and region, the comment apart from the conversation and purged with it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from relay.db import get_db
from relay.domain import figures
from relay.domain.models import Conversation, FeedbackComment, Figure, utcnow
from relay.ops.retention import purge_relay
from tests.support.clients import of_type
from tests.support.figures import as_supervisor, queued_visitor, today_row


def ended_chat(visitor_factory, rasa, counsellor):
    visitor, conversation = queued_visitor(visitor_factory, rasa)
    counsellor.send({"type": "take", "conversation": conversation})
    counsellor.send({"type": "end", "conversation": conversation})
    assert of_type(visitor.pump() or visitor.received, "ended")
    return visitor, conversation


def feedback(visitor, **answers):
    return visitor.send({"type": "feedback", "answers": answers})


def test_feedback_is_counted_once_and_its_comment_kept_apart(
    app, client, visitor_factory, rasa, counsellor_factory, make_counsellor
):
    anna = counsellor_factory(max_chats=10)
    visitor, conversation = queued_visitor(visitor_factory, rasa)
    assert feedback(visitor, helped=5)[0]["code"] == "feedback_before_end"
    anna.send({"type": "take", "conversation": conversation})
    anna.send({"type": "end", "conversation": conversation})
    visitor.pump()

    # Bad answers are refused in Dutch and nothing is lost: the good answer after them still counts.
    for bad in ({"helped": 7}, {"helped": True}, {"again": "ja"}, {"comment": 12}):
        (error,) = feedback(visitor, **bad)
        assert error["type"] == "error" and error["code"] == "invalid_feedback" and "1 tot 5" in error["message"]
    (too_long,) = feedback(visitor, comment="x" * 501)
    assert too_long["code"] == "feedback_too_long" and "500" in too_long["message"]
    assert visitor.send({"type": "feedback", "answers": "goed"})[0]["code"] == "invalid_feedback"
    assert feedback(visitor, helped=4, again=True, comment="  Fijn dat jullie er waren.  ") == [
        {"type": "feedback_saved"}
    ]
    (twice,) = feedback(visitor, helped=1)
    assert twice["code"] == "feedback_given"

    # Four more chats answered helped=4: five answers, so the average may be shown.
    for _ in range(4):
        other, _ = ended_chat(visitor_factory, rasa, anna)
        assert feedback(other, helped=4, again=False) == [{"type": "feedback_saved"}]
    skipped, _ = ended_chat(visitor_factory, rasa, anna)
    assert feedback(skipped) == [{"type": "feedback_saved"}]  # all empty: a skip, nothing counted

    as_supervisor(client, make_counsellor)
    row = today_row(client)
    assert (row["feedback"], row["helped_avg"], row["again_yes"], row["again_no"]) == (5, 4.0, "< 5", "< 5")
    with get_db(app).transaction() as session:
        (comment,) = session.scalars(select(FeedbackComment)).all()
        stored = " ".join(f"{r.day} {r.region} {r.measure} {r.bucket}" for r in session.scalars(select(Figure)))
    assert (comment.comment, comment.region) == ("Fijn dat jullie er waren.", "utrecht")
    assert comment.day == figures.local_now().date().isoformat()
    assert not hasattr(comment, "conversation_id") and conversation not in stored
    assert "Fijn" not in client.get("/api/console/stats.csv").get_data(as_text=True)


def test_after_an_urgent_alert_no_feedback_is_taken(app, client, visitor_factory, rasa, make_counsellor):
    visitor, conversation = queued_visitor(visitor_factory, rasa)
    assert of_type(visitor.say("HIJ SLAAT ME NU HELP", client_id="u"), "alert")
    visitor.send({"type": "end"})
    (refused,) = feedback(visitor, helped=3, comment="dank")
    assert refused["code"] == "feedback_not_asked"
    with get_db(app).transaction() as session:
        assert session.scalars(select(FeedbackComment)).all() == []
        assert "feedback" not in session.get(Conversation, conversation).figures_counted
    as_supervisor(client, make_counsellor)
    assert today_row(client)["feedback"] == 0


def test_feedback_comments_are_purged_on_the_conversations_schedule(app):
    today = figures.local_now().date()
    with get_db(app).transaction() as session:
        for days_ago in (31, 30, 29, 0):
            day = (today - timedelta(days=days_ago)).isoformat()
            session.add(FeedbackComment(day=day, region="utrecht", comment=f"{days_ago} dagen geleden"))
    with get_db(app).transaction() as session:
        assert purge_relay(session, retention_days=30, now=utcnow()).feedback_comments == 1
    with get_db(app).transaction() as session:
        left = sorted(c.comment for c in session.scalars(select(FeedbackComment)))
    # A day that reaches past the cutoff stays until the whole of it lies before.
    assert left == ["0 dagen geleden", "29 dagen geleden", "30 dagen geleden"]
