"""What each account reads of the county's findings, tried as a hostile caller with a valid token:
leads (any team) read every record and event, and fetch a finding's photo; an inspector's account
reads the checklists and the register only; nobody's token writes a notice on another team's finding."""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from inspector.core.canonical import canonical_bytes
from inspector.core.clock import to_iso
from inspector.server.accounts import Role
from inspector.services import rectifications as services
from inspector.services import sync as sync_service
from inspector.store.store import Store
from inspector.sync.client import BureauClient
from inspector.sync.errors import Refused, SyncError
from tests.conftest import DEMO_TODAY
from tests.server.harness import FAST_RETRY, FAST_TIMEOUT, Bureau


def feed_kinds(client: BureauClient) -> set[str]:
    kinds: set[str] = set()
    since = 0
    while True:
        page = client.feed(since, 500)
        kinds |= {entry["kind"] for entry in page["entries"]}
        if not page["more"]:
            return kinds
        since = page["next"]


def as_account(bureau: Bureau, token: str) -> BureauClient:
    return BureauClient(bureau.url, token, retry=FAST_RETRY, timeout=FAST_TIMEOUT)


def test_leads_read_the_countys_findings_and_inspectors_do_not(
    bureau: Bureau, laptop: Callable[..., Path], tmp_path: Path
) -> None:
    team_a = laptop("a")
    with Store.open(team_a) as store, bureau.client("lead") as client:
        assert sync_service.sync(store, client).refused == []
        views = services.rectification_views(store)
    evidence = next(item for view in views for item in view.record.evidence)
    other_lead = bureau.enrol("乙组组长", Role.LEAD)
    inspector = bureau.enrol("乙组组员", Role.INSPECTOR)

    with as_account(bureau, other_lead) as client:
        assert {"rect_records", "rect_event"} <= feed_kinds(client)
        assert client.photo(evidence.sha256)  # on demand, for a re-inspection
        # a notice on a finding of another team, in that team's name: refused, nothing stored
        body = _issued(views[0].id)
        with pytest.raises(Refused) as refused:
            client.put_event(body["id"], canonical_bytes(body))
        assert (refused.value.status, refused.value.code) == (403, "event_forbidden")

    with as_account(bureau, inspector) as client:
        assert feed_kinds(client).isdisjoint({"rect_records", "rect_event"})
        with pytest.raises(SyncError) as forbidden:
            client.photo(evidence.sha256)
        assert forbidden.value.params == {"reason": "role_forbidden"}

    # an inspector's laptop, synced from nothing, holds none of the county's findings
    fresh = tmp_path / "inspector-laptop"
    with Store.open(fresh) as store, as_account(bureau, inspector) as client:
        report = sync_service.sync(store, client)
        assert (report.records_received, report.events_received) == (0, 0)
        assert services.rectification_views(store) == []


def _issued(rectification_id: str) -> dict[str, Any]:
    return {
        "id": str(uuid_module.uuid4()),
        "rectification_id": rectification_id,
        "kind": "issued",
        "at": to_iso(DEMO_TODAY),
        "by": "张建国",
        "reason": "",
        "evidence": [],
        "payload": {"notice_number": "鲁民督〔2026〕99号"},
        "signed_by": "lead-user",
    }
