"""kill -9 of the server, and of the client, in the middle of a sync; after a restart nothing is
lost and nothing is doubled."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from inspector.server.accounts import Role, add_account
from inspector.server.db import Database, migrate, sqlite_url
from inspector.services import sync as sync_service
from inspector.store.store import Store
from inspector.sync.client import BureauClient
from inspector.sync.errors import SyncError
from tests.server.fault_proxy import FaultProxy
from tests.server.harness import FAST_RETRY, FAST_TIMEOUT, Bureau, ServerProcess, free_port, wait_until
from tests.server.invariants import check_invariants, local_versions

SEEDS = (1, 2, 3)


def enrol_lead(server_dir: Path, database_url: str) -> str:
    server_dir.mkdir(parents=True, exist_ok=True)
    database = Database(database_url)
    migrate(database, applied_at="2026-11-28T10:00:00+08:00")
    _, token = add_account(database, "组长", Role.LEAD)
    database.dispose()
    return token


def kill_when(proxy: FaultProxy, threshold: int, kill: Callable[[], None], done: threading.Event) -> threading.Thread:
    def watch() -> None:
        wait_until(lambda: proxy.bytes_up >= threshold or done.is_set(), what="upload traffic", seconds=60)
        kill()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def _sync(root: Path, url: str, token: str) -> str:
    with Store.open(root) as store, BureauClient(url, token, retry=FAST_RETRY, timeout=FAST_TIMEOUT) as client:
        try:
            sync_service.sync(store, client)
        except SyncError as error:
            return error.code
    return "synced"


@pytest.mark.parametrize("seed", SEEDS)
def test_kill_9_of_the_server_mid_sync(
    seed: int, laptop: Callable[..., Path], tmp_path: Path, database_url: str | None
) -> None:
    server_dir = tmp_path / "server"
    url = database_url or sqlite_url(server_dir / "bureau.sqlite3")
    token = enrol_lead(server_dir, url)
    root = laptop("a")
    total = sum(len(data) for data in local_versions(root).values())
    threshold = random.Random(seed).randrange(total)
    server = ServerProcess(server_dir, free_port(), tmp_path / "server.log", ("--db", url)).start()
    done = threading.Event()
    try:
        with FaultProxy(server.port) as proxy:
            watcher = kill_when(proxy, threshold, server.kill, done)
            outcome = _sync(root, proxy.url, token)
            done.set()
            watcher.join(10)
        # the kill may land after the last answer: then the first run ends "synced" all the same
        assert outcome in {"offline", "timeout", "server_error", "synced"}
        assert server.process is not None and server.process.poll() == -signal.SIGKILL
        server.start()
        assert _sync(root, server.url, token) == "synced"
    finally:
        server.kill()
    database = Database(url)
    check_invariants(database, server_dir / "photos", [root])
    database.dispose()
    assert token not in (tmp_path / "server.log").read_text(encoding="utf-8")


@pytest.mark.parametrize("seed", SEEDS)
def test_kill_9_of_the_client_mid_sync(seed: int, bureau: Bureau, laptop: Callable[..., Path], tmp_path: Path) -> None:
    root = laptop("a")
    total = sum(len(data) for data in local_versions(root).values())
    threshold = random.Random(seed).randrange(total)
    with FaultProxy(int(bureau.url.rsplit(":", 1)[1])) as proxy:
        with Store.open(root) as store, bureau.client() as client:
            sync_service.login(store, client, proxy.url, bureau.tokens["lead"], None)
        command = [sys.executable, "-m", "inspector", "--data-dir", str(root), "sync"]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        done = threading.Event()
        watcher = kill_when(proxy, threshold, lambda: os.kill(process.pid, signal.SIGKILL), done)
        process.wait(60)
        done.set()
        watcher.join(10)
        assert process.returncode == -signal.SIGKILL
    assert _sync(root, bureau.url, bureau.tokens["lead"]) == "synced"
    check_invariants(bureau.database, bureau.config.photo_dir, [root])
