"""The phone numbers the chat gives (content/phone_numbers.yml): one owner for every number.

The relay's sentences, the alerts, the widget (through /api/status) and the bot's action server ask
here. Texts that must write a number out (the bot's answers, content files) are checked against this
file by tests/content/test_phone_numbers.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from voordeur_content._files import load_content

FILE_NAME = "phone_numbers.yml"

# The ids the code relies on; content/triage.yml names numbers by id too.
VEILIG_THUIS = "veilig_thuis"
EMERGENCY = "emergency"
BELGIUM = "belgium"

# What looks like a phone number in a Dutch text: "0800 2000", "0900-8844", "020 1234567", or a
# short service number such as 112, 113 or 1712 (not part of a time like 17:00 or a longer number).
_NUMBER_IN_TEXT = re.compile(r"(?<![\d:.,])(?:0\d{2,3}[ -]?\d{3,7}|1\d{2,3})(?![\d:])")


@dataclass(frozen=True)
class PhoneNumber:
    id: str
    number: str  # as the visitor reads it: "0800 2000"
    purpose: str  # the file's `for`

    @property
    def digits(self) -> str:
        """For a tel: link."""
        return re.sub(r"\D", "", self.number)


def _build(data: Optional[Dict[str, Any]]) -> Dict[str, PhoneNumber]:
    numbers: Dict[str, PhoneNumber] = {}
    for entry in (data or {}).get("numbers") or ():
        key, number = str(entry["id"]), str(entry["number"]).strip()
        if key in numbers:
            raise ValueError(f"{FILE_NAME}: the id {key!r} is used twice")
        if not _NUMBER_IN_TEXT.fullmatch(number):
            raise ValueError(f"{FILE_NAME}: {number!r} ({key}) does not look like a phone number")
        numbers[key] = PhoneNumber(id=key, number=number, purpose=str(entry.get("for") or "").strip())
    for required in (VEILIG_THUIS, EMERGENCY):
        if required not in numbers:
            raise ValueError(f"{FILE_NAME}: the number {required!r} is missing")
    return numbers


def phone_numbers() -> Dict[str, PhoneNumber]:
    """Every number by id, read again when the file changed."""
    result: Dict[str, PhoneNumber] = load_content(FILE_NAME, _build)
    return result


def number(key: str) -> str:
    """The number with this id as the visitor reads it, e.g. number("veilig_thuis") == "0800 2000"."""
    try:
        return phone_numbers()[key].number
    except KeyError:
        raise ValueError(f"no phone number with id {key!r} in content/{FILE_NAME}") from None


def numbers_in(text: str) -> List[str]:
    """The phone numbers written in a text, as written ("bel 0800 2000 of 112" -> both)."""
    return _NUMBER_IN_TEXT.findall(text)


def unknown_numbers_in(text: str) -> List[str]:
    """The numbers in a text that this file does not list (spaces and hyphens do not matter)."""
    known = {entry.digits for entry in phone_numbers().values()}
    return [found for found in numbers_in(text) if re.sub(r"\D", "", found) not in known]
