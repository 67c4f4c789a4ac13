"""Hostile bodies and parameters, on both engines: each is a 4xx naming what is wrong, never a
5xx, and nothing of it is stored. (The issue's list: deep nesting, NaN/Infinity, huge numbers,
lone surrogates, NUL, over-long ids, odd digits, wrong types, unknown fields.)"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from inspector.core.canonical import canonical_bytes
from inspector.server.db import feed, visits
from tests.server.harness import Bureau
from tests.server.invariants import local_versions

EVENT = {
    "id": "e1",
    "rectification_id": "r1",
    "kind": "closed",
    "at": "2026-11-28T16:30:00+08:00",
    "by": "张建国",
    "evidence": [],
    "payload": {},
}


def _event(**changes: object) -> bytes:
    return json.dumps({**EVENT, **changes}, ensure_ascii=False).encode("utf-8")


def _raw_event(fragment: str) -> bytes:
    """An event whose "by" is written as raw JSON text (what json.dumps would never write)."""
    return _event(by="@@").replace(b'"@@"', fragment.encode("utf-8"))


@dataclass(frozen=True)
class Hostile:
    name: str
    method: str
    path: str
    body: bytes | None
    status: int
    mentions: str
    """What the answer must name: a field, a parameter, or the reason's words."""


DEEP = b"[" * 2000 + b"]" * 2000
UUID = "00000000-0000-4000-8000-000000000000"
HOSTILE = [
    Hostile("deep nesting in an event", "PUT", "/events/e1", b'{"id":' + DEEP + b"}", 422, "$.id"),
    Hostile("deep nesting in a visit", "PUT", f"/visits/{UUID}/1", b'{"x":' + DEEP + b"}", 400, "recursion"),
    Hostile("deep nesting in a checklist", "PUT", "/checklists/x/1", b'{"items":' + DEEP + b"}", 400, "recursion"),
    Hostile("NaN", "PUT", "/events/e1", _raw_event("NaN"), 400, "malformed"),
    Hostile("Infinity", "PUT", "/events/e1", _raw_event("Infinity"), 400, "malformed"),
    Hostile(
        "1e400",
        "PUT",
        "/events/e1",
        _event(evidence=[]).replace(b'"evidence": []', b'"evidence": 1e400'),
        422,
        "$.evidence",
    ),
    Hostile("lone surrogate", "PUT", "/events/e1", _raw_event('"\\ud800"'), 400, "$"),
    Hostile("NUL in a text", "PUT", "/events/e1", _raw_event('"a\\u0000b"'), 400, "NUL"),
    Hostile("NUL in an id", "PUT", "/events/e1", _event(id="e\u00001"), 400, "NUL"),
    Hostile("over-long id in the path", "PUT", "/events/" + "e" * 201, _event(id="e" * 201), 400, "event_id"),
    Hostile(
        "over-long rectification id", "PUT", "/events/e1", _event(rectification_id="r" * 201), 422, "$.rectification_id"
    ),
    Hostile("control character in an id", "PUT", "/events/e%01", _event(id="e\u0001"), 400, "event_id"),
    Hostile(
        "a string for a number",
        "PUT",
        "/events/e1",
        _event(evidence=[{"sha256": "a" * 64, "name": "x", "size": "١٢"}]),
        422,
        "$.evidence[0].size",
    ),
    Hostile("a number for a text", "PUT", "/events/e1", _event(by=5), 422, "$.by"),
    Hostile("a list for an object", "PUT", "/events/e1", _event(payload=[]), 422, "$.payload"),
    Hostile("unknown field", "PUT", "/events/e1", _event(evil=True), 422, "$.evil"),
    Hostile("not an object", "PUT", "/events/e1", b"[1]", 400, "$"),
    Hostile("a missing field", "PUT", "/events/e1", b'{"id": "e1"}', 422, "$.rectification_id"),
    Hostile("a line break in the path's id", "PUT", "/events/e%0A1", _event(id="e\n1"), 400, "event_id"),
    Hostile("not UTF-8", "PUT", "/events/e1", b'{"id": "\xff"}', 400, "$"),
    Hostile("a version written ²", "PUT", "/visits/00000000-0000-4000-8000-000000000000/²", b"{}", 400, "version"),
    Hostile("since written ١٢", "GET", "/feed?since=١٢", None, 400, "since"),
    Hostile("limit over the page", "GET", "/feed?limit=501", None, 400, "limit"),
    Hostile("since of 19 digits", "GET", "/feed?since=1000000000000000000", None, 400, "since"),
    Hostile("a NaN in the register", "PUT", "/register", b'{"sites": [NaN]}', 400, "malformed"),
    Hostile(
        "batch version as text", "POST", "/visits", b'{"visits": [{"uuid": "x", "version": "1"}]}', 422, "$.visits[0]"
    ),
    Hostile(
        "batch version 1.0",
        "POST",
        "/visits",
        b'{"visits": [{"uuid": "00000000-0000-4000-8000-000000000000", "version": 1.0, "sha256": "'
        + b"a" * 64
        + b'", "visit": {}}]}',
        422,
        "$.visits[0].version",
    ),
]


def _stored_counts(bureau: Bureau) -> tuple[int, int]:
    with bureau.database.reading() as conn:
        return (
            conn.execute(select(func.count()).select_from(visits)).scalar_one(),
            conn.execute(select(func.count()).select_from(feed)).scalar_one(),
        )


def test_every_hostile_body_is_a_4xx_naming_what_is_wrong(bureau: Bureau) -> None:
    before = _stored_counts(bureau)
    headers = {"Authorization": f"Bearer {bureau.tokens['admin']}"}
    with httpx.Client(base_url=f"{bureau.url}/api/v1", headers=headers) as http:
        for hostile in HOSTILE:
            answer = http.request(hostile.method, hostile.path, content=hostile.body)
            assert answer.status_code == hostile.status, (hostile.name, answer.text[:300])
            assert hostile.mentions in answer.text, (hostile.name, answer.text[:300])
    assert _stored_counts(bureau) == before


def _visit_with(data: bytes, change: Callable[[dict], None]) -> tuple[bytes, str]:
    visit = json.loads(data)
    change(visit)
    body = canonical_bytes(visit)
    return body, hashlib.sha256(body).hexdigest()


@pytest.mark.parametrize(
    ("name", "change", "field"),
    [
        ("site id over 40", lambda visit: visit["site"].update(id="S" * 41), "$.site.id"),
        ("site id with a control character", lambda visit: visit["site"].update(id="S\u0007"), "$.site.id"),
        ("site name over 200", lambda visit: visit["site"].update(name="名" * 201), "$.site.name"),
        ("amendments not a list", lambda visit: visit.update(amendments={}), "$.amendments"),
    ],
)
def test_a_bad_visit_in_a_batch_is_refused_alone(
    bureau: Bureau, laptop: Callable[..., Path], name: str, change: Callable[[dict], None], field: str
) -> None:
    root = laptop("a")
    versions = sorted(local_versions(root).items())
    (uuid, version), data = versions[0]
    bad, bad_sha = _visit_with(data, change)
    with bureau.client() as client:
        single = client._http.put(f"/api/v1/visits/{uuid}/{version}", content=bad)
        assert (single.status_code, single.json()["detail"].get("field")) == (422, field), name
        # the good ones of the batch still land (their photos are not there: 409, as alone)
        items = [{"uuid": uuid, "version": version, "sha256": bad_sha, "visit": json.loads(bad)}]
        items += [
            {"uuid": key[0], "version": key[1], "sha256": hashlib.sha256(body).hexdigest(), "visit": json.loads(body)}
            for key, body in versions[1:]
        ]
        answer = client._http.post("/api/v1/visits", content=json.dumps({"visits": items}, ensure_ascii=False))
    assert answer.status_code == 200
    statuses = [result["status"] for result in answer.json()["results"]]
    assert statuses[0] == 422 and answer.json()["results"][0]["detail"]["field"] == field
    # judged each on its own: stored, or waiting for its photos as it would alone
    assert len(statuses) > 1
    assert all(r["status"] == 201 or r.get("error") == "photos_missing" for r in answer.json()["results"][1:])
