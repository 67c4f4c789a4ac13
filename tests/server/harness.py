"""A real server on a loopback port for tests and benchmarks: uvicorn in a thread, or a subprocess."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from inspector.server.accounts import Role, add_account
from inspector.server.app import ServerConfig, create_app
from inspector.server.db import Database, sqlite_url
from inspector.sync.client import BureauClient, RetryPolicy

FAST_RETRY = RetryPolicy(attempts=5, total_seconds=20, wait_initial=0.01, wait_max=0.05, wait_jitter=0.01)
FAST_TIMEOUT = httpx.Timeout(connect=2.0, read=1.0, write=2.0, pool=2.0)


def loopback_socket(port: int = 0) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    return sock


def free_port() -> int:
    with loopback_socket() as sock:
        return sock.getsockname()[1]


class SwappableApp:
    """An ASGI app whose inner app can be replaced between trials (a fresh database per trial)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            return
        await self.app(scope, receive, send)


class ThreadServer:
    """uvicorn serving ``app`` in a thread on a socket bound beforehand (so the port is known),
    with the app's lifespan run as ``inspector serve`` runs it (a county's forwarder)."""

    def __init__(self, app: Any, *, ssl_certfile: Path | None = None, ssl_keyfile: Path | None = None) -> None:
        self.sock = loopback_socket()
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(
            app,
            log_config=None,
            lifespan="auto",
            ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
            ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
            timeout_keep_alive=30,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        scheme = "https" if ssl_certfile else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"

    def start(self) -> ThreadServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


@dataclass
class Bureau:
    """A server's database and folders, its accounts (one per role), and where it listens."""

    root: Path
    config: ServerConfig
    app: Any
    database: Database
    tokens: dict[str, str] = field(default_factory=dict)
    url: str = ""

    def client(self, role: str = "lead", **options: Any) -> BureauClient:
        options.setdefault("retry", FAST_RETRY)
        options.setdefault("timeout", FAST_TIMEOUT)
        return BureauClient(options.pop("url", self.url), self.tokens[role], **options)

    def server_cli(self, *words: str | Path) -> list[str | Path]:
        """``inspector server WORDS`` on this bureau's database (named by ``--db`` when not the data dir's)."""
        database = [] if self.config.database_url.startswith("sqlite") else ["--db", self.config.database_url]
        return ["--data-dir", self.root, "server", *words, *database]

    def enrol(self, name: str, role: Role, **options: Any) -> str:
        _, token = add_account(self.database, name, role, **options)
        return token


def make_bureau(root: Path, *, database_url: str | None = None, **config: Any) -> Bureau:
    """A bureau on ``database_url``, or on a SQLite file in ``root`` (its photos are in ``root`` either way)."""
    root.mkdir(parents=True, exist_ok=True)
    server_config = ServerConfig(
        database_url=database_url or sqlite_url(root / "bureau.sqlite3"), photo_dir=root / "photos", **config
    )
    app = create_app(server_config)
    bureau = Bureau(root, server_config, app, app.state.inspector.database)
    for role in Role:
        bureau.tokens[role.value] = bureau.enrol(f"{role.value}-user", role)
    return bureau


@contextmanager
def listening_bureau(root: Path, *, database_url: str | None = None) -> Iterator[Bureau]:
    """A bureau (see ``make_bureau``) served on a free loopback port while the block runs."""
    made = make_bureau(root, database_url=database_url)
    server = ThreadServer(made.app).start()
    made.url = server.url
    try:
        yield made
    finally:
        server.stop()
        made.database.dispose()


class ServerProcess:
    """``inspector serve`` as a child process, for kill -9."""

    def __init__(
        self, data_dir: Path, port: int, log: Path, arguments: tuple[str, ...] = (), env: dict[str, str] | None = None
    ) -> None:
        self.data_dir = data_dir
        self.port = port
        self.log = log
        self.arguments = arguments
        """More options of ``serve`` (``--forward-to`` …)."""
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"http://127.0.0.1:{port}"

    def start(self) -> ServerProcess:
        command = [sys.executable, "-m", "inspector", "--data-dir", str(self.data_dir), "serve", "--port"]
        with open(self.log, "ab") as log:
            arguments = [*command, str(self.port), "--rate", "10000", *self.arguments]
            self.process = subprocess.Popen(arguments, stdout=log, stderr=log, env=self.env)
        wait_until(self._answers, what="the server process to answer")
        return self

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"the server exited: {self.log.read_text(encoding='utf-8')[-2000:]}")
        try:
            return httpx.get(f"{self.url}/openapi.json", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


def wait_until(condition: Callable[[], bool], *, what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited too long for {what}")
        time.sleep(0.02)
