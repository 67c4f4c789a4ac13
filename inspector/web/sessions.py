"""Who is at the browser: server-side sessions, their CSRF tokens, and the brake on password guessing.

A session is a random id in an HttpOnly cookie; the database keeps only its SHA-256, the account,
a CSRF token and an expiry. Keeping sessions on the server (rather than in a signed cookie) means
signing out, or revoking the account, ends the session at once, and no signing key has to be
kept anywhere. Every form carries the session's CSRF token; the sign-in form, before there is a
session, carries a token that must equal a short-lived cookie of its own (double submit).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select

from inspector.core.clock import from_iso, now, to_iso
from inspector.server.accounts import Account, Role, account_by_id
from inspector.server.db import Database, web_sessions

SESSION_COOKIE = "inspector_session"
SIGNIN_COOKIE = "inspector_signin"
LANGUAGE_COOKIE = "inspector_lang"
SESSION_HOURS = 8
"""A working day: a clerk signs in in the morning; a PC left on overnight asks again."""

WEB_ROLES = frozenset({Role.ADMIN, Role.VIEWER})
"""Who may sign in to the console: bureau staff, and leaders who only look. Teams use the laptop."""
WRITERS = frozenset({Role.ADMIN})
"""Who may do what writes (issuing the county bulletin spends a number of the bureau's series)."""


@dataclass(frozen=True)
class Session:
    account: Account
    csrf_token: str
    expires_at: str

    @property
    def may_write(self) -> bool:
        return self.account.role in WRITERS


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def start_session(database: Database, account: Account, *, at: datetime | None = None) -> tuple[str, Session]:
    """A new session for ``account``: the id for the cookie (shown once) and the session."""
    moment = at or now()
    session_id = secrets.token_urlsafe(32)
    session = Session(account, secrets.token_urlsafe(32), to_iso(moment + timedelta(hours=SESSION_HOURS)))
    with database.writing() as conn:
        # a sign-in is the moment to forget the account's sessions that have run out
        conn.execute(
            delete(web_sessions).where(
                web_sessions.c.account_id == account.id, web_sessions.c.expires_at < to_iso(moment)
            )
        )
        conn.execute(
            insert(web_sessions).values(
                id_sha256=_digest(session_id),
                account_id=account.id,
                csrf_token=session.csrf_token,
                created_at=to_iso(moment),
                expires_at=session.expires_at,
            )
        )
    return session_id, session


def session_for(database: Database, session_id: str | None, *, at: datetime | None = None) -> Session | None:
    """The live session behind a cookie: not expired, its account active and still allowed the console."""
    if not session_id or len(session_id) > 100:
        return None
    moment = at or now()
    with database.reading() as conn:
        row = conn.execute(select(web_sessions).where(web_sessions.c.id_sha256 == _digest(session_id))).first()
    if row is None or from_iso(row.expires_at) <= moment:
        return None
    account = account_by_id(database, row.account_id)
    if account is None or account.state(moment) != "active" or account.role not in WEB_ROLES:
        return None
    return Session(account, row.csrf_token, row.expires_at)


def end_session(database: Database, session_id: str | None) -> None:
    if session_id:
        with database.writing() as conn:
            conn.execute(delete(web_sessions).where(web_sessions.c.id_sha256 == _digest(session_id)))


def same_token(given: str | None, expected: str | None) -> bool:
    """A CSRF token check that takes the same time whatever the first wrong character."""
    return bool(given and expected) and hmac.compare_digest(str(given).encode(), str(expected).encode())


class SignInBrake:
    """Failed sign-ins allowed per name and per client address: ``attempts`` at once, then one
    more every ``refill_seconds``. A success does not refill: guessing stays slow either way.

    Kept in memory, like the API's rate limiter: one server process guards one county.
    """

    def __init__(self, attempts: int = 5, refill_seconds: float = 60.0) -> None:
        self.attempts = attempts
        self.refill_seconds = refill_seconds
        self._failures: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _level(self, key: str, moment: float) -> float:
        used, since = self._failures.get(key, (0.0, moment))
        return max(0.0, used - (moment - since) / self.refill_seconds)

    def blocked(self, *keys: str) -> bool:
        moment = time.monotonic()
        with self._lock:
            # a try is left while a whole one fits under the ceiling
            return any(self._level(key, moment) > self.attempts - 1 for key in keys)

    def failed(self, *keys: str) -> None:
        moment = time.monotonic()
        with self._lock:
            for key in keys:
                self._failures[key] = (self._level(key, moment) + 1, moment)
