"""Reading a message for triage: sentences, signal phrases and the words around them (docs/triage.md).

A small ConText-style rule engine (Chapman et al.'s NegEx/ConText, as in clinlp): a signal phrase
from content/triage.yml is found in a sentence, then the words around it say whether it is denied,
part of a "what if" question, or when it happens; the signal's table turns that into a grade.
`voordeur_content.triage` decides the message's grade from these findings and the classifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import FrozenSet, List, Optional, Tuple

from voordeur_content._files import dutch_word_counts, normalize, word_counts
from voordeur_content.triage_rules import Rules, Signal, load_rules

# The moment of a phrase found but denied ("hij slaat me niet"): no grade of its own, a word for the
# classifier (the examples teach it what a denial looks like).
DENIED = "denied"


@dataclass(frozen=True)
class Finding:
    signal: str
    moment: str  # now | ongoing | recent | past | denied
    category: Optional[str]
    phrase: str
    # Denied by the words before it or in it ("ik denk niet aan zelfmoord", "would never hurt myself"):
    # the visitor says it is not so. After it ("ik heb mijn pillen niet") something else may be meant.
    denied_before: bool = False


# ---- preparing text --------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?;:\n\r]+|\s+maar\s+|\s+alleen\s+nu\s+", re.IGNORECASE)
_LAUGHING = re.compile("[\U0001f602\U0001f923\U0001f606\U0001f605\U0001f61d\U0001f61c]")
_REPEATS = re.compile(r"([a-z])\1{2,}")
# English contractions lose their apostrophe in normalize ("don t"): joined again ("dont"), so that
# the "t" is not read as Dutch "'t" (het) and "dont", "didnt" can deny what follows.
_CONTRACTION = re.compile(r"\b(don|doesn|didn|isn|wasn|weren|aren|hasn|haven|hadn|can|couldn|won|wouldn|shouldn) t\b")


@lru_cache(maxsize=1)
def dutch_words() -> FrozenSet[str]:
    """Common Dutch words: a word in it is never 'corrected'. Without the list, typos are corrected
    only by the spelling table."""
    common = sorted(dutch_word_counts().items(), key=lambda item: item[1], reverse=True)[:80000]
    return frozenset(word for word, _ in common if len(word) >= 4)


@lru_cache(maxsize=20000)
def _correct(word: str, lexicon: Tuple[str, ...]) -> str:
    """A typo of a signal word ("vermoort", "bedrijgt") becomes that word; real words stay."""
    if len(word) < 5 or word in lexicon or word.isdigit():
        return word
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    limit = 1 if len(word) < 8 else 2
    match = process.extractOne(word, lexicon, scorer=Levenshtein.distance, score_cutoff=limit)
    if match is None or match[0][0] != word[0] or word in dutch_words():
        return word
    english = english_words()
    if word in english and match[0] in english and not _forms_of_one_word(word, match[0]):
        # one English word for another ("strange" is no typo of "strangle", nor "cooking" of
        # "choking", "threat" of "throat"); a form of the same word still counts ("bruised", "bruises")
        return word
    return match[0]


@lru_cache(maxsize=1)
def english_words() -> FrozenSet[str]:
    """Common English words (pyspellchecker's list): never 'corrected' into another English word."""
    common = sorted(word_counts("en").items(), key=lambda item: item[1], reverse=True)[:40000]
    return frozenset(word for word, _ in common if len(word) >= 5)


_ENDINGS = ("ings", "ing", "es", "ed", "s", "d")


def _forms_of_one_word(a: str, b: str) -> bool:
    """ "choke" and "chokes", "bruised" and "bruises", "rapes" and "raped"; not "scare" and "scars"."""
    if a.startswith(b) or b.startswith(a):
        return True
    return _stem(a) == _stem(b)


def _stem(word: str) -> str:
    ending = next((e for e in _ENDINGS if word.endswith(e) and len(word) - len(e) >= 3), "")
    return word[: len(word) - len(ending)]


def prepare_sentences(text: str, rules: Optional[Rules] = None) -> List[str]:
    """The message as sentences of normalized, spelled-out, typo-corrected words (" w w w ")."""
    rules = rules or load_rules()
    text = _LAUGHING.sub(" haha ", text or "")
    sentences = []
    for raw in _SENTENCE_END.split(text):
        words = []
        for word in _CONTRACTION.sub(r"\1t", normalize(raw)).split():
            word = _REPEATS.sub(r"\1\1", word)
            spelled = rules.spelling.get(word)
            if spelled is None:
                spelled = _correct(word, rules.lexicon)
            words.append(spelled)
        if words:
            sentences.append(" " + " ".join(words) + " ")
    return sentences


# ---- reading a sentence --------------------------------------------------------------------------


def _moment_in(text: str, rules: Rules) -> Optional[str]:
    """The moment a sentence names; the longest marker wins ("nu" loses to "het gaat nu beter")."""
    best, best_length = None, 0
    for moment, pattern in rules.moments:  # now, recent, past: on equal length the first counts
        for match in pattern.finditer(text):
            if len(match.group()) > best_length:
                best, best_length = moment, len(match.group())
    return best


def _denied(sentence: str, start: int, end: int, phrase_words: FrozenSet[str], rules: Rules) -> Optional[str]:
    """A negation just before, inside or just after the phrase ("hij heeft me nooit geslagen", "hij
    slaat me niet"). A phrase that is itself said with a negation ("ik wil niet meer leven") is denied
    only by one before it: the words after it go on with something else ("... hier geen papieren").
    Where the denial stands: "before" (or inside), "after", or None when it is not denied."""
    opening = sentence[:start].split()[-6:]  # "het is niet zo dat hij me slaat": denied from further back
    if rules.denials.search(" " + " ".join(opening) + " "):
        return "before"
    before = sentence[:start].split()[-2:]
    inside = sentence[start:end].split()
    after = [] if phrase_words & rules.negations else sentence[end:].split()[:2]
    if after and after[0] in rules.new_clause:  # "gewurgd, sindsdien niet meer": it happened
        after = []
    after = [w for w in after if w not in _ONLY_BEFORE]  # "wil echt dood ffs niemand luistert": someone else
    if any(w in rules.negations and w not in phrase_words for w in before + inside):
        return "before"
    if any(w in rules.negations and w not in phrase_words for w in after):
        return "after"
    return None


# Words that deny only what follows them. Nobody after a phrase starts something new ("hij slaat me,
# niemand weet het"); "zonder" after it tells a circumstance ("hij heeft een geweer zonder
# vergunning", "hij slaat me zonder reden": batch 30); before it, each denies ("zonder geweld").
_ONLY_BEFORE = frozenset({"niemand", "nobody", "zonder", "without"})


def _findings_in(
    sentence: str, sentence_moment: Optional[str], message_moment: Optional[str], rules: Rules
) -> List[Finding]:
    found: List[Finding] = []
    if rules.idioms.search(sentence):  # an idiom ("dood van het lachen") counts for nothing, not even its time words
        sentence = rules.idioms.sub(" ", sentence)
        sentence_moment = _moment_in(sentence, rules)
    joking = bool(rules.jokes.search(sentence))
    for signal in rules.signals:
        if not signal.any_phrase.search(sentence):
            continue
        denied, denied_before = None, False
        for tense, phrase, pattern, words in signal.phrases:
            match = pattern.search(sentence)
            if match is None:
                continue
            where = _denied(sentence, match.start(), match.end(), words, rules)
            if where is not None:
                if denied is None:
                    denied, denied_before = phrase, where == "before"
                continue
            before = sentence[: match.start()]
            if rules.questions.search(before) or (
                rules.questions.search(sentence[match.end() :])
                and sentence_moment != "now"
                and signal.name not in rules.never_silenced  # "hij wurgde me, is dat normaal?" tells it
            ):
                continue  # a question about violence, not an event
            if joking and signal.name != "suicide":
                continue
            if any(w in rules.animals for w in sentence[match.end() :].split()[:2]):
                continue  # "hij schopt zijn hond": an animal, not a person
            conditional = not signal.conditional_counts and (
                bool(rules.conditionals.search(before))
                or (sentence_moment != "now" and bool(rules.habits.search(sentence[match.end() :])))
            )
            reported = bool(rules.reported.search(before))
            if tense != "done" and _told_as_done(signal, sentence):
                tense = "done"  # "heeft me een keer met een schaar gestoken": "met een schaar" is within it
            context = None if signal.now_in_sentence_only and message_moment == "now" else message_moment
            moment = _moment(tense, sentence_moment, context, conditional or reported)
            found.append(Finding(signal=signal.name, moment=moment, category=signal.grades[moment], phrase=phrase))
            break  # one finding per signal and sentence: the first phrase in the file's order
        else:
            if denied is not None:  # "hij slaat me niet": no grade, but the classifier reads the denial
                found.append(
                    Finding(
                        signal=signal.name, moment=DENIED, category=None, phrase=denied, denied_before=denied_before
                    )
                )
    return found


def _told_as_done(signal: Signal, sentence: str) -> bool:
    """Whether every present-tense phrase of the signal found in the sentence lies within a phrase
    that tells it happened: "met een <wapen>" reads as now, "met een <wapen> gestoken" as done (batch
    34). A present-tense phrase outside it keeps the present ("hij staat met een mes, hij heeft me
    net gestoken")."""
    done: List[Tuple[int, int]] = []
    present: List[Tuple[int, int]] = []
    for tense, _, pattern, _ in signal.phrases:
        for match in pattern.finditer(sentence):
            (done if tense == "done" else present).append(match.span())
    return bool(done) and all(any(d0 <= p0 and p1 <= d1 for d0, d1 in done) for p0, p1 in present)


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


def read_message(text: str, rules: Rules) -> Tuple[List[str], List[Optional[str]], Optional[str]]:
    """The message's sentences, the moment each names, and the most pressing one of the message."""
    sentences = prepare_sentences(text, rules)
    # An idiom's time words count for nothing here either: "hij is snel boos" is no "snel" (batch 35).
    moments = [_moment_in(rules.idioms.sub(" ", sentence), rules) for sentence in sentences]
    return sentences, moments, next((m for m in ("now", "recent", "past") if m in moments), None)


def findings_of_reading(read: Tuple[List[str], List[Optional[str]], Optional[str]], rules: Rules) -> List[Finding]:
    sentences, moments, pressing = read
    found: List[Finding] = []
    for sentence, moment in zip(sentences, moments, strict=False):
        found.extend(_findings_in(sentence, moment, pressing, rules))
    return found


def message_moment(text: str, path: Optional[Path] = None) -> Optional[str]:
    """The most pressing moment a message names: now, recent, past or None."""
    return read_message(text, load_rules(path))[2]


def findings(text: str, path: Optional[Path] = None) -> List[Finding]:
    """Every signal in the message with its moment and grade (for the evaluation and docs)."""
    rules = load_rules(path)
    return findings_of_reading(read_message(text, rules), rules)
