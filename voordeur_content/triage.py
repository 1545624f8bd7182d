"""Triage: the one owner of the risk grade of a visitor's message (docs/triage.md).

`assess(text)` reads a message with the editors' rules in content/triage.yml and answers at once,
without Rasa: `acute` (danger now), `suicide`, `high` (serious risk, not now) or none, with the
kind of signal that decided it. `weigh(assessment, parse)` adds the opinion of Rasa's classifier.
The relay grades every visitor message with these two functions in every state, and the bot's
action server asks the same functions, so nothing else decides urgency.

The reading is a small ConText-style rule engine (Chapman et al.'s NegEx/ConText, as in clinlp):
a signal phrase is found in a sentence, then the words around it say whether it is denied, part
of a "what if" question, or when it happens; the signal's table turns that into a grade.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Pattern, Sequence, Tuple

from voordeur_content._files import CONTENT_DIR, load_yaml, normalize

TRIAGE_FILE = CONTENT_DIR / "triage.yml"
CATEGORIES = ("acute", "suicide", "high")
MOMENTS = ("now", "ongoing", "recent", "past")
TENSES = ("now", "ongoing", "done")
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


@dataclass(frozen=True)
class Finding:
    signal: str
    moment: str  # now | ongoing | recent | past
    category: Optional[str]
    phrase: str


# ---- reading the content file --------------------------------------------------------------------

@dataclass(frozen=True)
class _Signal:
    name: str
    grades: Dict[str, Optional[str]]
    conditional_counts: bool
    now_in_sentence_only: bool
    phrases: Tuple[Tuple[str, str, Pattern[str], FrozenSet[str]], ...]  # (tense, phrase, pattern, its words)
    any_phrase: Pattern[str]


@dataclass(frozen=True)
class _Rules:
    grades: Dict[str, Dict[str, Any]]
    signals: Tuple[_Signal, ...]
    moments: Tuple[Tuple[str, Pattern[str]], ...]
    negations: FrozenSet[str]
    conditionals: Pattern[str]
    reported: Pattern[str]
    animals: FrozenSet[str]
    questions: Pattern[str]
    jokes: Pattern[str]
    idioms: Pattern[str]
    spelling: Dict[str, str]
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


def _build(data: Dict[str, Any]) -> _Rules:
    groups = {str(k): [str(v) for v in values] for k, values in (data.get("groups") or {}).items()}
    grades = data.get("grades") or {}
    if set(grades) != set(CATEGORIES):
        raise ValueError(f"triage grades must be exactly {CATEGORIES}")
    signals = []
    lexicon = set()
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
        signals.append(_Signal(
            name=str(name), conditional_counts=bool(spec.get("conditional_counts")),
            now_in_sentence_only=bool(spec.get("now_in_sentence_only")),
            grades={m: (None if table[m] in (None, "none") else table[m]) for m in MOMENTS},
            phrases=tuple(phrases), any_phrase=_alternation((p for _, p, _, _ in phrases), groups)))
    for entries in list(groups.values()) + [[p for s in signals for _, p, _, _ in s.phrases]]:
        for entry in entries:
            lexicon.update(w for w in normalize(entry.replace("*", " ")).split() if len(w) >= 5)
    moments = data.get("moments") or {}
    spelling = {normalize(str(k)) or str(k): normalize(str(v)) for k, v in (data.get("spelling") or {}).items()}
    return _Rules(
        grades={k: dict(v) for k, v in grades.items()},
        signals=tuple(signals),
        moments=tuple((m, _alternation(moments.get(m) or [], groups)) for m in ("now", "recent", "past")),
        negations=frozenset(normalize(str(w)) for w in data.get("negations") or []),
        conditionals=_alternation(data.get("conditionals") or [], groups),
        reported=_alternation(data.get("reported") or [], groups),
        animals=frozenset(normalize(str(w)) for w in data.get("animals") or []),
        questions=_alternation(data.get("questions") or [], groups),
        jokes=_alternation(data.get("jokes") or [], groups),
        idioms=_alternation(data.get("idioms") or [], groups),
        spelling=spelling,
        lexicon=tuple(sorted(lexicon)),
    )


def _rules(path: Optional[Path] = None) -> _Rules:
    return load_yaml(path or TRIAGE_FILE, _build)


# ---- preparing text --------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?;:\n\r]+|\s+maar\s+|\s+alleen\s+nu\s+", re.IGNORECASE)
_LAUGHING = re.compile("[\U0001F602\U0001F923\U0001F606\U0001F605\U0001F61D\U0001F61C]")
_REPEATS = re.compile(r"([a-z])\1{2,}")


@lru_cache(maxsize=1)
def _dutch_words() -> FrozenSet[str]:
    """Common Dutch words (pyspellchecker's frequency list): a word in it is never 'corrected'."""
    try:
        import spellchecker
    except ImportError:  # without the list, typos are corrected only by the spelling table
        return frozenset()
    path = Path(spellchecker.__file__).parent / "resources" / "nl.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        frequencies = json.load(handle)
    common = sorted(frequencies.items(), key=lambda item: item[1], reverse=True)[:80000]
    return frozenset(word for word, _ in common if len(word) >= 4)


def _correct(word: str, rules: _Rules) -> str:
    return _correct_cached(word, rules.lexicon)


@lru_cache(maxsize=20000)
def _correct_cached(word: str, lexicon: Tuple[str, ...]) -> str:
    """A typo of a signal word ("vermoort", "bedrijgt") becomes that word; real words stay."""
    if len(word) < 5 or word in lexicon or word.isdigit():
        return word
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz import process

    limit = 1 if len(word) < 8 else 2
    match = process.extractOne(word, lexicon, scorer=Levenshtein.distance, score_cutoff=limit)
    if match is None or match[0][0] != word[0] or word in _dutch_words():
        return word
    return match[0]


def prepare_sentences(text: str, rules: Optional[_Rules] = None) -> List[str]:
    """The message as sentences of normalized, spelled-out, typo-corrected words (" w w w ")."""
    rules = rules or _rules()
    text = _LAUGHING.sub(" haha ", text or "")
    sentences = []
    for raw in _SENTENCE_END.split(text):
        words = []
        for word in normalize(raw).split():
            word = _REPEATS.sub(r"\1\1", word)
            spelled = rules.spelling.get(word)
            if spelled is None:
                spelled = _correct(word, rules)
            words.append(spelled)
        if words:
            sentences.append(" " + " ".join(words) + " ")
    return sentences


# ---- reading a sentence --------------------------------------------------------------------------

def _moment_in(text: str, rules: _Rules) -> Optional[str]:
    """The moment a sentence names; the longest marker wins ("nu" loses to "het gaat nu beter")."""
    best, best_length = None, 0
    for moment, pattern in rules.moments:  # now, recent, past: on equal length the first counts
        for match in pattern.finditer(text):
            if len(match.group()) > best_length:
                best, best_length = moment, len(match.group())
    return best


def _denied(sentence: str, start: int, end: int, phrase_words: FrozenSet[str], rules: _Rules) -> bool:
    before = sentence[:start].split()[-2:]
    inside = sentence[start:end].split()
    after = sentence[end:].split()[:2]
    return any(w in rules.negations and w not in phrase_words for w in before + inside + after)


def _findings_in(sentence: str, message_moment: Optional[str], rules: _Rules) -> List[Finding]:
    found: List[Finding] = []
    if rules.idioms.search(sentence):
        sentence = rules.idioms.sub(" ", sentence)
    joking = bool(rules.jokes.search(sentence))
    sentence_moment = _moment_in(sentence, rules)
    for signal in rules.signals:
        if not signal.any_phrase.search(sentence):
            continue
        for tense, phrase, pattern, words in signal.phrases:
            match = pattern.search(sentence)
            if match is None or _denied(sentence, match.start(), match.end(), words, rules):
                continue
            before = sentence[:match.start()]
            if rules.questions.search(before) or rules.questions.search(sentence[match.end():]) and sentence_moment != "now":
                continue  # a question about violence, not an event
            if joking and signal.name != "suicide":
                continue
            if any(w in rules.animals for w in sentence[match.end():].split()[:2]):
                continue  # "hij schopt zijn hond": an animal, not a person
            conditional = bool(rules.conditionals.search(before)) and not signal.conditional_counts
            reported = bool(rules.reported.search(before))
            context = None if signal.now_in_sentence_only and message_moment == "now" else message_moment
            moment = _moment(tense, sentence_moment, context, conditional or reported)
            found.append(Finding(signal=signal.name, moment=moment, category=signal.grades[moment], phrase=phrase))
            break  # one finding per signal and sentence: the first phrase in the file's order
    return found


def _moment(tense: str, sentence_moment: Optional[str], message_moment: Optional[str], conditional: bool) -> str:
    if conditional:  # "als hij drinkt, slaat hij me": it happens, but not as far as we know now
        return "past" if sentence_moment == "past" else "recent"
    if sentence_moment in ("past", "recent"):  # "elke avond staat hij voor de deur": again and again
        return sentence_moment
    if tense == "now" or sentence_moment == "now":
        return "now"
    if message_moment == "now":  # "hij slaat me. help": now; "hij heeft me geslagen. nu ...": not
        return "now" if tense == "ongoing" else "recent"
    if message_moment == "past" and tense == "done":
        return "past"
    if message_moment == "recent":
        return "recent"
    return "ongoing" if tense == "ongoing" else "recent"


def message_moment(text: str, path: Optional[Path] = None) -> Optional[str]:
    """The most pressing moment a message names: now, recent, past or None."""
    rules = _rules(path)
    named = {_moment_in(sentence, rules) for sentence in prepare_sentences(text, rules)}
    return next((m for m in ("now", "recent", "past") if m in named), None)


def findings(text: str, path: Optional[Path] = None) -> List[Finding]:
    """Every signal in the message with its moment and grade (for the evaluation and docs)."""
    rules = _rules(path)
    sentences = prepare_sentences(text, rules)
    named = {_moment_in(sentence, rules) for sentence in sentences}
    message_moment = next((m for m in ("now", "recent", "past") if m in named), None)
    found: List[Finding] = []
    for sentence in sentences:
        found.extend(_findings_in(sentence, message_moment, rules))
    return found


def assess(text: str, path: Optional[Path] = None) -> Assessment:
    """The risk grade of one visitor message by the rules: instant, and independent of Rasa."""
    if not text or text.startswith("/"):  # a button's payload is not the visitor's words
        return NONE
    best = NONE
    for finding in findings(text, path):
        if finding.category is None:
            continue
        candidate = Assessment(finding.category, finding.signal)
        # suicide before acute at equal rank: its guidance (113) matters most when both are there
        if RANK[candidate.category] > RANK[best.category] or (
                RANK[candidate.category] == RANK[best.category] and candidate.category == "suicide"
                and best.category != "suicide"):
            best = candidate
    return best


def weigh(rules_view: Assessment, parse: Optional[Dict[str, Any]], threshold: float = 0.85) -> Assessment:
    """Combine the rules with Rasa's reading (a /model/parse result or the tracker's latest message).

    The rules decide; the classifier can only raise a message the rules found nothing in, and then
    only to `high` (a counsellor at once), never to the 112 alert on its own: measured on held-out
    messages, its urgent intents fire on stories of past violence and on questions.
    """
    if rules_view or not parse:
        return rules_view
    intent = parse.get("intent") or {}
    category = MODEL_INTENTS.get(str(intent.get("name") or ""))
    if category is None or float(intent.get("confidence") or 0) < threshold:
        return rules_view
    text = str(parse.get("text") or "")
    if text and (message_moment(text) == "past" or any(f.moment == "past" or f.category is None
                                                         for f in findings(text))):
        return rules_view  # the rules saw that it is over, or judged the signal harmless
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

def alert_text(category: str) -> str:
    try:
        return str(_rules().grades[category]["text"]).strip()
    except KeyError:
        raise ValueError(f"unknown triage category: {category!r}") from None


def phones(category: str) -> List[str]:
    return [str(p) for p in _rules().grades[category]["phones"]]


def level_of(category: str) -> str:
    return str(_rules().grades[category]["level"])


def alert_frame(category: str) -> Dict[str, Any]:
    """The visitor's alert frame (docs/protocol.md)."""
    return {"type": "alert", "level": level_of(category), "category": category,
            "text": alert_text(category), "phones": phones(category)}


def warm_up() -> None:
    """Read the rules and the word list now, so that no visitor's message waits for them."""
    assess("hij slaat me nu, hy heeft n mes, vermoort")
    _dutch_words()
