"""Backup regions (achtervang, relay/domain/backup.py): a waiting visitor whom their own open region cannot
answer is offered its backup region once, honestly; accepting keeps their place in time, and the counsellor
of the backup region sees where the conversation came from."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from relay import config
from relay.db import get_db
from relay.domain import backup, texts
from relay.domain.models import Conversation, Figure, utcnow
from relay.domain.states import ENDED
from relay.ops.presence import keep_presence, stale_seconds
from relay.schedule import get_regions
from tests.support.clients import of_type
from tests.support.drivers import bot_says, handoff

ASK = "Ik wil een mens"
OFFER_START = "Op dit moment is er niemand van Veilig Thuis Utrecht online."


def queued_in_utrecht(visitor_factory, rasa, urgent=False):
    signal = {**handoff("utrecht"), "urgent": urgent}
    rasa.answers[ASK] = bot_says("Ik zet je in de wachtrij.", signals=[signal])
    visitor = visitor_factory()
    conversation = visitor.hello()[0]["conversation"]
    frames = visitor.say(ASK)
    assert of_type(frames, "queue"), "the visitor did not reach the queue"
    return visitor, conversation, frames


def offers(frames):
    return [
        f for f in of_type(frames, "message") if [b["payload"] for b in f["buttons"]] == [backup.ACCEPT, backup.DECLINE]
    ]


def stored(app, conversation_id):
    with get_db(app).transaction() as session:
        return session.get(Conversation, conversation_id)


def backup_figures(app):
    with get_db(app).transaction() as session:
        rows = session.execute(select(Figure.region, Figure.measure, Figure.n).where(Figure.measure.like("backup%")))
        return {(region, measure): n for region, measure, n in rows}


def test_the_default_limit_is_ten_minutes():
    assert config.DEFAULTS["RELAY_BACKUP_AFTER_S"] == 600
    assert config.load_config(environ={"RELAY_BACKUP_AFTER_S": "300"})["RELAY_BACKUP_AFTER_S"] == 300.0


def test_nobody_of_the_region_online_is_offered_the_backup_with_buttons(visitor_factory, rasa, counsellor_factory):
    counsellor_factory("bea", regions="gooi-en-vechtstreek", name="Bea")
    visitor, _, frames = queued_in_utrecht(visitor_factory, rasa)
    [offer] = offers(frames)
    assert offer["from"] == "bot"
    assert offer["text"].startswith(OFFER_START)
    assert "Bij Veilig Thuis Gooi en Vechtstreek kan een medewerker je nu wel helpen. Wil je daarheen?" in offer["text"]
    assert [b["title"] for b in offer["buttons"]] == ["Ja, naar Veilig Thuis Gooi en Vechtstreek", "Nee, ik wacht"]


def test_no_offer_while_someone_of_the_region_is_online_and_the_wait_is_short(
    app, visitor_factory, rasa, counsellor_factory
):
    counsellor_factory("anna", regions="utrecht")
    counsellor_factory("bea", regions="gooi-en-vechtstreek", name="Bea")
    visitor, conversation, frames = queued_in_utrecht(visitor_factory, rasa)
    assert offers(frames) == []
    assert offers(visitor.say("hallo?")) == []
    keep_presence(app)
    assert offers(visitor.pump()) == [] and stored(app, conversation).backup_offer is None


def test_no_offer_when_nobody_of_the_backup_region_is_online_either(app, visitor_factory, rasa):
    visitor, conversation, frames = queued_in_utrecht(visitor_factory, rasa)
    assert offers(frames) == []
    keep_presence(app)
    assert offers(visitor.pump()) == [] and stored(app, conversation).backup_offer is None


def test_no_offer_when_the_backup_region_is_closed(app, visitor_factory, rasa, counsellor_factory):
    counsellor_factory("bea", regions="gooi-en-vechtstreek", name="Bea")
    _, conversation, _ = queued_in_utrecht(visitor_factory, rasa)
    with app.app_context(), get_db(app).transaction() as session:
        waiting = session.get(Conversation, conversation)
        waiting.backup_offer = None  # as if not offered yet, to ask again with the backup closed
        session.flush()
        regions = {r.id: r for r in get_regions(app)}

        def closed(region_id):
            return region_id != "gooi-en-vechtstreek"

        assert backup.offer_for(session, waiting, regions, closed, utcnow(), stale_seconds(app), 600) is None
        assert backup.offer_for(session, waiting, regions, lambda _: True, utcnow(), stale_seconds(app), 600)


def test_an_urgent_conversation_is_offered_the_backup_at_once_when_nobody_is_free(
    visitor_factory, rasa, counsellor_factory
):
    anna = counsellor_factory("anna", regions="utrecht", max_chats=1)
    counsellor_factory("bea", regions="gooi-en-vechtstreek", name="Bea")
    _, first, _ = queued_in_utrecht(visitor_factory, rasa)
    anna.send({"type": "take", "conversation": first})  # Anna's one chat: nobody of Utrecht is free now
    visitor, _, frames = queued_in_utrecht(visitor_factory, rasa)
    assert offers(frames) == []  # an ordinary wait with someone online: no offer
    frames = visitor.say("hij staat nu met een mes voor de deur")
    [offer] = offers(frames)
    assert offer["text"].startswith("Bij Veilig Thuis Utrecht is nu niemand vrij om je meteen te helpen.")


def test_a_long_expected_wait_is_offered_the_backup(app, visitor_factory, rasa, counsellor_factory):
    counsellor_factory("anna", regions="utrecht", max_chats=1)
    counsellor_factory("bea", regions="gooi-en-vechtstreek", name="Bea")
    now = utcnow()
    with get_db(app).transaction() as session:  # recent chats of Utrecht waited 20 minutes to be taken
        for n in range(6):
            start = now - timedelta(hours=n + 1)
            session.add(
                Conversation(
                    id=secrets.token_urlsafe(8),
                    token_hash=secrets.token_hex(32),
                    state=ENDED,
                    region="utrecht",
                    intake={},
                    queued_at=start,
                    assigned_at=start + timedelta(minutes=20),
                    ended_at=start + timedelta(minutes=40),
                )
            )
    _, _, frames = queued_in_utrecht(visitor_factory, rasa)
    [offer] = offers(frames)
    assert offer["text"].startswith("Het is druk bij Veilig Thuis Utrecht. Je wacht daar waarschijnlijk langer dan")


def test_accepting_moves_to_the_backup_queue_with_the_place_in_time(app, visitor_factory, rasa, counsellor_factory):
    bea = counsellor_factory("bea", regions="gooi-en-vechtstreek", name="Bea")
    visitor, conversation, _ = queued_in_utrecht(visitor_factory, rasa)
    queued_at = stored(app, conversation).queued_at
    frames = visitor.say("Ja, naar Veilig Thuis Gooi en Vechtstreek", payload=backup.ACCEPT)
    said = [m["text"] for m in of_type(frames, "message") if m["from"] == "bot"]
    assert said == [texts.backup_accepted("Veilig Thuis Gooi en Vechtstreek")]
    assert of_type(frames, "queue")[-1]["region"] == "gooi-en-vechtstreek"
    moved = stored(app, conversation)
    assert (moved.region, moved.backup_from, moved.queued_at) == ("gooi-en-vechtstreek", "utrecht", queued_at)
    # Bea sees where it came from, in her queue and when she takes it.
    bea.pump()
    [item] = of_type(bea.received, "queue")[-1]["items"]
    assert (item["conversation"], item["backup_from"]) == (conversation, "utrecht")
    taken = bea.send({"type": "take", "conversation": conversation})[0]
    assert taken["type"] == "taken" and taken["backup_from"] == "utrecht" and taken["region"] == "gooi-en-vechtstreek"
    assert backup_figures(app) == {("utrecht", "backup_out"): 1, ("gooi-en-vechtstreek", "backup_in"): 1}


def test_a_typed_yes_accepts_too(app, visitor_factory, rasa, counsellor_factory):
    counsellor_factory("bea", regions="gooi-en-vechtstreek", name="Bea")
    visitor, conversation, _ = queued_in_utrecht(visitor_factory, rasa)
    visitor.say("ok")
    assert stored(app, conversation).region == "gooi-en-vechtstreek"


def test_declining_keeps_the_place_and_the_offer_comes_once(app, visitor_factory, rasa, counsellor_factory):
    counsellor_factory("bea", regions="gooi-en-vechtstreek", name="Bea")
    visitor, conversation, _ = queued_in_utrecht(visitor_factory, rasa)
    queued_at = stored(app, conversation).queued_at
    frames = visitor.say("nee")
    assert [m["text"] for m in of_type(frames, "message") if m["from"] == "bot"] == [
        texts.backup_declined("Veilig Thuis Utrecht")
    ]
    kept = stored(app, conversation)
    assert (kept.region, kept.queued_at, kept.backup_from, kept.backup_offer) == (
        "utrecht",
        queued_at,
        None,
        "declined",
    )
    # Asked once: no second offer from a later message or the sweep, and a later "ja" moves nothing.
    assert offers(visitor.say("hallo?")) == []
    keep_presence(app)
    assert offers(visitor.pump()) == []
    visitor.say("ja")
    assert stored(app, conversation).region == "utrecht"
    assert backup_figures(app) == {}


def test_the_sweep_offers_the_backup_when_the_region_empties_while_the_visitor_waits(
    app, visitor_factory, rasa, counsellor_factory
):
    anna = counsellor_factory("anna", regions="utrecht")
    counsellor_factory("bea", regions="gooi-en-vechtstreek", name="Bea")
    visitor, _, frames = queued_in_utrecht(visitor_factory, rasa)
    assert offers(frames) == []
    anna.close()  # Anna logs off: nobody of Utrecht is online any more
    keep_presence(app)
    [offer] = offers(visitor.pump())
    assert offer["text"].startswith(OFFER_START)


FIRST_FREE = {"type": "handoff", "nickname": None, "region": None, "first_free": True, "intake": {}}


def test_a_visitor_in_danger_who_gives_no_place_reaches_the_region_that_can_answer_first(
    visitor_factory, rasa, counsellor_factory
):
    # Set 38: a mother alone with her baby while her ex broke the door in gave no place and was told
    # "ik kan je hier niet doorzetten". Now she waits for whoever is online.
    counsellor_factory("bea", regions="gooi-en-vechtstreek", name="Bea")
    said = "mijn ex slaat de deur in met een hamer, ik zeg niet waar ik woon"
    rasa.answers[said] = bot_says("Ik zet je bij de eerste medewerker die vrij is.", signals=[FIRST_FREE])
    visitor = visitor_factory()
    visitor.hello()
    frames = visitor.say(said)
    assert of_type(frames, "alert")[0]["category"] == "acute"
    [queue] = of_type(frames, "queue")
    assert queue["region"] == "gooi-en-vechtstreek" and queue["position"] == 1


def test_without_danger_no_place_means_no_queue(visitor_factory, rasa, counsellor_factory):
    counsellor_factory("bea", regions="gooi-en-vechtstreek", name="Bea")
    said = "ik zeg niet waar ik woon"
    rasa.answers[said] = bot_says("Bel gratis 0800 2000.", signals=[FIRST_FREE])
    visitor = visitor_factory()
    visitor.hello()
    assert of_type(visitor.say(said), "queue") == []  # no danger told: the relay does not pick a region


def test_the_first_free_region_is_the_one_with_the_most_room(app, counsellor_factory):
    counsellor_factory("anna", regions="utrecht", max_chats=1)
    counsellor_factory("bea", regions="gooi-en-vechtstreek", name="Bea", max_chats=3)
    with app.app_context(), get_db().transaction() as session:
        regions = {region.id: region for region in get_regions(app)}
        now = utcnow()
        found = backup.first_free_region(session, regions, lambda _r: True, now, stale_seconds(app))
        assert found is not None and found.id == "gooi-en-vechtstreek"
        assert backup.first_free_region(session, regions, lambda _r: False, now, stale_seconds(app)) is None
        only = {"flevoland": regions["flevoland"]}
        assert backup.first_free_region(session, only, lambda _r: True, now, stale_seconds(app)) is None
