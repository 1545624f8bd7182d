import pytest
from actions import answers

from tests.support.bot import make_tracker


@pytest.mark.parametrize(
    "text, expected",
    [
        ("noem me maar Sam", "Sam"),
        ("ik heet Lisa", "Lisa"),
        ("Zon", "Zon"),
        ("mijn bijnaam is Roos", "Roos"),
        ("je mag me Tijger noemen", "Tijger"),
    ],
)
def test_clean_nickname(text, expected):
    assert answers.clean_nickname(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("over mezelf", "self"),
        ("het gaat om mij", "self"),
        ("over mijn buurvrouw", "other"),
        ("iemand anders", "other"),
        ("hmm", None),
    ],
)
def test_parse_about(text, expected):
    assert answers.parse_about(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mijn man", "partner"),
        ("mijn ex", "partner"),
        ("een kind", "child"),
        ("mijn dochter", "child"),
        ("mijn oma", "elderly"),
        ("iets anders", "other"),
        ("mijn broer", "other"),
        ("pfff", None),
    ],
)
def test_parse_situation(text, expected):
    assert answers.parse_situation(text) == expected


@pytest.mark.parametrize(
    "intent, text, expected",
    [
        ("affirm", "ja", "yes"),
        ("deny", "nee", "no"),
        ("inform", "nee ik ben niet veilig", "no"),
        ("inform", "ja hoor", "yes"),
        ("inform", "misschien", None),
    ],
)
def test_parse_yes_no(intent, text, expected):
    assert answers.parse_yes_no(intent, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ik ben 15", "under_18"),
        ("42 jaar", "18_plus"),
        ("jonger dan 18", "under_18"),
        ("volwassen", "18_plus"),
        ("geen idee", None),
    ],
)
def test_parse_age_group(text, expected):
    assert answers.parse_age_group(text) == expected


def test_dont_know():
    assert answers.dont_know("inform", "weet ik niet")
    assert answers.dont_know("dont_know", "??")
    assert not answers.dont_know("inform", "Zwolle")


@pytest.mark.parametrize(
    "intent, expected",
    [
        ("request_human", True),
        ("urgent_danger", True),
        ("urgent_suicide", True),
        ("faq_hours", True),
        ("greet", True),
        ("goodbye", True),
        ("inform", False),
        ("nlu_fallback", False),
        ("describe_situation", False),
    ],
)
def test_not_an_answer(intent, expected):
    assert answers.is_not_an_answer(make_tracker("x", intent=intent)) is expected


@pytest.mark.parametrize(
    "text",
    [
        "geen plaats sorry",
        "sorry geen woonplaats",
        "waar ik woon gaat niemand wat aan, hij heeft overal vrienden",
        "ik zeg liever niet waar ik woon",  # typed through talk.py: it got the town question again
        "ik zeg het echt niet",
        "dat vertel ik niet",
        "ik wil geen regio noemen",  # set 41: thanked for telling, as if it were a story
        "mijn woonplaats zeg ik liever niet",
        "ook niet ongeveer",
        "durf het niet te zeggen",
    ],
)
def test_a_refused_place_said_in_the_visitors_words_is_a_refusal(text):
    # Set 29: "geen plaats sorry" was taken for an apology about typing.
    assert answers.refuses("inform", text)


@pytest.mark.parametrize(
    "text",
    ["geen idee", "zwolle", "ik woon in geen idee", "ik vertel het niet graag maar hij slaat me", "ook niet leuk"],
)
def test_not_every_geen_is_a_refused_place(text):
    assert not answers.refuses("inform", text)


def test_what_the_visitor_tells_is_thanked_once_then_acknowledged_more_briefly():
    # Set 41: "Dank je dat je dit vertelt" three times in a row to a daughter telling about her mother.
    tracker = make_tracker("mijn broer haalt geld van haar rekening")
    assert answers.story_noted(tracker) == "utter_story_noted"
    tracker.events[:0] = [{"event": "bot", "text": "Dank je ...", "metadata": {"utter_action": "utter_story_noted"}}]
    assert answers.story_noted(tracker) == "utter_story_noted_again"
