"""Staff passwords: hashed with scrypt, set from standard input by ``server users passwd``, added to
an existing database by a migration; and the read-only role."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from inspector.core.clock import to_iso
from inspector.server.accounts import (
    Role,
    account_for_password,
    add_account,
    hash_password,
    password_matches,
    revoke_account,
    set_password,
)
from inspector.server.db import MIGRATIONS, Database, accounts, migrate, sqlite_url
from tests.conftest import DEMO_TODAY
from tests.server.harness import Bureau


def test_a_password_hash_keeps_its_parameters_and_matches_only_its_password() -> None:
    stored = hash_password("长城-correct-horse")
    scheme, log2_n, r, p, salt, digest = stored.split("$")
    assert (scheme, int(log2_n), int(r), int(p)) == ("scrypt", 15, 8, 1)
    assert (len(base64.b64decode(salt)), len(base64.b64decode(digest))) == (16, 32)
    assert password_matches("长城-correct-horse", stored)
    assert not password_matches("长城-correct-hors", stored)
    assert hash_password("长城-correct-horse") != stored  # a new salt each time
    for unreadable in (None, "", "md5$x", "scrypt$15$8$1$!!$!!", "scrypt$a$b$c$d$e"):
        assert not password_matches("anything", unreadable)


def test_passwd_reads_the_password_from_standard_input(
    run_cli: Callable, bureau: Bureau, monkeypatch: pytest.MonkeyPatch
) -> None:
    added = run_cli(*bureau.server_cli("users", "add", "局长", "--role", "viewer"))
    assert added.code == 0 and "只读" in added.out
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-secret-1\n"))
    done = run_cli(*bureau.server_cli("users", "passwd", "局长"))
    assert done.code == 0 and "局长" in done.out and "a-long-secret-1" not in done.out
    account = account_for_password(bureau.database, "局长", "a-long-secret-1")
    assert account is not None and account.role is Role.VIEWER
    with bureau.database.reading() as conn:
        stored = conn.execute(select(accounts.c.password_hash).where(accounts.c.name == "局长")).scalar_one()
    assert stored.startswith("scrypt$") and "a-long-secret-1" not in stored

    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    refused = run_cli(*bureau.server_cli("users", "passwd", "局长"))
    assert refused.code == 1 and "10" in refused.err
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-secret-2\n"))
    unknown = run_cli(*bureau.server_cli("users", "passwd", "nobody"))
    assert unknown.code == 1 and "nobody" in unknown.err

    revoke_account(bureau.database, "局长")
    assert account_for_password(bureau.database, "局长", "a-long-secret-1") is None


def test_an_account_without_a_password_cannot_sign_in(bureau: Bureau) -> None:
    add_account(bureau.database, "办公室", Role.ADMIN)
    assert account_for_password(bureau.database, "办公室", "") is None
    assert account_for_password(bureau.database, "办公室", "anything at all") is None


def test_the_migration_adds_passwords_to_an_existing_database(tmp_path: Path) -> None:
    """A database from before the console: its accounts lack the column and the console's tables are
    missing. The step adds them, keeps the accounts, and does nothing when run again."""
    database = Database(sqlite_url(tmp_path / "old.sqlite3"))
    migrate(database, applied_at=to_iso(DEMO_TODAY))
    step = next(migration for migration in MIGRATIONS if migration.__name__ == "_add_web_console")
    with database.writing() as conn:
        conn.execute(text("ALTER TABLE accounts DROP COLUMN password_hash"))
        conn.execute(text("DROP TABLE web_sessions"))
        conn.execute(
            text(
                "INSERT INTO accounts (name, role, token_sha256, created_at, expires_at) VALUES "
                "('老账号', 'admin', 'x', '2026-01-01T00:00:00+08:00', '2027-01-01T00:00:00+08:00')"
            )
        )
    for _ in range(2):
        with database.writing() as conn:
            step(conn)
    with database.reading() as conn:
        columns = {column["name"] for column in inspect(conn).get_columns("accounts")}
        tables = set(inspect(conn).get_table_names())
    assert "password_hash" in columns and "web_sessions" in tables
    set_password(database, "老账号", "a-long-secret-3", at=DEMO_TODAY)
    assert account_for_password(database, "老账号", "a-long-secret-3", at=DEMO_TODAY) is not None
    database.dispose()
