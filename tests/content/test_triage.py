"""The triage rules (content/triage.yml through voordeur_content.triage): grades as a visitor's
words deserve them, and an editor's file that cannot work fails loudly."""

import json
from pathlib import Path

import pytest

from voordeur_content import triage


@pytest.mark.parametrize(
    "text, category, reason",
    [
        ("hij slaat me nu", "acute", "violence"),
        ("k word nu geslagen", "acute", "violence"),
        ("hy heeft n mes", "acute", "weapon"),
        ("HIJ SLAAT ME HELP", "acute", "violence"),
        ("ik hoor de buurvrouw nu gillen", "acute", "violence"),
        ("ik word nu bedreigd, wat moet ik doen", "acute", "threat_to_kill"),
        ("mijn ex staat voor de deur", "acute", "stalking"),
        ("ik wil niet meer leven", "suicide", "suicide"),
        ("ik heb net 30 paracetamol genomen", "suicide", "suicide"),
        ("want ik wil eigenlijk niet meer leven sinds mijn ex me stalkt", "suicide", "suicide"),  # set 15
        # Batch 13: a phrase said with a negation is not denied by the words after it.
        ("ik wil niet meer leven hier geen papieren geen man geen niks", "suicide", "suicide"),
        ("Ik woon al tien jaar met hem. Hij drinkt veel. Gisteren kneep hij mijn keel dicht.", "high", "strangulation"),
        ("hij zei dat hij me vermoordt als ik wegga", "high", "threat_to_kill"),
        ("ik wordt bedreigt door mn ex", "high", "threat_to_kill"),
        # Round 14: a weapon taken up again and again is serious, not danger now ("als hij boos is").
        ("mijn vader pakt een mes als hij boos is", "high", "weapon"),
        ("hij heeft me een keer met een hamer geslagen", "high", "weapon"),
        ("hij drukt vaak zijn arm om mijn nek, voor de grap zegt hij", "high", "strangulation"),
        ("she grabbed my throat last week", "high", "strangulation"),
        ("my stepdad hits me when mum is at work", "high", "child_unsafe"),
        ("STIK hij knijpt me", "acute", "strangulation"),
        # Round 20 (batch 24): "van vroeger" says who, not when; a farewell to the world; a child hit
        # by a parent; "don't" read as English, not as Dutch 't.
        ("die gast van vroeger staat in mn trappenhuis voor mn deur", "acute", "stalking"),
        ("doei wereld", "suicide", "suicide"),
        ("ik word thuis vaak geslagen door mijn moeder", "high", "child_unsafe"),
        ("i don't want to live anymore", "suicide", "suicide"),
        # Round 26 (batch 30): a threat for tonight is danger now; "zonder" after a phrase denies
        # nothing; what he calls a joke is none; a razor in the bathroom is self-harm.
        ("HIJ ZEGT DAT IK HET NIET OVERLEEF VANNACHT", "acute", "threat_to_kill"),
        ("hij zegt dat hij me gaat doodsteken zodra de kinderen slapen", "acute", "threat_to_kill"),
        ("mijne vent heeft een kruisboog en richt die soms op mij voor de lol", "high", "weapon"),
        ("kzit weer met een mesje in de badkamer", "suicide", "suicide"),
        ("ik krijg 200 berichten per dag van hem", "high", "stalking"),
        # Round 27 (batch 31): strangulation told with a question after it is still told; a threat
        # for when the children sleep is danger now; Flemish "kzien"; a partner's suicide plan.
        ("hy heeft me ooit gewurgd tot ik flauwviel, is het normaal dat ik daar nog aan denk", "high", "strangulation"),
        ("hij fluistert steeds dat hij me gaat vermoorden als de kinderen slapen", "acute", "threat_to_kill"),
        ("kzien mijne gebuur zijn vrouw door de tuin sleuren", "acute", "violence"),
        ("my partner tied my hands with a cable tie, i got one hand loose", "acute", "confinement"),
        ("what is the least painful way", "suicide", "suicide"),
        # Round 28 (batch 33): a broken jaw; he got in without the door being opened; a virginity check.
        ("ik denk dat mn kaak gebroken is, kan mn mond niet open", "acute", "injury"),
        ("HIJ IS BINNEN ik heb niet open gedaan hoe kan dat", "acute", "stalking"),
        ("ze willen me laten checken of ik nog maagd ben voor het huwelijk", "high", "escalation"),
        # Round 29 (batches 34, 35, English 26): "met een schaar" within "met een schaar gestoken" is
        # told as done; a hot iron comes at her now; "het leven beu"; a child kept outside at night.
        ("mijn vader heeft mijn moeder een keer met een schaar gestoken", "high", "weapon"),
        ("ie slaapt met een mes onder zn kussen", "high", "weapon"),
        ("hij staat met een mes onder zijn jas", "acute", "weapon"),
        ("ze komt op me af met het hete strijkijzer", "acute", "weapon"),
        ("ik ben het leven beu", "suicide", "suicide"),
        ("what is the fastest way to die without pain", "suicide", "suicide"),
        ("de buurkinderen staan vaak 's avonds laat buiten in de kou, ze mogen er niet in", "high", "child_unsafe"),
        ("hij legt zijn arm om mijn nek als hij boos is, meestal laat hij snel weer los", "high", "strangulation"),
        # Round 30 (batch 36, English 27): "en wil dood" without "ik"; "ik word opgesloten als ..." is
        # not "zit opgesloten"; self-harm in one word; a threat for tonight; being sold to men.
        ("ik ben 13 en wil dood omdat mn vader me elke dag slaat", "suicide", "suicide"),
        ("ik ben 15 en ik word thuis opgesloten en geslagen als ik iets fout doe", "high", "confinement"),
        ("ik zelfbeschadig", "suicide", "suicide"),
        (
            "he said tonight he will kill me when he comes home from work. hes home in 2 hours",
            "acute",
            "threat_to_kill",
        ),
        ("ze dwingen me om met mannen mee te gaan voor geld", "high", "sexual_violence"),
    ],
)
def test_danger_in_the_visitors_own_words(text, category, reason):
    assert triage.assess(text) == triage.Assessment(category, reason)


@pytest.mark.parametrize(
    "text",
    [
        "vorig jaar sloeg hij me",
        "hij heeft me nooit geslagen",
        "hij slaat me niet",
        "ik ben niet in gevaar",
        "wat moet ik doen als hij me slaat?",
        "de buurman schopt zijn hond",
        "mijn moeder vermoordt me als ik te laat ben haha",
        "ik ga dood van het lachen",
        "zoetermeer",
        "utrecht",
        "nieuwleusen",
        "dewi",
        "hallo",
        "kan een man ook slachtoffer zijn?",
        "is dit echt anoniem?",
        '/inform{"region": "utrecht"}',
        "alfen aan de rijn",  # set 31: a place spelt as it sounds had the 113 alert
        "he didn't hit me",
        "he never locked me in",
        "het is niet zo dat hij me pijn doet of zo",  # a denial opened further back (batch 31)
        "wat moet je doen als iemand je wurgt?",
        "ik zit op mijn kamer",
        "sorry voor het storen",  # set 38: a polite opener had the 113 alert (examples R)
        "het is mijn schuld",  # a child hiding in its room; "op mijn kamer" alone was sexual violence
        # Round 29: denying self-harm weighs more than the classifier's guess (English set 26); the
        # relationship, not life ("ik zie het niet meer zitten met mijn relatie": batch 34).
        "i would never hurt myself, i just need to know how to get my stuff back from his apartment",
        "ik zie het niet meer zitten met mijn relatie",
    ],
)
def test_no_alert_for_the_past_denials_questions_jokes_places_and_names(text):
    assert not triage.assess(text)


@pytest.mark.parametrize("reply", ["ik ben 13", "laat maar dan", "ze is 15", "sorry was weg", "hoog keppel"])
def test_a_short_reply_to_a_question_raises_no_alert_on_one_word(reply):
    """Replies like these come at every intake question; the classifier alone once read "ik ben 13"
    and "laat maar dan" as suicide (content/triage.yml: short_words, short_threshold)."""
    assert not triage.assess(reply)


@pytest.mark.parametrize("text, category", [("ik wil dood", "suicide"), ("help hij slaat", "acute")])
def test_a_short_message_with_a_signal_still_alerts(text, category):
    assert triage.assess(text).category == category


@pytest.mark.parametrize(
    "text",
    [
        # Set 14: "nu" denied, and "nu" of where someone lives, made these the 112 alert.
        "mijn vrouw bedreigt me met een mes als ze kwaad is, niet nu maar gisteren nog",
        "mijn zus wordt door haar man geslagen en ze woont nu bij mij, hij weet waar ze is",
    ],
)
def test_not_now_is_no_112_alert_but_still_serious(text):
    assert triage.assess(text).category == "high"


@pytest.mark.parametrize("text, category", [("help", "acute"), ("vaarwel", "suicide"), ("doei iedereen", "suicide")])
def test_a_short_message_the_classifier_is_sure_of_still_alerts(text, category):
    """ "hoog keppel", a village typed at the place question, is no alert; "vaarwel" still is."""
    assert triage.assess(text).category == category


def test_suicide_goes_before_acute_when_both_are_there():
    assert triage.assess("hij slaat me nu en ik wil dood").category == "suicide"


def test_the_alert_frames_carry_the_right_numbers():
    acute, suicide, high = (triage.alert_frame(c) for c in ("acute", "suicide", "high"))
    assert (acute["level"], acute["phones"][:2]) == ("urgent", ["112", "0800 2000"])
    assert (suicide["level"], suicide["phones"]) == ("urgent", ["113", "0800 0113", "112"])
    assert (high["level"], high["category"]) == ("high", "high") and "0800 2000" in high["phones"]
    assert "112" in acute["text"] and "0800 0113" in suicide["text"]
    with pytest.raises(ValueError):
        triage.alert_text("other")


def test_an_alert_only_for_a_more_serious_grade():
    high, acute, suicide = (triage.Assessment(c, "x") for c in ("high", "acute", "suicide"))
    assert triage.more_serious(high, [])
    assert not triage.more_serious(high, ["high"]) and not triage.more_serious(high, ["acute"])
    assert triage.more_serious(acute, ["high"]) and not triage.more_serious(acute, ["acute"])
    assert triage.more_serious(suicide, ["acute"])  # other guidance (113)
    assert not triage.more_serious(triage.NONE, [])


def test_rasas_opinion_raises_to_high_at_most_and_never_over_triage(monkeypatch):
    from voordeur_content import triage_classifier

    sure = {"text": "ik twijfel of ik iets moet zeggen", "intent": {"name": "urgent_danger", "confidence": 0.95}}
    assert triage.weigh(triage.NONE, sure) == triage.NONE  # the triage classifier is sure it is harmless
    monkeypatch.setattr(triage_classifier, "classifier", lambda *args, **kwargs: None)  # the rules alone
    unsure = {"text": "ik twijfel of ik iets moet zeggen", "intent": {"name": "urgent_danger", "confidence": 0.5}}
    past = {"text": "vorig jaar had hij een mes", "intent": {"name": "urgent_danger", "confidence": 0.99}}
    assert triage.weigh(triage.NONE, sure) == triage.Assessment("high", "model", source="model")
    assert triage.weigh(triage.NONE, unsure) == triage.NONE
    assert triage.weigh(triage.NONE, past) == triage.NONE
    assert triage.weigh(triage.NONE, None) == triage.NONE
    acute = triage.Assessment("acute", "weapon")
    assert triage.weigh(acute, sure) is acute


def test_an_editors_new_phrase_works_without_a_restart(tmp_path):
    path = tmp_path / "triage.yml"
    text = (triage.TRIAGE_FILE).read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    assert not triage.assess_by_rules("hij zwiept met de zweep", path=path)
    path.write_text(
        text.replace(
            "    ongoing:\n      - heeft een <wapen>", "    ongoing:\n      - zwiept met\n      - heeft een <wapen>"
        ),
        encoding="utf-8",
    )
    import os

    os.utime(path, (1, 10**9))  # a new modification time, as an editor's save gives
    assert triage.assess_by_rules("hij zwiept met de zweep", path=path) == triage.Assessment("acute", "weapon")


@pytest.mark.parametrize(
    "broken, message",
    [
        ("grades: {acute: {}}\n", "grades"),
        ("grades: {acute: {}, suicide: {}, high: {}}\nsignals:\n  x:\n    grades: {now: acute}\n", "grades must name"),
        (
            "grades: {acute: {}, suicide: {}, high: {}}\nsignals:\n  x:\n    grades: {now: acute, ongoing: red,"
            " recent: none, past: none}\n",
            "unknown grades",
        ),
        (
            "grades: {acute: {}, suicide: {}, high: {}}\nsignals:\n  x:\n    grades: {now: acute, ongoing: high,"
            " recent: none, past: none}\n    ongoing: [slaat <niemand>]\n",
            "unknown group",
        ),
    ],
)
def test_a_broken_file_fails_loudly(tmp_path, broken, message):
    path = tmp_path / "triage.yml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        triage.assess("hij slaat me", path=path)


def test_the_classifier_by_hand_gives_what_scikit_learn_gives():
    from voordeur_content import triage_classifier

    model = triage_classifier.train(triage_classifier.read_examples(), triage._features_of)
    for text in (
        "hij slaat me nu en ik wil dood",
        "hallo",
        "k durf ni naar huis, mn pa gaat mij kloppen",
        "Ik woon al tien jaar met hem. Gisteren kneep hij mijn keel dicht.",
    ):
        features = triage._features_of(text)
        by_hand, by_sklearn = model.probabilities(features), model.probabilities_by_sklearn(features)
        assert by_hand.keys() == by_sklearn.keys()
        assert all(abs(by_hand[k] - by_sklearn[k]) < 1e-9 for k in by_hand)


def test_examples_with_a_wrong_grade_fail_loudly(tmp_path):
    from voordeur_content import triage_classifier

    (tmp_path / "a.jsonl").write_text('{"text": "hoi", "grade": "red"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="a.jsonl:1"):
        triage_classifier.read_examples(tmp_path)


SMALL_EXAMPLES = [
    ("hij slaat me nu", "acute"),
    ("hij slaat me nu hard", "acute"),
    ("hij staat nu voor de deur", "acute"),
    ("ik wil dood", "suicide"),
    ("ik wil niet meer leven", "suicide"),
    ("ik wil er niet meer zijn", "suicide"),
    ("hij dreigt me te vermoorden", "high"),
    ("hij dreigde me te wurgen", "high"),
    ("hij dreigt met een mes", "high"),
    ("hoe laat zijn jullie open", "none"),
    ("wat kost het bellen", "none"),
    ("hoe laat kan ik bellen", "none"),
]


def _write_examples(folder, examples):
    folder.mkdir(exist_ok=True)
    lines = [json.dumps({"text": t, "grade": g}) for t, g in examples]
    (folder / "examples.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def counted_fits(tmp_path, monkeypatch):
    """A cache folder of its own, the small examples written, and a list that grows at each training."""
    from voordeur_content import triage_classifier

    monkeypatch.setenv("VOORDEUR_CACHE_DIR", str(tmp_path / "cache"))
    _write_examples(tmp_path / "examples", SMALL_EXAMPLES)
    fits = []
    real_fit = triage_classifier._fit
    monkeypatch.setattr(triage_classifier, "_fit", lambda *a: fits.append(1) or real_fit(*a))
    return fits


def test_a_process_loads_the_trained_classifier_from_the_disk_and_trains_again_when_the_examples_change(
    tmp_path, counted_fits
):
    from voordeur_content import triage_cache, triage_classifier

    examples, fits = tmp_path / "examples", counted_fits

    trained = triage_classifier.trained_or_cached(triage_classifier.read_examples(examples), triage._features_of)
    loaded = triage_classifier.trained_or_cached(triage_classifier.read_examples(examples), triage._features_of)
    assert len(fits) == 1  # the second process would not train
    for text in ("hij slaat me nu met een mes", "ik wil dood", "wanneer zijn jullie open", "hallo"):
        features = triage._features_of(text)
        a, b = trained.probabilities(features), loaded.probabilities(features)
        assert a.keys() == b.keys() and all(abs(a[k] - b[k]) < 1e-12 for k in a)

    _write_examples(examples, SMALL_EXAMPLES + [("mijn vader schopt me nu", "acute")])
    triage_classifier.trained_or_cached(triage_classifier.read_examples(examples), triage._features_of)
    assert len(fits) == 2  # a new example: trained again, never the stale weights
    assert len(list((tmp_path / "cache").glob(f"{triage_cache.PREFIX}*.npz"))) == 2


def test_a_changed_example_file_is_learnt_beside_while_the_classifier_as_it_was_answers(
    tmp_path, counted_fits, monkeypatch
):
    """An editor's save must not make a visitor's message wait for a training of 15-20 s."""
    import os
    import threading
    import time

    from voordeur_content import triage_classifier

    examples = tmp_path / "examples"
    first = triage_classifier.classifier(triage._features_of, examples)
    assert first is not None and len(counted_fits) == 1
    release = threading.Event()
    real_train = triage_classifier._train
    monkeypatch.setattr(triage_classifier, "_train", lambda *a: release.wait(10) and real_train(*a))
    _write_examples(examples, SMALL_EXAMPLES + [("mijn vader schopt me nu", "acute")])
    os.utime(examples / "examples.jsonl", (1, 10**9))
    started = time.monotonic()
    assert triage_classifier.classifier(triage._features_of, examples) is first  # at once, as it was
    assert triage_classifier.classifier(triage._features_of, examples) is first  # one training, not two
    assert time.monotonic() - started < 5
    release.set()
    deadline = time.monotonic() + 30
    while triage_classifier.classifier(triage._features_of, examples) is first and time.monotonic() < deadline:
        time.sleep(0.05)
    assert triage_classifier.classifier(triage._features_of, examples) is not first
    assert len(counted_fits) == 2


def test_a_damaged_or_unwritable_cache_only_costs_the_training(tmp_path, monkeypatch):
    from voordeur_content import triage_cache, triage_classifier

    cache = tmp_path / "cache"
    monkeypatch.setenv("VOORDEUR_CACHE_DIR", str(cache))
    examples = tmp_path / "examples"
    _write_examples(examples, SMALL_EXAMPLES)
    triage_classifier.trained_or_cached(triage_classifier.read_examples(examples), triage._features_of)
    (saved,) = cache.glob(f"{triage_cache.PREFIX}*.npz")
    saved.write_bytes(b"not a file of weights")
    model = triage_classifier.trained_or_cached(triage_classifier.read_examples(examples), triage._features_of)
    assert max(model.probabilities(triage._features_of("ik wil dood")).items(), key=lambda kv: kv[1])[0] == "suicide"
    assert triage_cache.load(saved.name[len(triage_cache.PREFIX) : -4]) is not None  # written again, whole

    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("VOORDEUR_CACHE_DIR", str(blocked))
    assert triage_classifier.trained_or_cached(triage_classifier.read_examples(examples), triage._features_of)
    monkeypatch.setenv("VOORDEUR_CACHE_DIR", "off")
    assert triage_cache.folder() is None


def test_what_prepares_the_examples_is_part_of_the_key(tmp_path, counted_fits):
    """The key is made of the examples as written and a fingerprint of the rules file, the code and the
    word list (no process prepares thousands of examples only to find its key): another fingerprint
    trains again, the same one loads."""
    from voordeur_content import triage_classifier

    read = triage_classifier.read_examples(tmp_path / "examples")
    for preparation in ("rules as they were", "rules as they were", "a new phrase in the rules"):
        triage_classifier.trained_or_cached(read, triage._features_of, preparation)
    assert len(counted_fits) == 2


def test_the_fingerprint_changes_with_the_rules_file(tmp_path):
    rules = tmp_path / "triage.yml"
    rules.write_text("a: 1\n", encoding="utf-8")
    first = triage._preparation((str(rules), 1.0, 5))
    rules.write_text("a: 2\n", encoding="utf-8")
    assert triage._preparation((str(rules), 2.0, 5)) != first


def test_a_high_grade_that_is_quite_possibly_happening_now_gets_the_112_alert():
    """content/triage.yml's acute_upgrade: serious, and acute at least that likely, is acute."""
    from voordeur_content.triage_rules import CLASSIFIER_DEFAULTS

    chances = {"acute": 0.33, "high": 0.5, "none": 0.1, "suicide": 0.07}
    settings = {**CLASSIFIER_DEFAULTS, "acute_upgrade": 0.3}
    assert triage._decide(chances, [], settings).category == "acute"
    assert triage._decide(chances, [], {**settings, "acute_upgrade": 0.4}).category == "high"
    assert triage._decide(chances, [], dict(CLASSIFIER_DEFAULTS)).category == "high"  # left out: never raised
    assert triage.load_rules().classifier["acute_upgrade"] == 0.3


def test_strangulation_found_by_the_rules_is_never_silenced_by_the_classifier():
    # Batch 14: the classifier read "nu is hij rustig" as nothing to alert on.
    chances = {"acute": 0.08, "high": 0.12, "none": 0.8, "suicide": 0.0}
    found = [triage.Finding(signal="strangulation", moment="recent", category="high", phrase="gewurgd")]
    settings = dict(triage.load_rules().classifier)
    assert triage._decide(chances, found, settings, never_silenced=frozenset({"strangulation"})) == (
        triage.Assessment("high", "strangulation")
    )
    assert not triage._decide(chances, found, settings)  # without the setting the classifier decides
    denied = [triage.Finding(signal="strangulation", moment="past", category=None, phrase="gewurgd")]
    assert not triage._decide(chances, denied, settings, never_silenced=frozenset({"strangulation"}))
    assert "strangulation" in triage.load_rules().never_silenced


def test_a_threat_to_kill_for_tonight_is_danger_now_whatever_the_classifier_says():
    # Batch 36 and English set 27: the classifier read a threat for tonight as high.
    chances = {"acute": 0.24, "high": 0.74, "none": 0.0, "suicide": 0.02}
    soon = frozenset(triage.load_rules().soon_is_acute)
    tonight = [triage.Finding(signal="threat_to_kill", moment="now", category="acute", phrase="vanavond <doden>")]
    settings = dict(triage.load_rules().classifier)
    assert triage._decide(chances, tonight, settings, soon_is_acute=soon) == triage.Assessment(
        "acute", "threat_to_kill"
    )
    assert triage._decide(chances, tonight, settings).category == "high"  # without the setting: the classifier
    # "nu" somewhere in the sentence is not a threat for a moment soon ("nu mag ik niet naar school en
    # mijn oom zegt dat ik dood moet": batch 15)
    said_now = [triage.Finding(signal="threat_to_kill", moment="now", category="acute", phrase="<dreigen> ... <doden>")]
    assert triage._decide(chances, said_now, settings, soon_is_acute=soon).category == "high"
    assert triage.assess("mijn vader zegt dat hij mama gaat doodmaken vanavond ik ben 11").category == "acute"


def test_a_never_silenced_signal_must_exist(tmp_path):
    from voordeur_content.triage_rules import load_rules

    broken = tmp_path / "triage.yml"
    text = (Path(__file__).resolve().parents[2] / "content" / "triage.yml").read_text(encoding="utf-8")
    broken.write_text(text.replace("never_silenced: [strangulation]", "never_silenced: [wurgen]"), encoding="utf-8")
    with pytest.raises(ValueError, match="never_silenced"):
        load_rules(broken)


def test_the_alert_has_english_words_for_a_message_written_in_english():
    for category in ("acute", "suicide", "high"):
        english, dutch = triage.alert_text(category, english=True), triage.alert_text(category)
        assert english != dutch and "112" in english
        assert triage.alert_frame(category, english=True)["phones"] == triage.alert_frame(category)["phones"]
