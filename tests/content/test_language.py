"""Which language a visitor writes (voordeur_content.language): the intake and the counsellor follow it."""

from __future__ import annotations

import pytest

from voordeur_content import language
from voordeur_content.language import wants_english, writes_dutch, writes_english


@pytest.mark.parametrize(
    "text",
    [
        "Hi, I hope it's ok to write in English",
        "I'm an exchange student in Delft",
        "oh wait no, I moved last month, it's Leiden now",
        "can I talk to someone please",
        "sorry my dutch is bad",
        "I want to die",
    ],
)
def test_english_is_english(text):
    assert writes_english(text) and not writes_dutch(text)


@pytest.mark.parametrize(
    "text",
    [
        "ik woon in amersfoort nee hilversum sorry ben echt moe",  # set 14: the model read it as English
        "hengelo gelderland he, niet die in twente",
        "weet niet of ik dit moet melden want ik wil geen gedoe met die mensen",
        "hij slaat me nu",
    ],
)
def test_dutch_is_not_english(text):
    assert not writes_english(text) and writes_dutch(text)


@pytest.mark.parametrize("text", ["Utrecht", "Sam", "ok", "help", "sorry", "112"])
def test_a_name_a_town_or_one_word_says_no_language(text):
    assert not writes_english(text) and not writes_dutch(text)


def test_asking_in_dutch_for_english_is_wanting_english():
    assert wants_english("spreken jullie ook engels?") and not writes_english("spreken jullie ook engels?")


@pytest.mark.parametrize(
    "text",
    [
        "moet ik aanbellen",
        "mag ik het wel vertellen",
        "wat moet ik doen",
        "is dit anoniem",
        "weet hij dat ik hier zit",
        "what should i do",
        "can he see this",
        "Hoe werkt dat dan",
    ],
)
def test_questions_as_people_type_them(text):
    assert language.asks_a_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "kan niet bellen hij hoort me",
        "wat een ellende",
        "hij komt zo thuis",
        "ik weet het niet",
        "ok",
        "he is home now",
        "mijn man slaat me",
        "hallo??",
        "hallo?? is daar iemand",
        "ben je er nog?",
        "is there anyone there?",
    ],
)
def test_statements_are_no_questions(text):
    assert not language.asks_a_question(text)
