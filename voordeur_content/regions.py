"""The 26 Veilig Thuis regions and the towns that belong to them (content/regions.yml)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from voordeur_content._files import CONTENT_DIR, load_yaml, normalize

REGIONS_FILE = CONTENT_DIR / "regions.yml"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Words a visitor puts around a town name: "ik woon in Zwolle", "gemeente Ede", "bij Tilburg".
_LEADING_WORDS = re.compile(
    r"^(?:(?:ik|wij|we|zij|ze|hij|het|dat|dit|is|zit|zitten|woon|wonen|woont|kom|komt|"
    r"komen|uit|in|bij|de|het|buurt|omgeving|van|rond|vlakbij|nabij|regio|gemeente|stad|"
    r"dorp|plaats|provincie)\s+)+"
)
_TRAILING_WORDS = re.compile(r"(?:\s+(?:en|omgeving|e o|eo|ongeveer|denk ik|geloof ik|dus))+$")
_PREPOSITION = re.compile(r"\b(?:in|uit|bij|van|rond|nabij|vlakbij|omgeving)\s+")


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    short_name: str
    towns: Tuple[str, ...]
    extra_hours: Dict[str, List[str]] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class _Index:
    regions: Tuple[Region, ...]
    by_id: Dict[str, Region]
    by_name: Dict[str, Region]  # normalized town, alias, region name -> region
    longest_first: Tuple[str, ...]  # the names of by_name, longest first, sorted once per file change


def _check_hours(region_id: str, extra_hours: Dict[str, Any]) -> Dict[str, List[str]]:
    checked: Dict[str, List[str]] = {}
    for day, spans in (extra_hours or {}).items():
        if day not in WEEKDAYS:
            raise ValueError(f"{region_id}: unknown weekday {day!r} in extra_hours")
        for span in spans:
            if not re.fullmatch(r"\d\d:\d\d-\d\d:\d\d", span):
                raise ValueError(f"{region_id}: {span!r} is not HH:MM-HH:MM")
        checked[day] = list(spans)
    return checked


def _build(data: Dict[str, Any]) -> _Index:
    regions = tuple(
        Region(
            id=entry["id"],
            name=entry["name"],
            short_name=entry["short_name"],
            towns=tuple(entry.get("towns") or ()),
            extra_hours=_check_hours(entry["id"], entry.get("extra_hours") or {}),
        )
        for entry in data["regions"]
    )
    by_id = {region.id: region for region in regions}
    by_name: Dict[str, Region] = {}
    for region in regions:
        for town in region.towns:
            by_name.setdefault(normalize(town), region)
    for region in regions:
        # Region names after towns, so that "Utrecht" and "Groningen" stay towns of their own region.
        for name in (region.short_name, region.name, region.id):
            by_name.setdefault(normalize(name), region)
    for alias, town in (data.get("aliases") or {}).items():
        target = by_name.get(normalize(str(town)))
        if target is None:
            raise ValueError(f"alias {alias!r} points to unknown town {town!r}")
        by_name.setdefault(normalize(str(alias)), target)
    return _Index(regions=regions, by_id=by_id, by_name=by_name,
                  longest_first=tuple(sorted(by_name, key=len, reverse=True)))


def _index(path: Optional[Path] = None) -> _Index:
    return load_yaml(path or REGIONS_FILE, _build)


def load_regions(path: Optional[Path] = None) -> List[Region]:
    """All regions in the order of the file."""
    return list(_index(path).regions)


def get_region(region_id: str, path: Optional[Path] = None) -> Optional[Region]:
    """The region with this id, or None."""
    return _index(path).by_id.get(region_id)


def region_for_town(text: str, path: Optional[Path] = None) -> Optional[Region]:
    """The region of the town (or region name) in `text`, or None when there is none.

    Tolerant of case, spaces, hyphens, apostrophes and accents ("den bosch", "A'dam",
    "Den Haag"), and of short sentences such as "ik woon in Zwolle".
    """
    index = _index(path)
    words = normalize(text or "")
    if not words:
        return None
    candidates = [words, _TRAILING_WORDS.sub("", _LEADING_WORDS.sub("", words))]
    for candidate in candidates:
        if candidate in index.by_name:
            return index.by_name[candidate]
    # A town followed by a district or a word or two: "amsterdam zuid", "utrecht centrum".
    stripped = candidates[-1]
    for name in index.longest_first:
        if stripped.startswith(name + " ") and len(stripped[len(name):].split()) <= 2:
            return index.by_name[name]
    # A town after a preposition inside a longer sentence; longest name first so that
    # "bergen op zoom" wins over "bergen". The relay asks this of every message to the bot, so
    # the text after each preposition is compared with the names (one regex per name was ~1.5 ms).
    after_prepositions = [words[match.end():] + " " for match in _PREPOSITION.finditer(words)]
    for name in index.longest_first if after_prepositions else ():
        if any(after.startswith(name + " ") for after in after_prepositions):
            return index.by_name[name]
    return None
