"""Fixtures of the web console's tests: a bureau on loopback holding a synced demo laptop's
visits, with staff accounts that have passwords, and a browser-like client to sign in with."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from inspector.server.accounts import Role, add_account, set_password
from tests.server.conftest import bureau, database_url, demo_template, laptop, postgres_cluster  # noqa: F401 (fixtures)
from tests.server.harness import Bureau, listening_bureau
from tests.server.test_crashes import _sync

PASSWORD = "correct-horse-battery"
STAFF = {"admin": ("局办公室", Role.ADMIN), "viewer": ("局长", Role.VIEWER), "lead": ("lead-user", Role.LEAD)}
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class County:
    """A bureau with the demo's visits, and the names of its staff (by role) who have passwords."""

    bureau: Bureau
    names: dict[str, str]

    @property
    def url(self) -> str:
        return self.bureau.url


def _staffed(server: Bureau) -> dict[str, str]:
    names = {}
    for role, (name, kind) in STAFF.items():
        if kind is not Role.LEAD:  # the harness enrolled the team lead already
            add_account(server.database, name, kind)
        set_password(server.database, name, PASSWORD)
        names[role] = name
    return names


@pytest.fixture
def county(tmp_path: Path, database_url: str | None, laptop: Callable[..., Path]) -> Iterator[County]:  # noqa: F811
    """On each engine: a bureau that received the demo laptop's visits, photos and events."""
    with listening_bureau(tmp_path / "bureau", database_url=database_url) as server:
        assert _sync(laptop("a"), server.url, server.tokens["lead"]) == "synced"
        yield County(server, _staffed(server))


def csrf_of(page: str) -> str:
    found = CSRF_FIELD.search(page)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def sign_in(url: str, name: str, password: str = PASSWORD) -> tuple[httpx.Client, httpx.Response]:
    """A client holding cookies, as a browser does, after posting the sign-in form."""
    client = httpx.Client(base_url=url, timeout=30)
    form = client.get("/web/signin")
    answer = client.post(
        "/web/signin", data={"csrf": csrf_of(form.text), "name": name, "password": password, "next": "/web/board"}
    )
    return client, answer
