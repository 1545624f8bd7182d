"""Reading the content editors' YAML files, once per change of the file."""

from __future__ import annotations

import gzip
import json
import logging
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, Tuple

import yaml

# The repository's content files. The relay may point every reader elsewhere (its CONTENT_DIR
# setting, for tests); the action server reads these.
CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"

_content_dir = CONTENT_DIR
log = logging.getLogger(__name__)
_cache: Dict[Tuple[str, str], Tuple[Tuple[int, int], Any]] = {}


def use_content_dir(folder: Path | str) -> None:
    """Read every content file from `folder` from now on (the relay's CONTENT_DIR setting)."""
    global _content_dir
    _content_dir = Path(folder)


def content_file(name: str) -> Path:
    """The path of one content file, e.g. content_file("regions.yml")."""
    return _content_dir / name


def load_content(name: str, build: Callable[[Any], Any]) -> Any:
    """One content file parsed by `build`, re-read only when it changed (see load_yaml)."""
    return load_yaml(content_file(name), build)


def load_yaml(path: Path, build: Callable[[Any], Any]) -> Any:
    """Parse `path` with `build`, re-reading only when the file changed on disk.

    Editors change these files while the stack runs; checking the modification time keeps
    their change effective without a restart and costs one stat() per call.
    """
    path = Path(path)
    stat = path.stat()
    mtime = (stat.st_mtime_ns, stat.st_size)  # the size too: two saves within one clock tick
    key = (str(path), f"{build.__module__}.{build.__qualname__}")
    cached = _cache.get(key)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    try:
        with path.open(encoding="utf-8") as handle:
            value = build(yaml.safe_load(handle))
    except Exception:
        if cached is None:
            raise  # nothing good to fall back on (at start, in a check): refuse loudly
        # A running chat must not break on a half-finished edit: say so once, keep the last good
        # version until the file changes again.
        log.exception("content file %s is broken; still using the version read before", path)
        value = cached[1]
    _cache[key] = (mtime, value)
    return value


def normalize(text: str) -> str:
    """Lower-case, strip accents, turn every run of non-letters/digits into one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.lower().replace("’", "'").replace("‘", "'")
    return " ".join(re.split(r"[^0-9a-z]+", plain)).strip()


@lru_cache(maxsize=2)
def word_counts(language: str = "nl") -> Dict[str, int]:
    """How often each word of ``language`` ("nl", "en") occurs (pyspellchecker's lists, counted in
    subtitles), read once per process; empty when pyspellchecker is not installed. Triage, the town
    lookup and the intake's reading of answers all take their word lists from here."""
    try:
        import spellchecker
    except ImportError:
        return {}
    path = Path(spellchecker.__file__).parent / "resources" / f"{language}.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def dutch_word_counts() -> Dict[str, int]:
    return word_counts("nl")
