"""Triage: the one owner of the risk grade of a visitor's message (docs/triage.md).

`assess(text)` reads a message with the editors' rules in content/triage.yml and answers at once,
without Rasa: `acute` (danger now), `suicide`, `high` (serious risk, not now) or none, with the
kind of signal that decided it. `weigh(assessment, parse)` adds the opinion of Rasa's classifier.
The relay grades every visitor message with these two functions in every state, and the bot's
action server asks the same functions, so nothing else decides urgency.

The reading (`triage_reading`) is a small ConText-style rule engine; this module decides the grade
from its findings and the classifier trained on the examples (`triage_classifier`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Optional, Sequence, Tuple

from voordeur_content import _files, phone_numbers, triage_classifier, triage_reading, triage_rules
from voordeur_content._files import content_file, dutch_word_counts
from voordeur_content.triage_reading import DENIED, Finding, findings, findings_of_reading, message_moment, read_message
from voordeur_content.triage_rules import TRIAGE_FILE, load_rules

__all__ = [
    "TRIAGE_FILE",
    "Assessment",
    "Finding",
    "NONE",
    "RANK",
    "alert_frame",
    "assess",
    "assess_by_rules",
    "findings",
    "message_moment",
    "more_serious",
    "warm_up",
    "weigh",
]
# How serious a category is: an alert is raised only when a message is more serious than what
# the conversation already had (acute and suicide differ in guidance, so each is said once).
RANK = {None: 0, "high": 1, "acute": 2, "suicide": 2}
# Rasa's urgent intents and the category they stand for.
MODEL_INTENTS = {"urgent_danger": "acute", "urgent_suicide": "suicide"}


@dataclass(frozen=True)
class Assessment:
    category: Optional[str] = None  # acute | suicide | high | None
    reason: Optional[str] = None  # the signal kind: weapon, threat_to_kill, ... (never the words)
    source: str = "rules"  # rules | model

    @property
    def level(self) -> Optional[str]:
        if self.category is None:
            return None
        return "high" if self.category == "high" else "urgent"

    def __bool__(self) -> bool:
        return self.category is not None


NONE = Assessment()


def _most_serious(found: List[Finding]) -> Assessment:
    graded = [Assessment(f.category, f.signal) for f in found if f.category is not None]
    # The most serious wins, the first of equals; suicide before acute: its guidance (113) matters
    # most when both are there.
    return max(graded, key=lambda a: (RANK[a.category], a.category == "suicide"), default=NONE)


def _features(read: Tuple[List[str], List[Optional[str]], Optional[str]], found: List[Finding]) -> str:
    """What the classifier reads: the prepared sentences, and each finding as a token."""
    return " | ".join(s.strip() for s in read[0]) + " " + " ".join(f"zzr{f.signal}{f.moment}" for f in found)


@lru_cache(maxsize=4)
def _preparation(rules_stamp: Tuple[str, float, int]) -> str:
    """A fingerprint of what turns a text into the classifier's features besides the examples: the
    rules file, the code that reads a message, and the Dutch word list (triage_cache's key)."""
    digest = hashlib.sha256(Path(rules_stamp[0]).read_bytes())
    for module in (__file__, triage_reading.__file__, triage_rules.__file__, _files.__file__):
        digest.update(Path(module).read_bytes())
    digest.update(repr(sorted(dutch_word_counts().items())[:50]).encode("utf-8"))
    digest.update(str(len(dutch_word_counts())).encode("utf-8"))
    return digest.hexdigest()


def _classifier() -> Optional[triage_classifier.Classifier]:
    rules_file = content_file("triage.yml")
    stat = rules_file.stat()
    return triage_classifier.classifier(
        _features_of, preparation=_preparation((str(rules_file), stat.st_mtime, stat.st_size))
    )


def _features_of(text: str) -> str:
    rules = load_rules()
    read = read_message(text, rules)
    return _features(read, findings_of_reading(read, rules))


def _signalled(found: List[Finding]) -> bool:
    """Whether the rules found a signal (a denied phrase is no signal, only a word for the classifier)."""
    return any(f.moment != DENIED for f in found)


def _decide(
    chances: Dict[str, float],
    found: List[Finding],
    settings: Dict[str, float],
    words: int = 99,
    never_silenced: FrozenSet[str] = frozenset(),
    soon_is_acute: FrozenSet[Tuple[str, str]] = frozenset(),
) -> Assessment:
    """The grade from the classifier's chances, the rules' findings and the message's length in words.
    A finding of a signal in `never_silenced` (strangulation) is at least `high`, whatever the
    classifier makes of the rest of the message ("... nu is hij rustig"); a finding by one of the
    `soon_is_acute` phrases (a threat to kill for tonight) is `acute` where the classifier says `high`."""
    decided = _by_the_classifier(chances, found, settings, words)
    if decided.category == "high":
        soon = next((f for f in found if (f.signal, f.phrase) in soon_is_acute and f.category == "acute"), None)
        if soon is not None:
            return Assessment("acute", soon.signal)
    if decided.category is None:
        kept = next(
            (f for f in found if f.signal in never_silenced and f.category is not None and f.moment != "past"), None
        )
        if kept is not None:
            return Assessment("high", kept.signal)
    return decided


def _denies_suicide(found: List[Finding]) -> bool:
    """The visitor says they would not harm themselves, and nowhere that they would ("i would never
    hurt myself, i just need my stuff back": English set 26): the classifier's suicide weighs nothing."""
    suicide = [f for f in found if f.signal == "suicide"]
    return bool(suicide) and all(f.moment == DENIED and f.denied_before for f in suicide)


def _by_the_classifier(
    chances: Dict[str, float], found: List[Finding], settings: Dict[str, float], words: int
) -> Assessment:
    if _denies_suicide(found):
        chances = {**chances, "suicide": 0.0}
    if chances.get("suicide", 0.0) >= settings["suicide_threshold"]:
        category: Optional[str] = "suicide"
    else:
        likeliest = max(chances, key=chances.__getitem__)
        category = likeliest if likeliest != "none" and chances[likeliest] >= settings["threshold"] else None
    if category is None:
        return NONE
    if not _signalled(found):
        # A short reply without a signal ("ik ben 13"): one word is no ground for an alert; a brief
        # line gets the 113 alert only when the classifier is surer ("zit er iemand klaar?" had it).
        if words <= settings.get("short_words", 0) and chances[category] < settings.get("short_threshold", 0):
            return NONE
        if (
            category == "suicide"
            and words <= settings.get("brief_words", 0)
            and chances[category] < settings.get("brief_threshold", 0)
        ):
            return NONE
    if category == "high" and chances.get("acute", 0.0) >= settings.get("acute_upgrade", 1.1):
        category = "acute"  # serious, and quite possibly happening now: the 112 alert, not only the offer
    if category == "acute" and any(f.category == "suicide" for f in found):
        category = "suicide"  # danger now and suicide both: 113's guidance, which also names 112
    reason = (
        next((f.signal for f in found if f.category == category), None)
        or next((f.signal for f in found if f.category is not None), None)
        or "classifier"
    )
    return Assessment(category, reason)


def assess_by_rules(text: str, path: Optional[Path] = None) -> Assessment:
    """The grade by the rules alone (what the classifier weighs; the answer without scikit-learn)."""
    if not text or text.startswith("/"):  # a button's payload is not the visitor's words
        return NONE
    return _most_serious(findings(text, path))


def _only_a_place(text: str) -> bool:
    """Whether the message is just the name of a town or region, as answered to the region question."""
    from voordeur_content import places  # the town table (content/regions.yml, content/places.yml)

    return len(text.split()) <= 5 and places.place_answer(text).kind is not places.PlaceKind.UNKNOWN


def assess(text: str, path: Optional[Path] = None) -> Assessment:
    """The risk grade of one visitor message: instant, and independent of Rasa. The rules find the
    signals; the classifier weighs them with the words of the whole message and decides."""
    if not text or text.startswith("/"):  # a button's payload is not the visitor's words
        return NONE
    rules = load_rules(path)
    read = read_message(text, rules)
    found = findings_of_reading(read, rules)
    if not _signalled(found) and _only_a_place(text):
        return NONE  # "zoetermeer": the letters of a town name are no signal ("meer", "dood")
    model = _classifier()
    if model is None:
        return _most_serious(found)
    chances = model.probabilities(_features(read, found))
    return _decide(chances, found, rules.classifier, len(text.split()), rules.never_silenced, rules.soon_is_acute)


def weigh(
    rules_view: Assessment, parse: Optional[Dict[str, Any]], threshold: float = 0.85, benign: float = 0.5
) -> Assessment:
    """Combine the triage grade with Rasa's reading (a /model/parse result or the tracker's latest
    message).

    Triage decides; Rasa's intent classifier can only raise a message triage found nothing in, to
    `high` (a counsellor at once) and never to the 112 alert on its own, and only where the triage
    classifier is not fairly sure (`benign`) that the message is harmless: measured on held-out
    messages, Rasa's urgent intents fire on stories of past violence and on questions.
    """
    if rules_view or not parse:
        return rules_view
    intent = parse.get("intent") or {}
    category = MODEL_INTENTS.get(str(intent.get("name") or ""))
    if category is None or float(intent.get("confidence") or 0) < threshold:
        return rules_view
    text = str(parse.get("text") or "")
    if text:
        rules = load_rules()
        read = read_message(text, rules)
        found = findings_of_reading(read, rules)
        if read[2] == "past" or any(f.moment == "past" or f.category is None for f in found):
            return rules_view  # the rules saw that it is over, or judged the signal harmless
        model = _classifier()
        if model is not None and model.probabilities(_features(read, found)).get("none", 0.0) >= benign:
            return rules_view
    return Assessment("suicide" if category == "suicide" else "high", "model", source="model")


def more_serious(new: Assessment, old_categories: Sequence[str]) -> bool:
    """Whether `new` deserves an alert in a conversation that was already alerted for these."""
    if not new:
        return False
    if new.category in old_categories:
        return False
    highest = max((RANK[c] for c in old_categories if c in RANK), default=0)
    return RANK[new.category] > highest or (RANK[new.category] == highest and highest == 2)


# ---- what the visitor is told --------------------------------------------------------------------


def _alert_spec(category: str, belgium: bool) -> Dict[str, Any]:
    """The grade's alert as content/triage.yml writes it; its `belgium` part for a visitor in Belgium."""
    try:
        grade: Dict[str, Any] = load_rules().grades[category]
    except KeyError:
        raise ValueError(f"unknown triage category: {category!r}") from None
    return {**grade, **grade["belgium"]} if belgium and grade.get("belgium") else grade


def alert_text(category: str, english: bool = False, belgium: bool = False) -> str:
    """The alert's words; in English for a message written in English (`text_en`, when the file has
    it); with Belgium's numbers for a visitor who lives there."""
    spec = _alert_spec(category, belgium)
    return str(spec.get("text_en") if english and spec.get("text_en") else spec["text"]).strip()


def phones(category: str, belgium: bool = False) -> List[str]:
    """The alert's numbers: content/triage.yml names them by id in content/phone_numbers.yml."""
    return [phone_numbers.number(str(key)) for key in _alert_spec(category, belgium)["phones"]]


def level_of(category: str) -> str:
    return str(load_rules().grades[category]["level"])


def alert_frame(category: str, english: bool = False, belgium: bool = False) -> Dict[str, Any]:
    """The visitor's alert frame (docs/protocol.md); `english` for a message written in English,
    `belgium` for a visitor who named a place in Belgium (1712 and 1813 instead of the Dutch lines)."""
    return {
        "type": "alert",
        "level": level_of(category),
        "category": category,
        "text": alert_text(category, english, belgium),
        "phones": phones(category, belgium),
    }


def warm_up() -> None:
    """Read the rules and the word list now, so that no visitor's message waits for them."""
    triage_reading.dutch_words()
    triage_reading.english_words()
    assess("hij slaat me nu, hy heeft n mes, vermoort")  # trains the classifier
