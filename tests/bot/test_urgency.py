import asyncio

from actions.every_message import ActionEveryMessage
from actions.urgency import ActionUrgent, assessment_of

from tests.support.bot import form_tracker, make_tracker, texts


def risk(category, reason):
    return {"voordeur": {"type": "risk", "category": category, "reason": reason}}


def slot(name, value):
    return {"event": "slot", "timestamp": None, "name": name, "value": value}


def flags(categories, urgent=True):
    return [slot("urgent", urgent), slot("urgent_category", categories), slot("handoff_requested", True)]


def run(action, tracker, dispatcher, domain):
    return asyncio.run(action.run(dispatcher, tracker, domain))


def test_danger_now_is_answered_once_with_the_risk_payload(dispatcher, domain):
    events = run(ActionUrgent(), make_tracker("hij slaat me nu", intent="urgent_danger"), dispatcher, domain)
    assert events == flags("acute")
    assert texts(dispatcher) == ["utter_urgent_acute", risk("acute", "violence"), "utter_urgent_queue"]
    assert "112" in domain["responses"]["utter_urgent_acute"][0]["text"]


def test_suicide_is_answered_warmly(dispatcher, domain):
    events = run(ActionUrgent(), make_tracker("ik wil dood", intent="urgent_suicide"), dispatcher, domain)
    assert events == flags("suicide")
    assert texts(dispatcher) == ["utter_urgent_suicide", risk("suicide", "suicide"), "utter_urgent_queue"]
    assert "113" in domain["responses"]["utter_urgent_suicide"][0]["text"]


def test_high_risk_offers_a_counsellor_without_the_urgent_flag(dispatcher, domain):
    tracker = form_tracker("hij heeft vorige week mijn keel dichtgeknepen", "nickname", intent="describe_situation")
    events = run(ActionEveryMessage(), tracker, dispatcher, domain)
    assert events == flags("high", urgent=False)
    assert texts(dispatcher) == ["utter_urgent_high", risk("high", "strangulation"), "utter_urgent_queue"]


def test_a_visitor_in_belgium_hears_of_belgiums_lines_and_no_dutch_queue(dispatcher, domain):
    """Veilig Thuis and 113 are Dutch: in Gent the guidance names 1712 (or the Zelfmoordlijn 1813) and
    promises no place in a Dutch queue."""
    tracker = make_tracker("hij slaat me nu, ik woon in gent", intent="urgent_danger")
    run(ActionUrgent(), tracker, dispatcher, domain)
    assert texts(dispatcher) == ["utter_urgent_acute_belgium", risk("acute", "violence")]
    for category, number in (("acute", "1712"), ("suicide", "1813"), ("high", "1712")):
        for variant in domain["responses"][f"utter_urgent_{category}_belgium"]:
            assert number in variant["text"] and "0800" not in variant["text"]


def test_known_region_skips_the_queue_remark(dispatcher, domain):
    tracker = make_tracker("hij heeft een mes", intent="urgent_danger", slots={"region": "utrecht"})
    run(ActionUrgent(), tracker, dispatcher, domain)
    assert texts(dispatcher) == ["utter_urgent_acute", risk("acute", "weapon")]


def test_a_second_more_serious_grade_makes_no_second_queue_promise(dispatcher, domain):
    tracker = make_tracker("ik wil dood", intent="urgent_suicide", slots={"urgent_category": "high"})
    run(ActionUrgent(), tracker, dispatcher, domain)
    assert texts(dispatcher) == ["utter_urgent_suicide", risk("suicide", "suicide")]


def test_the_queue_promise_says_it_needs_the_region_first(domain):
    assert "Zodra ik weet in welke plaats" in domain["responses"]["utter_urgent_queue"][-1]["text"]


def test_a_grade_already_answered_gets_a_short_word_not_the_guidance_again(dispatcher, domain):
    tracker = make_tracker("hij slaat me nu weer", intent="urgent_danger", slots={"urgent_category": "acute"})
    assert run(ActionUrgent(), tracker, dispatcher, domain) == []
    assert texts(dispatcher) == ["utter_urgent_again_acute"]  # no second risk payload, no second promise
    assert "112" in domain["responses"]["utter_urgent_again_acute"][-1]["text"]


def test_danger_told_again_at_the_name_question_is_answered_and_no_name_is_asked(dispatcher, domain):
    from actions.intake import ValidateIntakeForm

    tracker = form_tracker(
        "hij is dronken en schreeuwt, ik zit op de wc", "nickname", intent="inform", slots={"urgent_category": "acute"}
    )
    checked = ValidateIntakeForm().validate_nickname(
        "hij is dronken en schreeuwt, ik zit op de wc", dispatcher, tracker, domain
    )
    assert checked == {"nickname": "skipped"}  # the region comes next
    assert texts(dispatcher) == ["utter_urgent_again_acute"]


def test_the_rules_catch_what_the_classifier_missed(dispatcher, domain):
    tracker = form_tracker("hy heeft n mes", "nickname", intent="inform")
    assert run(ActionEveryMessage(), tracker, dispatcher, domain) == flags("acute")


def test_the_check_stays_quiet_when_the_classifier_already_spoke(dispatcher, domain):
    tracker = make_tracker("hij heeft een mes", intent="urgent_danger")
    assert run(ActionEveryMessage(), tracker, dispatcher, domain) == []
    tracker = make_tracker(
        "hij heeft een mes",
        intent="inform",
        after_user=[{"event": "bot", "text": None, "data": {"custom": risk("acute", "weapon")}}],
    )
    assert run(ActionEveryMessage(), tracker, dispatcher, domain) == []


def test_the_classifier_alone_unsure_or_the_past_gets_no_alarm(dispatcher, domain):
    tracker = make_tracker("vorig jaar had hij een mes", intent="urgent_danger")
    assert run(ActionUrgent(), tracker, dispatcher, domain) == []
    assert texts(dispatcher) == ["utter_story_noted"]


def test_past_violence_and_questions_are_not_urgent(dispatcher, domain):
    for text in ("vroeger had hij een mes", "wat moet ik doen als hij me slaat", "ik maak me zorgen om de buren"):
        assert run(ActionEveryMessage(), make_tracker(text, intent="describe_situation"), dispatcher, domain) == []
    assert texts(dispatcher) == []


def test_buttons_are_never_graded(dispatcher, domain):
    assert run(ActionEveryMessage(), make_tracker("/skip", intent="skip"), dispatcher, domain) == []


def test_rasas_classifier_is_weighed_but_cannot_send_anyone_to_112_alone(monkeypatch):
    sure = make_tracker("ik twijfel of ik iets moet zeggen", intent="urgent_danger")
    sure.latest_message["intent"]["confidence"] = 0.95
    assert assessment_of(sure).category is None  # the triage classifier is sure it is harmless
    from voordeur_content import triage_classifier

    monkeypatch.setattr(triage_classifier, "classifier", lambda *args, **kwargs: None)  # the rules alone
    assert assessment_of(sure).category == "high"
    assert assessment_of(make_tracker("ik wil niet meer leven", intent="inform")).category == "suicide"


def bot_said(response):
    return {"event": "bot", "text": "...", "metadata": {"utter_action": response}}


def test_a_message_not_understood_gets_the_honest_answer(dispatcher, domain):
    from actions.every_message import ActionNotUnderstood

    run(ActionNotUnderstood(), make_tracker("blub", intent="nlu_fallback"), dispatcher, domain)
    assert texts(dispatcher) == ["utter_default"]


def test_a_visitor_in_belgium_who_is_not_understood_hears_of_1712_not_0800_2000(dispatcher, domain):
    # Set 37: "de kinders zien da allemaal" from Knokke got "bel gratis 0800 2000".
    from actions.every_message import ActionNotUnderstood

    tracker = make_tracker("de kinders zien da allemaal", intent="nlu_fallback")
    tracker.events.insert(0, bot_said("utter_faq_belgium"))
    run(ActionNotUnderstood(), tracker, dispatcher, domain)
    assert texts(dispatcher) == ["utter_default_belgium"]
    for variant in domain["responses"]["utter_default_belgium"]:
        assert "1712" in variant["text"] and "0800 2000" not in variant["text"]


def test_no_not_understood_after_the_guidance_of_this_turn(dispatcher, domain):
    # Set 29: the high alert's warm guidance, then "Sorry, dat begrijp ik niet goed".
    from actions.every_message import ActionNotUnderstood

    tracker = make_tracker(
        "mn man dreigt dat hij de kinderen meeneemt als ik weg ga",
        intent="nlu_fallback",
        after_user=[bot_said("utter_urgent_high")],
    )
    run(ActionNotUnderstood(), tracker, dispatcher, domain)
    assert texts(dispatcher) == []


def test_a_story_is_asked_whether_a_counsellor_is_wanted_only_when_that_is_open(dispatcher, domain):
    # Set 32's review: "Wil je met een medewerker chatten?" came right before "Ik zet je in de wachtrij".
    from actions.every_message import ActionListenStory
    from rasa_sdk.executor import CollectingDispatcher

    story = "mijn ex heeft me vroeger geslagen"
    run(ActionListenStory(), make_tracker(story, intent="describe_situation"), dispatcher, domain)
    assert texts(dispatcher) == ["utter_listen_story"]
    on_the_way = CollectingDispatcher()
    tracker = make_tracker(story, intent="describe_situation", slots={"handoff_requested": True})
    run(ActionListenStory(), tracker, on_the_way, domain)
    assert texts(on_the_way) == ["utter_story_noted"]
    after_guidance = CollectingDispatcher()
    tracker = make_tracker(story, intent="describe_situation", after_user=[bot_said("utter_urgent_acute")])
    run(ActionListenStory(), tracker, after_guidance, domain)
    assert texts(after_guidance) == []


def test_a_story_after_the_guidance_of_this_message_gets_no_second_thanks(dispatcher):
    # Set 39's review: "mijn man maakt me kapot en ik zie geen uitweg" got "bel nu 112" and then
    # "Dank je dat je dit vertelt", a form's receipt after the guidance.
    from actions.urgency import GUIDANCE, note_story

    tracker = make_tracker("mijn man maakt me kapot en ik zie geen uitweg")
    tracker.events.append({"event": "bot", "text": "Bel nu 112", "metadata": {"utter_action": GUIDANCE["acute"]}})
    note_story(dispatcher, tracker)
    assert texts(dispatcher) == []
    note_story(dispatcher, make_tracker("mijn man maakt me kapot"))
    assert texts(dispatcher) == ["utter_story_noted"]


def test_a_refused_place_the_model_did_not_understand_is_accepted(dispatcher, domain):
    # Typed through talk.py: "ik zeg liever niet waar ik woon" after the way forward got "Sorry, dat
    # begrijp ik niet goed".
    from actions.every_message import ActionNotUnderstood

    tracker = make_tracker("ik zeg liever niet waar ik woon", intent="nlu_fallback", slots={"region": "skipped"})
    run(ActionNotUnderstood(), tracker, dispatcher, domain)
    assert texts(dispatcher) == ["utter_no_without_region"]


def nobody_online():
    from voordeur_content import regions

    listed = {r.id: {"open": True, "staffed": False} for r in regions.load_regions()}
    return {"voordeur": {"any_open": True, "regions": listed}}


def test_with_nobody_online_danger_is_answered_without_promising_a_counsellor(dispatcher, domain):
    """Set 41's review: "Ik breng je meteen in contact met een medewerker", then "er is nu niemand
    online". With nobody online the guidance names who answers now, and no queue is promised."""
    tracker = make_tracker("hij slaat me nu", intent="urgent_danger", metadata=nobody_online())
    run(ActionUrgent(), tracker, dispatcher, domain)
    assert texts(dispatcher) == ["utter_urgent_acute_nobody", risk("acute", "violence")]
    for category, number in (("acute", "112"), ("suicide", "0800 0113"), ("high", "0800 2000")):
        for name in (f"utter_urgent_{category}_nobody", f"utter_urgent_again_{category}_nobody"):
            for variant in domain["responses"][name]:
                assert number in variant["text"]
                assert "breng je" not in variant["text"] and "getting you to" not in variant["text"]


def test_with_nobody_online_danger_told_again_gets_the_short_word_without_a_promise(dispatcher, domain):
    tracker = make_tracker(
        "hij slaat me weer", intent="urgent_danger", slots={"urgent_category": "acute"}, metadata=nobody_online()
    )
    run(ActionUrgent(), tracker, dispatcher, domain)
    assert texts(dispatcher) == ["utter_urgent_again_acute_nobody"]
