"""A throwaway PostgreSQL cluster for the server tests: initdb in a temp dir, a free loopback port.

Debian's packages put the binaries in /usr/lib/postgresql/<version>/bin. initdb refuses to run
as root, so as root the cluster is made and run by the ``postgres`` account. fsync is off: the
tests check what the server does, not what the disk keeps.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

from inspector.server.backup import postgres_tool
from tests.server.harness import free_port


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl; None when PostgreSQL is not installed."""
    initdb = postgres_tool("initdb")
    return Path(initdb).parent if initdb and postgres_tool("pg_ctl") else None


class PostgresCluster:
    """The cluster lives in a temp dir of its own: pytest's are closed to other accounts."""

    def __init__(self, bin_dir: Path, *, durable: bool = False) -> None:
        """``durable``: fsync on, as a production server runs (the benchmarks); off for the tests."""
        self.durable = durable
        self.root = Path(tempfile.mkdtemp(prefix="inspector-pg-"))
        self.root.chmod(0o755)
        self.bin_dir = bin_dir
        self.data = self.root / "data"
        self.port = free_port()
        self._names = itertools.count(1)
        self._as_postgres = os.geteuid() == 0 if hasattr(os, "geteuid") else False

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_postgres else []
        done = subprocess.run([*prefix, *command], capture_output=True, text=True, encoding="utf-8", check=False)
        if done.returncode:
            raise RuntimeError(f"{' '.join(command)}: {done.stdout}{done.stderr}")

    def start(self) -> PostgresCluster:
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not self.durable:
            options += " -c fsync=off -c full_page_writes=off"
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-w",
            "-l",
            str(self.root / "log"),
            "start",
        )
        return self

    def stop(self) -> None:
        try:
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def admin_url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A new empty database; its SQLAlchemy URL."""
        name = f"bureau_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.admin_url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"
