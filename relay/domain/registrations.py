"""The anonymous advice registration: its choices, storing one per conversation, and CSV export."""

from __future__ import annotations

import csv
import io
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from relay.domain.models import Conversation, Registration, utcnow
from relay.domain.states import ENDED
from voordeur_content import load_content

MAX_ADVICE = 4000
CSV_COLUMNS = ("id", "day", "region", "kinds", "role", "advice", "referrals", "urgent")


def load_options() -> dict:
    """content/registration.yml, read again when an editor changed it."""
    options: dict = load_content("registration.yml", _options)
    return options


def _options(data: dict | None) -> dict:
    return data or {}


class RegistrationError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _ids(options: dict, key: str) -> set[str]:
    return {choice["id"] for choice in options[key]}


def validate(options: dict, data: dict) -> dict:
    kinds, referrals = data.get("kinds"), data.get("referrals", [])
    role, advice = data.get("role"), data.get("advice", "")
    if not isinstance(kinds, list) or not kinds or not set(kinds) <= _ids(options, "kinds"):
        raise RegistrationError("invalid_kinds", "Kies minstens één soort geweld uit de lijst.")
    if role not in _ids(options, "roles"):
        raise RegistrationError("invalid_role", "Kies de rol van de vrager uit de lijst.")
    if not isinstance(referrals, list) or not set(referrals) <= _ids(options, "referrals"):
        raise RegistrationError("invalid_referrals", "Kies doorverwijzingen uit de lijst.")
    if not isinstance(advice, str) or len(advice) > MAX_ADVICE:
        raise RegistrationError("invalid_advice", f"Het advies mag hoogstens {MAX_ADVICE} tekens zijn.")
    return {"kinds": sorted(set(kinds)), "role": role, "advice": advice.strip(), "referrals": sorted(set(referrals))}


def register(session: Session, options: dict, counsellor_id: int, data: dict) -> Registration:
    """Store the registration of an ended conversation this counsellor had; once per conversation."""
    fields = validate(options, data)
    conversation = session.get(Conversation, data.get("conversation") or "")
    if conversation is None or conversation.counsellor_id != counsellor_id:
        raise RegistrationError("not_found", "Dit gesprek is niet gevonden.")
    if conversation.state != ENDED:
        raise RegistrationError("not_ended", "Registreer een gesprek nadat het is afgesloten.")
    # The flag is set with a conditional update, so two submissions cannot both be stored.
    # An UPDATE's result is a CursorResult (it has rowcount); Session.execute is typed as any Result.
    claimed = cast(
        CursorResult[Any],
        session.execute(
            update(Conversation)
            .where(Conversation.id == conversation.id, Conversation.registered.is_(False))
            .values(registered=True)
            .execution_options(synchronize_session=False)
        ),
    )
    if claimed.rowcount != 1:
        raise RegistrationError("already_registered", "Dit gesprek is al geregistreerd.")
    registration = Registration(
        day=utcnow().date().isoformat(), region=conversation.region, urgent=conversation.urgent, **fields
    )
    session.add(registration)
    session.flush()
    return registration


def export_csv(session: Session) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in session.scalars(select(Registration).order_by(Registration.id)):
        writer.writerow(
            [
                row.id,
                row.day,
                row.region or "",
                ";".join(row.kinds),
                row.role,
                _defuse(row.advice),
                ";".join(row.referrals),
                "ja" if row.urgent else "nee",
            ]
        )
    return out.getvalue()


def _defuse(text: str) -> str:
    """Keep spreadsheet programs from running a cell that starts like a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
