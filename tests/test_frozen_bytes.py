"""``core.visits.frozen_bytes_hold``: a signed-off version's frozen bytes pass exactly when they are
still the canonical bytes that were sealed, by the short way (the seal's member taken out) and
the long one (the visit encoded again) alike."""

from __future__ import annotations

import json

import pytest

from inspector.core import visits as rules
from inspector.core.canonical import canonical_bytes, sha256_hex
from tests.test_visit_rules import signed


@pytest.fixture
def frozen() -> tuple[bytes, str]:
    visit = signed()
    return rules.sealed_bytes(visit), visit.seal or ""


def test_the_frozen_bytes_as_sealed_hold(frozen: tuple[bytes, str]) -> None:
    body, seal = frozen
    assert rules.frozen_bytes_hold(body, seal)


def test_any_change_is_found(frozen: tuple[bytes, str]) -> None:
    body, seal = frozen
    payload = json.loads(body)
    changed_note = body.replace(b'"lead":"', b'"lead":"X', 1)
    seal_first = (
        b'{"seal":' + json.dumps(seal).encode() + b"," + body[1:].replace(b',"seal":"' + seal.encode() + b'"', b"")
    )
    spaced = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    other_seal = body.replace(seal.encode(), b"0" * 64)
    for altered in (changed_note, seal_first, spaced, other_seal, body + b" ", body[:-1]):
        assert altered != body
        assert not rules.frozen_bytes_hold(altered, seal)
    assert not rules.frozen_bytes_hold(body, "0" * 64)


def test_bytes_holding_the_seals_member_twice_are_checked_the_long_way(frozen: tuple[bytes, str]) -> None:
    body, _ = frozen
    payload = json.loads(body)
    unsealed = {key: value for key, value in payload.items() if key != "seal"}
    resealed = sha256_hex(canonical_bytes(unsealed))
    twice = canonical_bytes({**unsealed, "seal": resealed, "copy": {"seal": resealed}})  # the member twice
    assert rules.frozen_bytes_hold(canonical_bytes({**unsealed, "seal": resealed}), resealed)
    assert not rules.frozen_bytes_hold(twice, resealed)
