"""Back up and restore the server's database, on either engine.

- SQLite: sqlite3's online backup, a consistent copy taken while the server keeps running; a
  restore copies the backup into a new file, checks and migrates it there, then copies it over
  the live database in one transaction.
- PostgreSQL: ``pg_dump`` in its custom format; a restore reads the archive's contents and schema
  version first, then runs ``pg_restore --clean`` in one transaction.

Either way a restore that fails, at any step, leaves the live database exactly as it was.

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
from inspector.server.db import SCHEMA_VERSION, Database, engine_url, migrate, sqlite_url, start_new_epoch

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
        with closing(_existing_sqlite(url)) as source, closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)
    else:
        _run_tool("pg_dump", "--format=custom", "--no-owner", f"--file={partial}", _libpq_url(url))
    partial.replace(target)


def restore(url: str, source: Path) -> None:
    """Replace everything in the database at ``url`` by the backup ``source``.

    The backup is checked whole (its format, its integrity, its schema version) before the live
    database is touched, and it replaces the live database in one transaction: whatever fails,
    the live database is exactly as it was, and the ``BackupError`` says why.
    """
    source = Path(source)
    try:
        head = source.read_bytes()[:16] if source.is_file() else b""
    except OSError as error:
        raise BackupError("unreadable", path=source, reason=error.strerror or str(error)) from None
    engine = _engine(url)
    expected = SQLITE_MAGIC if engine == "sqlite" else PG_DUMP_MAGIC
    if not head.startswith(expected):
        raise BackupError("not_a_backup", path=source, engine=engine)
    if engine == "sqlite":
        _restore_sqlite(url, source)
    else:
        _restore_postgres(url, source)


def _restore_sqlite(url: str, source: Path) -> None:
    """Restore into a new file beside the live one, check and migrate it there, then swap it in.

    The swap is SQLite's online backup in one step, one transaction of the live database: a file
    rename would leave the live database's write-ahead log to be replayed over the new file (and
    cannot replace a file that anything holds open on Windows).
    """
    live = _sqlite_path(url)
    staging = live.with_name(live.name + ".restoring")
    _remove_sqlite_files(staging)
    try:
        try:
            with closing(sqlite3.connect(source)) as backup_copy, closing(sqlite3.connect(staging)) as copy:
                backup_copy.backup(copy)
            with closing(sqlite3.connect(staging)) as copy:
                _check_sqlite(copy, source)
            _begin_new_life(sqlite_url(staging))
        except sqlite3.DatabaseError as error:
            raise BackupError("damaged", path=source, reason=str(error)) from None
        try:
            with closing(sqlite3.connect(staging)) as checked, closing(sqlite3.connect(live)) as database:
                checked.backup(database)
        except sqlite3.Error as error:  # the live database, busy (a server still running) or unwritable
            raise BackupError("live_unwritable", path=live, reason=str(error)) from None
    finally:
        _remove_sqlite_files(staging)


def _check_sqlite(copy: sqlite3.Connection, source: Path) -> None:
    problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise BackupError("damaged", path=source, reason="; ".join(problems[:3]))
    tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "schema_version" not in tables:
        raise BackupError("not_a_backup", path=source, engine="sqlite")
    _check_schema_version(copy.execute("SELECT max(version) FROM schema_version").fetchone()[0], source)


def _check_schema_version(found: int | None, source: Path) -> None:
    if found is not None and found > SCHEMA_VERSION:
        raise BackupError("newer_schema", path=source, found=found, supported=SCHEMA_VERSION)


def _begin_new_life(url: str) -> None:
    """Bring the restored schema up to date and start a new epoch (see the module's docstring)."""
    database = Database(url)
    try:
        migrate(database, applied_at=to_iso(now()))
        start_new_epoch(database)
    finally:
        database.dispose()


def _remove_sqlite_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _restore_postgres(url: str, source: Path) -> None:
    """Read the archive's table of contents and its schema version first; restore in one transaction.

    ``pg_restore --single-transaction`` stops at the first error and rolls everything back, so a
    damaged archive leaves the live database as it was.
    """
    _run_tool("pg_restore", "--list", str(source))
    schema_rows = _run_tool("pg_restore", "--data-only", "--table=schema_version", "--file=-", str(source))
    _check_schema_version(max(_copied_versions(schema_rows), default=None), source)
    _run_tool(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        f"--dbname={_libpq_url(url)}",
        str(source),
    )
    _begin_new_life(url)


def _copied_versions(script: str) -> list[int]:
    """The versions in the ``COPY schema_version … FROM stdin`` block of a data-only script."""
    versions: list[int] = []
    inside = False
    for line in script.splitlines():
        if line.startswith("COPY ") and "schema_version" in line:
            inside = True
        elif inside and line == "\\.":
            break
        elif inside and line.split("\t", 1)[0].isdigit():
            versions.append(int(line.split("\t", 1)[0]))
    return versions


def _engine(url: str) -> str:
    name = make_url(engine_url(url)).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError("engine_unsupported", engine=name)
    return name


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("engine_unsupported", engine="sqlite (memory)")
    return Path(database)


def _existing_sqlite(url: str) -> sqlite3.Connection:
    database = _sqlite_path(url)
    if not database.is_file():
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


def _run_tool(name: str, *arguments: str) -> str:
    """Run a PostgreSQL program; returns what it printed."""
    tool = postgres_tool(name)
    if tool is None:
        raise BackupError("tool_missing", tool=name)
    done = subprocess.run([tool, *arguments], capture_output=True, text=True, encoding="utf-8", check=False)
    if done.returncode:
        raise BackupError("tool_failed", tool=name, reason=(done.stderr or done.stdout).strip()[-500:])
    return done.stdout
