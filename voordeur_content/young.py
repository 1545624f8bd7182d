"""Whether a visitor says they are a child or a teenager: the bot (bot/actions/young.py) and the
relay while a visitor waits (relay/bridge/waiting.py) then name De Kindertelefoon (0800 0432), once.
Whether they say they are grown up: the bot's way forward then leaves De Kindertelefoon out."""

from __future__ import annotations

import re

from voordeur_content._files import normalize

YOUNGEST, ADULT = 6, 18
KINDERTELEFOON = "0800 0432"

# "ik ben 12", "ik ben pas 11", "im 14", "hoi ik ben Noa 14", "ik woon in zwijndrecht en ben 14": the
# visitor's own age. Not "ik ben 16 jaar
# getrouwd", "ik ben 13 weken zwanger", and never someone else's age ("mijn dochter is 12").
# "pas 11", "nog maar 12", "bijna 13": words before an age.
_BEFORE_AN_AGE = r"(?:pas\s+|nog\s+(?:maar\s+)?|net\s+|bijna\s+)"
_NOT_AN_AGE = r"(?!\s*(?:weken|maanden|dagen|keer|uur|minuten|kinderen|jaar\s+(?:getrouwd|samen|bij|met|weg|geleden)))"
_OWN_AGE = re.compile(
    r"\b(?:ik ben|k ben|ik bn|k bn|ben ik|en ben|i am|im|i m)\s+"
    r"(?:" + _BEFORE_AN_AGE + r"|[a-z]+\s+)?(\d{1,2})\b" + _NOT_AN_AGE
)
# "ben 16. mijn ouders maken elke avond ruzie": chat drops the "ik" at the start of a message too.
_STARTS_WITH_AGE = re.compile(
    r"^(?:(?:hoi|hey|hallo|hi|he|hee)\s+)?ben\s+" + _BEFORE_AN_AGE + r"?(\d{1,2})\b" + _NOT_AN_AGE
)
# A message that is only an age: "13", "14 jaar", "ben 15" (chat drops the "ik").
_ONLY_AN_AGE = re.compile(r"^(?:ben\s+" + _BEFORE_AN_AGE + r"?)?(\d{1,2})(?:\s+jaar(?:\s+oud)?)?$")
_AT_SCHOOL = re.compile(
    r"\b(?:ik zit in groep [3-8]|ik zit op de basisschool|ik zit in de brugklas|ik zit in de [1-3]e)\b"
)


def says_they_are_young(text: str) -> bool:
    words = normalize(text or "")
    own = _OWN_AGE.search(words) or _ONLY_AN_AGE.match(words) or _STARTS_WITH_AGE.match(words)
    if own and YOUNGEST <= int(own.group(1)) < ADULT:
        return True
    return bool(_AT_SCHOOL.search(words))


# A visitor who writes of their own partner, children, grandchildren or clients is grown up ("mijn man
# slaat me", "my kids"): the way forward does not ask them whether they are under 18 (the reviews of
# conversation sets 38 and 39: adults were offered De Kindertelefoon). Not "mijn vriend" (a teenager's
# boyfriend) nor "mijn ex" (teenagers have exes too).
_GROWN_UP = re.compile(
    r"\b(?:mijn|mn|my)\s+(?:ex\s+)?(?:man|vrouw|echtgenoot|echtgenote|exman|exvrouw|husband|wife|"
    r"schoonmoeder|schoonvader|schoonfamilie|schoonzoon|schoondochter|in laws|"
    r"kinderen|kids|children|zoon|zoontje|dochter|dochtertje|son|daughter|"
    r"kleinzoon|kleindochter|kleinkind|kleinkinderen|grandson|granddaughter|"
    r"client|clienten|clients|clientes|patient|patiente|patienten|patients|leerling|leerlingen|pupil|pupils)\b"
)


def says_they_are_grown_up(text: str) -> bool:
    words = normalize(text or "")
    own = _OWN_AGE.search(words) or _ONLY_AN_AGE.match(words) or _STARTS_WITH_AGE.match(words)
    if own and int(own.group(1)) >= ADULT:
        return True
    return bool(_GROWN_UP.search(words))
