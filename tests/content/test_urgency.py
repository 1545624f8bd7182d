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


def _one_by_one(text: str):
    """The plain reading of the phrase file: exclusions, then each phrase in order."""
    rules = urgency.load_yaml(urgency.PHRASES_FILE, urgency._build)
    words = " " + urgency.normalize(text) + " "
    if not words.strip() or any(pattern.search(words) for pattern in rules.exclusions):
        return None
    for category, phrase, pattern in rules.phrases:
        if pattern.search(words):
            return Urgency(category=category, phrase=phrase)
    return None


def test_fast_detection_agrees_with_the_phrases_one_by_one():
    """detect() searches one alternation per category; it must find what the phrases one by one find."""
    import yaml

    from voordeur_content._files import CONTENT_DIR

    held_out = yaml.safe_load((CONTENT_DIR.parent / "bot" / "eval" / "urgency.yml").read_text(encoding="utf-8"))
    phrases = yaml.safe_load(urgency.PHRASES_FILE.read_text(encoding="utf-8"))
    texts = [t for section in held_out.values() for t in section]
    texts += [p.replace("...", "echt heel erg").replace("*", "x") for section in phrases.values() for p in section]
    assert len(texts) > 200
    found = [urgency.detect(text) for text in texts]
    assert found == [_one_by_one(text) for text in texts]
    assert sum(f is not None for f in found) > 50  # the comparison covers many hits, not only misses
