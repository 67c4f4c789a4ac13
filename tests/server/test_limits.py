"""Limits: failed authentication is slowed down per client address; a full disk is a 507 with a
stable code, which the laptop says in its own words."""

from __future__ import annotations

import errno
import hashlib
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy.exc import OperationalError

from inspector.i18n import set_language
from inspector.i18n.sync_text import sync_error_text
from inspector.server.db import Database
from inspector.server.records import PhotoFolder
from inspector.services import sync as sync_service
from inspector.store.store import Store
from inspector.sync.errors import SyncError
from tests.server.harness import Bureau, ThreadServer, make_bureau


def test_failed_authentication_is_rate_limited_per_address(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    bureau = make_bureau(tmp_path / "bureau", failed_auth_burst=5, failed_auth_per_second=0.01)
    server = ThreadServer(bureau.app).start()
    try:
        with httpx.Client(base_url=f"{server.url}/api/v1") as http, caplog.at_level(logging.WARNING):
            answers = [http.get("/feed", headers={"Authorization": f"Bearer guess-{n}"}) for n in range(8)]
            valid = http.get("/feed", headers={"Authorization": f"Bearer {bureau.tokens['lead']}"})
        assert [answer.status_code for answer in answers] == [401] * 5 + [429] * 3
        assert int(answers[-1].headers["Retry-After"]) >= 1
        assert answers[-1].json()["error"] == "rate_limited"
        # while the address waits, nothing from it is looked at, a right token neither (a guesser learns nothing)
        assert valid.status_code == 429
        assert "too many failed authentications from 127.0.0.1" in caplog.text
    finally:
        server.stop()
        bureau.database.dispose()


def _disk_full(*_args: object, **_kwargs: object) -> None:
    raise OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))


def _no_space(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_is_507_and_the_laptop_says_so(
    bureau: Bureau, laptop: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = laptop("a")
    monkeypatch.setattr(PhotoFolder, "commit", _no_space)
    with bureau.client() as client:
        answer = client._http.put("/api/v1/photos/" + hashlib.sha256(b"x").hexdigest(), content=b"x")
        assert (answer.status_code, answer.json()["error"]) == (507, "storage_full")
        monkeypatch.setattr(Database, "write_together", _disk_full)
        with Store.open(root) as store, pytest.raises(SyncError) as raised:
            sync_service.sync(store, client)
    assert raised.value.code == "storage_full"
    set_language("zh")
    assert "服务器存储空间不足" in sync_error_text(raised.value)
