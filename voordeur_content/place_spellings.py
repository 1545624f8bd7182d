"""Other spellings of a place name: short forms, "aan de(n)", a province's short form after the name,
a letter typed three times, one typo, a name spelt as it sounds. voordeur_content.places asks these
when a message names no place as typed."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import FrozenSet, List, Optional

from voordeur_content._files import dutch_word_counts
from voordeur_content.place_names import (
    SOUND_NAME_LENGTH,
    TYPO_NAME_LENGTH,
    Lookup,
    PlaceAnswer,
    sound_of,
    undoubled,
)

# Short forms in names: "nw vennep", "st michielsgestel"; and the two spellings of "aan de(n)".
_LONG_FORMS = {"nw": "nieuw", "st": "sint"}
_SHORT_FORMS = re.compile(r"\b(?:nw|st)\b")
_OTHER_AAN_DE = {"aan de": "aan den", "aan den": "aan de"}
_PROVINCE_SHORT_FORMS = {
    "gld": "gelderland",
    "gel": "gelderland",
    "gr": "groningen",
    "gn": "groningen",
    "nb": "noord brabant",
    "ov": "overijssel",
    "lb": "limburg",
    "li": "limburg",
    "zh": "zuid holland",
    "nh": "noord holland",
    "fr": "friesland",
    "fl": "flevoland",
    "dr": "drenthe",
    "ut": "utrecht",
    "utr": "utrecht",
    "zl": "zeeland",
}
_PROVINCE_SHORT = re.compile(rf"\s+({'|'.join(_PROVINCE_SHORT_FORMS)})$")
_TRIPLED = re.compile(r"([a-z])\1{2,}")  # "asssen": no Dutch place has a letter three times in a row
_AAN_DE_OR_DEN = re.compile(r"\baan den?\b")


def respellings(words: str) -> List[str]:
    """Other spellings of a message that names no place as typed: y for ij ("harderwyk", "nymegen"),
    short forms ("nw vennep", "st oedenrode"), "aan de" and "aan den" mixed up ("alpen aan de
    rijn"), and a letter typed three times ("asssen")."""
    spelled = _SHORT_FORMS.sub(lambda short: _LONG_FORMS[short.group()], words.replace("y", "ij"))
    swapped = _AAN_DE_OR_DEN.sub(lambda found: _OTHER_AAN_DE[found.group()], spelled)
    stuttered = _TRIPLED.sub(r"\1\1", words)
    # "dieren (gld)", "hengelo ov": a province's short form after the name, then the name alone
    province = _PROVINCE_SHORT.search(words)
    spelled_out = words[: province.start()] + " " + _PROVINCE_SHORT_FORMS[province.group(1)] if province else words
    bare = words[: province.start()].strip() if province else words
    variants = (spelled, swapped, stuttered, spelled_out, bare)
    return [variant for variant in dict.fromkeys(variants) if variant != words and variant]


def name_with_a_typo(words: str, lookup: Lookup) -> Optional[PlaceAnswer]:
    """The message is a name with one typo ("zoetermer", "amsterdma"), and not a Dutch word or phrase
    that happens to be one letter away from a name ("helpen" and Herpen, "school" and Schoorl)."""
    if len(words.replace(" ", "")) < TYPO_NAME_LENGTH or len(words) > 40:
        return None
    from rapidfuzz import process
    from rapidfuzz.distance import OSA  # a swap of two letters counts as one typo

    close = process.extract(words, lookup.typo_names.get(words[0], ()), scorer=OSA.distance, score_cutoff=1, limit=None)
    answers = {lookup.answers[name] for name, _, _ in close}
    if len(answers) != 1:
        return None
    dutch = dutch_words()
    if dutch is None:
        return None
    parts = words.split()
    # A Dutch word one letter from a name is that word ("helpen", not Herpen); a name of several
    # words keeps a word of its own as typed ("ter appel" is Ter Apel, with "ter" as in the name).
    if all(word in dutch for word in parts) and not (len(parts) > 1 and set(parts) & set(close[0][0].split())):
        return None
    return answers.pop()


def name_by_sound(words: str, lookup: Lookup) -> Optional[PlaceAnswer]:
    """The message is a name spelt as it sounds ("alfen aan de rijn", "kapelle aan den ijssel"), and
    not only Dutch words that happen to sound like one."""
    if len(words.replace(" ", "")) < SOUND_NAME_LENGTH or len(words) > 40:
        return None
    name = lookup.by_sound.get(sound_of(words))
    if name is None:
        return None
    if len(words.replace(" ", "")) < TYPO_NAME_LENGTH and undoubled(words) == undoubled(name):
        # Five letters that differ from a name by a doubled letter only: a first name as often as a
        # place ("hatem" stays a name, not Hattem; so "dokum" is not guessed as Dokkum either).
        return None
    dutch = dutch_words()
    if dutch is None or all(word in dutch for word in words.split()):
        return None
    return lookup.answers[name]


@lru_cache(maxsize=1)
def dutch_words() -> Optional[FrozenSet[str]]:
    """Dutch words, read once, at the first near miss. None without the list: then a typo is never
    forgiven, which is safer than a wrong region."""
    counts = dutch_word_counts()
    return frozenset(word for word, count in counts.items() if count >= 100) if counts else None


# "ik woon in", "wij wonen te", "I live in": what follows is a place, so a misspelt name there is
# read more readily than anywhere else (set 39: "ik woon in emen", "wij wonen in leewarden zij ook").
_ABROAD = re.compile(
    r"\b(?:duitsland|germany|frankrijk|france|engeland|england|spanje|spain|turkije|turkey|marokko|morocco|polen|poland)\b"
)
_LIVES_IN = re.compile(r"\b(?:woon|woont|wonen|woonachtig|live|lives|living)\s+(?:in|te|at)\s+")


def name_after_living_in(words: str, lookup: Lookup) -> Optional[PlaceAnswer]:
    """A misspelt name right after "woon in": one typo in a longer name, or a name spelt as it
    sounds, also a short one ("emen" for Emmen), when its words are not all Dutch words ("een flat")."""
    dutch = dutch_words()
    if dutch is None or _ABROAD.search(words):
        return None  # "ik woon in bocholt in duitsland": not Bocholtz
    for match in _LIVES_IN.finditer(words):
        after = words[match.end() :].split()
        for count in (3, 2, 1):
            candidate = " ".join(after[:count])
            if len(after) < count or all(word in dutch for word in after[:count]) or len(candidate) < 4:
                continue
            answer = name_with_a_typo(candidate, lookup)
            if answer is None:
                name = lookup.by_sound.get(sound_of(candidate))
                answer = lookup.answers[name] if name else None
            if answer is not None:
                return answer
    return None
