"""Every phone number the chat gives is in content/phone_numbers.yml, so that a changed number cannot
be forgotten in one place: the texts that must write numbers out are checked against that file."""

import re
from pathlib import Path

import pytest
import yaml

from voordeur_content import phone_numbers, triage
from voordeur_content._files import use_content_dir

REPO = Path(__file__).resolve().parents[2]


def _strings(value, where):
    """(where, text) for every string inside a parsed YAML value."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}[{index}]")


def _bot_responses():
    for path in sorted((REPO / "bot" / "domain").glob("*.yml")):
        responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
        yield from _strings(responses, f"bot/domain/{path.name}")


def _relay_texts():
    from relay.domain import texts

    source = Path(texts.__file__).read_text(encoding="utf-8")
    yield "relay/domain/texts.py (source)", source
    for name in dir(texts):
        yield from _strings(getattr(texts, name), f"relay/domain/texts.py {name}")


def _content_texts():
    for name in ("triage.yml", "canned_replies.yml", "registration.yml"):
        data = yaml.safe_load((REPO / "content" / name).read_text(encoding="utf-8"))
        if name == "triage.yml":
            data = data["grades"]  # the alerts; the rest are phrases to recognise, not advice
        yield from _strings(data, f"content/{name}")
    yield "widget/demo.html", (REPO / "widget" / "demo.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "source",
    [_bot_responses, _relay_texts, _content_texts],
    ids=["bot responses", "relay texts", "content and demo page"],
)
def test_every_number_written_out_is_in_the_data_file(source):
    unknown = [f"{where}: {number}" for where, text in source() for number in phone_numbers.unknown_numbers_in(text)]
    assert not unknown, (
        "phone numbers that content/phone_numbers.yml does not list (a number changed "
        "there and not here, or a new one to add there):\n" + "\n".join(unknown)
    )


def test_the_texts_do_write_the_numbers_out():
    """The check above would pass on texts without numbers: it must see the numbers it checks."""
    found = {n for _, text in _bot_responses() for n in phone_numbers.numbers_in(text)}
    assert {"0800 2000", "112", "113", "0800 0113", "0800 0432", "1712"} <= found
    assert phone_numbers.unknown_numbers_in("Bel 0800 2001 of 114, of om 17:00 uur 0800 2000.") == ["0800 2001", "114"]


def test_the_numbers_the_code_relies_on():
    assert phone_numbers.number("veilig_thuis") == "0800 2000"
    assert phone_numbers.number("emergency") == "112"
    assert all(entry.purpose for entry in phone_numbers.phone_numbers().values()), "each number says what it is for"
    with pytest.raises(ValueError, match="no_such_line"):
        phone_numbers.number("no_such_line")


@pytest.mark.parametrize("category", ["acute", "suicide", "high"])
def test_each_alert_offers_the_numbers_its_text_names(category):
    alert = triage.alert_frame(category)
    assert alert["phones"] and set(alert["phones"]) <= {e.number for e in phone_numbers.phone_numbers().values()}
    assert set(phone_numbers.numbers_in(alert["text"])) == set(alert["phones"])


def test_the_widget_fallback_equals_the_data_file():
    """The launcher shows 0800 2000 and 112 even when /api/status cannot be read."""
    source = (REPO / "widget" / "widget.js").read_text(encoding="utf-8")
    fallback = re.search(r'helpline: "([^"]+)",\s*emergency: "([^"]+)",', source)
    assert fallback, "widget.js: the T.helpline / T.emergency fallback is gone or reworded; adapt this test"
    assert fallback.groups() == (phone_numbers.number("veilig_thuis"), phone_numbers.number("emergency"))
    literal = {
        n
        for n in phone_numbers.numbers_in(source.replace(fallback.group(0), ""))
        if n in {e.number for e in phone_numbers.phone_numbers().values()}
    }
    assert not literal, f"widget.js writes phone numbers outside its one fallback: {literal}"


def test_a_changed_number_reaches_the_alerts_without_a_restart(tmp_path):
    text = (REPO / "content" / "phone_numbers.yml").read_text(encoding="utf-8")
    (tmp_path / "phone_numbers.yml").write_text(text.replace('"0800 2000"', '"0800 2020"'), encoding="utf-8")
    (tmp_path / "triage.yml").write_text(
        (REPO / "content" / "triage.yml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    use_content_dir(tmp_path)
    try:
        assert triage.alert_frame("high")["phones"] == ["0800 2020", "112"]
        assert phone_numbers.unknown_numbers_in("bel 0800 2000") == ["0800 2000"]
    finally:
        use_content_dir(REPO / "content")
    assert triage.alert_frame("high")["phones"] == ["0800 2000", "112"]


def test_a_broken_edit_keeps_the_last_good_numbers_and_says_so(tmp_path, caplog):
    good = (REPO / "content" / "phone_numbers.yml").read_text(encoding="utf-8")
    path = tmp_path / "phone_numbers.yml"
    path.write_text(good, encoding="utf-8")
    use_content_dir(tmp_path)
    try:
        assert phone_numbers.number("emergency") == "112"
        path.write_text(good.replace('number: "112"', 'number: "112'), encoding="utf-8")  # an unclosed quote
        assert phone_numbers.number("emergency") == "112"
        assert "phone_numbers.yml is broken" in caplog.text
        path.write_text(good.replace('number: "112"', 'number: "114"'), encoding="utf-8")
        assert phone_numbers.number("emergency") == "114"
    finally:
        use_content_dir(REPO / "content")
