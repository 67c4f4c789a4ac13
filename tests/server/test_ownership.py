"""A visit belongs to the account that uploaded its version 1: another lead can neither amend it
nor learn its seal from a refusal; its owner's real amendment still lands."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector.core.visits import Answer
from inspector.core.vocabulary import Result
from inspector.server.accounts import Role
from inspector.server.db import visits
from inspector.services import sync as sync_service
from inspector.services.visits import amend_visit
from inspector.store.store import Store
from inspector.sync.errors import Refused
from tests.server.harness import FAST_RETRY, FAST_TIMEOUT, Bureau
from tests.server.invariants import local_versions


def _sync(bureau: Bureau, root: Path, token: str) -> sync_service.SyncReport:
    from inspector.sync.client import BureauClient

    with Store.open(root) as store, BureauClient(bureau.url, token, retry=FAST_RETRY, timeout=FAST_TIMEOUT) as client:
        return sync_service.sync(store, client)


def _amend(root: Path, uuid: str, note: str) -> bytes:
    with Store.open(root) as store:
        visit = store.load_visit(uuid)
        item = visit.checklist.items[0]
        answer = Answer(item_id=item.id, result=Result.FAIL, by=visit.lead, at=visit.signed_off_at or "", note=note)
        amended = amend_visit(store, uuid, by=visit.lead, reason=note, answers=[answer])
        return store.sealed(uuid, amended.version)


def _stored_versions(bureau: Bureau, uuid: str) -> dict[int, str]:
    with bureau.database.reading() as conn:
        rows = conn.execute(select(visits.c.version, visits.c.seal).where(visits.c.uuid == uuid)).all()
    return {row.version: row.seal for row in rows}


def test_a_second_lead_cannot_amend_another_teams_visit(
    bureau: Bureau, laptop: Callable[..., Path], tmp_path: Path
) -> None:
    team_a = laptop("a")
    _sync(bureau, team_a, bureau.tokens["lead"])
    uuid = next(iter(local_versions(team_a)))[0]
    intruder = bureau.enrol("另一组组长", Role.LEAD)
    # lead B holds a copy of A's visit (as a stranger could rebuild it) and makes a version 2 of it
    team_b = tmp_path / "b"
    shutil.copytree(team_a, team_b)
    forged = _amend(team_b, uuid, "伪造的更正")
    from inspector.sync.client import BureauClient

    with BureauClient(bureau.url, intruder, retry=FAST_RETRY, timeout=FAST_TIMEOUT) as client:
        with pytest.raises(Refused) as raised:
            client.upload_visit(uuid, 2, forged)
        assert (raised.value.status, raised.value.code, raised.value.detail) == (403, "not_owner", {})
        # other bytes under A's version 1: refused the same way, without A's seal or number
        with pytest.raises(Refused) as raised:
            client.upload_visit(uuid, 1, forged.replace(b'"version":2', b'"version":1'))
        assert raised.value.status in (403, 422) and "seal" not in raised.value.detail
        [answer] = client.upload_visits([(uuid, 2, forged)])
        assert isinstance(answer, Refused) and (answer.status, answer.code, answer.detail) == (403, "not_owner", {})
    assert set(_stored_versions(bureau, uuid)) == {1}
    real = _amend(team_a, uuid, "现场复核：预案未修订")
    report = _sync(bureau, team_a, bureau.tokens["lead"])
    assert report.refused == [] and report.visits_sent == 1
    assert set(_stored_versions(bureau, uuid)) == {1, 2}
    with bureau.database.reading() as conn:
        body = conn.execute(select(visits.c.body).where(visits.c.uuid == uuid, visits.c.version == 2)).scalar()
    assert bytes(body) == real


def test_the_same_person_enrolled_again_and_an_admin_may_amend(
    bureau: Bureau, laptop: Callable[..., Path], tmp_path: Path
) -> None:
    team_a = laptop("a")
    _sync(bureau, team_a, bureau.tokens["lead"])
    uuid = next(iter(local_versions(team_a)))[0]
    version_2 = _amend(team_a, uuid, "管理员代为上传的更正")
    with bureau.client("admin") as client:
        assert client.upload_visit(uuid, 2, version_2).created
    from inspector.server.accounts import revoke_account

    revoke_account(bureau.database, "lead-user")
    new_token = bureau.enrol("lead-user", Role.LEAD)
    version_3 = _amend(team_a, uuid, "新电脑上的更正")
    from inspector.sync.client import BureauClient

    with BureauClient(bureau.url, new_token, retry=FAST_RETRY, timeout=FAST_TIMEOUT) as client:
        assert client.upload_visit(uuid, 3, version_3).created
    assert set(_stored_versions(bureau, uuid)) == {1, 2, 3}
