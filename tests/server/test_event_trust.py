"""Rectification events on the server: checked by the laptops' own rules, each step only by who may
take it, and signed with the uploading account's name (the typed name kept beside it)."""

from __future__ import annotations

import json
import shutil
import uuid as uuid_module
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from inspector.core.canonical import canonical_bytes
from inspector.core.clock import to_iso
from inspector.core.errors import DomainError
from inspector.core.rectifications import EventKind, FeedbackStatus, RectificationState
from inspector.server.accounts import Role
from inspector.server.db import feed
from inspector.services import rectifications as services
from inspector.services import sync as sync_service
from inspector.services.rectification_text import history_lines
from inspector.store.store import Store
from inspector.sync.client import BureauClient
from inspector.sync.errors import Refused
from tests.conftest import DEMO_TODAY
from tests.rectifications.test_services import reinspect
from tests.server.harness import FAST_RETRY, FAST_TIMEOUT, Bureau


def _sync(bureau: Bureau, root: Path, token: str) -> sync_service.SyncReport:
    with Store.open(root) as store, BureauClient(bureau.url, token, retry=FAST_RETRY, timeout=FAST_TIMEOUT) as client:
        return sync_service.sync(store, client)


def _client(bureau: Bureau, token: str) -> BureauClient:
    return BureauClient(bureau.url, token, retry=FAST_RETRY, timeout=FAST_TIMEOUT)


def _open_rectification(root: Path) -> tuple[str, str]:
    """An open rectification of the laptop and its site."""
    with Store.open(root, readonly=True) as store:
        view = next(v for v in services.rectification_views(store) if v.state is RectificationState.OPEN)
    return view.id, view.record.site_id


def _event(rectification_id: str, kind: EventKind, **fields: Any) -> dict[str, Any]:
    payloads = {
        EventKind.FEEDBACK: {
            "measures": "已全部整改到位",
            "responsible": "张建国",
            "date": "2026-11-28",
            "status": "done",
        },
        EventKind.ISSUED: {"notice_number": "鲁民督〔2026〕99号"},
        EventKind.CLOSED: {},
    }
    return {
        "id": str(uuid_module.uuid4()),
        "rectification_id": rectification_id,
        "kind": kind.value,
        "at": to_iso(DEMO_TODAY),
        "by": "张建国",
        "reason": "",
        "evidence": [],
        "payload": payloads.get(kind, {}),
        **fields,
    }


def _feed_events(bureau: Bureau) -> dict[str, dict[str, Any]]:
    with bureau.database.reading() as conn:
        rows = conn.execute(select(feed.c.key, feed.c.body).where(feed.c.kind == "rect_event")).all()
    return {row.key: json.loads(row.body) for row in rows}


def test_another_lead_cannot_forge_events_and_the_owners_lands_signed(
    bureau: Bureau, laptop: Callable[..., Path], tmp_path: Path
) -> None:
    team_a = laptop("a")
    assert _sync(bureau, team_a, bureau.tokens["lead"]).refused == []
    rectification_id, _ = _open_rectification(team_a)
    intruder = bureau.enrol("另一组组长", Role.LEAD)
    before = _feed_events(bureau)
    forgeries = [
        # a notice in the owning team's name, and a signature of the intruder's choosing (the
        # unit's feedback any lead may type in: its form goes to whichever team comes back)
        (_event(rectification_id, EventKind.ISSUED, signed_by="lead-user"), 403, "event_forbidden"),
        # closing what no one re-inspected
        (_event(rectification_id, EventKind.CLOSED), 409, "state_forbids"),
        # a re-inspection reported with the owning team's visit
        (
            _event(
                rectification_id,
                EventKind.RE_INSPECTED,
                payload={"result": "pass", "visit_uuid": rectification_id.partition("/")[0]},
            ),
            403,
            "event_forbidden",
        ),
        (_event("00000000-0000-4000-8000-000000000000/x", EventKind.FEEDBACK), 409, "rectification_missing"),
    ]
    with _client(bureau, intruder) as client:
        for body, status, code in forgeries:
            with pytest.raises(Refused) as raised:
                client.put_event(body["id"], canonical_bytes(body))
            assert (raised.value.status, raised.value.code) == (status, code), body["kind"]
    assert _feed_events(bureau) == before, "nothing of a refused event is stored"

    with Store.open(team_a) as store:
        _feedback_done(store, rectification_id, by="张建国")
    assert _sync(bureau, team_a, bureau.tokens["lead"]).refused == []
    [genuine] = [event for key, event in _feed_events(bureau).items() if key not in before]
    assert (genuine["kind"], genuine["by"], genuine["signed_by"]) == ("feedback", "张建国", "lead-user")
    # another laptop learns it with the account's name, the typed one beside it
    other = tmp_path / "other"
    shutil.copytree(laptop("c", fresh=True), other)
    with Store.open(other) as store:
        services.apply_remote_events(store, [genuine])
        stored = {event.id: event for event in services.stored_events(store)}
    assert stored[genuine["id"]].author == "lead-user"


def test_a_lead_of_another_team_may_reinspect_and_close_a_finding(
    bureau: Bureau, laptop: Callable[..., Path], tmp_path: Path
) -> None:
    """回头看: team B re-inspects team A's finding on its own visit, and closes it."""
    team_a = laptop("a")
    assert _sync(bureau, team_a, bureau.tokens["lead"]).refused == []
    rectification_id, site_id = _open_rectification(team_a)
    team_b = tmp_path / "b"
    shutil.copytree(team_a, team_b)  # B learns A's findings (the shared-records issue brings them)
    with Store.open(team_b) as store:
        reinspect(store, site_id, {}, days=0)
    other_lead = bureau.enrol("回头看组长", Role.LEAD)
    report = _sync(bureau, team_b, other_lead)
    # A's visits and notices stay A's: refused to B; B's own re-inspection and its decisions land
    assert {item.code for item in report.refused} <= {"not_owner", "event_forbidden"}
    closing = [e for e in _feed_events(bureau).values() if e["rectification_id"] == rectification_id]
    assert {(e["kind"], e["signed_by"]) for e in closing if e["kind"] in ("re_inspected", "closed")} == {
        ("re_inspected", "回头看组长"),
        ("closed", "回头看组长"),
    }
    assert _sync(bureau, team_a, bureau.tokens["lead"]).refused == []
    with Store.open(team_a, readonly=True) as store:
        view = services.rectification_view(store, rectification_id)
    assert view.state is RectificationState.CLOSED and view.closed_by == "回头看组长"
    assert any("回头看组长（录入：张建国）" in line for line in history_lines(view))


def _feedback_done(store: Store, rectification_id: str, *, by: str) -> None:
    services.record_feedback(
        store,
        rectification_id,
        measures="已修订预案并演练",
        responsible="刘桂兰",
        feedback_date=DEMO_TODAY.date(),
        status=FeedbackStatus.DONE,
        by=by,
        at=DEMO_TODAY,
    )


def test_an_inspectors_laptop_refuses_to_record_feedback_as_the_server_would(laptop: Callable[..., Path]) -> None:
    root = laptop("a")
    rectification_id, _ = _open_rectification(root)
    with Store.open(root) as store:
        store.db(sync_service.SYNC_FILE).table("login").insert(
            {"url": "https://x", "token": "t", "ca_file": None, "name": "组员", "role": "inspector"}
        )
        with pytest.raises(DomainError) as raised:
            _feedback_done(store, rectification_id, by="组员")
    assert raised.value.code == "rectification.role_may_not"
