"""The API's gate: the auth matrix, revoked and expired tokens, rate limits, body limits answered
before the body is read, uploads that lie about themselves, and tokens kept out of the logs."""

from __future__ import annotations

import json
import logging
import socket
import uuid as uuid_module
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from inspector.core.clock import now
from inspector.server.accounts import Role, add_account, revoke_account
from inspector.server.app import OPERATIONS, Limits, Operation, operation_answers
from inspector.services import sync as sync_service
from inspector.store.store import Store
from inspector.sync.errors import SyncError
from tests.server.harness import Bureau, ThreadServer, make_bureau
from tests.server.invariants import local_versions

SAMPLE_PATH = {
    "{uuid}": "3f1b2c9e-0d4a-4c1e-9b7a-2f6d8e5a1c30",
    "{version}": "1",
    "{sha256}": "0" * 64,
    "{event_id}": "event-1",
    "{checklist_id}": "elderly_care",
}


def request_for(operation: Operation) -> dict:
    path = operation.path
    for name, value in SAMPLE_PATH.items():
        path = path.replace(name, value)
    options: dict = {"method": operation.method, "url": path}
    if operation.query:
        options["params"] = {"nonce": "n" * 20} if "nonce" in operation.query else {"since": "0"}
    if operation.max_body:
        options["content"] = b"x" if "octet" in operation.body_type else b"{}"
    return options


@pytest.fixture
def callers(bureau: Bureau) -> dict[str, str | None]:
    past = now() - timedelta(days=3)
    revoked = bureau.enrol("revoked-user", Role.LEAD)
    revoke_account(bureau.database, "revoked-user")
    _, expired = add_account(bureau.database, "expired-user", Role.ADMIN, valid_days=1, at=past)
    return {
        **{role: bureau.tokens[role] for role in ("inspector", "lead", "admin")},
        "none": None,
        "unknown": "x" * 43,
        "revoked": revoked,
        "expired": expired,
    }


REFUSED_CALLERS = {
    "none": "token_missing",
    "unknown": "token_unknown",
    "revoked": "token_revoked",
    "expired": "token_expired",
}


def test_auth_matrix_every_role_on_every_endpoint(bureau: Bureau, callers: dict[str, str | None]) -> None:
    with httpx.Client(base_url=bureau.url) as http:
        for operation in OPERATIONS:
            for caller, token in callers.items():
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                response = http.request(**request_for(operation), headers=headers)
                where = f"{operation.method} {operation.path} as {caller}: {response.status_code}"
                assert response.status_code in operation_answers(operation), where
                if caller in REFUSED_CALLERS:
                    assert response.status_code == 401, where
                    if operation.method != "HEAD":
                        assert response.json()["error"] == REFUSED_CALLERS[caller], where
                elif Role(caller) in operation.roles:
                    assert response.status_code not in (401, 403), where
                else:
                    assert response.status_code == 403, where


def test_identity_comes_from_the_token_not_the_body(bureau: Bureau, laptop: Callable[..., Path]) -> None:
    from sqlalchemy import select

    from inspector.server.db import accounts, visits

    root = laptop("a")
    with Store.open(root) as store, bureau.client() as client:
        sync_service.sync(store, client)
    with bureau.database.reading() as conn:
        uploaders = set(conn.execute(select(visits.c.uploaded_by)).scalars())
        names = set(conn.execute(select(accounts.c.name).where(accounts.c.id.in_(uploaders))).scalars())
    assert names == {"lead-user"}


@pytest.fixture
def small_server(tmp_path: Path) -> Iterator[Bureau]:
    made = make_bureau(
        tmp_path / "small", limits=Limits(visit=1000, photo=1000, event=1000), rate_per_second=0.01, burst=4
    )
    server = ThreadServer(made.app).start()
    made.url = server.url
    yield made
    server.stop()
    made.database.dispose()


def raw_exchange(url: str, head: str, body: bytes = b"") -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(head.encode("ascii") + body)
        return sock.recv(65536)


def test_a_declared_body_too_large_is_refused_before_it_is_sent(small_server: Bureau) -> None:
    head = (
        f"PUT /api/v1/visits/{SAMPLE_PATH['{uuid}']}/1 HTTP/1.1\r\nHost: test\r\n"
        f"Authorization: Bearer {small_server.tokens['lead']}\r\nContent-Length: 900000000\r\n\r\n"
    )
    answer = raw_exchange(small_server.url, head)
    assert answer.startswith(b"HTTP/1.1 413")


def test_a_chunked_body_is_counted_as_it_arrives(small_server: Bureau) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"x" * 500

    with httpx.Client(
        base_url=small_server.url, headers={"Authorization": f"Bearer {small_server.tokens['lead']}"}
    ) as http:
        response = http.put(f"/api/v1/photos/{'0' * 64}", content=chunks())
    assert response.status_code == 413 and response.json()["error"] == "too_large"
    assert not any(small_server.config.photo_dir.rglob("*0000"))


def test_the_rate_limit_is_per_token_and_the_client_gives_up_cleanly(small_server: Bureau) -> None:
    with httpx.Client(base_url=small_server.url) as http:
        nonce = {"nonce": "n" * 20}
        lead = {"Authorization": f"Bearer {small_server.tokens['lead']}"}
        statuses = [http.get("/api/v1/hello", params=nonce, headers=lead).status_code for _ in range(5)]
        assert statuses == [200] * 4 + [429]
        refused = http.get("/api/v1/hello", params=nonce, headers=lead)
        assert int(refused.headers["retry-after"]) >= 1
        admin = {"Authorization": f"Bearer {small_server.tokens['admin']}"}
        assert http.get("/api/v1/hello", params=nonce, headers=admin).status_code == 200
    with small_server.client() as client, pytest.raises(SyncError) as raised:
        client.hello()
    assert raised.value.code == "rate_limited"


def test_a_photo_is_rehashed_on_receipt(bureau: Bureau) -> None:
    data = b"\x89PNG not really"
    wrong = "1" * 64
    with bureau.client() as client:
        http = client._http
        response = http.put(f"/api/v1/photos/{wrong}", content=data)
        assert response.status_code == 422 and response.json()["error"] == "hash_mismatch"
        assert not client.has_photo(wrong)
    assert [p for p in bureau.config.photo_dir.rglob("*") if p.is_file()] == []


def test_a_visit_that_lies_about_itself_is_refused(bureau: Bureau, laptop: Callable[..., Path]) -> None:
    root = laptop("a")
    (uuid, version), data = next(iter(local_versions(root).items()))
    payload = json.loads(data)
    with bureau.client() as client:
        http = client._http
        url = f"/api/v1/visits/{uuid}/{version}"
        pretty = json.dumps(payload, ensure_ascii=False, indent=1).encode()
        assert http.put(url, content=pretty).json()["error"] == "not_canonical"
        tampered = data.replace(payload["lead"].encode(), "冒名".encode())
        assert http.put(url, content=tampered).json()["error"] == "seal_mismatch"
        other = f"/api/v1/visits/{uuid_module.uuid4()}/{version}"
        assert http.put(other, content=data).json()["error"] == "visit_mismatch"
        assert http.put(url, content=b"[1]").json()["error"] == "bad_json"
        answer = http.put(url, content=data)
        if any(answer_["evidence"] for answer_ in payload["answer_log"]):
            assert answer.status_code == 409 and answer.json()["error"] == "photos_missing"


def test_unknown_paths_and_methods_answer_in_json_with_the_mark(bureau: Bureau) -> None:
    with bureau.client("admin") as client:
        http = client._http
        assert http.get("/api/v1/nowhere").json()["error"] == "not_found"
        missing = http.delete("/api/v1/feed")
        assert missing.status_code == 405 and missing.headers["inspector-server"].startswith("inspector-bureau")


def test_tokens_never_reach_the_logs(
    bureau: Bureau, laptop: Callable[..., Path], callers: dict[str, str | None], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    root = laptop("a")
    with Store.open(root) as store, bureau.client() as client:
        sync_service.sync(store, client)
    with httpx.Client(base_url=bureau.url) as http:
        for token in callers.values():
            http.get("/api/v1/feed", headers={"Authorization": f"Bearer {token}"} if token else {})
    assert "/api/v1/visits" in caplog.text and "/api/v1/feed" in caplog.text
    for token in callers.values():
        if token:
            assert token not in caplog.text


def test_a_batch_answers_each_visit_as_a_single_upload_would(bureau: Bureau, laptop: Callable[..., Path]) -> None:
    root = laptop("a")
    versions = list(local_versions(root).items())
    with Store.open(root, readonly=True) as store, bureau.client() as client:
        for path in store.iter_evidence():
            client.put_photo(path.name, path.read_bytes())
        (uuid, version), data = versions[0]
        first = client.upload_visits([(uuid, version, data)])
        tampered = data.replace(json.loads(data)["lead"].encode(), "冒名".encode())
        answers = client.upload_visits(
            [(uuid, version, data), (versions[1][0][0], 1, versions[1][1]), (versions[2][0][0], 1, tampered)]
        )
    assert first[0].created and not answers[0].created
    assert answers[0].record["seq"] == first[0].record["seq"]
    assert answers[1].created
    assert answers[2].code in {"visit_mismatch", "seal_mismatch"}


def test_a_batch_must_be_a_list_of_one_to_a_hundred(bureau: Bureau) -> None:
    with bureau.client() as client:
        http = client._http
        for body, field in ((b'{"visits": []}', "$.visits"), (b'{"visits": [7]}', "$.visits[0]")):
            answer = http.post("/api/v1/visits", content=body)
            assert (answer.status_code, answer.json()["error"], answer.json()["detail"]["field"]) == (
                422,
                "bad_body",
                field,
            )
