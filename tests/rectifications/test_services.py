"""The loop on a laptop's store: feedback, notices, re-inspection, remote events, the outbox."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from inspector.core.errors import DomainError
from inspector.core.rectifications import FeedbackStatus, RectificationState, RectificationView
from inspector.core.vocabulary import Result, Severity
from inspector.services import rectifications as services
from inspector.services import visits as visit_services
from inspector.store.store import Store
from tests.conftest import DEMO_TODAY

TODAY = DEMO_TODAY.date()


def by_site(store: Store, site_id: str) -> list[RectificationView]:
    return [view for view in services.rectification_views(store) if view.record.site_id == site_id]


def feedback(store: Store, rectification_id: str, **extra) -> RectificationView:
    return services.record_feedback(
        store,
        rectification_id,
        measures="已整改",
        responsible="刘桂兰",
        feedback_date=TODAY,
        status=FeedbackStatus.DONE,
        by="张建国",
        at=DEMO_TODAY,
        **extra,
    )


def rect_events_in_outbox(store: Store) -> list[dict]:
    return [entry for entry in store.outbox() if entry["kind"] == "rect_event"]


def reinspect(store: Store, site_id: str, results: dict[str, Result], *, days: int = 1, **answer) -> str:
    """Start a re-inspection, answer each item (unlisted ones pass), sign it off; returns its uuid."""
    at = DEMO_TODAY + timedelta(days=days)
    visit = services.start_reinspection(store, site_id, lead="张建国", title="复查", arrived_at=at)
    for item in visit.checklist.items:
        result = results.get(item.id, Result.PASS)
        note = "仍未整改" if result is Result.FAIL else ""
        extra = answer if result is Result.FAIL else {}
        visit_services.record_answer(store, visit.uuid, item.id, result=result, note=note, at=at, **extra)
    services.complete_reinspection(store, visit.uuid, by="张建国", at=at + timedelta(hours=1))
    return visit.uuid


def test_the_demo_shows_feedback_and_overdue_items(demo: Store) -> None:
    views = services.rectification_views(demo)
    states = {view.state for view in views}
    assert RectificationState.FEEDBACK_RECEIVED in states and RectificationState.OPEN in states
    with_feedback = [view for view in views if view.feedback]
    assert len(with_feedback) == 2 and any(view.feedback.evidence for view in with_feedback)
    overdue = services.find_rectifications(demo, services.RectificationFilter(overdue=True), today=TODAY)
    assert {view.record.site_id for view in overdue} >= {"LS-MR-001"}
    assert all(view.overdue_on(TODAY) for view in overdue)
    assert [view.due for view in views] == sorted(view.due for view in views)


def test_filters(demo: Store) -> None:
    views = services.rectification_views(demo)
    major = services.find_rectifications(demo, services.RectificationFilter(severity=Severity.MAJOR), today=TODAY)
    assert major and {view.record.severity for view in major} == {Severity.MAJOR}
    site = services.find_rectifications(demo, services.RectificationFilter(site="婚姻登记"), today=TODAY)
    assert {view.record.site_id for view in site} == {"LS-MR-001"}
    state = services.RectificationFilter(state=RectificationState.FEEDBACK_RECEIVED)
    assert len(services.find_rectifications(demo, state, today=TODAY)) == 2
    township = views[0].record.township
    assert all(
        view.record.township == township
        for view in services.find_rectifications(demo, services.RectificationFilter(township=township), today=TODAY)
    )


def test_feedback_is_stored_queued_and_keeps_its_evidence(demo: Store, tmp_path: Path) -> None:
    target = by_site(demo, "LS-MR-001")[0]
    scan = tmp_path / "反馈表.jpg"
    scan.write_bytes(b"scan of the returned form")
    before = len(rect_events_in_outbox(demo))
    view = feedback(demo, target.id, evidence_files=[scan])
    assert view.state is RectificationState.FEEDBACK_RECEIVED
    assert view.feedback is not None and view.feedback.evidence[0].name == "反馈表.jpg"
    assert demo.evidence_path(view.feedback.evidence[0].sha256).read_bytes() == b"scan of the returned form"
    queued = rect_events_in_outbox(demo)
    assert len(queued) == before + 1
    assert queued[-1]["state"] == "pending" and queued[-1]["event"] == view.history[-1].event.to_dict()
    assert services.rectification_view(demo, target.id).feedback == view.feedback


def test_refused_feedback_stores_nothing(demo: Store, tmp_path: Path) -> None:
    target = by_site(demo, "LS-EC-002")[0]
    reinspect(demo, "LS-EC-002", {})
    events_file = (demo.root / services.EVENTS_FILE).read_bytes()
    scan = tmp_path / "late.jpg"
    scan.write_bytes(b"too late")
    evidence_before = sorted(demo.iter_evidence())
    with pytest.raises(DomainError) as refused:
        feedback(demo, target.id, evidence_files=[scan])
    assert refused.value.code == "rectification.closed"
    assert (demo.root / services.EVENTS_FILE).read_bytes() == events_file
    assert sorted(demo.iter_evidence()) == evidence_before


def test_reinspection_checks_exactly_the_open_items_of_its_site(demo: Store) -> None:
    first = reinspect(demo, "LS-EC-002", {})
    assert all(view.state is RectificationState.CLOSED for view in by_site(demo, "LS-EC-002"))
    with pytest.raises(DomainError, match="nothing_open"):
        services.start_reinspection(demo, "LS-EC-002", lead="张建国", title="复查")

    marriage = by_site(demo, "LS-MR-001")
    kept_open, closing = marriage[0], marriage[1:]
    reinspect(demo, "LS-MR-001", {kept_open.id: Result.FAIL})
    assert services.rectification_view(demo, closing[0].id).state is RectificationState.CLOSED
    visit = services.start_reinspection(demo, "LS-MR-001", lead="张建国", title="复查")
    assert visit.reinspects == (kept_open.id,)
    assert [item.id for item in visit.checklist.items] == [kept_open.id]
    assert visit.checklist.items[0].text == kept_open.record.item_text
    assert visit.site.id == "LS-MR-001" and first not in visit.reinspects


def test_a_second_reinspection_waits_for_the_first(demo: Store) -> None:
    visit = services.start_reinspection(demo, "LS-EC-002", lead="张建国", title="复查")
    with pytest.raises(DomainError) as refused:
        services.start_reinspection(demo, "LS-EC-002", lead="张建国", title="复查")
    assert refused.value.code == "rectification.reinspection_in_progress" and visit.uuid[:8] in str(refused.value)


def test_the_reinspection_shows_finding_evidence_and_feedback(demo: Store) -> None:
    visit = services.start_reinspection(demo, "LS-EC-002", lead="张建国", title="复查")
    shown = services.reinspection_items(demo, visit.uuid)
    assert [entry.item.id for entry in shown] == list(visit.reinspects)
    assert all(entry.view.record.note and entry.view.record.evidence for entry in shown)
    assert sum(1 for entry in shown if entry.view.feedback) == 2
    with pytest.raises(DomainError, match="not_a_reinspection"):
        services.reinspection_items(demo, by_site(demo, "LS-EC-002")[0].record.visit_uuid)


def test_pass_closes_and_fail_reopens_with_the_reinspection_deadline(demo: Store) -> None:
    passed, failed, *_ = by_site(demo, "LS-EC-002")
    uuid = reinspect(demo, "LS-EC-002", {failed.id: Result.FAIL}, days=2, deadline_days=10)
    closed = services.rectification_view(demo, passed.id)
    assert closed.state is RectificationState.CLOSED and closed.last_result is Result.PASS
    reopened = services.rectification_view(demo, failed.id)
    assert reopened.state is RectificationState.OPEN and reopened.last_result is Result.FAIL
    signed = demo.load_visit(uuid)
    assert reopened.due == date.fromisoformat(signed.signed_off_at[:10]) + timedelta(days=10)
    assert [step.event.kind.value for step in reopened.history][-2:] == ["re_inspected", "reopened"]
    assert reopened.history[-1].event.reason == "仍未整改"
    # the re-inspection checks rectifications: it is not the source of new ones
    assert len(services.rectification_views(demo)) == len(by_site(demo, "LS-EC-002")) + len(by_site(demo, "LS-MR-001"))


def test_completing_again_adds_nothing(demo: Store) -> None:
    uuid = reinspect(demo, "LS-EC-002", {})
    events = len(services.stored_events(demo))
    outbox = len(demo.outbox())
    services.complete_reinspection(demo, uuid, by="张建国")
    assert len(services.stored_events(demo)) == events and len(demo.outbox()) == outbox


def test_an_item_closed_meanwhile_elsewhere_must_not_be_passed_again(demo: Store) -> None:
    target = by_site(demo, "LS-MR-001")[0]
    visit = services.start_reinspection(demo, "LS-MR-001", lead="张建国", title="复查")
    for item in visit.checklist.items:
        visit_services.record_answer(demo, visit.uuid, item.id, result=Result.PASS)
    other_team = [
        _remote(target.id, "re_inspected", "2026-11-28T10:00:00+08:00", {"result": "pass", "visit_uuid": "elsewhere"}),
        _remote(target.id, "closed", "2026-11-28T10:00:01+08:00", {}),
    ]
    services.apply_remote_events(demo, other_team)
    with pytest.raises(DomainError) as refused:
        services.complete_reinspection(demo, visit.uuid, by="张建国")
    assert refused.value.code == "rectification.no_longer_open"
    assert not demo.load_visit(visit.uuid).is_sealed


def _remote(rectification_id: str, kind: str, at: str, payload: dict) -> dict:
    return {
        "id": f"remote-{kind}-{rectification_id}",
        "rectification_id": rectification_id,
        "kind": kind,
        "at": at,
        "by": "李娜",
        "reason": "",
        "evidence": [],
        "payload": payload,
    }


def test_remote_events_are_idempotent_and_not_queued_again(demo: Store) -> None:
    target = by_site(demo, "LS-MR-001")[0]
    events = [
        _remote(target.id, "feedback", "2026-11-20T09:00:00+08:00", _feedback_payload()),
    ]
    outbox = len(demo.outbox())
    assert services.apply_remote_events(demo, events) == 1
    assert services.apply_remote_events(demo, events) == 0
    assert len(demo.outbox()) == outbox
    assert services.rectification_view(demo, target.id).state is RectificationState.FEEDBACK_RECEIVED


def _feedback_payload() -> dict:
    return {"measures": "已整改", "responsible": "周", "date": "2026-11-20", "status": "in_progress"}


def test_a_malformed_remote_event_stores_nothing(demo: Store) -> None:
    target = by_site(demo, "LS-MR-001")[0]
    good = _remote(target.id, "feedback", "2026-11-20T09:00:00+08:00", _feedback_payload())
    no_zone = {**good, "id": "bad", "at": "2026-11-20T09:00:00"}
    before = (demo.root / services.EVENTS_FILE).read_bytes()
    with pytest.raises(DomainError) as refused:
        services.apply_remote_events(demo, [good, no_zone])
    assert refused.value.code == "rectification.bad_event" and refused.value.params["field"] == "at"
    assert (demo.root / services.EVENTS_FILE).read_bytes() == before
    for broken in ({**good, "kind": "deleted"}, {**good, "payload": "x"}, {**good, "evidence": [{"x": 1}]}, "text"):
        with pytest.raises(DomainError, match="bad_event"):
            services.apply_remote_events(demo, [broken])


def test_two_laptops_exchanging_events_in_any_order_agree(demo_dir: Path, tmp_path: Path) -> None:
    shutil.copytree(demo_dir, tmp_path / "laptop-b")
    with Store.open(demo_dir) as laptop_a, Store.open(tmp_path / "laptop-b") as laptop_b:
        target = by_site(laptop_a, "LS-MR-001")[0]
        feedback(laptop_a, target.id)
        reinspect(laptop_b, "LS-MR-001", {})
        from_a = [entry["event"] for entry in rect_events_in_outbox(laptop_a)]
        from_b = [entry["event"] for entry in rect_events_in_outbox(laptop_b)]
        services.apply_remote_events(laptop_a, list(reversed(from_b)))
        services.apply_remote_events(laptop_b, from_a)
        services.apply_remote_events(laptop_b, from_a)
        on_a = services.rectification_view(laptop_a, target.id)
        on_b = services.rectification_view(laptop_b, target.id)
        assert on_a.state is on_b.state is RectificationState.CLOSED
        assert [step.event.id for step in on_a.history] == [step.event.id for step in on_b.history]
        assert len(on_a.history) == 3


def test_a_crash_between_the_events_file_and_the_outbox_is_repaired(demo: Store) -> None:
    target = by_site(demo, "LS-MR-001")[0]
    view = feedback(demo, target.id)
    lost = view.history[-1].event
    demo.journal("outbox.jsonl", "_entry").drop([f"rect_event/{lost.id}"])
    assert services.queue_unsent_events(demo) == 1
    assert any(entry["key"] == lost.id for entry in rect_events_in_outbox(demo))
    assert services.queue_unsent_events(demo) == 0


def test_a_notice_is_noted_on_every_open_item_once(demo: Store) -> None:
    views = by_site(demo, "LS-MR-001")
    uuid = views[0].record.visit_uuid
    assert services.record_notice(demo, uuid, "鲁民督改〔2026〕3号", by="张建国") == len(views)
    assert services.record_notice(demo, uuid, "鲁民督改〔2026〕3号", by="张建国") == 0
    assert {view.notice_number for view in by_site(demo, "LS-MR-001")} == {"鲁民督改〔2026〕3号"}


def test_counts_for_home(demo: Store) -> None:
    counts = services.rectification_counts(demo, today=TODAY)
    assert counts.not_closed == len(services.rectification_views(demo))
    assert counts.by_state[RectificationState.FEEDBACK_RECEIVED] == 2
    assert counts.overdue and counts.overdue[0].due == min(view.due for view in counts.overdue)


def test_resolving_an_id(demo: Store) -> None:
    target = by_site(demo, "LS-MR-001")[0]
    assert services.resolve_rectification(demo, target.id) == target.id
    assert services.resolve_rectification(demo, f"{target.id[:6]}/{target.record.item_id}") == target.id
    with pytest.raises(DomainError, match="ambiguous"):
        services.resolve_rectification(demo, target.id[:8])
    with pytest.raises(DomainError, match="prefix_too_short"):
        services.resolve_rectification(demo, "ab")
    with pytest.raises(DomainError, match="unknown"):
        services.resolve_rectification(demo, "ffffffff/none")


def test_a_reinspection_signed_off_like_any_visit_still_decides(demo: Store) -> None:
    passed, failed = by_site(demo, "LS-MR-001")
    visit = services.start_reinspection(demo, "LS-MR-001", lead="张建国", title="复查")
    visit_services.record_answer(demo, visit.uuid, passed.id, result=Result.PASS)
    visit_services.record_answer(demo, visit.uuid, failed.id, result=Result.FAIL, note="仍未整改")
    visit_services.sign_off_visit(demo, visit.uuid, by="张建国")  # as the review screen does
    assert services.rectification_view(demo, passed.id).state is RectificationState.CLOSED
    assert services.rectification_view(demo, failed.id).state is RectificationState.OPEN
    outbox = len(rect_events_in_outbox(demo))
    assert services.queue_unsent_events(demo) == 4
    assert len(rect_events_in_outbox(demo)) == outbox + 4
    assert services.queue_unsent_events(demo) == 0


def test_the_follow_up_notice_goes_on_the_reopened_items(demo: Store) -> None:
    passed, failed = by_site(demo, "LS-MR-001")
    uuid = reinspect(demo, "LS-MR-001", {failed.id: Result.FAIL})
    assert (
        services.record_notice(demo, uuid, "鲁民督改〔2026〕9号", by="张建国", at=DEMO_TODAY + timedelta(days=2)) == 1
    )
    assert services.rectification_view(demo, failed.id).notice_number == "鲁民督改〔2026〕9号"
    assert services.rectification_view(demo, passed.id).notice_number == ""
