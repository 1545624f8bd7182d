"""Spotting personal data that a visitor need not give: phone numbers, e-mail, postcodes, BSN."""

from __future__ import annotations

import re
from typing import List

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
_POSTCODE = re.compile(r"\b[1-9]\d{3}\s?([a-z]{2})\b", re.IGNORECASE)
# Letter pairs that never end a postcode, or that are short Dutch words ("bel 0800 2000 en ...").
_NOT_POSTCODE_LETTERS = {
    "sa",
    "sd",
    "ss",
    "en",
    "in",
    "op",
    "om",
    "of",
    "te",
    "is",
    "ik",
    "je",
    "we",
    "ze",
    "er",
    "al",
    "na",
    "nu",
    "af",
    "de",
    "ga",
    "zo",
    "me",
    "ja",
    "uw",
    "ie",
    "eh",
    "hé",
    "he",
}
# Runs of digits with the separators people type in phone numbers: 06-12345678, +31 6 1234 5678.
_DIGIT_RUN = re.compile(r"\+?\d[\d\s().-]{6,}\d")


def _is_bsn(digits: str) -> bool:
    """The "elfproef" that every BSN passes."""
    if len(digits) != 9 or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=False)) - int(digits[8])
    return total % 11 == 0


def _is_phone(raw: str, digits: str) -> bool:
    if raw.startswith("+") or digits.startswith("00"):
        return 10 <= len(digits) <= 15
    # Dutch numbers: ten digits starting with 0 (06..., 020..., 0800/0900 service numbers too).
    return len(digits) == 10 and digits.startswith("0")


def find(text: str) -> List[str]:
    """The kinds of personal data in `text`, in the order phone, email, postcode, bsn."""
    text = text or ""
    kinds = set()
    if _EMAIL.search(text):
        kinds.add("email")
    if any(m.group(1).lower() not in _NOT_POSTCODE_LETTERS for m in _POSTCODE.finditer(text)):
        kinds.add("postcode")
    for match in _DIGIT_RUN.finditer(text):
        raw = match.group().strip()
        digits = re.sub(r"\D", "", raw)
        if _is_phone(raw, digits):
            kinds.add("phone")
        elif _is_bsn(digits):
            kinds.add("bsn")
    for match in re.finditer(r"(?<!\d)\d{9}(?!\d)", text):
        if _is_bsn(match.group()):
            kinds.add("bsn")
    return [kind for kind in ("phone", "email", "postcode", "bsn") if kind in kinds]
