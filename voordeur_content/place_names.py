"""The table of every place name a visitor may give, with what it names (content/regions.yml with
content/places.yml): a town of a region, a province of several regions, or Belgium. Built once per
version of the files; voordeur_content.places reads a visitor's answer against it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Optional, Tuple

from voordeur_content._files import CONTENT_DIR, content_file, load_yaml, normalize
from voordeur_content.regions import Region, RegionIndex, region_index

PLACES_FILE = CONTENT_DIR / "places.yml"  # the repository's file; readers ask content_file()

# Inside a sentence only names of this length count: "Ee", "Ens" and "Epe" are words there.
_SENTENCE_NAME_LENGTH = 4
# One typo is forgiven in a Dutch name of this many letters or more, when the message is only that
# name and has as many letters itself (shorter ones are mostly first names and words: "geert", "hatem").
TYPO_NAME_LENGTH = 6
# A name spelt as it sounds is found from five letters on ("zijst" for Zeist): sounding alike is
# stricter than one typo anywhere.
SOUND_NAME_LENGTH = 5
# Letters that sound alike in Dutch place names, written either way by visitors: "alfen" for
# Alphen, "utregt", "harderwyk", "kapelle" for Capelle, "sgiedam". A name is also found by how it
# sounds when no other name sounds the same (Lookup.by_sound).
_SOUNDS = (
    ("ph", "f"),
    ("ch", "g"),
    ("ck", "k"),
    ("c", "k"),
    ("x", "ks"),
    ("y", "ij"),
    ("ei", "ij"),
    ("au", "ou"),
    ("th", "t"),
    ("dt", "t"),
    ("v", "f"),
    ("z", "s"),
    ("ae", "a"),
)
_DOUBLED = re.compile(r"([a-z])\1+")
_FINAL_D = re.compile(r"d\b")
_DEN = re.compile(r"\bden\b")


def undoubled(words: str) -> str:
    """The words with every doubled letter written once ("dokkum" as "dokum")."""
    return _DOUBLED.sub(r"\1", words)


def sound_of(words: str) -> str:
    """How normalized words sound: the same key for "alfen aan de rijn" and "alphen aan den rijn"."""
    for written, sound in _SOUNDS:
        words = words.replace(written, sound)
    return _FINAL_D.sub("t", undoubled(_DEN.sub("de", words)))


class PlaceKind(str, Enum):
    REGION = "region"  # a town of a region, or a Dutch place: `region` tells which
    PROVINCE = "province"  # a province with several regions: the visitor chooses among `regions`
    BELGIUM = "belgium"  # Belgium, a part of it or a Belgian place
    UNKNOWN = "unknown"


# In a sentence that names several places, a Dutch one is the visitor's ("mijn moeder woont in
# Brussel en ik in Breda").
KIND_RANK = {PlaceKind.REGION: 0, PlaceKind.PROVINCE: 1, PlaceKind.BELGIUM: 2}


@dataclass(frozen=True)
class PlaceAnswer:
    """What a typed answer to the region question names."""

    kind: PlaceKind
    region: Optional[Region] = None
    regions: Tuple[Region, ...] = ()
    name: str = ""  # the place, province or Belgian name as the content file writes it


UNKNOWN_PLACE = PlaceAnswer(PlaceKind.UNKNOWN)


@dataclass(frozen=True)
class _Places:
    """content/places.yml, normalized."""

    places: Dict[str, Tuple[str, str]]  # name -> (name as written, region id)
    provinces: Dict[str, Tuple[str, Tuple[str, ...]]]  # spelling -> (province, region ids)
    belgium: Dict[str, str]  # name -> name as written
    everyday_words: FrozenSet[str]


@dataclass(frozen=True)
class Lookup:
    """Both files together: every name with its answer, content/regions.yml first."""

    answers: Dict[str, PlaceAnswer]
    in_sentences: FrozenSet[str]  # names that count after "in", "uit", "bij" inside a sentence
    at_start: FrozenSet[str]  # names that count followed by a word or two: "amsterdam zuid"
    everyday: FrozenSet[str]  # names that are everyday words too: "best", "buren"
    most_words: int  # the most words any name of in_sentences has
    typo_names: Dict[str, Tuple[str, ...]]  # first letter -> names long enough to forgive a typo
    by_sound: Dict[str, str]  # sound_of(name) -> name, for the sounds only one place has


def _build_places(data: Optional[Dict[str, Any]]) -> _Places:
    data = data or {}  # an emptied file: no places
    places = {
        normalize(str(name)): (str(name), str(region_id)) for name, region_id in (data.get("places") or {}).items()
    }
    provinces: Dict[str, Tuple[str, Tuple[str, ...]]] = {}
    for province in data.get("provinces") or ():
        for spelling in [province["name"], *(province.get("spellings") or ())]:
            provinces.setdefault(normalize(str(spelling)), (province["name"], tuple(province["regions"])))
    belgium = {normalize(str(name)): str(name) for name in data.get("belgium") or ()}
    everyday = frozenset(normalize(str(word)) for word in data.get("everyday_words") or ())
    return _Places(places=places, provinces=provinces, belgium=belgium, everyday_words=everyday)


_lookups: Dict[Tuple[int, int], Tuple[RegionIndex, _Places, Lookup]] = {}


def place_lookup(path: Optional[Path], places_path: Optional[Path]) -> Lookup:
    """The combined names, rebuilt when either file changed (load_yaml then returns a new object)."""
    index = region_index(path)
    places = load_yaml(places_path or content_file("places.yml"), _build_places)
    key = (id(index), id(places))
    if key not in _lookups:
        if len(_lookups) > 8:  # files edited, or tests with files of their own
            _lookups.clear()
        _lookups[key] = (index, places, _combine(index, places))  # the files kept, so ids stay theirs
    return _lookups[key][2]


def _combine(index: RegionIndex, places: _Places) -> Lookup:
    answers = {
        name: PlaceAnswer(PlaceKind.REGION, region=region, name=index.written[name])
        for name, region in index.by_name.items()
    }
    for name, (written, region_id) in places.places.items():
        region = index.by_id.get(region_id)  # a places.yml id unknown to this regions file: skipped
        if region is not None:
            answers.setdefault(name, PlaceAnswer(PlaceKind.REGION, region=region, name=written))
    for name, (province, region_ids) in places.provinces.items():
        regions = tuple(index.by_id[r] for r in region_ids if r in index.by_id)
        if len(regions) == 1:  # Flevoland, Zeeland: the province is one region
            answers.setdefault(name, PlaceAnswer(PlaceKind.REGION, region=regions[0], name=province))
        elif regions:
            answers.setdefault(name, PlaceAnswer(PlaceKind.PROVINCE, regions=regions, name=province))
    for name, written in places.belgium.items():
        answers.setdefault(name, PlaceAnswer(PlaceKind.BELGIUM, name=written))
    in_sentences = frozenset(name for name in answers if name in index.by_name or len(name) >= _SENTENCE_NAME_LENGTH)
    typo_names: Dict[str, List[str]] = {}
    for name, answer in answers.items():
        if answer.kind is not PlaceKind.BELGIUM and len(name.replace(" ", "")) >= TYPO_NAME_LENGTH:
            typo_names.setdefault(name[0], []).append(name)
    return Lookup(
        answers=answers,
        in_sentences=in_sentences,
        at_start=in_sentences - places.everyday_words,
        everyday=places.everyday_words,
        most_words=max((len(name.split()) for name in in_sentences), default=1),
        typo_names={letter: tuple(names) for letter, names in typo_names.items()},
        by_sound=_by_sound(answers),
    )


def _by_sound(answers: Dict[str, PlaceAnswer]) -> Dict[str, str]:
    """The Dutch names of four letters or more, by how they sound; a sound of two places that are
    answered differently is left out (it would guess: "rosendaal" is Roosendaal or Rozendaal)."""
    sounds: Dict[str, List[str]] = {}
    for name, answer in answers.items():
        if answer.kind is not PlaceKind.BELGIUM and len(name.replace(" ", "")) >= 4:
            sounds.setdefault(sound_of(name), []).append(name)
    return {sound: names[0] for sound, names in sounds.items() if len({answers[name] for name in names}) == 1}
