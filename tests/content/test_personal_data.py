import pytest

from voordeur_content import personal_data


@pytest.mark.parametrize(
    "text, kinds",
    [
        ("06-12345678", ["phone"]),
        ("bel me: 0612345678", ["phone"]),
        ("+31 6 1234 5678", ["phone"]),
        ("020 123 4567", ["phone"]),
        ("sam@example.nl", ["email"]),
        ("Sam.Jansen+chat@mail.example.com", ["email"]),
        ("3511 AB", ["postcode"]),
        ("ik woon op 1234ab", ["postcode"]),
        ("123456782", ["bsn"]),
        ("sam@example.nl of 0612345678", ["phone", "email"]),
    ],
)
def test_finds_personal_data(text, kinds):
    assert personal_data.find(text) == kinds


@pytest.mark.parametrize(
    "text",
    [
        "Sam",
        "bel 0800 2000 en vraag naar advies",
        "112",
        "ik ben 15",
        "123456789",
        "",
        "Zon 2000 op",
    ],
)
def test_no_personal_data(text):
    assert personal_data.find(text) == []
