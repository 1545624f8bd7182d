"""Counsellor accounts (argon2 hashes) and console sessions (HttpOnly, SameSite=Strict cookie)."""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Response, current_app, request
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from relay.db import get_db
from relay.domain.models import Counsellor, CounsellorSession, LoginFailure, utcnow
from relay.domain.tokens import hash_token, new_token
from relay.ops.concurrency import run_blocking

COOKIE_NAME = "voordeur_console"
hasher = PasswordHasher()
# Verifying against a dummy hash when the user is unknown keeps the answer time the same.
_DUMMY_HASH = hasher.hash("no such counsellor")


def region_ids_of(counsellor: Counsellor, all_region_ids: list[str]) -> list[str]:
    if counsellor.regions.strip() == "all":
        return list(all_region_ids)
    wanted = {r.strip() for r in counsellor.regions.split(",") if r.strip()}
    return [r for r in all_region_ids if r in wanted]


def save_counsellor(
    session: Session,
    username: str,
    name: str,
    regions: str,
    password: str,
    max_chats: int | None = None,
    supervisor: bool = False,
) -> Counsellor:
    """Create or update an account (the `counsellor add` command); an account saved without
    ``supervisor`` is not (or no longer) one."""
    counsellor = session.scalars(select(Counsellor).where(Counsellor.username == username)).first()
    if counsellor is None:
        counsellor = Counsellor(username=username)
        session.add(counsellor)
    counsellor.name = name
    counsellor.regions = regions
    counsellor.password_hash = run_blocking(hasher.hash, password)
    counsellor.active = True
    counsellor.supervisor = supervisor
    if max_chats is not None:
        counsellor.max_chats = max_chats
    elif counsellor.max_chats is None:
        counsellor.max_chats = 3
    session.flush()
    return counsellor


def check_password(session: Session, username: str, password: str) -> Counsellor | None:
    counsellor = session.scalars(
        select(Counsellor).where(Counsellor.username == username, Counsellor.active.is_(True))
    ).first()
    try:
        # Argon2 holds the CPU by design: under gevent, in a real thread, so the chats keep going.
        run_blocking(hasher.verify, counsellor.password_hash if counsellor else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if counsellor is None:
        return None
    if hasher.check_needs_rehash(counsellor.password_hash):
        counsellor.password_hash = run_blocking(hasher.hash, password)
    return counsellor


# After this many failed logins for one username within the window, logins are refused (429).
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)


def is_throttled(session: Session, username: str) -> bool:
    recent = session.execute(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.username == username, LoginFailure.at > utcnow() - FAILURE_WINDOW)
    ).scalar_one()
    return recent >= MAX_FAILURES


def record_failure(session: Session, username: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.at <= utcnow() - FAILURE_WINDOW))
    session.add(LoginFailure(username=username[:80]))


def clear_failures(session: Session, username: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))


def start_session(session: Session, counsellor: Counsellor, hours: int) -> str:
    # Expired logins are of no use to anyone; clear them whenever someone logs in.
    session.execute(delete(CounsellorSession).where(CounsellorSession.expires_at <= utcnow()))
    token = new_token()
    session.add(
        CounsellorSession(
            token_hash=hash_token(token), counsellor_id=counsellor.id, expires_at=utcnow() + timedelta(hours=hours)
        )
    )
    return token


def counsellor_for_token(session: Session, token: str | None) -> Counsellor | None:
    if not token:
        return None
    row = session.scalars(select(CounsellorSession).where(CounsellorSession.token_hash == hash_token(token))).first()
    if row is None or row.expires_at <= utcnow():
        return None
    counsellor = session.get(Counsellor, row.counsellor_id)
    return counsellor if counsellor and counsellor.active else None


def counsellor_of_request() -> Counsellor | None:
    """The counsellor whose session cookie this request carries, detached from the database session
    (the console API and the counsellor socket keep it for the request), or None."""
    with get_db().transaction() as session:
        counsellor = counsellor_for_token(session, request.cookies.get(COOKIE_NAME))
        if counsellor is not None:
            session.expunge(counsellor)
        return counsellor


def supervisor_of_request() -> Counsellor | None:
    """The counsellor of this request (``counsellor_of_request``) if a supervisor, else None."""
    counsellor = counsellor_of_request()
    return counsellor if counsellor is not None and counsellor.supervisor else None


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(CounsellorSession).where(CounsellorSession.token_hash == hash_token(token)))


def set_session_cookie(response: Response, token: str, hours: int) -> None:
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=hours * 3600,
        httponly=True,
        samesite="Strict",
        secure=current_app.config["COOKIE_SECURE"] or request.is_secure,
        path="/",
    )
