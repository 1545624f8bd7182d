"""What a visitor's answer to "in welke plaats woon je?" names: a town of a region, another Dutch
place, a province or Belgium (content/regions.yml with content/places.yml), also inside a sentence,
misspelt or corrected ("nee sorry, ik bedoel Zwolle")."""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Optional, Tuple

from voordeur_content import place_spellings
from voordeur_content._files import normalize
from voordeur_content.place_names import (  # noqa: F401  (PlaceAnswer, UNKNOWN_PLACE: the answers callers get)
    KIND_RANK,
    UNKNOWN_PLACE,
    Lookup,
    PlaceAnswer,
    PlaceKind,
    place_lookup,
)
from voordeur_content.regions import Region

# Words a visitor puts around a town name: "ik woon in Zwolle", "gemeente Ede", "bij Tilburg".
_LEADING_WORDS = re.compile(
    r"^(?:(?:ik|wij|we|zij|ze|hij|het|dat|dit|is|zit|zitten|woon|wonen|woont|kom|komt|"
    r"komen|uit|in|bij|de|het|buurt|omgeving|van|rond|vlakbij|nabij|regio|gemeente|stad|"
    r"dorp|plaats|woonplaats|provincie|ok|oke|okay|oké|nou|goed|dan|ja|prima|sorry|bedoel|bedoelde|"
    r"wenje|wenje|yn|ut|"  # Frisian: "ik wenje yn Snits"
    r"it s|its|now|actually)\s+)+"  # English: "it's Leiden now"
)
_TRAILING_WORDS = re.compile(
    r"(?:\s+(?:en|omgeving|e o|eo|ongeveer|denk ik|geloof ik|dus|dan|bedoel ik|lol|haha|hoor|toch|ofzo|of zo|zeg maar|"
    r"nu|tegenwoordig|inmiddels|now|he|hè|hé))+$"  # "hengelo gelderland he"
)
# "bij katwijk", "die bij katwijk": a town near the place, naming which of two places is meant.
NEAR_A_TOWN = r"\s(?:die |dat |het |de )?(?:bij|vlakbij|naast|near|in de buurt van)\s"
_NEAR = re.compile(NEAR_A_TOWN)
CLAUSES = re.compile(r"[,;:!?\n]+|\.\s")
# "hasselt in overijssel": the province after a town tells which of two places of that name (the
# aliases of content/regions.yml are written "hasselt overijssel").
PROVINCES = (
    r"groningen|friesland|fryslan|drenthe|overijssel|flevoland|gelderland|"
    r"utrecht|noord holland|zuid holland|zeeland|noord brabant|brabant|limburg"
)
_IN_PROVINCE = re.compile(rf"\s+in\s+(?:de\s+)?(?:provincie\s+)?(?=(?:{PROVINCES})$)")
# "mevrouw de Vries", "meneer Haren": a title before a name makes it a person, not the village.
_TITLE = re.compile(r"^(?:mevrouw|mevr|meneer|mijnheer|mnr|dhr|de heer|mw|juffrouw|mr|mrs|ms|miss)\b")
# ... also inside a sentence: "ik ben mevrouw de Vries, 79 jaar" names a person, not Vries in Drenthe.
# Not "een oudere meneer in schijndel": after an article or an adjective it is a man, and a place
# word after it ("in", "uit") is no surname.
_TITLED_NAME = re.compile(
    r"(?<!\been )(?<!\bde )(?<!\bdie )(?<!\bdeze )(?<!\boude )(?<!\boudere )(?<!\baardige )"
    r"\b(?:mevrouw|mevr|meneer|mijnheer|mnr|dhr|de heer|mw|juffrouw|mrs|mr|ms)\s+"
    r"(?!(?:in|uit|bij|op|aan|naast|met|te)\b)(?:(?:van|de|der|den|ter|ten|het|t)\s+){0,3}\S+"
)
# "ik woon in ...", "we live in ...": the place after these is home, before any other place named.
_HOME = re.compile(r"\b(?:woon|wonen|woont|woonachtig|live|living|verhuisd|verhuist|moved)\b")
# Where they lived before ("we woonden eerst in amsterdam maar zijn verhuisd naar hoofddorp": set 40).
_USED_TO_LIVE = re.compile(r"\b(?:woonde|woonden|lived|eerst|vroeger|used to)\b")
_BUT = re.compile(r"\s+(?:maar|but)\s+", re.IGNORECASE)
_WORK = re.compile(r"\b(?:werk|werken|werkt|work|working|studeer|study|school|stage)\b")
# "ik woon zelf in Zwolle maar de kinderen wonen in Emmen": the region is asked as "waar woon je, of
# waar speelt het?", and Veilig Thuis of the place where the people it is about live is the one to
# help them. Their home wins over the visitor's own when both are named.
_THEM = (
    r"\b(?:kinderen|kleinkinderen|kind|kids|zoon|dochter|vader|moeder|pa|ma|papa|mama|opa|oma|ouders|zus|"
    r"zusje|broer|broertje|kleinzoon|kleindochter|kleinkind|schoonzoon|schoondochter|vriendin|buurvrouw|"
    r"buurman|buren|neef|neefje|nicht|nichtje|tante|oom|schoonmoeder|schoonvader|children|son|daughter|"
    r"father|mother|parents|sister|brother)\b"
)
# where someone comes from or was born is not where they live: "mijn vader komt uit belgie"
_ORIGIN = r"(?:komt|komen|kwam|kwamen|afkomstig|geboren|born|comes?)\b"
THEY_LIVE = re.compile(
    rf"{_THEM}(?:\s+\S+){{0,3}}?\s+(?:woont|wonen|woonde|lives|live)\b"
    # said without the verb: "ik woon in amsterdam maar mijn ouders in zwolle", "het gaat om mijn zus
    # en haar kinderen in roermond"
    rf"|{_THEM}(?:\s+(?!{_ORIGIN})\S+){{0,4}}?\s+(?:in|uit)\b"
    # the one it is about, said as "zij": "zij woont in den bosch met haar vriend"
    r"|^(?:en |maar )?(?:zij|ze)\s+(?:woont|wonen|woonde)\b"
)
# A longer answer counts by the name at its end only after one of these words ("... dan zeist").
_LONGEST_ANSWER = 14
_ASKS = re.compile(
    r"^(?:mag|mogen|kan|kun|kunnen|moet|moeten|wil|zal|ben|heb|is|zijn|wat|hoe|waarom|wanneer|wie)\s+(?:ik|je|jij|jullie|u|we|wij|het|dat|dit|er)\b"
)
_LEADS_TO_THE_NAME = frozenset({"dan", "dus", "gewoon", "wel", "maar", "hoor", "oke", "ok", "okay", "nou", "ja"})
# The fewer of those after which even an everyday word is the town ("laat maar ok hoorn").
_OK_THEN = frozenset({"ok", "oke", "okay", "nou", "dan"})
# The parts of a city people add to its name.
_CITY_PARTS = frozenset(
    "noord zuid oost west zuidoost zuidwest noordoost noordwest centrum nieuw nieuwwest stad".split()
)
# "alphen ad rijn", "capelle a d ijssel": "aan den" / "aan de" shortened.
_AAN_DEN = re.compile(r"\b(?:ad|a d|a/d)\b")
# "in Baarle, aan de Belgische kant": the Belgian side of a border place is Belgium.
_BELGIAN_SIDE = re.compile(r"\b(?:belgische kant|belgisch deel|belgische deel|belgian side)\b")
# "niet in belgie hoor": Belgium denied is no answer of Belgium.
_NOT_BELGIUM = re.compile(r"\b(?:niet|geen|not)\b(?:\s+\S+){0,2}\s+(?:belgie|belgium|vlaanderen)\b")
# Dutch, and English for visitors who write English ("we live near Leiden", "close to Utrecht").
# "op" for the islands and villages people live "on" ("op Texel", "op Urk").
# "verhuisd naar" and "moved to": where they live now ("I moved to Leiden"), not any "naar" or "to".
_ARTICLES = frozenset({"de", "het", "t"})
_PREPOSITION = re.compile(
    r"\b(?:in|uit|bij|van|op|rond|nabij|vlakbij|omgeving|near|around|from|close to|outside|at|"
    r"verhuisd naar|moved to)\s+"
)
# The words that make an everyday word a place: "ik woon in Best", "gemeente Best"; not "dat is best",
# "bij de buren".
_PLACE_INTRODUCERS = frozenset(
    [
        "bedoel",  # "nee sorry, ik bedoel Best"
        "bedoelde",
        "in",
        "uit",
        "bij",
        "van",
        "rond",
        "nabij",
        "vlakbij",
        "omgeving",
        "regio",
        "gemeente",
        "stad",
        "dorp",
        "plaats",
        "provincie",
        "near",
        "around",
        "from",
        "its",  # "it's Leiden now"
        "s",
    ]
)


def region_for_town(text: str, path: Optional[Path] = None, places_path: Optional[Path] = None) -> Optional[Region]:
    """The region of the town, village or region name in `text`, or None when there is none.

    Tolerant of case, spaces, hyphens, apostrophes and accents ("den bosch", "A'dam",
    "Den Haag"), of short sentences such as "ik woon in Zwolle", and of one typo in a longer name
    when the message is only that name ("zoetermer"). content/places.yml adds villages and
    municipalities to the towns of content/regions.yml; a province or Belgium is not a region.
    """
    answer = place_answer(text, path, places_path)
    return answer.region if answer.kind is PlaceKind.REGION else None


def place_answer(text: str, path: Optional[Path] = None, places_path: Optional[Path] = None) -> PlaceAnswer:
    """What a typed answer to the region question names: a region (a town, village, municipality or
    a province of one region), a province of several regions, Belgium, or nothing known."""
    lookup = place_lookup(path, places_path)
    words = normalize(text or "")
    if not words or _TITLE.match(words):
        return UNKNOWN_PLACE
    words = _TITLED_NAME.sub(" ", words).strip()
    if not words:
        return UNKNOWN_PLACE
    if _BELGIAN_SIDE.search(words):
        return PlaceAnswer(PlaceKind.BELGIUM, name="België")
    neighbour = _told_by_a_neighbour(words, lookup)
    if neighbour is not None:
        return neighbour
    correcting = bool(CORRECTION.search(words))
    clauses = _pieces(text) if correcting else [clause for clause in CLAUSES.split(text) if clause.strip()]
    if len(clauses) == 1 and _HOME.search(words) and _BUT.search(text):
        # "ik woon in turnhout maar werk in tilburg": home and work (or their home) said in one line
        clauses = [clause for clause in _BUT.split(text) if clause.strip()]
    if len(clauses) > 1:  # "spijkenisse, mijn adres zeg ik liever niet": each part on its own first
        found = [(clause, place_answer(clause, path, places_path)) for clause in clauses]
        known = [answer for _, answer in found if answer.kind is not PlaceKind.UNKNOWN]
        if known and correcting:
            # "gouda. o nee sorry, gorinchem", "amersfoort nee hilversum": the place said last, after
            # the correction, is meant; not one in a denied part ("niet die in twente")
            meant = [
                (clause, answer)
                for clause, answer in found
                if answer.kind is not PlaceKind.UNKNOWN and not NEGATED.search(normalize(clause))
            ]
            # not where they work: "nee ik woon in nijmegen, werk in arnhem"
            home = [answer for clause, answer in meant if not _WORK.search(normalize(clause))]
            chosen = home or [answer for _, answer in meant] or known
            return min(reversed(chosen), key=lambda answer: KIND_RANK[answer.kind])
        if known:  # where the people it is about live ("ik woon in kampen, de kinderen wonen in nagele"),
            # then a Dutch place before a province or Belgium ("niet in belgie, hasselt in overijssel")
            # then home before work or where they come from ("ik woon in antwerpen, ik werk in breda")
            return min(
                (answer for _, answer in found if answer.kind is not PlaceKind.UNKNOWN),
                key=lambda answer: (
                    not _said_of(answer, found, THEY_LIVE),  # where others live
                    _said_of(answer, found, _WORK) and not _said_of(answer, found, _HOME),
                    not _said_of(answer, found, _HOME),
                    KIND_RANK[answer.kind],
                ),
            )
    qualified = _IN_PROVINCE.sub(" ", words)  # "hasselt in overijssel" as the alias "hasselt overijssel"
    answer = _place_in(qualified, lookup)
    if answer.kind is PlaceKind.UNKNOWN and qualified != words:  # "... student in groningen": the city
        answer = _place_in(words, lookup)
    if answer.kind is PlaceKind.UNKNOWN:
        # the first spelling that names a town; else the first that names anything ("dieren (gld)" is
        # Dieren, not the province its short form spells out)
        first: Optional[PlaceAnswer] = None
        for variant in place_spellings.respellings(words):
            respelled = _place_in(_IN_PROVINCE.sub(" ", variant), lookup)
            if respelled.kind is PlaceKind.REGION:
                first = respelled
                break
            first = first or (respelled if respelled.kind is not PlaceKind.UNKNOWN else None)
        answer = first or answer
    if answer.kind is PlaceKind.UNKNOWN:
        answer = _name_before_a_landmark(words, lookup) or answer
    if answer.kind is PlaceKind.BELGIUM and _NOT_BELGIUM.search(words):
        return UNKNOWN_PLACE
    return answer


def _name_before_a_landmark(words: str, lookup: Lookup) -> Optional[PlaceAnswer]:
    """ "kaatsheuvel bij de efteling": a town said with something near it that is no town."""
    near = _NEAR.search(words)
    return _place_in(words[: near.start()].strip(), lookup) if near else None


def _told_by_a_neighbour(words: str, lookup: Lookup) -> Optional[PlaceAnswer]:
    """ "valkenburg, die bij katwijk": a place of one name in two regions, told apart by a town near it,
    when content/regions.yml has that pair as an alias ("valkenburg katwijk")."""
    for match in _NEAR.finditer(words):
        before, after = words[: match.start()].split()[-3:], words[match.end() :].split()[:2]
        for start in range(len(before)):
            for end in range(len(after), 0, -1):
                answer = lookup.answers.get(" ".join(before[start:] + after[:end]))
                if answer is not None:
                    return answer
    return None


def _said_of(answer: PlaceAnswer, found: List[Tuple[str, PlaceAnswer]], words: re.Pattern) -> bool:
    """Whether `answer` was read from a part of the message with one of `words` (others' home, home, work)."""
    return any(found_answer is answer and words.search(normalize(clause)) for clause, found_answer in found)


def _place_in(words: str, lookup: Lookup) -> PlaceAnswer:
    """The place one clause names (place_answer)."""
    if _AAN_DEN.search(words):
        for spelled in ("aan den", "aan de"):
            answer = _place_in(_AAN_DEN.sub(spelled, words), lookup)
            if answer.kind is not PlaceKind.UNKNOWN:
                return answer
    if words in lookup.answers:
        return lookup.answers[words]
    leading = _LEADING_WORDS.match(words)
    stripped = _TRAILING_WORDS.sub("", words[leading.end() :] if leading else words)
    if stripped in lookup.answers:
        introducer = words[: leading.end()].split()[-1] if leading else ""
        if stripped not in lookup.everyday or introducer in _PLACE_INTRODUCERS:
            return lookup.answers[stripped]
    answer = (
        _name_then_words(stripped, lookup)
        or _name_after_preposition(words, lookup)
        or _name_at_the_end(words, lookup)
        or place_spellings.name_with_a_typo(words, lookup)
        or place_spellings.name_with_a_typo(stripped, lookup)
        or place_spellings.name_by_sound(stripped, lookup)
        or place_spellings.name_after_living_in(words, lookup)
        or UNKNOWN_PLACE
    )
    if answer.kind is PlaceKind.BELGIUM:  # "hasselt bij zwolle": the Dutch place it is near tells which
        near = _name_after_preposition(words, lookup)
        if near is not None and near.kind is PlaceKind.REGION:
            return near
    return answer


def _name_at_the_end(words: str, lookup: Lookup) -> Optional[PlaceAnswer]:
    """A short answer that ends in a name: "ok dan, Hoorn", "ja hoor Zwolle", "praktijk Roermond";
    a longer one when a word like "dan" leads to the name ("ok als het alleen is om de goede mensen
    te vinden dan zeist")."""
    parts = words.split()
    if len(parts) > _LONGEST_ANSWER or _ASKS.match(words):
        return None  # "mag ik dit wel zegge": a question, not the village Zegge
    for count in (3, 2, 1):
        name = " ".join(parts[-count:])
        if len(parts) > count and name in lookup.at_start:  # never an everyday word ("dat is best")
            if len(parts) <= 5 or parts[-count - 1] in _LEADS_TO_THE_NAME:
                return lookup.answers[name]
    # An everyday word that is a town only right after "ok", "nou", "dan" in a short answer: "laat
    # maar ok hoorn"; never a reply word ("ok best", "nou echt").
    last = parts[-1] if parts else ""
    if 2 <= len(parts) <= 5 and last in lookup.everyday and last not in _REPLIES and parts[-2] in _OK_THEN:
        return lookup.answers.get(last)
    return None


def _name_then_words(stripped: str, lookup: Lookup) -> Optional[PlaceAnswer]:
    """A name followed by a district or a word or two: "amsterdam zuid", "utrecht centrum". Never an
    everyday word ("best wel eng")."""
    words = stripped.split()
    for count in range(len(words) - 1, max(len(words) - 3, 0), -1):  # the longest name first
        name = " ".join(words[:count])
        if name in lookup.at_start:
            return lookup.answers[name]
        # A short name or nickname of a city before a part of it ("adam zuidoost", "dh centrum").
        if name in lookup.answers and all(word in _CITY_PARTS for word in words[count:]):
            return lookup.answers[name]
    return None


def _name_after_preposition(words: str, lookup: Lookup) -> Optional[PlaceAnswer]:
    """A name after a preposition inside a longer sentence; a Dutch place before a province or
    Belgium, then the longest name, so that "bergen op zoom" beats "bergen". The relay asks this of
    every message to the bot, so the words after each preposition are looked up rather than every
    name compared with the sentence."""
    found = []
    for match in _PREPOSITION.finditer(words):
        after = words[match.end() :].split()[: lookup.most_words + 1]
        names = lookup.in_sentences
        if after and after[0] in _ARTICLES and " ".join(after[:2]) not in names:
            # "hoi ik woon in de bijlmer", "in de hoeksche waard"; never an everyday word after the
            # article ("bij de buren" is no Buren, "in het echt" no Echt)
            after, names = after[1:], lookup.at_start
        after = after[: lookup.most_words]
        for count in range(len(after), 0, -1):
            name = " ".join(after[:count])
            if name in names:
                # "ik werk in amsterdam maar ik woon in almere": where they live comes first; where
                # the people it is about live before that ("... maar mijn vader woont in lichtenvoorde")
                before = " ".join(words[: match.start()].split()[-6:])
                theirs = not THEY_LIVE.search(f"{before} {match.group().strip()}")  # "mijn ouders in"
                near = " ".join(before.split()[-5:])
                elsewhere = not _HOME.search(near) or bool(_USED_TO_LIVE.search(near))
                found.append((theirs, elsewhere, KIND_RANK[lookup.answers[name].kind], -len(name), match.start(), name))
                break
    return lookup.answers[min(found)[5]] if found else None


# "nee sorry", "ik bedoel", "toch", "o wacht": the visitor corrects the town they gave.
# The words that start a correction, also inside a clause: "ik woon in amersfoort nee hilversum".
_STARTS_A_CORRECTION = "nee|neen|sorry|sry|oeps|wacht|bedoel|bedoelde|eigenlijk|no|wait|oops|actually"
_CORRECTION_START = re.compile(rf"\b(?:{_STARTS_A_CORRECTION})\b")
CORRECTION = re.compile(
    rf"\b(?:{_STARTS_A_CORRECTION}|toch|verkeerd|fout|mean|meant|wrong|"
    r"niet die|niet dat|niet de|niet het|niet in|not in|not the)\b"
)


def _pieces(text: str) -> List[str]:
    """The parts of a message that corrects itself: its clauses, each cut again where a correction
    word starts ("ik woon in amersfoort nee hilversum" -> "ik woon in amersfoort", "hilversum")."""
    pieces: List[str] = []
    for clause in CLAUSES.split(text):
        pieces.extend(piece for piece in _CORRECTION_START.split(normalize(clause)) if piece.strip())
    return pieces


NEGATED = re.compile(r"\b(niet|geen|nie|not)\b")
# Places whose name alone is also a common reply in a chat.
_REPLIES = frozenset({"best", "echt"})


def is_a_reply(text: str) -> bool:
    """A place's name that is, typed alone, mostly a reply ("best", "echt?"): a town only where the
    place was asked for."""
    return normalize(text or "") in _REPLIES


# Said of oneself without a place: "ik ben belg", "in vlaanderen", "ik ben vlaamse".
_BELGIAN_WORD = re.compile(r"\b(?:belg\w*|vlaander\w*|vlaams\w*|walloni\w*)")


def names_belgium(text: str) -> bool:
    """Whether a visitor's message names Belgium, a part of it or a Belgian place ("sint-niklaas",
    "ik ben belg"): the bot then answers with 1712 and the relay's alerts give Belgium's numbers."""
    kind = place_answer(text).kind
    if kind is PlaceKind.UNKNOWN:  # no place: the word alone ("ik ben belg"); not beside a Dutch town
        return bool(_BELGIAN_WORD.search(normalize(text or "")))
    return kind is PlaceKind.BELGIUM
