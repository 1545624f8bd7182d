"""The 26 Veilig Thuis regions, the towns that belong to them, their extra hours and their backups
(content/regions.yml). What a visitor's answer to "in welke plaats woon je?" names is read by
voordeur_content.places."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from voordeur_content._files import CONTENT_DIR, content_file, load_yaml, normalize
from voordeur_content.dutch_dates import WEEKDAY_KEYS

REGIONS_FILE = CONTENT_DIR / "regions.yml"  # the repository's file; readers ask content_file()
WEEKDAYS = WEEKDAY_KEYS  # extra_hours keys


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    short_name: str
    towns: Tuple[str, ...]
    extra_hours: Dict[str, List[str]] = field(default_factory=dict, hash=False, compare=False)
    # The region that takes over when nobody of this one can answer (achtervang); None: no backup.
    backup: Optional[str] = None


@dataclass(frozen=True)
class RegionIndex:
    regions: Tuple[Region, ...]
    by_id: Dict[str, Region]
    by_name: Dict[str, Region]  # normalized town, alias, region name -> region
    written: Dict[str, str]  # normalized name -> the town or region as the file writes it


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


def _build(data: Dict[str, Any]) -> RegionIndex:
    regions = tuple(
        Region(
            id=entry["id"],
            name=entry["name"],
            short_name=entry["short_name"],
            towns=tuple(entry.get("towns") or ()),
            extra_hours=_check_hours(entry["id"], entry.get("extra_hours") or {}),
            backup=entry.get("backup") or None,
        )
        for entry in data["regions"]
    )
    by_id = {region.id: region for region in regions}
    for region in regions:
        if region.backup is not None and (region.backup == region.id or region.backup not in by_id):
            raise ValueError(f"{region.id}: backup {region.backup!r} is not another region")
    by_name: Dict[str, Region] = {}
    written: Dict[str, str] = {}
    for region in regions:
        for town in region.towns:
            by_name.setdefault(normalize(town), region)
            written.setdefault(normalize(town), town)
    for region in regions:
        # Region names after towns, so that "Utrecht" and "Groningen" stay towns of their own region.
        for name in (region.short_name, region.name, region.id):
            by_name.setdefault(normalize(name), region)
            written.setdefault(normalize(name), region.short_name)
    for alias, town in (data.get("aliases") or {}).items():
        target = by_name.get(normalize(str(town)))
        if target is None:
            raise ValueError(f"alias {alias!r} points to unknown town {town!r}")
        by_name.setdefault(normalize(str(alias)), target)
        written.setdefault(normalize(str(alias)), written[normalize(str(town))])
    return RegionIndex(regions=regions, by_id=by_id, by_name=by_name, written=written)


def region_index(path: Optional[Path] = None) -> RegionIndex:
    return load_yaml(path or content_file("regions.yml"), _build)


def load_regions(path: Optional[Path] = None) -> List[Region]:
    """All regions in the order of the file."""
    return list(region_index(path).regions)


def region_tuple(path: Optional[Path] = None) -> Tuple[Region, ...]:
    """All regions; the same object until the file changes (the relay rebuilds its schedule then)."""
    return region_index(path).regions


def get_region(region_id: str, path: Optional[Path] = None) -> Optional[Region]:
    """The region with this id, or None."""
    return region_index(path).by_id.get(region_id)


def town_names(path: Optional[Path] = None) -> Dict[str, Region]:
    """Every normalized town, alias and region name of content/regions.yml, with its region."""
    return dict(region_index(path).by_name)
