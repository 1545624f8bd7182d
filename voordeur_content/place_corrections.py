"""A town said again to correct the one before ("nee sorry, ik bedoel Zwolle", "bergen in limburg,
niet noord-holland", "nee wacht, ik woon in Antwerpen"): read by the intake (bot/actions/intake.py)
and while a visitor waits (relay/bridge/waiting.py), with voordeur_content.places."""

from __future__ import annotations

import re
from typing import Optional

from voordeur_content._files import normalize
from voordeur_content.place_names import PlaceAnswer, PlaceKind, place_lookup
from voordeur_content.places import (
    CLAUSES,
    CORRECTION,
    NEAR_A_TOWN,
    NEGATED,
    PROVINCES,
    THEY_LIVE,
    is_a_reply,
    place_answer,
)
from voordeur_content.regions import get_region

# "ik woon in Doetinchem": the visitor's own home, not "mijn moeder woont in ...".
_LIVE_IN = re.compile(
    r"^(?:oh |sorry |nee |no |wait |actually )*"
    r"(?:(?:ik woon|wij wonen|we wonen|ik zit|i live|we live|i m living|i am living)\s+(?:in|bij|vlakbij|near)\s|"
    r"(?:ik ben|wij zijn|we zijn|i|we|i ve|we ve|i have|we have)\s+(?:net\s+)?(?:verhuisd naar|moved to)\s)"
)
# Said against the place before: "maar mijn nichtje woont in emmen", "het gaat om mijn zus in roermond",
# "zij woont in den bosch". Not "mijn moeder woont in doetinchem" said in passing.
_ABOUT_THEM = re.compile(
    r"^(?:maar|but)\b|\b(?:gaat|ging) (?:het )?(?:om|over)\b|^(?:en |maar )?(?:zij|ze) (?:woont|wonen)\b"
)
# The visitor's own home set apart from someone else's ("ik woon zelf in zwolle"): where the people
# it is about live, said next ("mijn ouders wonen in hoogeveen"), is where it happens.
_OWN_HOME_APART = re.compile(
    r"\b(?:ik woon zelf|zelf woon ik|ik zelf woon|wij wonen zelf|we wonen zelf|i myself live)\b"
)
# What tells one place of a name from another: its province or a town near it ("valkenburg bij
# katwijk, zuid-holland"); without it the name alone is read.
_QUALIFIER = re.compile(rf"(?:{NEAR_A_TOWN}.*$)|(?:\s+(?:in\s+)?(?:de\s+)?(?:provincie\s+)?(?:{PROVINCES})\b.*$)")


def corrected_place(text: str, current: Optional[str], earlier: Optional[str] = None) -> Optional[PlaceAnswer]:
    """The town a visitor gives to correct an earlier one, or where the people it is about live
    ("maar mijn nichtje woont in emmen", after "ik woon in groningen"; "mijn ouders wonen in
    hoogeveen" after "ik woon zelf in zwolle") ("nee sorry, ik bedoel
    Zwolle, Apeldoorn is waar mijn werk is"; "nee niet die in Twente, Hengelo bij Zelhem"), when it
    is in another region than `current`; None when the message corrects nothing. A clause with a
    negation names the place they do not mean. A province alone says which of two places of the
    `earlier` answer's name is meant ("bergen", then "limburg bedoel ik he, niet bergen in
    noord-holland"). A Belgian town after a Dutch region corrects it too (kind BELGIUM)."""
    words = normalize(text or "")
    # Only a town's name, or "ik woon in ...": where they live, said again. Not "best" alone: that is
    # "fine", said while waiting, not the town Best.
    said = (None if is_a_reply(words) else place_lookup(None, None).answers.get(words)) or (
        place_answer(text) if _LIVE_IN.match(words) else None
    )
    if said is not None and _moves(said, current):
        return said
    apart = bool(earlier and _OWN_HOME_APART.search(normalize(earlier)))
    theirs = where_they_live(text) if apart or _ABOUT_THEM.search(words) else None
    if theirs is not None and _moves(theirs, current):
        return theirs  # "maar mijn nichtje woont in emmen": where it happens, not where they live
    for clause in CLAUSES.split(text):
        told = _told_apart(clause)
        if told is not None and _moves(told, current):
            return told  # "bergen in limburg, niet noord-holland": which Bergen, said while waiting
    if not CORRECTION.search(words):
        return None
    for clause in CLAUSES.split(text):
        if not clause.strip() or NEGATED.search(normalize(clause)):
            continue
        answer = place_answer(clause)
        if answer.kind is PlaceKind.PROVINCE and earlier:
            answer = place_answer(f"{earlier} {answer.name}")
        if _moves(answer, current):
            return answer
    return None


def _told_apart(clause: str) -> Optional[PlaceAnswer]:
    """The place in `clause` when its province or a town near it changes which place the name alone
    would be ("valkenburg bij katwijk" is not Valkenburg aan de Geul): a visitor saying which of two
    places they meant. None when the clause is denied or the qualifier changes nothing ("mijn zus
    woont in utrecht bij amersfoort")."""
    words = normalize(clause)
    bare = _QUALIFIER.sub("", words).strip()
    if not words or bare == words or NEGATED.search(words):
        return None
    answer, alone = place_answer(clause), place_answer(bare)
    if answer.kind is not PlaceKind.REGION or alone.kind is not PlaceKind.REGION:
        return None
    return answer if answer.region != alone.region else None


def _moves(answer: PlaceAnswer, current: Optional[str]) -> bool:
    """Whether `answer` puts the visitor somewhere else than the region `current`: another region, or
    Belgium after a Dutch region ("nee wacht, ik woon in Antwerpen": 1712, not that region's queue)."""
    if answer.kind is PlaceKind.BELGIUM:
        return bool(current) and get_region(current or "") is not None
    return answer.kind is PlaceKind.REGION and answer.region is not None and answer.region.id != current


def where_they_live(text: str) -> Optional[PlaceAnswer]:
    """The Dutch place where the people a message is about live ("maar mijn nichtje woont in emmen",
    "zij woont in den bosch"), when a part of it says so; None otherwise. Veilig Thuis of that place
    is the one to help them, also when the visitor lives elsewhere."""
    for clause in CLAUSES.split(text or ""):
        words = normalize(clause)
        if not words or NEGATED.search(words) or not THEY_LIVE.search(words):
            continue
        answer = place_answer(clause)
        if answer.kind is PlaceKind.REGION:
            return answer
    return None
