"""Reading content/triage.yml: the editors' triage rules compiled into regular expressions.

voordeur_content.triage reads messages with what this module builds; docs/editing.md explains the
file. A file that cannot work raises ValueError naming the fault.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Pattern, Tuple

from voordeur_content._files import CONTENT_DIR, content_file, load_yaml, normalize

TRIAGE_FILE = CONTENT_DIR / "triage.yml"  # the repository's file; readers ask content_file()
CATEGORIES = ("acute", "suicide", "high")
MOMENTS = ("now", "ongoing", "recent", "past")
TENSES = ("now", "ongoing", "done")


@dataclass(frozen=True)
class Signal:
    name: str
    grades: Dict[str, Optional[str]]
    conditional_counts: bool
    now_in_sentence_only: bool
    phrases: Tuple[Tuple[str, str, Pattern[str], FrozenSet[str]], ...]  # (tense, phrase, pattern, its words)
    any_phrase: Pattern[str]


@dataclass(frozen=True)
class Rules:
    grades: Dict[str, Dict[str, Any]]
    signals: Tuple[Signal, ...]
    moments: Tuple[Tuple[str, Pattern[str]], ...]
    negations: FrozenSet[str]
    denials: Pattern[str]  # "het is niet zo dat": denies a phrase that follows within a few words
    new_clause: FrozenSet[str]
    conditionals: Pattern[str]
    habits: Pattern[str]
    reported: Pattern[str]
    animals: FrozenSet[str]
    questions: Pattern[str]
    jokes: Pattern[str]
    idioms: Pattern[str]
    spelling: Dict[str, str]
    classifier: Dict[str, float]  # CLASSIFIER_DEFAULTS' names, from content/triage.yml
    never_silenced: FrozenSet[str]  # signals whose finding the classifier cannot turn into no grade
    # (signal, phrase) of the `now:` phrases of the signals in classifier.soon_is_acute: a finding by
    # one of them the classifier cannot turn into high ("nu" elsewhere in the sentence does not count)
    soon_is_acute: FrozenSet[Tuple[str, str]]
    lexicon: Tuple[str, ...]  # the words of every phrase, for correcting typos


_WORD_START = r"(?<!\S)"


def _expand(token: str, groups: Dict[str, List[str]], depth: int = 0) -> str:
    """A regular expression (ending in a space) for one token of a phrase."""
    if token == "...":
        return r"(?:\S+ ){0,7}"
    if token == "*":
        return r"\S+ "
    if token.startswith("<") and token.endswith(">"):
        name = token[1:-1]
        if name not in groups:
            raise ValueError(f"unknown group <{name}> in triage phrases")
        if depth > 4:
            raise ValueError(f"groups nested too deep at <{name}>")
        options = sorted((_phrase_body(entry, groups, depth + 1) for entry in groups[name]), key=len, reverse=True)
        return "(?:" + "|".join(options) + ")"
    stem = token.endswith("*") and len(token) > 1
    words = normalize(token.rstrip("*") if stem else token)
    if not words:
        return ""
    return re.escape(words) + (r"\S* " if stem else " ")


def _phrase_body(phrase: str, groups: Dict[str, List[str]], depth: int = 0) -> str:
    tokens = str(phrase).replace("...", " ... ").split()
    body = "".join(_expand(token, groups, depth) for token in tokens)
    if not body:
        raise ValueError(f"empty triage phrase: {phrase!r}")
    return body


def compile_phrase(phrase: str, groups: Optional[Dict[str, List[str]]] = None) -> Pattern[str]:
    """An editor's phrase as a regular expression over prepared text (" word word ")."""
    return re.compile(_WORD_START + _phrase_body(phrase, groups or {}))


def _alternation(phrases: Iterable[str], groups: Dict[str, List[str]]) -> Pattern[str]:
    bodies = [_phrase_body(p, groups) for p in phrases]
    return re.compile(_WORD_START + "(?:" + "|".join(bodies) + ")") if bodies else re.compile(r"(?!)")


def _literal_words(phrase: str) -> FrozenSet[str]:
    return frozenset(w for w in normalize(phrase.replace("*", " ")).split())


def _build(data: Dict[str, Any]) -> Rules:
    groups = {str(k): [str(v) for v in values] for k, values in (data.get("groups") or {}).items()}
    grades = data.get("grades") or {}
    if set(grades) != set(CATEGORIES):
        raise ValueError(f"triage grades must be exactly {CATEGORIES}")
    for category, grade in grades.items():
        abroad = grade.get("belgium")
        if abroad is not None and not (isinstance(abroad, dict) and abroad.get("phones") and abroad.get("text")):
            raise ValueError(f"triage grade {category}: its belgium alert needs phones and text")
    signals = []
    lexicon: set[str] = set()
    for name, spec in (data.get("signals") or {}).items():
        table = spec.get("grades") or {}
        if set(table) != set(MOMENTS):
            raise ValueError(f"signal {name}: grades must name {MOMENTS}")
        bad = {v for v in table.values() if v not in (None, "none", *CATEGORIES)}
        if bad:
            raise ValueError(f"signal {name}: unknown grades {sorted(bad)}")
        unknown = set(spec) - {"grades", "conditional_counts", "now_in_sentence_only", *TENSES}
        if unknown:
            raise ValueError(f"signal {name}: unknown sections {sorted(unknown)}")
        phrases = []
        for tense in TENSES:
            for phrase in spec.get(tense) or []:
                phrase = str(phrase)
                phrases.append((tense, phrase, compile_phrase(phrase, groups), _literal_words(phrase)))
        signals.append(
            Signal(
                name=str(name),
                conditional_counts=bool(spec.get("conditional_counts")),
                now_in_sentence_only=bool(spec.get("now_in_sentence_only")),
                grades={m: (None if table[m] in (None, "none") else table[m]) for m in MOMENTS},
                phrases=tuple(phrases),
                any_phrase=_alternation((p for _, p, _, _ in phrases), groups),
            )
        )
    for entries in list(groups.values()) + [[p for s in signals for _, p, _, _ in s.phrases]]:
        for entry in entries:
            lexicon.update(w for w in normalize(entry.replace("*", " ")).split() if len(w) >= 5)
    moments = data.get("moments") or {}
    spelling = {normalize(str(k)) or str(k): normalize(str(v)) for k, v in (data.get("spelling") or {}).items()}
    return Rules(
        grades={k: dict(v) for k, v in grades.items()},
        signals=tuple(signals),
        moments=tuple((m, _alternation(moments.get(m) or [], groups)) for m in ("now", "recent", "past")),
        negations=frozenset(normalize(str(w)) for w in data.get("negations") or []),
        denials=_alternation(data.get("denials") or [], groups),
        new_clause=frozenset(normalize(str(w)) for w in data.get("new_clause") or []),
        conditionals=_alternation(data.get("conditionals") or [], groups),
        habits=_alternation(data.get("habits") or [], groups),
        reported=_alternation(data.get("reported") or [], groups),
        animals=frozenset(normalize(str(w)) for w in data.get("animals") or []),
        questions=_alternation(data.get("questions") or [], groups),
        jokes=_alternation(data.get("jokes") or [], groups),
        idioms=_alternation(data.get("idioms") or [], groups),
        spelling=spelling,
        classifier=_classifier_settings(data.get("classifier") or {}),
        never_silenced=_signal_names(data.get("classifier") or {}, "never_silenced", signals),
        soon_is_acute=_now_phrases(_signal_names(data.get("classifier") or {}, "soon_is_acute", signals), signals),
        lexicon=tuple(sorted(lexicon)),
    )


def _signal_names(given: Dict[str, Any], key: str, signals: List[Signal]) -> FrozenSet[str]:
    names = frozenset(str(name) for name in given.get(key) or ())
    unknown = names - {signal.name for signal in signals}
    if unknown:
        raise ValueError(f"classifier.{key} names unknown signals: {sorted(unknown)}")
    return names


def _now_phrases(names: FrozenSet[str], signals: List[Signal]) -> FrozenSet[Tuple[str, str]]:
    return frozenset(
        (s.name, phrase) for s in signals if s.name in names for tense, phrase, _, _ in s.phrases if tense == "now"
    )


# The classifier's settings in content/triage.yml, and their values when a line is left out
# (acute_upgrade above 1: a "high" grade is never raised to "acute").
CLASSIFIER_DEFAULTS = {
    "threshold": 0.35,
    "suicide_threshold": 0.25,
    "acute_upgrade": 1.1,
    "short_words": 0.0,
    "short_threshold": 0.0,
    "brief_words": 0.0,
    "brief_threshold": 0.0,
}


def _classifier_settings(given: Dict[str, Any]) -> Dict[str, float]:
    return {name: float(given.get(name, default)) for name, default in CLASSIFIER_DEFAULTS.items()}


def load_rules(path: Optional[Path] = None) -> Rules:
    return load_yaml(path or content_file("triage.yml"), _build)
