"""The service figures: counted from real chats, kept through the retention purge, small cells
suppressed in JSON and CSV, only for supervisors (docs/figures.md)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from relay.db import get_db
from relay.domain import figures
from relay.domain.models import Conversation, Figure, Message, utcnow
from relay.ops.retention import purge_relay
from relay.schedule import get_schedule
from tests.support.clients import of_type
from tests.support.figures import ASK, as_supervisor, login, queued_visitor, today_row, waited


def test_figures_follow_the_chats_and_do_not_change_when_the_chats_are_purged(
    app, client, visitor_factory, rasa, counsellor_factory, make_counsellor
):
    anna = counsellor_factory(max_chats=10)
    chats = [queued_visitor(visitor_factory, rasa) for _ in range(7)]
    for (_visitor, conversation), seconds in zip(chats, [100, 100, 100, 100, 100, 400, 30], strict=True):
        waited(app, conversation, seconds)
    for _visitor, conversation in chats[:6]:
        assert of_type(anna.send({"type": "take", "conversation": conversation}), "taken")
    leaver, _left = chats[6]
    assert of_type(leaver.send({"type": "end"}), "ended")
    for _visitor, conversation in chats[:6]:
        anna.send({"type": "end", "conversation": conversation})

    as_supervisor(client, make_counsellor)
    row = today_row(client)
    assert (row["offered"], row["answered"], row["abandoned"]) == (7, 6, "< 5")
    # Five waited 100 s (the bucket up to 120 s), one 400 s (up to 420 s): half at most 2 minutes,
    # 90 % at most 7; five of six within the 5-minute goal.
    assert (row["wait_p50_s"], row["wait_p90_s"], row["answered_within_300_s"]) == (120, 420, 5)
    assert row["duration_p50_s"] == 15 and row["abandon_wait_p50_s"] == "< 5"  # short chats: at most 15 s
    assert row["urgent"] == 0 and row["backup_in"] == 0 and row["backup_out"] == 0
    hour = figures.local_now().hour
    assert row["demand_by_hour"][hour] == 7 and sum(v for v in row["demand_by_hour"] if v != "< 5") == 7
    before = client.get("/api/console/stats").get_json()
    before_csv = client.get("/api/console/stats.csv").get_data(as_text=True)

    # Forty days on, every one of these conversations is purged; their figures stay as they were.
    long_ago = utcnow() - timedelta(days=40)
    ids = [conversation for _visitor, conversation in chats]
    with get_db(app).transaction() as session:
        session.execute(
            update(Conversation).where(Conversation.id.in_(ids)).values(created_at=long_ago, ended_at=long_ago)
        )
        session.execute(update(Message).where(Message.conversation_id.in_(ids)).values(created_at=long_ago))
    with get_db(app).transaction() as session:
        assert sorted(purge_relay(session, retention_days=30).conversations) == sorted(ids)
    assert client.get("/api/console/stats").get_json() == before
    assert client.get("/api/console/stats.csv").get_data(as_text=True) == before_csv
    # Nothing in the figures leads back to a conversation.
    with get_db(app).transaction() as session:
        stored = " ".join(f"{r.day} {r.region} {r.measure} {r.bucket} {r.n}" for r in session.scalars(select(Figure)))
    assert not any(conversation in stored or conversation in before_csv for conversation in ids)


def test_small_cells_read_less_than_five_in_json_and_csv(
    app, client, visitor_factory, rasa, counsellor_factory, make_counsellor
):
    anna = counsellor_factory()
    for _ in range(3):
        _visitor, conversation = queued_visitor(visitor_factory, rasa)
        anna.send({"type": "take", "conversation": conversation})
    as_supervisor(client, make_counsellor)
    report = client.get("/api/console/stats").get_json()
    row = today_row(client)
    assert (row["offered"], row["answered"], row["abandoned"]) == ("< 5", "< 5", 0)
    assert row["wait_p50_s"] == "< 5" and row["wait_p90_s"] == "< 5" and row["duration_p50_s"] is None
    assert report["total"]["offered"] == "< 5"
    assert "< 5" in report["heatmap"][figures.local_now().weekday()]["hours"]
    export = client.get("/api/console/stats.csv")
    assert export.mimetype == "text/csv"
    (line,) = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert (line["region"], line["offered"], line["answered"], line["abandoned"]) == ("utrecht", "< 5", "< 5", "0")
    assert line["wait_p90_s"] == "< 5" and line["duration_p50_s"] == ""
    assert line[f"demand_h{figures.local_now().hour:02d}"] == "< 5"


def test_only_supervisors_see_the_figures(client, make_counsellor):
    for path in ("/api/console/stats", "/api/console/stats.csv"):
        assert client.get(path).status_code == 401
    make_counsellor()
    login(client, "anna")
    assert client.get("/api/console/me").get_json()["supervisor"] is False
    for path in ("/api/console/stats", "/api/console/stats.csv"):
        refused = client.get(path)
        assert refused.status_code == 403 and refused.get_json()["error"] == "not_supervisor"
    as_supervisor(client, make_counsellor)
    assert client.get("/api/console/me").get_json()["supervisor"] is True
    assert client.get("/api/console/stats?from=2026-11-01&to=2026-11-30").get_json()["days"] == []
    assert client.get("/api/console/stats?from=2026-12-01&to=2026-11-01").status_code == 400
    assert client.get("/api/console/stats?from=gisteren").status_code == 400
    assert client.get("/api/console/stats?region=atlantis").status_code == 400


def test_counsellor_add_makes_and_unmakes_a_supervisor(monkeypatch, app, client, capsys):
    from relay.ops.cli import main

    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setattr("sys.stdin", io.StringIO("wachtwoord-123\n"))
    assert main(["counsellor", "add", "sofie", "--name", "Sofie", "--regions", "all", "--supervisor"]) == 0
    assert "supervisor" in capsys.readouterr().out
    login(client, "sofie")
    assert client.get("/api/console/stats").status_code == 200
    monkeypatch.setattr("sys.stdin", io.StringIO("wachtwoord-123\n"))
    assert main(["counsellor", "add", "sofie", "--name", "Sofie", "--regions", "all"]) == 0
    assert client.get("/api/console/stats").status_code == 403


def test_risk_and_closed_hours_are_counted_once_per_conversation(app, client, visitor_factory, rasa, make_counsellor):
    visitor, _conversation = queued_visitor(visitor_factory, rasa)
    visitor.say("hij heeft gisteren mijn keel dichtgeknepen", client_id="a")  # high
    visitor.say("hij heeft me gisteren weer gewurgd", client_id="b")  # high again: not counted again
    visitor.say("HIJ SLAAT ME NU HELP", client_id="c")  # urgent
    get_schedule(app).mode = "closed"
    for _ in range(2):
        closed = visitor_factory()
        closed.hello()
        closed.say(ASK)
        closed.say(ASK)  # asked twice, counted once
    as_supervisor(client, make_counsellor)
    row = today_row(client)
    assert (row["offered"], row["urgent"], row["high"], row["outside_hours"]) == ("< 5", "< 5", "< 5", "< 5")
    with get_db(app).transaction() as session:
        counts = {r.measure: r.n for r in session.scalars(select(Figure).where(Figure.bucket == 0))}
    assert (counts["urgent"], counts["high"], counts["closed"], counts["offered"]) == (1, 1, 2, 1)


def test_the_local_day_is_amsterdam_time(app):
    # 22:30 UTC on 1 July is 00:30 on 2 July in Amsterdam (summer time).
    with get_db(app).transaction() as session:
        figures.add(session, "utrecht", [(figures.OFFERED, 0)], now=datetime(2026, 7, 1, 22, 30, tzinfo=timezone.utc))
        figures.add(session, "utrecht", [(figures.OFFERED, 0)], now=datetime(2026, 7, 1, 22, 31, tzinfo=timezone.utc))
    with get_db(app).transaction() as session:
        rows = [(r.day, r.region, r.measure, r.n) for r in session.scalars(select(Figure))]
    assert rows == [("2026-07-02", "utrecht", "offered", 2)]


def test_registrations_are_summarised_with_small_cells_suppressed(app, client, make_counsellor):
    from relay.domain.models import Registration

    today = figures.local_now().date().isoformat()
    with get_db(app).transaction() as session:
        for i in range(6):
            session.add(
                Registration(
                    day=today,
                    region="utrecht",
                    kinds=["partner_violence"],
                    role="victim" if i else "bystander",
                    advice="Veiligheidsplan besproken",
                    referrals=["huisarts"] if i < 2 else [],
                    urgent=False,
                )
            )
    as_supervisor(client, make_counsellor)
    summary = client.get("/api/console/stats").get_json()["registrations"]
    assert summary["total"] == 6
    assert summary["kinds"] == [{"id": "partner_violence", "label": "Partnergeweld", "count": 6}]
    assert summary["roles"][0] == {"id": "victim", "label": "Slachtoffer", "count": 5}
    assert summary["roles"][1]["count"] == "< 5" and summary["referrals"][0]["count"] == "< 5"
    assert "Veiligheidsplan" not in str(summary)
    assert client.get("/api/console/stats?region=amsterdam-amstelland").get_json()["registrations"]["total"] == 0
