import asyncio

from actions.hours import ActionTellHours, evening_hours_text

from tests.support.bot import make_tracker, texts


def test_evening_hours_come_from_the_regions_file():
    text = evening_hours_text()
    assert "Veilig Thuis Amsterdam-Amstelland (maandag tot en met donderdag 18:00–21:00)" in text
    assert "Veilig Thuis Rotterdam Rijnmond" in text
    assert "Veilig Thuis Utrecht" not in text


def test_hours_question_gets_day_hours_and_evenings(dispatcher, domain):
    events = asyncio.run(ActionTellHours().run(dispatcher, make_tracker("wanneer open", intent="faq_hours"), domain))
    assert events == []
    assert texts(dispatcher) == ["utter_hours", "utter_evening_hours"]
    assert dispatcher.messages[1]["evening_hours"] == evening_hours_text()


def test_evening_question_gets_only_the_evenings(dispatcher, domain):
    asyncio.run(ActionTellHours().run(dispatcher, make_tracker("avond?", intent="faq_evenings"), domain))
    assert texts(dispatcher) == ["utter_evening_hours"]
