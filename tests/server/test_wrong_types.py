"""Every field of what the server reads, replaced by a value of the wrong type: a 4xx, never a 5xx."""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from inspector.core.canonical import canonical_bytes
from inspector.services.checklists import builtin_checklists
from tests.server.harness import Bureau, make_bureau
from tests.server.invariants import local_versions

WRONG = (5, None, [], {}, "x", True)


@pytest.fixture
def direct(tmp_path: Path) -> Iterator[tuple[Bureau, TestClient]]:
    made = make_bureau(tmp_path / "bureau")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client = TestClient(made.app)  # raises what the app raises: a 5xx fails here
    yield made, client
    made.database.dispose()


def variants(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for key in document:
        for value in WRONG:
            yield {**document, key: value}


def assert_refused(status: int) -> None:
    assert 400 <= status < 500 or status in (200, 201)


def test_wrong_types_in_a_checklist(direct: tuple[Bureau, TestClient]) -> None:
    bureau, client = direct
    headers = {"Authorization": f"Bearer {bureau.tokens['admin']}"}
    checklist = builtin_checklists()[0].to_dict()
    item = checklist["items"][0]
    documents = [*variants(checklist), *({**checklist, "items": [bad]} for bad in variants(item))]
    for document in documents:
        response = client.put("/api/v1/checklists/x/1", content=json.dumps(document), headers=headers)
        assert_refused(response.status_code)


def test_wrong_types_in_the_register_and_events(direct: tuple[Bureau, TestClient]) -> None:
    bureau, client = direct
    admin = {"Authorization": f"Bearer {bureau.tokens['admin']}"}
    site = {"id": "A1", "kind": "township", "township": "让河乡", "name": "让河乡民政所", "phone": "", "features": []}
    for bad in variants(site):
        assert_refused(client.put("/api/v1/register", content=json.dumps({"sites": [bad]}), headers=admin).status_code)
    event = {"id": "e1", "rectification_id": "r1", "kind": "closed", "evidence": [], "payload": {}}
    for bad in variants(event):
        assert_refused(client.put("/api/v1/events/e1", content=json.dumps(bad), headers=admin).status_code)


def test_wrong_types_in_a_visit(direct: tuple[Bureau, TestClient], laptop: Callable[..., Path]) -> None:
    bureau, client = direct
    headers = {"Authorization": f"Bearer {bureau.tokens['lead']}"}
    root = laptop("a")
    (uuid, version), data = next(iter(local_versions(root).items()))
    visit = json.loads(data)
    site = visit["site"]
    bad_visits = [*variants(visit), *({**visit, "site": bad} for bad in variants(site))]
    bad_visits += [{**visit, "amendments": [bad]} for bad in WRONG]
    bad_visits += [{**visit, "answer_log": [{"evidence": bad}]} for bad in WRONG]
    for start in range(0, len(bad_visits), 100):
        chunk = bad_visits[start : start + 100]
        items = [
            {"uuid": uuid, "version": version, "sha256": hashlib.sha256(canonical_bytes(bad)).hexdigest(), "visit": bad}
            for bad in chunk
        ]
        response = client.post("/api/v1/visits", content=json.dumps({"visits": items}), headers=headers)
        assert response.status_code == 200
        assert all(400 <= result["status"] < 500 for result in response.json()["results"])
    for bad in bad_visits[:40]:
        body = canonical_bytes(bad)
        assert_refused(client.put(f"/api/v1/visits/{uuid}/{version}", content=body, headers=headers).status_code)
