"""A visitor who waits in the queue is never met with silence, and the relay goes quiet once a
counsellor has the chat (relay/bridge/waiting.py)."""

from test_queue import queued_visitor

from tests.support.clients import of_type
from tests.support.drivers import bot_says, handoff


def bot_texts(frames):
    return [f["text"] for f in frames if f["type"] == "message" and f["from"] == "bot"]


def test_a_message_in_the_queue_is_acknowledged_with_the_place(visitor_factory, rasa):
    queued_visitor(visitor_factory, rasa, nickname="Kim")
    visitor, _ = queued_visitor(visitor_factory, rasa)
    said = bot_texts(visitor.say("hallo?? is daar iemand"))
    assert said == [
        "Je bericht staat klaar voor de medewerker. Je bent nummer 2 in de wachtrij. "
        "Wil je niet wachten, dan kun je ook gratis bellen: 0800 2000."
    ]
    # Later messages: a short acknowledgement, the phone number is not repeated each time.
    assert bot_texts(visitor.say("nog steeds hier")) == [
        "Je bericht staat klaar voor de medewerker. Je bent nummer 2 in de wachtrij."
    ]


def test_a_question_in_the_queue_gets_the_bots_own_answer(visitor_factory, rasa):
    visitor, _ = queued_visitor(visitor_factory, rasa)
    rasa.intents["kunnen jullie de politie sturen?"] = {"name": "faq_police", "confidence": 0.93}
    rasa.responses["utter_faq_police"] = "Nee, wij kunnen zelf geen politie sturen. Bel 112."
    assert bot_texts(visitor.say("kunnen jullie de politie sturen?")) == [
        "Nee, wij kunnen zelf geen politie sturen. Bel 112."
    ]


def test_the_same_question_twice_in_the_queue_gets_the_short_answer_then_the_acknowledgement(visitor_factory, rasa):
    visitor, _ = queued_visitor(visitor_factory, rasa)
    for text in ("kan ik ook bellen?", "wat is het nummer?", "welk nummer?"):
        rasa.intents[text] = {"name": "faq_call_instead", "confidence": 0.95}
    rasa.responses["utter_faq_call_instead"] = "Ja, dat kan altijd. Bel gratis 0800 2000."
    rasa.repeats["utter_faq_call_instead"] = "Zoals ik net zei: 0800 2000."
    assert bot_texts(visitor.say("kan ik ook bellen?")) == ["Ja, dat kan altijd. Bel gratis 0800 2000."]
    assert bot_texts(visitor.say("wat is het nummer?")) == ["Zoals ik net zei: 0800 2000."]
    del rasa.repeats["utter_faq_call_instead"]  # an answer without a short variant is not said twice either
    said = bot_texts(visitor.say("welk nummer?"))
    assert len(said) == 1 and said[0].startswith("Je bericht staat klaar voor de medewerker")


def test_a_child_who_says_its_age_in_the_queue_hears_of_de_kindertelefoon_once(visitor_factory, rasa):
    visitor, _ = queued_visitor(visitor_factory, rasa)
    rasa.responses["utter_young_kindertelefoon"] = "Er is ook De Kindertelefoon: 0800 0432."
    said = bot_texts(visitor.say("ik ben 13"))
    assert said[0].startswith("Je bericht staat klaar voor de medewerker")  # kept for the counsellor, as ever
    assert said[1] == "Er is ook De Kindertelefoon: 0800 0432."
    assert all("0800 0432" not in text for text in bot_texts(visitor.say("14 jaar")))


def test_a_child_who_told_the_intake_it_is_under_18_hears_of_de_kindertelefoon_while_waiting(visitor_factory, rasa):
    # Set 35's review: a 12-year-old who asked "mag ik het wel vertellen" read only 0800 2000.
    rasa.responses["utter_young_kindertelefoon"] = "Er is ook De Kindertelefoon: 0800 0432."
    child = handoff()
    child["intake"] = {**child["intake"], "age_group": "under_18"}
    visitor = visitor_factory()
    visitor.hello()
    rasa.answers["ik wil iemand spreken"] = bot_says("Ik zet je in de wachtrij.", signals=[child])
    visitor.say("ik wil iemand spreken")
    said = bot_texts(visitor.say("papa zegt dat het geheim is, mag ik het wel vertellen"))
    assert said[-1] == "Er is ook De Kindertelefoon: 0800 0432."
    assert all("0800 0432" not in text for text in bot_texts(visitor.say("ben je er nog")))  # once


def test_asking_for_a_person_in_the_queue_is_told_they_are_in_it(visitor_factory, rasa):
    visitor, _ = queued_visitor(visitor_factory, rasa)
    rasa.intents["ik wil nu een mens"] = {"name": "request_human", "confidence": 0.97}
    said = bot_texts(visitor.say("ik wil nu een mens"))
    assert len(said) == 1 and said[0].startswith("Je staat al in de wachtrij")


def test_asking_how_it_works_in_the_queue_is_told_the_place_not_the_intake(visitor_factory, rasa, counsellor_factory):
    counsellor_factory("anna", regions="all")
    visitor, _ = queued_visitor(visitor_factory, rasa)
    rasa.intents["hoe werkt dit nu?"] = {"name": "faq_how_it_works", "confidence": 0.91}
    rasa.responses["utter_faq_how_it_works"] = "Eerst stel ik je een paar korte vragen."
    said = bot_texts(visitor.say("hoe werkt dit nu?"))
    assert said == [
        "Je staat al in de wachtrij voor een medewerker. Je bent de volgende in de wachtrij. "
        "Je kunt alvast schrijven wat je wilt vertellen."
    ]


def test_asking_how_long_in_the_queue_gets_an_honest_answer_without_a_promise(visitor_factory, rasa):
    """Without a counsellor online there is no estimate: the visitor hears that, their place and the
    phone, whatever Rasa made of the question (or without Rasa)."""
    visitor, _ = queued_visitor(visitor_factory, rasa)
    rasa.intents["hoe lang duurt het nog?"] = {"name": "faq_how_it_works", "confidence": 0.91}
    assert bot_texts(visitor.say("hoe lang duurt het nog?")) == [
        "Hoe lang het nog duurt, kan ik niet precies zeggen: dat hangt af van hoe druk het nu is. "
        "Je bent de volgende in de wachtrij. Een medewerker komt zo snel als het kan. "
        "Wil je niet wachten? Bel dan gratis 0800 2000, dag en nacht."
    ]
    said = bot_texts(visitor.say("how much longer?"))
    assert said and said[0].startswith("I cannot say exactly how long it will take")
    assert bot_texts(visitor.say("hij slaat me al heel lang"))[0].startswith("Je bericht staat klaar")


def test_danger_in_the_queue_gets_the_alert_and_the_news_that_the_chat_moved_up(visitor_factory, rasa):
    visitor, _ = queued_visitor(visitor_factory, rasa)
    frames = visitor.say("hij staat nu met een mes voor de deur")
    assert of_type(frames, "alert")[0]["category"] == "acute"
    assert bot_texts(frames)[0].startswith("Je gesprek gaat nu voor in de wachtrij")


def test_danger_again_after_the_alert_gets_a_short_safety_line_not_a_plain_acknowledgement(visitor_factory, rasa):
    visitor, _ = queued_visitor(visitor_factory, rasa)
    assert of_type(visitor.say("hij slaat me nu"), "alert")  # the alert, once
    frames = visitor.say("HIJ HEEFT NU EEN MES UIT DE LA GEPAKT")
    assert not of_type(frames, "alert")  # not said again: the widget keeps it in view
    (said,) = bot_texts(frames)
    assert said.startswith("Ik lees je bericht. Bel nu 112")
    assert "Je bericht staat klaar" not in said


def test_a_visitor_who_told_of_suicide_hears_of_113_in_every_acknowledgement(visitor_factory, rasa):
    # Set 32's review: a suicidal visitor who waited ("ben nog hier") was reminded only of 0800 2000.
    visitor, _ = queued_visitor(visitor_factory, rasa)
    assert of_type(visitor.say("ik wil niet meer leven"), "alert")
    for line in ("ben nog hier", "duurt het lang"):
        (said,) = bot_texts(visitor.say(line))
        assert "0800 0113" in said


def test_with_rasa_down_the_relay_still_acknowledges(app, visitor_factory, rasa):
    visitor, _ = queued_visitor(visitor_factory, rasa)
    rasa.down = True
    assert bot_texts(visitor.say("hallo")) == [
        "Je bericht staat klaar voor de medewerker. Je bent de volgende in de wachtrij. "
        "Wil je niet wachten, dan kun je ook gratis bellen: 0800 2000."
    ]


def test_the_counsellor_reads_what_the_visitor_was_told_and_then_the_relay_is_quiet(
    visitor_factory, rasa, counsellor_factory
):
    visitor, _ = queued_visitor(visitor_factory, rasa)
    visitor.say("ben je er nog")
    anna = counsellor_factory()
    conversation = visitor.state.conversation_id
    taken = anna.send({"type": "take", "conversation": conversation})[0]
    transcript = [(m["from"], m["text"]) for m in taken["transcript"]]
    assert ("visitor", "ben je er nog") in transcript
    assert (
        "bot",
        "Je bericht staat klaar voor de medewerker. Je bent de volgende in de wachtrij. "
        "Wil je niet wachten, dan kun je ook gratis bellen: 0800 2000.",
    ) in transcript
    visitor.pump()
    assert bot_texts(visitor.say("dank je, fijn dat je er bent")) == []  # the counsellor answers now


def test_english_in_the_queue_is_acknowledged_in_english_not_sent_back_to_the_intake(visitor_factory, rasa):
    visitor, _ = queued_visitor(visitor_factory, rasa)
    rasa.intents["are you still there?"] = {"name": "faq_english", "confidence": 0.95}
    rasa.responses["utter_faq_english"] = "To chat with a counsellor, type the name of your town."
    rasa.responses["utter_english_noted"] = "Thank you. A counsellor of Veilig Thuis will read what you write."
    assert bot_texts(visitor.say("are you still there?")) == [
        "Thank you. A counsellor of Veilig Thuis will read what you write."
    ]


def test_dutch_that_the_model_read_as_english_is_answered_in_dutch(visitor_factory, rasa):
    visitor, _ = queued_visitor(visitor_factory, rasa)
    rasa.intents["sorry ben echt moe, duurt het nog lang"] = {"name": "faq_english", "confidence": 0.7}
    rasa.responses["utter_english_noted"] = "Thank you. A counsellor of Veilig Thuis will read what you write."
    said = bot_texts(visitor.say("sorry ben echt moe, duurt het nog lang"))
    assert len(said) == 1 and said[0].startswith("Hoe lang het nog duurt, kan ik niet precies zeggen")


def test_a_visitor_who_corrects_the_town_while_waiting_moves_to_that_queue_with_their_place(
    app, visitor_factory, rasa, counsellor_factory
):
    from relay.db import get_db
    from relay.domain.models import Conversation

    queued_visitor(visitor_factory, rasa, region="zuid-holland-zuid", nickname="Eerder")
    visitor, _ = queued_visitor(visitor_factory, rasa, region="rotterdam-rijnmond")
    conversation = visitor.state.conversation_id
    with get_db(app).transaction() as session:
        queued_at = session.get(Conversation, conversation).queued_at
    rotterdam = counsellor_factory("rob", regions="rotterdam-rijnmond", name="Rob")
    dordrecht = counsellor_factory("dana", regions="zuid-holland-zuid", name="Dana")

    frames = visitor.say("nee sorry ik bedoel dordrecht, ik zit in rotterdam op school")
    assert bot_texts(frames) == [
        "Goed dat je het zegt. Je staat nu in de wachtrij van Veilig Thuis Zuid-Holland Zuid. "
        "Je houdt je plek: de tijd dat je al wachtte, telt mee."
    ]
    assert of_type(frames, "queue")[-1] == {
        "type": "queue",
        "position": 2,
        "region": "zuid-holland-zuid",
        "estimate_s": None,
    }
    with get_db(app).transaction() as session:
        moved = session.get(Conversation, conversation)
        assert (moved.state, moved.region, moved.queued_at) == ("queued", "zuid-holland-zuid", queued_at)
    assert of_type(rotterdam.pump(), "queue")[-1]["items"] == []
    assert [i["conversation"] for i in of_type(dordrecht.pump(), "queue")[-1]["items"]][-1] == conversation

    # What corrects nothing leaves the visitor where they are.
    assert bot_texts(visitor.say("nee hij weet niet dat ik dit doe"))[0].startswith("Je bericht staat klaar")


def test_a_correction_to_a_region_that_is_closed_now_keeps_the_visitor_in_their_queue(app, visitor_factory, rasa):
    visitor, _ = queued_visitor(visitor_factory, rasa, region="utrecht")
    app.extensions["relay_schedule"].mode = "closed"
    said = bot_texts(visitor.say("o wacht, ik woon eigenlijk in zwolle"))
    assert said[0].startswith("Dank je. Veilig Thuis IJsselland is nu gesloten, dus je blijft in de wachtrij van")
    assert "0800 2000" in said[0]


def test_a_visitor_who_lives_in_belgium_after_all_hears_of_1712_and_keeps_their_place(app, visitor_factory, rasa):
    from relay.db import get_db
    from relay.domain.models import Conversation

    visitor, _ = queued_visitor(visitor_factory, rasa, region="zeeland")
    said = bot_texts(visitor.say("oh nee sorry ik woon in gent eigenlijk, net over de grens"))
    assert len(said) == 1 and "1712" in said[0] and "112" in said[0]
    with get_db(app).transaction() as session:
        conversation = session.get(Conversation, visitor.state.conversation_id)
        assert (conversation.state, conversation.region) == ("queued", "zeeland")


def test_an_english_message_in_the_queue_gets_the_alert_and_the_relays_words_in_english(visitor_factory, rasa):
    # Set 23: an English student in danger read "Ben jij of is iemand anders nu in gevaar?".
    queued_visitor(visitor_factory, rasa, nickname="Kim")
    visitor, _ = queued_visitor(visitor_factory, rasa)
    frames = visitor.say("my boyfriend is outside my room right now banging on the door", client_id="e1")
    alert = of_type(frames, "alert")
    assert len(alert) == 1 and alert[0]["category"] == "acute"
    assert alert[0]["text"].startswith("Call 112 now")
    assert bot_texts(frames) == [
        "Your chat now goes ahead in the queue: only people who are in danger too can still be before you. "
        "A counsellor will come as soon as possible. Stay in this chat if that is safe."
    ]
    assert bot_texts(visitor.say("are you still there", client_id="e2")) == [
        "A counsellor will read your message. You are next in the queue. "
        "In danger now? Call 112 right away, even if you cannot talk: then stay on the line."
    ]
    assert bot_texts(visitor.say("he is still banging on the door right now", client_id="e3")) == [
        "I read your message. Call 112 now, even if you cannot talk: then stay on the line. "
        "A counsellor will come as soon as possible. You are next in the queue."
    ]


def test_after_the_112_alert_every_answer_while_waiting_says_112_not_only_0800_2000(visitor_factory, rasa):
    """Set 35's review: "wat moet ik doen", "kinderen zijn boven" after the alert got the plain
    acknowledgement with 0800 2000; a request for a person got "je kunt alvast schrijven"."""
    visitor, _ = queued_visitor(visitor_factory, rasa)
    assert of_type(visitor.say("hij slaat me nu"), "alert")
    (said,) = bot_texts(visitor.say("kinderen zijn boven"))
    assert said.startswith("Je bericht staat klaar") and "Bel meteen 112" in said and "0800 2000" not in said
    rasa.intents["kan er iemand met me praten"] = {"name": "request_human", "confidence": 0.97}
    (said,) = bot_texts(visitor.say("kan er iemand met me praten"))
    assert said.startswith("Je staat al in de wachtrij") and "Bel meteen 112" in said


def test_a_question_the_bot_cannot_answer_in_the_queue_is_named_as_a_question(visitor_factory, rasa):
    # Sets 35 and 36's reviews: "moet ik aanbellen?" got "je bericht staat klaar", as if not read.
    visitor, _ = queued_visitor(visitor_factory, rasa)
    rasa.intents["moet ik aanbellen bij de buren"] = {"name": "faq_police", "confidence": 0.31}
    said = bot_texts(visitor.say("moet ik aanbellen bij de buren"))
    assert said == [
        "Goed dat je het vraagt. De medewerker gaat daar straks met je op in. "
        "Je bent de volgende in de wachtrij. Wil je niet wachten, dan kun je ook gratis bellen: 0800 2000."
    ]
    # A message that is no question keeps the plain acknowledgement.
    assert bot_texts(visitor.say("ik zit nu op mijn kamer")) == [
        "Je bericht staat klaar voor de medewerker. Je bent de volgende in de wachtrij."
    ]


def test_after_danger_a_waiting_visitor_who_cannot_call_hears_the_answer_for_danger(visitor_factory, rasa):
    # Set 38's review: "ik durf niet te bellen hij hoort me", her ex at the door, got "je hoeft niet te bellen".
    visitor, _ = queued_visitor(visitor_factory, rasa)
    visitor.say("hij slaat de deur in, hij slaat me nu")
    rasa.intents["ik durf niet te bellen hij hoort me"] = {"name": "faq_cannot_call", "confidence": 0.91}
    rasa.responses["utter_faq_cannot_call"] = "Je kunt hier gewoon typen."
    rasa.for_risk[("utter_faq_cannot_call", "acute")] = "Wij kunnen zelf geen 112 bellen. Bel zelf 112."
    assert bot_texts(visitor.say("ik durf niet te bellen hij hoort me")) == [
        "Wij kunnen zelf geen 112 bellen. Bel zelf 112."
    ]


def test_after_danger_what_to_do_is_answered_with_what_to_do_now(visitor_factory, rasa):
    visitor, _ = queued_visitor(visitor_factory, rasa)
    visitor.say("hij slaat me nu")
    [said] = bot_texts(visitor.say("wat moet ik doen"))
    assert said.startswith("Bel nu 112, voor jezelf of voor wie in gevaar is") and "niet de keuken" in said
    # Without danger told, the same question is one for the counsellor.
    calm, _ = queued_visitor(visitor_factory, rasa)
    [said] = bot_texts(calm.say("wat moet ik doen"))
    assert said.startswith("Goed dat je het vraagt.")


def test_a_visitor_who_must_leave_soon_hears_how_to_leave_and_come_back(visitor_factory, rasa):
    # Set 38's review: "ok ik moet opschieten hij komt zo thuis" got only "je bericht staat klaar".
    visitor, _ = queued_visitor(visitor_factory, rasa)
    [said] = bot_texts(visitor.say("ok ik moet opschieten hij komt zo thuis"))
    assert said.startswith("Moet je zo stoppen? Tik dan op Snel weg") and "0800 2000" in said
    [again] = bot_texts(visitor.say("hij komt om 6 uur thuis"))
    assert again.startswith("Je bericht staat klaar")  # said once


def test_asking_for_a_person_while_nobody_of_the_region_is_online_says_so(visitor_factory, rasa):
    visitor, _ = queued_visitor(visitor_factory, rasa)  # nobody online in this test
    rasa.intents["kan ik nu met iemand praten"] = {"name": "request_human", "confidence": 0.97}
    [said] = bot_texts(visitor.say("kan ik nu met iemand praten"))
    assert said.startswith("Je staat al in de wachtrij") and "niemand van je regio online" in said
