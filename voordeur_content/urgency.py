"""The safety net for urgent language: phrases that content editors keep in content/urgent_phrases.yml.

Both the relay and the bot's action server call `detect`, so a visitor in danger is recognised even
when the Rasa model is down. The trained classifier catches what the phrases miss.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Pattern, Tuple

from voordeur_content._files import CONTENT_DIR, load_yaml, normalize

PHRASES_FILE = CONTENT_DIR / "urgent_phrases.yml"
CATEGORIES = ("suicide", "acute")  # suicide first: its guidance (113) matters most when both match

PHONES: Dict[str, List[str]] = {
    "acute": ["112", "0800 2000"],
    "suicide": ["113", "0800 0113", "112"],
}

_ALERT_TEXTS = {
    "acute": (
        "Is er nu gevaar, voor jou of voor iemand anders? Bel meteen 112. Wil je advies of een "
        "luisterend oor? Bel gratis Veilig Thuis: 0800 2000, dag en nacht."
    ),
    "suicide": (
        "Denk je aan zelfmoord? Praat erover met 113 Zelfmoordpreventie: bel gratis 0800 0113 "
        "of 113, dag en nacht. Ben je nu in direct gevaar? Bel 112."
    ),
}


@dataclass(frozen=True)
class Urgency:
    category: str  # "acute" | "suicide"
    phrase: str  # the phrase from the file that matched, as written there


@dataclass(frozen=True)
class _Rules:
    phrases: Tuple[Tuple[str, str, Pattern[str]], ...]  # (category, phrase, pattern)
    exclusions: Tuple[Pattern[str], ...]
    # One alternation per category and one for all exclusions: most texts are not urgent, and one
    # search per category tells that (the phrases one by one are searched only after a hit).
    any_of_category: Tuple[Tuple[str, Pattern[str]], ...]
    any_exclusion: Optional[Pattern[str]]


_WORD_START = r"(?<!\S)"


def compile_phrase(phrase: str) -> Pattern[str]:
    """Turn an editor's phrase into a regular expression over normalized text.

    Words must follow each other; `*` stands for exactly one word, `...` for up to five words.
    A word ending in `*` also matches longer words ("bedreig*" matches "bedreigt").
    """
    parts: List[str] = []
    for token in phrase.replace("...", " ... ").split():
        if token == "...":
            parts.append(r"(?:\S+ ){0,5}")
        elif token == "*":
            parts.append(r"\S+ ")
        else:
            stem = token.endswith("*") and len(token) > 1
            words = normalize(token.rstrip("*") if stem else token)
            if not words:
                continue
            parts.append(re.escape(words) + (r"\S* " if stem else " "))
    if not parts:
        raise ValueError(f"empty urgent phrase: {phrase!r}")
    # Matching is done on " " + text + " ", so every word is followed by a space.
    return re.compile(_WORD_START + "".join(parts))


def _any_of(patterns) -> Optional[Pattern[str]]:
    """One pattern matching where any of ``patterns`` does (each starts at a word: tested once)."""
    bodies = [p.pattern[len(_WORD_START):] for p in patterns]
    return re.compile(_WORD_START + "(?:" + "|".join(bodies) + ")") if bodies else None


def _build(data: Dict[str, Any]) -> _Rules:
    phrases = []
    for category in CATEGORIES:
        for phrase in (data.get(category) or []):
            phrases.append((category, str(phrase), compile_phrase(str(phrase))))
    unknown = set(data) - set(CATEGORIES) - {"exclusions"}
    if unknown:
        raise ValueError(f"unknown sections in urgent phrases: {sorted(unknown)}")
    exclusions = tuple(compile_phrase(str(p)) for p in (data.get("exclusions") or []))
    any_of_category = tuple((category, _any_of(p for c, _, p in phrases if c == category))
                            for category in CATEGORIES if any(c == category for c, _, _ in phrases))
    return _Rules(phrases=tuple(phrases), exclusions=exclusions, any_of_category=any_of_category,
                  any_exclusion=_any_of(exclusions))


def detect(text: str, path: Optional[Path] = None) -> Optional[Urgency]:
    """The urgency in `text` according to the phrase file, or None.

    A text that matches an exclusion (past events, hypothetical questions, worries without
    immediate danger) is never urgent by phrase; the classifier still judges it.
    """
    rules: _Rules = load_yaml(path or PHRASES_FILE, _build)
    words = " " + normalize(text or "") + " "
    if not words.strip():
        return None
    if rules.any_exclusion is not None and rules.any_exclusion.search(words):
        return None
    for category, any_phrase in rules.any_of_category:
        if any_phrase.search(words):  # which phrase: the first in the file's order
            for phrase_category, phrase, pattern in rules.phrases:
                if phrase_category == category and pattern.search(words):
                    return Urgency(category=category, phrase=phrase)
    return None


def alert_text(category: str) -> str:
    """The Dutch guidance sentence for an alert frame of this category."""
    try:
        return _ALERT_TEXTS[category]
    except KeyError:
        raise ValueError(f"unknown urgency category: {category!r}") from None
