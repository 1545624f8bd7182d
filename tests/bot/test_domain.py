"""The domain's responses: every one is used somewhere, and the visitor-facing numbers are right.

`rasa data validate` lists responses that only custom actions or forms use as "not used in any
story or rule"; this test is the real check that no response is dead or missing.
"""

import re

from tests.support.bot import BOT_DIR


def _used_names():
    used = set()
    for path in list((BOT_DIR / "data").rglob("*.yml")) + list((BOT_DIR / "actions").glob("*.py")):
        used |= set(re.findall(r"utter_[a-z0-9_]+", path.read_text(encoding="utf-8")))
    return used


def test_every_response_is_used(domain):
    used = _used_names()
    form_questions = {f"utter_ask_{slot}" for slot in domain["forms"]["intake_form"]["required_slots"]}
    unused = set(domain["responses"]) - used - form_questions - {"utter_default"}
    assert unused == set()


def test_every_response_used_by_actions_exists(domain):
    used = set()
    for path in (BOT_DIR / "actions").glob("*.py"):
        used |= set(re.findall(r'"(utter_[a-z0-9_]+)"', path.read_text(encoding="utf-8")))
    # "utter_action" is the key under which Rasa keeps a bot message's response name, not a response.
    assert used - set(domain["responses"]) - {"utter_action"} == set()


def test_urgent_intents_follow_the_naming_contract(domain):
    urgent = sorted(
        i if isinstance(i, str) else next(iter(i))
        for i in domain["intents"]
        if (i if isinstance(i, str) else next(iter(i))).startswith("urgent_")
    )
    assert urgent == ["urgent_danger", "urgent_suicide"]
    assert "request_human" in [i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]]


def test_phone_numbers_in_responses(domain):
    text = " ".join(r[0].get("text", "") for r in domain["responses"].values())
    for number in ("112", "0800 2000", "0800 0113", "0800 0432"):
        assert number in text
    # No other phone-like numbers slip in.
    assert set(re.findall(r"\b0800 \d{4}\b", text)) == {"0800 2000", "0800 0113", "0800 0432"}


def test_visitor_is_addressed_as_je(domain):
    for name, variants in domain["responses"].items():
        for variant in variants:
            assert not re.search(r"\b(u|uw)\b", variant.get("text", "")), name


def test_every_question_has_a_short_answer_for_when_it_is_asked_again(domain):
    # The rules answer faq_<x> with utter_faq_<x>; asked again, the variant on faq_asked_before is given.
    questions = [name for name in domain["responses"] if name.startswith("utter_faq_") and name != "utter_faq_english"]
    assert len(questions) >= 25
    for name in questions:
        short = [
            v
            for v in domain["responses"][name]
            if v.get("condition") == [{"type": "slot", "name": "faq_asked_before", "value": True}]
        ]
        assert len(short) == 1, name
        assert short[0]["text"].startswith("Zoals ik net zei: "), name
        full = next(v["text"] for v in domain["responses"][name] if not v.get("condition"))
        assert len(short[0]["text"]) < len(full), name
