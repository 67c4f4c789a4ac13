"""The server and the sync client are adapters that know the core, never each other; the sync
service imports no HTTP library; the database schema migrates forward and refuses a newer one."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import insert

from inspector.server.db import SCHEMA_VERSION, Database, NewerSchema, migrate, schema_version, sqlite_url
from tests.test_layers import modules_after


def test_the_server_and_the_client_do_not_import_each_other() -> None:
    server = modules_after("import inspector.server.app, inspector.server.openapi")
    client = modules_after("import inspector.sync.client")
    assert not [name for name in server if name.startswith("inspector.sync")]
    assert not [name for name in client if name.startswith("inspector.server")]


def test_the_sync_service_imports_no_http_library() -> None:
    loaded = modules_after("import inspector.services.sync")
    assert not {"httpx", "starlette", "sqlalchemy", "stamina"} & loaded


def test_migrations_run_once_and_a_newer_schema_is_refused(tmp_path: Path) -> None:
    database = Database(sqlite_url(tmp_path / "b.sqlite3"))
    assert migrate(database, applied_at="2026-11-28T10:00:00+08:00") == SCHEMA_VERSION
    assert migrate(database, applied_at="2026-11-28T10:00:00+08:00") == SCHEMA_VERSION
    with database.writing() as conn:
        conn.execute(insert(schema_version).values(version=SCHEMA_VERSION + 1, applied_at="later"))
    with pytest.raises(NewerSchema):
        migrate(database, applied_at="2026-11-28T10:00:00+08:00")
    database.dispose()


def test_sqlite_runs_in_wal_with_full_sync(tmp_path: Path) -> None:
    database = Database(sqlite_url(tmp_path / "b.sqlite3"))
    with database.reading() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    database.dispose()
