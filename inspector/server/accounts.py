"""Enrolment: who may call the server, with which role. Only a token's SHA-256 is ever stored.

A token is 256 random bits shown once, when the account is made; the server keeps its hash,
an expiry and, once revoked, the moment of revocation. Identity comes from the token alone.

Bureau staff may also get a password for the web console (``inspector server users passwd``).
It is hashed with the standard library's scrypt: memory-hard, in every Python the bureau runs,
and no compiled dependency to install on the server (argon2id would be the one alternative,
at the price of argon2-cffi's C extension). The parameters are stored in the hash, so they can
be raised later without making old passwords unreadable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import insert, select, update

from inspector.core.clock import from_iso, now, to_iso
from inspector.server.db import Database, accounts

DEFAULT_VALID_DAYS = 365
MAX_NAME_LENGTH = 100


class Role(StrEnum):
    INSPECTOR = "inspector"
    LEAD = "lead"
    ADMIN = "admin"
    VIEWER = "viewer"
    """A leader who only looks: the web console's pages and downloads, nothing that writes."""


class AccountError(Exception):
    """A refused account operation; ``code`` is a message key under ``server.account.``."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    role: Role
    token_sha256: str
    created_at: str
    expires_at: str
    revoked_at: str | None
    password_hash: str | None = None

    def state(self, at: datetime) -> str:
        """active, revoked or expired (a revoked token says revoked even after its expiry)."""
        if self.revoked_at:
            return "revoked"
        if from_iso(self.expires_at) <= at:
            return "expired"
        return "active"

    def to_dict(self, at: datetime) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role.value,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
            "revoked_at": self.revoked_at,
            "state": self.state(at),
        }


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _account(row: Any) -> Account:
    return Account(
        id=row.id,
        name=row.name,
        role=Role(row.role),
        token_sha256=row.token_sha256,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        password_hash=row.password_hash,
    )


def add_account(
    database: Database, name: str, role: Role, *, valid_days: int = DEFAULT_VALID_DAYS, at: datetime | None = None
) -> tuple[Account, str]:
    """Enrol a person; returns the account and its one-time token (never stored, never shown again)."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise AccountError("bad_name", name=name)
    if valid_days < 1:
        raise AccountError("bad_days", days=valid_days)
    at = at or now()
    token = secrets.token_urlsafe(32)
    with database.writing() as conn:
        active = [_account(row) for row in conn.execute(select(accounts).where(accounts.c.name == name))]
        if any(account.state(at) == "active" for account in active):
            raise AccountError("exists", name=name)
        values = {
            "name": name,
            "role": role.value,
            "token_sha256": token_hash(token),
            "created_at": to_iso(at),
            "expires_at": to_iso(at + timedelta(days=valid_days)),
            "revoked_at": None,
        }
        new_id = conn.execute(insert(accounts).values(**values)).inserted_primary_key[0]
    return Account(id=new_id, **{**values, "role": role}), token


def list_accounts(database: Database) -> list[Account]:
    with database.reading() as conn:
        return [_account(row) for row in conn.execute(select(accounts).order_by(accounts.c.id))]


def revoke_account(database: Database, name: str, *, at: datetime | None = None) -> int:
    """Revoke every token of ``name`` not yet revoked; returns how many."""
    stamp = to_iso(at or now())
    with database.writing() as conn:
        result = conn.execute(
            update(accounts)
            .where(accounts.c.name == name.strip(), accounts.c.revoked_at.is_(None))
            .values(revoked_at=stamp)
        )
    if result.rowcount == 0:
        raise AccountError("unknown", name=name)
    return result.rowcount


def account_for_token(database: Database, token: str) -> Account | None:
    with database.reading() as conn:
        row = conn.execute(select(accounts).where(accounts.c.token_sha256 == token_hash(token))).first()
    return _account(row) if row else None


# -- passwords for the web console -------------------------------------------------------------

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
SCRYPT_LOG2_N = 15
"""scrypt's cost N = 2**15 with r = 8: 32 MiB and some 50-100 ms a try on an office server."""
SCRYPT_R = 8
SCRYPT_P = 1


def _scrypt(password: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    memory = 128 * r * (2**log2_n) * 2  # twice what scrypt needs, under OpenSSL's ceiling
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=2**log2_n, r=r, p=p, maxmem=memory, dklen=32)


def hash_password(password: str) -> str:
    """``scrypt$log2(N)$r$p$salt$hash`` (base64): everything needed to check it again."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
    encoded = [base64.b64encode(part).decode("ascii") for part in (salt, digest)]
    return "$".join(["scrypt", str(SCRYPT_LOG2_N), str(SCRYPT_R), str(SCRYPT_P), *encoded])


def password_matches(password: str, stored: str | None) -> bool:
    """True when ``password`` hashes to ``stored``; a missing or unreadable hash matches nothing
    (and still costs one hash, so that a name without a password cannot be told by the time)."""
    try:
        scheme, log2_n, r, p, salt, digest = (stored or "").split("$")
        if scheme != "scrypt":
            raise ValueError(scheme)
        expected = base64.b64decode(digest)
        computed = _scrypt(password, base64.b64decode(salt), int(log2_n), int(r), int(p))
    except ValueError:
        _scrypt(password, b"\0" * 16, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
        return False
    return hmac.compare_digest(expected, computed)


def set_password(database: Database, name: str, password: str, *, at: datetime | None = None) -> int:
    """Give the active account named ``name`` a web-console password; returns how many were set."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise AccountError("bad_password", minimum=MIN_PASSWORD_LENGTH, maximum=MAX_PASSWORD_LENGTH)
    moment = at or now()
    hashed = hash_password(password)
    with database.writing() as conn:
        rows = [_account(row) for row in conn.execute(select(accounts).where(accounts.c.name == name.strip()))]
        active = [account.id for account in rows if account.state(moment) == "active"]
        if not active:
            raise AccountError("unknown", name=name)
        conn.execute(update(accounts).where(accounts.c.id.in_(active)).values(password_hash=hashed))
    return len(active)


def account_for_password(database: Database, name: str, password: str, *, at: datetime | None = None) -> Account | None:
    """The active account ``name`` whose password this is, or None (whatever the reason: the
    caller learns no more than "not signed in")."""
    moment = at or now()
    with database.reading() as conn:
        rows = [_account(row) for row in conn.execute(select(accounts).where(accounts.c.name == name.strip()))]
    account = next((row for row in rows if row.state(moment) == "active" and row.password_hash), None)
    if not password_matches(password, account.password_hash if account else None):
        return None
    return account


def account_by_id(database: Database, account_id: int) -> Account | None:
    with database.reading() as conn:
        row = conn.execute(select(accounts).where(accounts.c.id == account_id)).first()
    return _account(row) if row else None
