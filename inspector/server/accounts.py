"""Enrolment: who may call the server, with which role. Only a token's SHA-256 is ever stored.

A token is 256 random bits shown once, when the account is made; the server keeps its hash,
an expiry and, once revoked, the moment of revocation. Identity comes from the token alone.
"""

from __future__ import annotations

import hashlib
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
