import pytest

from voordeur_content import urgency
from voordeur_content.urgency import Urgency


@pytest.mark.parametrize("text", [
    "Hij heeft een mes!", "help, hij bedreigt me", "mijn man slaat me", "HIJ STAAT VOOR DE DEUR",
    "ik ben in gevaar", "hij slaat de kinderen", "ze is bewusteloos",
])
def test_acute_phrases(text):
    assert urgency.detect(text).category == "acute"


@pytest.mark.parametrize("text", ["ik wil dood", "Ik denk aan zelfmoord.", "ik wil niet meer leven"])
def test_suicide_phrases(text):
    assert urgency.detect(text).category == "suicide"


@pytest.mark.parametrize("text", [
    "vroeger had hij een mes", "vorig jaar bedreigde hij me", "wat moet ik doen als hij me slaat",
    "ik maak me zorgen, de buurman slaat zijn hond", "ik denk dat hij haar slaat", "hallo", "", "Sam",
])
def test_hard_negatives_are_not_urgent(text):
    assert urgency.detect(text) is None


def test_suicide_wins_over_acute():
    assert urgency.detect("hij slaat me en ik wil dood").category == "suicide"


def test_detect_reports_the_phrase():
    assert urgency.detect("hij heeft een mes") == Urgency(category="acute", phrase="heeft een mes")


def test_phones_and_alert_texts():
    assert urgency.PHONES == {"acute": ["112", "0800 2000"], "suicide": ["113", "0800 0113", "112"]}
    assert "112" in urgency.alert_text("acute") and "0800 2000" in urgency.alert_text("acute")
    assert "0800 0113" in urgency.alert_text("suicide") and "113" in urgency.alert_text("suicide")
    with pytest.raises(ValueError):
        urgency.alert_text("other")


def test_phrase_syntax(tmp_path):
    path = tmp_path / "phrases.yml"
    path.write_text(
        "acute:\n  - slaat * nu\n  - wil ... vermoorden\n  - bedreig*\nsuicide: []\nexclusions:\n  - stel dat\n"
    )
    assert urgency.detect("hij slaat haar nu", path=path).phrase == "slaat * nu"
    assert urgency.detect("hij slaat nu", path=path) is None
    assert urgency.detect("hij wil mij echt vermoorden", path=path).phrase == "wil ... vermoorden"
    assert urgency.detect("ze bedreigen ons", path=path).phrase == "bedreig*"
    assert urgency.detect("stel dat hij me bedreigt", path=path) is None


def test_unknown_section_is_refused(tmp_path):
    path = tmp_path / "phrases.yml"
    path.write_text("acuut:\n  - mes\n")
    with pytest.raises(ValueError):
        urgency.detect("mes", path=path)


def test_the_real_file_has_both_categories_and_exclusions():
    import yaml

    data = yaml.safe_load(urgency.PHRASES_FILE.read_text(encoding="utf-8"))
    assert data["acute"] and data["suicide"]
    for needed in ("vroeger", "vorig jaar", "wat moet ik doen als", "ik maak me zorgen"):
        assert needed in data["exclusions"]
