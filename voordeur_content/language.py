"""Whether a visitor's message is written in English: the one owner of that rule, asked by the bot
(the slot `language`, so that the intake and the handoff speak English and the counsellor sees
"schrijft Engels") and by the relay (the English acknowledgement while waiting).

Rasa's intent `faq_english` alone is not enough: set 14 showed "ik woon in amersfoort nee hilversum
sorry ben echt moe" read as English at 0.38, and the whole intake went on in English. A message
counts as English when it has more English function words than Dutch ones. Function words are
what a short chat message has most of, whatever it is about; words both languages use ("is",
"was", "we", "in", "sorry", "hi", "help", "partner") count for neither.
"""

from __future__ import annotations

import re

_ENGLISH = frozenset(
    """i i'm im i've ive i'd i'll my mine you you're your yours he's him his she she's her hers it it's
    its they they're them their our us the a an and but or not don't dont doesn't didn't can't cant won't
    isn't aren't wasn't can could would should will shall do does did have has been be am are were
    this that these those there here what what's how why where when who which with without to for at
    on from about into just really please hello thank yes yeah speak english talk someone
    anyone somebody anybody need know think feel scared afraid safe boyfriend girlfriend husband
    wife mother father mum mom dad children child live living moved now right sorry""".split()
)
_DUTCH = frozenset(
    """ik ikke k je jij jou jouw mijn mn m'n mij hij zij ze wij jullie hun hen haar zijn ben bent de
    het een en maar niet geen nee ja kan kun kunnen wat hoe waarom waar wanneer wie dit dat deze die met
    naar van voor op uit bij aan om over nog al ook dan nu wel toch echt heel erg moet moeten wil wilt
    willen heb hebt heeft hebben weet weten woon woont wonen hoi hallo goed sorry dank bedankt graag
    mag iemand praten bang vriend vriendin vrouw moeder vader kinderen thuis ga gaat had""".split()
)
# Left out of both: words the other language uses too ("of", "want", "he" as in "hè", "kids",
# "thanks", "man", "kind", "me"); "sorry" is in both lists, so it leans neither way.
_WORD = re.compile(r"[a-z']+")


def _counts(text: str) -> tuple[int, int]:
    """How many English and how many Dutch function words the message has."""
    words = _WORD.findall((text or "").lower().replace("’", "'"))
    english = sum(1 for word in words if word in _ENGLISH and word not in _DUTCH)
    dutch = sum(1 for word in words if word in _DUTCH and word not in _ENGLISH)
    return english, dutch


def writes_english(text: str) -> bool:
    """The message is English: more English than Dutch function words, and at least one."""
    english, dutch = _counts(text)
    return english >= 1 and english > dutch


def writes_dutch(text: str) -> bool:
    """The message is plainly Dutch: at least two Dutch function words and no English one."""
    english, dutch = _counts(text)
    return dutch >= 2 and english == 0


def answers_in_english(text: str, visitor_language: str | None = None) -> bool:
    """Whether words written for this visitor go in English: the message is English, or the visitor
    chose English before (the intake's language, "en") and this message is not plainly Dutch ("ok",
    "help", a town)."""
    return writes_english(text) or (visitor_language == "en" and not writes_dutch(text))


_ASKS_FOR_ENGLISH = re.compile(r"\b(?:engels|engelstalig|english|inglés|anglais)\b", re.IGNORECASE)


def wants_english(text: str) -> bool:
    """The visitor writes English, or asks in Dutch whether English is possible ("spreken jullie
    engels?"): either way the answer and the intake go on in English."""
    return writes_english(text) or bool(_ASKS_FOR_ENGLISH.search(text or ""))


# A question, as people type one in a chat: a question mark, a question word first ("wat moet ik
# doen", not "wat een ellende"), or a verb first with a pronoun after it ("moet ik aanbellen", "kan
# hij dit zien"; not "kan niet bellen hij hoort me", where chat Dutch dropped the "ik").
_QUESTION_WORD = r"(?:wat(?!\s+een\b)|wie|waar\w*|wanneer|waarom|hoe\w*|welke?|what|who|where|when|why|how|which)"
_QUESTION_VERB = (
    r"(?:moet|moeten|mag|mogen|kan|kun|kunt|kunnen|is|zijn|ben|heb|hebben|heeft|weet|weten|zal|zou|zouden|"
    r"wil|wilt|willen|gaat|gaan|doe|doen|klopt|telt|can|could|should|shall|will|would|do|does|did|is|are|"
    r"am|may|must|have|has)"
)
_PRONOUN = (
    r"(?:ik|k|je|jij|u|jullie|we|wij|hij|ze|zij|het|er|dat|dit|die|mijn|mn|m'n|men|iemand|i|you|he|she|"
    r"it|they|we|someone|anyone|there|this|that|my)"
)
_ASKS = re.compile(
    rf"\?|^\W*(?:{_QUESTION_WORD}\b|{_QUESTION_VERB}\s+{_PRONOUN}\b)",
    re.IGNORECASE,
)


# "hallo??", "is daar iemand?", "ben je er nog": asking whether anyone is there, not a question to answer.
_ASKS_WHO_IS_THERE = re.compile(
    r"^\W*(?:hallo|hoi|hey|hee|hello|hi)?\W*$|\b(?:is\s+(?:daar|er)\s+(?:wel\s+|nog\s+)?iemand|"
    r"(?:ben|bent|zijn)\s+(?:je|jij|u|jullie)\s+(?:er\s+|daar\s+)?(?:nog|daar|er)\b|iemand\s+(?:daar|aanwezig)|"
    r"(?:any|some)(?:one|body)\s+(?:there|here)|are\s+you\s+(?:still\s+)?there)",
    re.IGNORECASE,
)


def asks_a_question(text: str) -> bool:
    """Whether a visitor's message is a question (the one owner of that reading): a waiting visitor's
    question that the bot has no answer for is told that it is ready for the counsellor, not only
    that "je bericht" is (sets 35 and 36's reviews: "moet ik aanbellen?", "mag ik het wel vertellen")."""
    text = (text or "").strip()
    return bool(_ASKS.search(text)) and not _ASKS_WHO_IS_THERE.search(text)
