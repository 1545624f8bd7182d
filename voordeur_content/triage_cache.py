"""The triage classifier's trained weights, kept on disk between processes.

Every process that grades messages needs the classifier, and training it costs seconds of a core:
each relay process, each action server, each command that builds the relay's app. The weights are
saved once under a key made from everything the training depends on (the texts and their grades,
what prepares the texts: the rules file, triage's code and the word list, the settings and
scikit-learn's version), and loaded by the next process with that key.
A changed example, rule or library gives another key, so a stale classifier is never loaded.

The file holds numbers and strings only (numpy's .npz, read with allow_pickle=False): nothing in
it is executed. The folder is `VOORDEUR_CACHE_DIR`, or `voordeur` in the user's cache folder
(`XDG_CACHE_HOME`, else `~/.cache`); `VOORDEUR_CACHE_DIR=off` turns the cache off. A folder that
cannot be written only costs the training time: the process logs it and goes on.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

log = logging.getLogger(__name__)

FORMAT = 1  # raise when the file's layout changes
PREFIX = "triage-"
KEEP = 4  # files of other keys kept beside the newest (other checkouts, other library versions)


@dataclass(frozen=True)
class Weights:
    classes: List[str]
    terms: List[List[str]]  # per vectorizer, its terms in the order of their columns
    idf: List[List[float]]  # per vectorizer
    columns: List[Tuple[float, ...]]  # per feature, its weight for each class
    intercepts: List[float]


def folder() -> Optional[Path]:
    configured = os.environ.get("VOORDEUR_CACHE_DIR", "")
    if configured.lower() == "off":
        return None
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "voordeur"


def key_of(texts: Sequence[str], grades: Sequence[str], settings: Sequence[str], library: str) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps([FORMAT, library, list(settings), list(texts), list(grades)]).encode("utf-8"))
    return digest.hexdigest()[:32]


def load(key: str) -> Optional[Weights]:
    where = folder()
    if where is None:
        return None
    path = where / f"{PREFIX}{key}.npz"
    if not path.exists():
        return None
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as data:
            parts = int(data["parts"])
            return Weights(
                classes=[str(c) for c in data["classes"].tolist()],
                terms=[[str(t) for t in data[f"terms_{i}"].tolist()] for i in range(parts)],
                idf=[[float(v) for v in data[f"idf_{i}"].tolist()] for i in range(parts)],
                columns=[tuple(row) for row in data["coef"].T.tolist()],
                intercepts=[float(b) for b in data["intercepts"].tolist()],
            )
    except (OSError, KeyError, ValueError) as error:  # a damaged file: train again and overwrite it
        log.warning("triage cache %s unreadable (%s); training again", path.name, error)
        return None


def save(key: str, weights: Weights) -> None:
    where = folder()
    if where is None:
        return
    import numpy as np

    arrays = {
        "parts": np.array(len(weights.terms)),
        "classes": np.array(weights.classes, dtype=str),
        "coef": np.array(weights.columns, dtype=np.float64).T,
        "intercepts": np.array(weights.intercepts, dtype=np.float64),
    }
    for i, (terms, idf) in enumerate(zip(weights.terms, weights.idf, strict=True)):
        arrays[f"terms_{i}"] = np.array(terms, dtype=str)
        arrays[f"idf_{i}"] = np.array(idf, dtype=np.float64)
    try:
        where.mkdir(parents=True, exist_ok=True)
        # Written beside its place and renamed: a process reading at the same time sees the whole
        # file or none (processes that trained at once write the same numbers).
        handle, temporary = tempfile.mkstemp(prefix=".partial-", suffix=".npz", dir=where)
        with os.fdopen(handle, "wb") as out:
            np.savez(out, **arrays)
        os.replace(temporary, where / f"{PREFIX}{key}.npz")
        _tidy(where, keep=where / f"{PREFIX}{key}.npz")
    except OSError as error:
        log.warning("triage cache not written to %s (%s); each process will train on its own", where, error)


def _tidy(where: Path, keep: Path) -> None:
    others = sorted(
        (p for p in where.glob(f"{PREFIX}*.npz") if p != keep), key=lambda p: p.stat().st_mtime, reverse=True
    )
    for old in others[KEEP:]:
        old.unlink(missing_ok=True)
