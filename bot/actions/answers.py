"""Reading a typed answer to an intake question. Buttons send exact values; people type freely."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, Optional

from actions.sdk import Tracker
from voordeur_content._files import dutch_word_counts, load_yaml, normalize

# The lookup table that also teaches the intent classifier what a first name is (one list).
FIRST_NAMES_FILE = Path(__file__).resolve().parents[1] / "data" / "nlu" / "first_names.yml"

# Intents that are never an answer to an intake question: the form steps aside and a rule
# answers them (see data/rules/), then the form asks its question again.
_NOT_ANSWER_INTENTS = {"request_human", "bot_challenge", "goodbye", "greet"}


def intent_of(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""


def text_of(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def response_of(event: Dict[str, Any]) -> Optional[str]:
    """The response a bot message came from (Rasa keeps its name with the message)."""
    return (event.get("metadata") or {}).get("utter_action") if event.get("event") == "bot" else None


def said_since_visitor(tracker: Tracker, responses: Any) -> bool:
    """Whether one of these responses was said after the visitor's latest message (in this turn)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if response_of(event) in responses:
            return True
    return False


def said_this_session(tracker: Tracker, response: str) -> bool:
    """Whether the bot said this response earlier in this session."""
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            return False
        if response_of(event) == response:
            return True
    return False


STORY_NOTED = "utter_story_noted"
STORY_NOTED_AGAIN = "utter_story_noted_again"


def story_noted(tracker: Tracker) -> str:
    """The acknowledgement of something the visitor tells: the thanks the first time, a shorter word
    after that (set 41: "Dank je dat je dit vertelt" three times in a row to a daughter telling about
    her mother's money)."""
    return STORY_NOTED_AGAIN if said_this_session(tracker, STORY_NOTED) else STORY_NOTED


def intent_of_event(event: Dict[str, Any]) -> str:
    """The intent of a visitor message in the tracker's events ("" for any other event)."""
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""


def entity_of(tracker: Tracker, name: str) -> Optional[Any]:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == name:
            return entity.get("value")
    return None


def is_button_payload(text: str) -> bool:
    return text.startswith("/")


def is_not_an_answer(tracker: Tracker) -> bool:
    intent = intent_of(tracker)
    return intent in _NOT_ANSWER_INTENTS or intent.startswith("urgent_") or intent.startswith("faq_")


# "ik heet Jan", "naam: b", "noem me maar Sam": words that can only introduce a name.
_HEET, _NAAM, _NOEM = r"ik\s+heet", r"(?:(?:mijn|mn)\s+)?(?:bij)?naam\s*(?:is|:)", r"noem\s+(?:me|mij)"
# "ok noem me maar buurvrouw" (set 41): a word of assent before the name.
_ASSENT = r"(?:(?:ok|oke|okay|oké|okee|ja|nou|goed|prima)[\s,]+)?"
_NICKNAME_PREFIX = re.compile(
    rf"^\s*{_ASSENT}(?:{_HEET}|{_NAAM}|{_NOEM}(?:\s+(?:maar|gewoon))?|je\s+mag\s+(?:me|mij)|zeg\s+maar|het\s+is|ik\s+ben)\s+",
    re.IGNORECASE,
)
_NICKNAME_SUFFIX = re.compile(r"\s+(?:noemen|hoor|maar)\s*$", re.IGNORECASE)


# Words a name does not contain but a sentence nearly always does.
_SENTENCE_WORDS = frozenset(
    "ik je jij mij me mijn hij zij ze wij we het de een is ben zijn was wat hoe waarom moet kan wil "
    "niet geen en of maar als dat dit weet doe doen help".split()
)


def is_sentence(text: str) -> bool:
    """Whether a text reads as something said or asked rather than as a (long) name."""
    return text.strip().endswith("?") or bool(_SENTENCE_WORDS & set(normalize(text).split()))


def clean_nickname(text: str) -> str:
    """ "noem me maar Sam" -> "Sam"."""
    name = _NICKNAME_PREFIX.sub("", text.strip())
    name = _NICKNAME_SUFFIX.sub("", name)
    return name.strip(" .!,'\"")


_ABOUT_SELF = re.compile(r"\b(?:mezelf|mijzelf|zelf|mij|me|ik)\b")
_ABOUT_OTHER = re.compile(
    r"\b(?:iemand|ander|anders|buur\w*|vriend\w*|zus|broer|moeder|vader|ouders?|kind\w*|"
    r"zoon|dochter|collega|oma|opa|nicht|neef|klasgeno\w*|leerling\w*)\b"
)


def parse_about(text: str) -> Optional[str]:
    words = normalize(text)
    if _ABOUT_OTHER.search(words) and not re.search(r"\bover (?:mezelf|mijzelf|mij)\b", words):
        return "other"
    if _ABOUT_SELF.search(words):
        return "self"
    return None


_SITUATIONS = (
    (
        "child",
        r"\b(?:kind\w*|zoon|dochter|baby|peuter|tiener|meisje|jongen|stiefkind\w*|"
        r"leerling\w*|kleinkind\w*|pleegkind\w*)\b",
    ),
    (
        "elderly",
        r"\b(?:oudere\w*|oma|opa|bejaard\w*|grootouder\w*|mantelzorg\w*|"
        r"verzorgingshuis|verpleeghuis|oude (?:moeder|vader)|hoogbejaard\w*)\b",
    ),
    (
        "partner",
        r"\b(?:partner|ex|man|vrouw|vriend|vriendin|echtgeno\w*|relatie|vriendje|"
        r"vriendinnetje|verloofde|date|huwelijk)\b",
    ),
    (
        "other",
        r"\b(?:anders|iets anders|ander|broer|zus|ouders?|vader|moeder|familie|"
        r"huisgeno\w*|schoonfamilie|eer|dwang|uithuwelijking)\b",
    ),
)


def parse_situation(text: str) -> Optional[str]:
    words = normalize(text)
    for value, pattern in _SITUATIONS:
        if re.search(pattern, words):
            return value
    return None


_YES = re.compile(
    r"^(?:ja|jawel|jazeker|yes|jep|ok|oke|okay|klopt|zeker|ik ben veilig|veilig|"
    r"ja hoor|ja ik ben veilig|ja nu wel|nu wel)\b"
)
_NO = re.compile(
    r"^(?:nee|neen|no|nope|niet|ik ben niet veilig|niet veilig|nee niet|" r"helemaal niet|nee ik ben niet veilig)\b"
)


def parse_yes_no(intent: str, text: str) -> Optional[str]:
    words = normalize(text)
    if intent == "deny" or _NO.search(words) or "niet veilig" in words:
        return "no"
    if intent == "affirm" or _YES.search(words):
        return "yes"
    return None


def parse_age_group(text: str) -> Optional[str]:
    words = normalize(text)
    if re.search(r"\b(?:jonger dan 18|onder de 18|minderjarig|kind|tiener|puber|scholier)\b", words):
        return "under_18"
    if re.search(r"\b(?:18 of ouder|ouder dan 18|boven de 18|volwassen\w*|meerderjarig|18 plus)\b", words):
        return "18_plus"
    numbers = [int(n) for n in re.findall(r"\b(\d{1,3})\b", words)]
    ages = [n for n in numbers if 5 <= n <= 110]
    if ages:
        return "under_18" if ages[0] < 18 else "18_plus"
    return None


def dont_know(intent: str, text: str) -> bool:
    words = normalize(text)
    return intent == "dont_know" or bool(
        re.fullmatch(r"(?:ik )?(?:weet (?:ik )?(?:het )?niet|geen idee|weet niet|geen flauw idee)", words)
    )


def entity_value(tracker: Tracker, name: str, allowed: Dict[str, Any]) -> Optional[str]:
    value = entity_of(tracker, name)
    return value if value in allowed else None


_REFUSAL = re.compile(
    r"^(?:nee|neen|no|nope|liever niet|nee liever niet|dat wil ik niet|dat zeg ik (?:liever )?niet|"
    r"(?:dat )?wil ik (?:liever )?niet (?:zeggen|vertellen|geven)|zeg ik niet|gaat je niks aan|"
    r"hoeft niet|dat hoef ik niet te zeggen|ik wil (?:dat )?(?:liever )?niet zeggen|geen naam|"
    r"(?:ik )?wil (?:ik )?anoniem blijven|anoniem|nee sorry|sorry nee|dat doe ik niet|"
    r"(?:sorry )?geen (?:plaats|woonplaats|regio|adres)|waar ik woon (?:gaat|zeg)|gaat niemand (?:wat|iets|niks) aan|"
    # "ik wil geen regio noemen", "mijn woonplaats zeg ik niet", "ook niet ongeveer" (set 41)
    r"(?:ik )?wil (?:geen|mijn) (?:regio|woonplaats|plaats|adres|naam) (?:noemen|zeggen|geven|vertellen)|"
    r"(?:mijn )?(?:regio|woonplaats|plaats|adres) (?:zeg|noem|geef|vertel) ik (?:liever |echt |toch )?niet|"
    r"ook niet(?: ongeveer| globaal| in de buurt)?$|"
    # "durf het niet te zeggen" (set 41: a girl of 14 after telling of her stepfather)
    r"(?:ik )?durf (?:het |dat )?(?:echt )?niet (?:te )?(?:zeggen|vertellen|noemen)|"
    # "ik zeg liever niet waar ik woon", "ik zeg het echt niet", "dat vertel ik niet" (talk.py, set 39)
    r"(?:(?:ik )?(?:zeg|vertel|noem) (?:ik )?(?:het |dat |dit )?(?:echt |liever |toch |gewoon )?niet|"
    r"(?:dat |het )?(?:zeg|vertel|noem) ik (?:echt |liever |toch )?niet|"
    r"(?:ik )?(?:ga|wil) (?:het |dat )?(?:echt |liever |toch )?niet (?:zeggen|vertellen|noemen))"
    r"(?= waar| hoor| sorry|$))\b"
)


def refuses(intent: str, text: str) -> bool:
    """Whether the visitor declines to answer ("nee", "dat zeg ik liever niet"): never a name or a town."""
    words = normalize(text)
    if _REFUSAL.match(words):
        return True
    # The model reads some short names as "deny" ("culemborg"): a name or a town is an answer.
    return intent == "deny" and len(words.split()) <= 4 and not is_first_name(text) and not _names_a_place(text)


_ABOUT_THE_NAME = re.compile(r"\b(?:naam|bijnaam|name|nickname)\b")


def refuses_the_name(intent: str, text: str) -> bool:
    """A refusal that says it is about the name ("nee geen naam", "mijn naam zeg ik niet"), whatever
    question it answers: the visitor declines the name, not the region."""
    return (
        refuses(intent, text)
        and bool(_ABOUT_THE_NAME.search(normalize(text)))
        or bool(
            re.fullmatch(
                r"(?:nee )?(?:geen (?:bij)?naam|(?:mijn )?(?:bij)?naam (?:zeg|geef) ik (?:liever )?niet)",
                normalize(text),
            )
        )
    )


_ABOUT_THE_PLACE = re.compile(r"\b(?:waar|woonplaats|plaats|regio|adres|woon|where|town|city|region)\b")


def refuses_the_place(intent: str, text: str) -> bool:
    """A refusal that says it is about the place ("ik wil niet zeggen waar", "geen woonplaats"),
    whatever question it answers: the visitor declines the region, not the name."""
    return refuses(intent, text) and bool(_ABOUT_THE_PLACE.search(normalize(text)))


def _names_a_place(text: str) -> bool:
    from voordeur_content import places

    return places.place_answer(text).kind is not places.PlaceKind.UNKNOWN


def _first_names(data: Dict[str, Any]) -> frozenset:
    names = set()
    for block in data.get("nlu") or []:
        if block.get("lookup") == "first_name":
            names |= {line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- ")}
    return frozenset(normalize(name) for name in names)


_NAMES_THEMSELVES = re.compile(rf"^\s*{_ASSENT}(?:{_HEET}|{_NAAM}|{_NOEM})\s+\S", re.IGNORECASE)


def names_themselves(text: str) -> bool:
    """The visitor says outright what to call them ("noem me maar Sam", "ok noem me maar buurvrouw")."""
    return bool(_NAMES_THEMSELVES.match(text)) and 0 < len(clean_nickname(text).split()) <= 2


def gives_a_name(text: str) -> bool:
    """The visitor tells what to call them: a first name alone ("dewi"), or a short answer that
    says so ("naam: b", "ik heet Jan", "noem me maar Sam"), whatever question it answers."""
    return is_first_name(text) or names_themselves(text)


def is_first_name(text: str) -> bool:
    """Whether the text is just a first name ("daan", "Dewi"), as in the bot's lookup table."""
    return clean_nickname(normalize(text)) in load_yaml(FIRST_NAMES_FILE, _first_names)


# A word this frequent in Dutch is a word, not a name ("bang", "moe", "klaar"), unless it is a first name.
COMMON_WORD_COUNT = 5000


def says_how_they_are(text: str, nickname: str) -> bool:
    """ "ik ben bang", "ik ben zo moe": the visitor says how they are, not what they are called
    (a nickname may be a word, "Zon" or "Vlinder", but not after "ik ben")."""
    words = normalize(nickname).split()
    return (
        normalize(text).startswith("ik ben ")
        and bool(words)
        and not is_first_name(words[-1])
        and dutch_word_counts().get(words[-1], 0) >= COMMON_WORD_COUNT
    )
