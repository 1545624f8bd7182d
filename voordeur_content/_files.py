"""Reading the content editors' YAML files, once per change of the file."""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, Tuple

import yaml

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"

_cache: Dict[Tuple[str, str], Tuple[float, Any]] = {}


def load_yaml(path: Path, build: Callable[[Any], Any]) -> Any:
    """Parse `path` with `build`, re-reading only when the file changed on disk.

    Editors change these files while the stack runs; checking the modification time keeps
    their change effective without a restart and costs one stat() per call.
    """
    path = Path(path)
    mtime = path.stat().st_mtime
    key = (str(path), f"{build.__module__}.{build.__qualname__}")
    cached = _cache.get(key)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    with path.open(encoding="utf-8") as handle:
        value = build(yaml.safe_load(handle))
    _cache[key] = (mtime, value)
    return value


def normalize(text: str) -> str:
    """Lower-case, strip accents, turn every run of non-letters/digits into one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.lower().replace("’", "'").replace("‘", "'")
    return " ".join(re.split(r"[^0-9a-z]+", plain)).strip()


@lru_cache(maxsize=1)
def dutch_word_counts() -> Dict[str, int]:
    """How often each Dutch word occurs (pyspellchecker's list, counted in subtitles), read once per
    process; empty when pyspellchecker is not installed. Triage, the town lookup and the intake's
    reading of answers all take their word lists from here."""
    try:
        import spellchecker
    except ImportError:
        return {}
    path = Path(spellchecker.__file__).parent / "resources" / "nl.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)
