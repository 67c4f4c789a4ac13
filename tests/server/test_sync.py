"""Sync against a real server on loopback: push, pull, replays, refusals, two laptops."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from inspector.core.canonical import canonical_bytes
from inspector.core.visits import Answer
from inspector.core.vocabulary import Result, VisitStatus
from inspector.server.db import visits
from inspector.services import sync as sync_service
from inspector.services.rectifications import stored_events
from inspector.services.visits import amend_visit
from inspector.store.store import Store
from tests.server.harness import Bureau
from tests.server.invariants import check_invariants, local_versions, pending_entries


def run_sync(bureau: Bureau, root: Path, role: str = "lead") -> sync_service.SyncReport:
    with Store.open(root) as store, bureau.client(role) as client:
        return sync_service.sync(store, client)


def test_demo_syncs_once_and_a_second_sync_sends_nothing(bureau: Bureau, laptop: Callable[..., Path]) -> None:
    root = laptop("a")
    signed = len(local_versions(root))
    assert signed == 3
    first = run_sync(bureau, root)
    assert (first.visits_sent, first.visits_already, first.photos_sent) == (signed, 0, 1)
    assert first.refused == []
    check_invariants(bureau.database, bureau.config.photo_dir, [root])
    second = run_sync(bureau, root)
    assert not second.sent_anything and second.visits_already == 0
    with Store.open(root, readonly=True) as store:
        receipts = [entry["receipt"] for entry in store.outbox() if entry["kind"] == "visit"]
    assert sorted(receipts) == [1, 2, 3]


def test_a_replay_of_the_same_bytes_gets_the_first_receipt(bureau: Bureau, laptop: Callable[..., Path]) -> None:
    root = laptop("a")
    run_sync(bureau, root)
    (uuid, version), data = next(iter(local_versions(root).items()))
    with bureau.client() as client:
        again = client.upload_visit(uuid, version, data)
    with Store.open(root, readonly=True) as store:
        entry = next(e for e in store.outbox() if e["key"] == f"{uuid}.v{version}")
    assert not again.created and again.record["seq"] == entry["receipt"]


def test_fifty_concurrent_uploads_of_one_visit_make_one_row(bureau: Bureau, laptop: Callable[..., Path]) -> None:
    root = laptop("a")
    (uuid, version), data = next(iter(local_versions(root).items()))
    payload = json.loads(data)
    shas = {item["sha256"] for answer in payload["answer_log"] for item in answer["evidence"]}
    with Store.open(root, readonly=True) as store, bureau.client() as client:
        for sha in shas:
            client.put_photo(sha, store.evidence_path(sha).read_bytes())
    barrier = threading.Barrier(50)
    answers: list[httpx.Response] = []

    def upload() -> None:
        with httpx.Client(base_url=bureau.url, headers={"Authorization": f"Bearer {bureau.tokens['lead']}"}) as http:
            barrier.wait()
            answers.append(http.put(f"/api/v1/visits/{uuid}/{version}", content=data, timeout=60))

    threads = [threading.Thread(target=upload) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answer.status_code for answer in answers) == [200] * 49 + [201]
    assert {answer.json()["seq"] for answer in answers} == {1}
    with bureau.database.reading() as conn:
        assert conn.execute(select(func.count()).select_from(visits)).scalar_one() == 1


def _amend(root: Path, uuid: str, note: str) -> None:
    with Store.open(root) as store:
        visit = store.load_visit(uuid)
        item = visit.checklist.items[0]
        answer = Answer(item_id=item.id, result=Result.FAIL, by=visit.lead, at=visit.signed_off_at or "", note=note)
        amend_visit(store, uuid, by=visit.lead, reason=note, answers=[answer])


def test_other_bytes_and_a_stale_base_are_refused_and_stay_queued(
    bureau: Bureau, laptop: Callable[..., Path], tmp_path: Path
) -> None:
    first = laptop("a")
    run_sync(bureau, first)
    second = tmp_path / "b"
    import shutil

    shutil.copytree(first, second)
    uuid = next(iter(local_versions(first)))[0]
    _amend(first, uuid, "现场复核：预案未修订")
    run_sync(bureau, first)
    _amend(second, uuid, "另一组的更正")
    _amend(second, uuid, "再次更正")
    report = run_sync(bureau, second)
    reasons = {item.key: item.code for item in report.refused}
    assert reasons == {f"{uuid}.v2": "different_bytes", f"{uuid}.v3": "stale_base"}
    left = {entry["key"]: entry for entry in pending_entries(second)}
    assert set(left) == set(reasons)
    assert left[f"{uuid}.v3"]["refused"]["code"] == "stale_base"
    with bureau.database.reading() as conn:
        versions = conn.execute(select(visits.c.version).where(visits.c.uuid == uuid)).scalars().all()
    assert sorted(versions) == [1, 2]


def test_two_laptops_see_each_others_rectification_events(bureau: Bureau, laptop: Callable[..., Path]) -> None:
    first, second = laptop("a", fresh=True), laptop("b", fresh=True)
    for root in (first, second, first):
        assert run_sync(bureau, root).refused == []
    check_invariants(bureau.database, bureau.config.photo_dir, [first, second])
    with Store.open(first, readonly=True) as a, Store.open(second, readonly=True) as b:
        events_a = {event.id for event in stored_events(a)}
        events_b = {event.id for event in stored_events(b)}
        sent_b = {entry["key"] for entry in b.outbox() if entry["kind"] == "rect_event"}
    assert sent_b and sent_b <= events_a
    assert events_a == events_b


def test_published_checklists_and_register_reach_the_laptop(bureau: Bureau, laptop: Callable[..., Path]) -> None:
    from inspector.services.checklists import builtin_checklists

    checklist = builtin_checklists()[0].to_dict()
    newer = {**checklist, "version": checklist["version"] + 1, "title": checklist["title"] + "（修订）"}
    root = laptop("a")
    with Store.open(root, readonly=True) as store:
        sites = [site.to_dict() for site in store.sites()]
    sites[0] = {**sites[0], "phone": "0375-5051234"}
    with bureau.client("admin") as admin:
        http = admin._http
        path = f"/api/v1/checklists/{newer['id']}/{newer['version']}"
        assert http.put(path, content=canonical_bytes(newer)).status_code == 201
        assert http.put(path, content=canonical_bytes(newer)).status_code == 200
        assert http.put("/api/v1/register", content=canonical_bytes({"sites": sites})).status_code == 201
    report = run_sync(bureau, root, role="inspector")
    assert report.checklists_added == 1 and report.sites_changed == 1
    with Store.open(root, readonly=True) as store:
        assert any(c.version == newer["version"] for c in store.stored_checklists())
        assert store.site(sites[0]["id"]).phone == "0375-5051234"
        # a replay that met the unique key may have used up a number: gaps are allowed, order is kept
        with bureau.client("admin") as admin:
            last = admin.feed(0)["entries"][-1]["seq"]
        assert sync_service.checkpoint(store, bureau.url) == last


def test_the_checkpoint_moves_only_after_a_page_is_applied(
    bureau: Bureau, laptop: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = laptop("source", fresh=True)
    run_sync(bureau, source)
    root = laptop("reader")
    monkeypatch.setattr(sync_service, "FEED_PAGE", 1)
    calls = {"n": 0}
    real_apply = sync_service._apply_page

    def failing_on_second_page(store: Store, entries: list, report: sync_service.SyncReport) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        real_apply(store, entries, report)

    monkeypatch.setattr(sync_service, "_apply_page", failing_on_second_page)
    with pytest.raises(OSError):  # a lead's laptop: it reads the county's findings (an inspector's does not)
        run_sync(bureau, root)
    with Store.open(root, readonly=True) as store:
        assert sync_service.checkpoint(store, bureau.url) == 1
    monkeypatch.setattr(sync_service, "_apply_page", real_apply)
    run_sync(bureau, root)
    with Store.open(root) as reader, Store.open(source, readonly=True) as writer:
        assert {e.id for e in stored_events(writer)} <= {e.id for e in stored_events(reader)}


def test_only_signed_off_visits_are_uploaded(bureau: Bureau, laptop: Callable[..., Path]) -> None:
    root = laptop("a")
    run_sync(bureau, root)
    with Store.open(root, readonly=True) as store:
        signed = {s.uuid for s in store.visit_summaries() if s.status is VisitStatus.SIGNED_OFF}
    with bureau.database.reading() as conn:
        assert set(conn.execute(select(visits.c.uuid)).scalars()) == signed


def test_a_batch_the_server_refuses_whole_leaves_each_visit_queued(tmp_path: Path, laptop: Callable[..., Path]) -> None:
    from inspector.server.app import Limits
    from tests.server.harness import ThreadServer, make_bureau

    small = make_bureau(tmp_path / "small", limits=Limits(visit_batch=2_000))
    server = ThreadServer(small.app).start()
    small.url = server.url
    root = laptop("a")
    try:
        report = run_sync(small, root)
    finally:
        server.stop()
        small.database.dispose()
    assert {item.code for item in report.refused if item.kind == "visit"} == {"too_large"}
    # the events on those visits' rectifications wait for them (the server checks them against them)
    assert {item.code for item in report.refused if item.kind == "rect_event"} <= {"rectification_missing"}
    assert len([entry for entry in pending_entries(root) if entry["kind"] == "visit"]) == len(local_versions(root))
