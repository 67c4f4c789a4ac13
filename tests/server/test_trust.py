"""Knowing the real server: TLS with the county's own CA, and captive portals that answer 200."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from inspector.sync.client import BureauClient
from inspector.sync.errors import SyncError
from tests.server.certificates import make_county_ca
from tests.server.harness import FAST_RETRY, Bureau, ThreadServer, make_bureau


@pytest.fixture
def tls_bureau(tmp_path: Path) -> Iterator[tuple[Bureau, Path]]:
    ca, cert, key = make_county_ca(tmp_path / "pki")
    made = make_bureau(tmp_path / "bureau")
    server = ThreadServer(made.app, ssl_certfile=cert, ssl_keyfile=key).start()
    made.url = server.url
    yield made, ca
    server.stop()
    made.database.dispose()


def test_tls_works_with_the_county_ca(tls_bureau: tuple[Bureau, Path]) -> None:
    bureau, ca = tls_bureau
    assert bureau.url.startswith("https://")
    with bureau.client(ca_file=ca) as client:
        assert client.hello().role == "lead"


def test_tls_is_refused_without_the_county_ca(tls_bureau: tuple[Bureau, Path]) -> None:
    bureau, _ = tls_bureau
    with bureau.client() as client, pytest.raises(SyncError) as raised:
        client.hello()
    assert raised.value.code == "cert_untrusted"


def portal_app(answer: str) -> Starlette:
    """What a township's Wi-Fi may answer instead of the server."""

    async def anything(request: Request) -> Response:
        if answer == "login_page":
            return HTMLResponse("<html><body>请先登录 Wi-Fi</body></html>")
        if answer == "redirect":
            return RedirectResponse("http://portal.example/login", status_code=302)
        # an impostor that copies the server's mark but cannot prove it knows the token
        return JSONResponse(
            {"service": "inspector-bureau", "api": 1, "proof": "0" * 64, "role": "lead"},
            headers={"Inspector-Server": "inspector-bureau/1"},
        )

    return Starlette(routes=[Route("/{path:path}", anything, methods=["GET", "HEAD", "PUT"])])


@pytest.mark.parametrize("answer", ["login_page", "redirect", "impostor"])
def test_a_captive_portal_is_not_taken_for_the_server(answer: str) -> None:
    server = ThreadServer(portal_app(answer)).start()
    try:
        with BureauClient(server.url, "some-token", retry=FAST_RETRY) as client, pytest.raises(SyncError) as raised:
            client.hello()
    finally:
        server.stop()
    assert raised.value.code == "unknown_server"


def test_nothing_listening_is_offline() -> None:
    from tests.server.harness import free_port

    with (
        BureauClient(f"http://127.0.0.1:{free_port()}", "t", retry=FAST_RETRY) as client,
        pytest.raises(SyncError) as raised,
    ):
        client.hello()
    assert raised.value.code == "offline"


def test_each_retry_is_announced_while_asked_and_stamina_is_left_as_it_was() -> None:
    from stamina.instrumentation import get_on_retry_hooks

    from inspector.services.sync import retries_announced
    from tests.server.harness import free_port

    before = get_on_retry_hooks()
    announced: list[tuple[int, float]] = []
    with (
        retries_announced(lambda attempt, wait: announced.append((attempt, wait))),
        BureauClient(f"http://127.0.0.1:{free_port()}", "t", retry=FAST_RETRY) as client,
        pytest.raises(SyncError),
    ):
        client.hello()
    assert [attempt for attempt, _ in announced] == list(range(1, FAST_RETRY.attempts))
    assert all(wait >= 0 for _, wait in announced)
    assert get_on_retry_hooks() == before
