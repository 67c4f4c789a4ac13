"""Back up and restore the server's database, on either engine.

- SQLite: sqlite3's online backup, a consistent copy taken while the server keeps running; a
  restore copies the backup back page by page, in one go.
- PostgreSQL: ``pg_dump`` in its custom format, and ``pg_restore --clean`` in one transaction,
  so a restore that fails half-way leaves the database as it was.

A restore starts a new epoch of the database (``db.server_epoch``): the laptops see it at their
next sync and send again what the server acknowledged after the backup, which it has forgotten.

The photos are files under their SHA-256, never changed once written: the photos folder is backed
up by copying it as it is (any order, any time, even while the server runs).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from inspector.core.clock import now, to_iso
from inspector.server.db import Database, engine_url, migrate, start_new_epoch

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
POSTGRES_BIN_GLOB = "usr/lib/postgresql/*/bin"
"""Where Debian puts pg_dump and pg_restore (one folder per version) when they are not on PATH."""


class BackupError(Exception):
    """``code`` is a message key under ``server.backup.``."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params = params


def backup(url: str, target: Path) -> None:
    """Write a backup of the database at ``url`` to ``target`` (replaced only once it is whole)."""
    target = Path(target)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    if _engine(url) == "sqlite":
        with closing(_sqlite(url, must_exist=True)) as source, closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)
    else:
        _run_tool("pg_dump", "--format=custom", "--no-owner", f"--file={partial}", _libpq_url(url))
    partial.replace(target)


def restore(url: str, source: Path) -> None:
    """Replace everything in the database at ``url`` by the backup ``source``."""
    source = Path(source)
    try:
        head = source.read_bytes()[:16] if source.is_file() else b""
    except OSError as error:
        raise BackupError("unreadable", path=source, reason=error.strerror or str(error)) from None
    engine = _engine(url)
    expected = SQLITE_MAGIC if engine == "sqlite" else PG_DUMP_MAGIC
    if not head.startswith(expected):
        raise BackupError("not_a_backup", path=source, engine=engine)
    _replace_database(engine, url, source)
    # a new life of the database: laptops that were told "stored" after the backup send again
    database = Database(url)
    try:
        migrate(database, applied_at=to_iso(now()))
        start_new_epoch(database)
    finally:
        database.dispose()


def _replace_database(engine: str, url: str, source: Path) -> None:
    if engine == "sqlite":
        with closing(sqlite3.connect(source)) as backup_copy:
            tables = {row[0] for row in backup_copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "schema_version" not in tables:
                raise BackupError("not_a_backup", path=source, engine=engine)
            with closing(_sqlite(url, must_exist=False)) as database:
                backup_copy.backup(database)
    else:
        pg_url = _libpq_url(url)
        _run_tool(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={pg_url}",
            str(source),
        )


def _engine(url: str) -> str:
    name = make_url(engine_url(url)).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError("engine_unsupported", engine=name)
    return name


def _sqlite(url: str, *, must_exist: bool) -> sqlite3.Connection:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("engine_unsupported", engine="sqlite (memory)")
    if must_exist and not Path(database).is_file():
        raise BackupError("no_database", path=database)
    return sqlite3.connect(database)


def _libpq_url(url: str) -> str:
    """The URL as pg_dump and pg_restore read it (no SQLAlchemy driver name)."""
    return make_url(engine_url(url)).set(drivername="postgresql").render_as_string(hide_password=False)


def postgres_tool(name: str) -> str | None:
    """A PostgreSQL program: on PATH, else Debian's newest /usr/lib/postgresql/<version>/bin."""
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/").glob(POSTGRES_BIN_GLOB), reverse=True):
        if (folder / name).is_file():
            return str(folder / name)
    return None


def _run_tool(name: str, *arguments: str) -> None:
    tool = postgres_tool(name)
    if tool is None:
        raise BackupError("tool_missing", tool=name)
    done = subprocess.run([tool, *arguments], capture_output=True, text=True, encoding="utf-8", check=False)
    if done.returncode:
        raise BackupError("tool_failed", tool=name, reason=(done.stderr or done.stdout).strip()[-500:])
