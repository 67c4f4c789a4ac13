"""A laptop whose clock is three hours behind the server's: every sync says so, and nothing it
records can push a step before the one it answered (the notice stays, on every laptop and the board)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from inspector.core import clock
from inspector.core.clock import from_iso
from inspector.core.errors import DomainError
from inspector.core.rectifications import FeedbackStatus, RectificationState
from inspector.i18n import error_text, set_language
from inspector.i18n.sync_text import report_lines
from inspector.server import app as server_app
from inspector.server import records as server_records
from inspector.server.board import open_rectifications
from inspector.services import rectifications as services
from inspector.services import sync as sync_service
from inspector.store.store import Store
from tests.server.harness import Bureau
from tests.server.test_board import TODAY

BEHIND = timedelta(hours=3)
NOTICE = "鲁民督改〔2026〕7号"


@pytest.fixture
def server_three_hours_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server's clock is right; this process's (the laptops') is three hours behind it."""
    for module in (server_app, server_records):
        monkeypatch.setattr(module, "now", lambda: clock.now() + BEHIND)


def synced(bureau: Bureau, root: Path) -> sync_service.SyncReport:
    with Store.open(root) as store, bureau.client() as client:
        report = sync_service.sync(store, client)
    assert report.refused == []
    return report


def test_feedback_from_a_laptop_three_hours_behind_keeps_the_notice(
    server_three_hours_ahead: None, bureau: Bureau, laptop: Callable[..., Path]
) -> None:
    right, behind = laptop("a"), laptop("b")  # the same demo visits on two laptops
    with Store.open(right) as store:
        target = next(
            view
            for view in services.rectification_views(store)
            if view.state is RectificationState.OPEN and not view.notice_number
        )
        # the notice goes out on the laptop whose clock is right (the server's time)
        services.record_notice(store, target.record.visit_uuid, NOTICE, by="张建国", at=clock.now() + BEHIND)
    synced(bureau, right)
    synced(bureau, behind)
    with Store.open(behind) as store:
        services.record_feedback(  # typed on the laptop whose clock says three hours earlier
            store,
            target.id,
            measures="已补充值守记录",
            responsible="王所长",
            feedback_date=TODAY,
            status=FeedbackStatus.DONE,
            by="李娜",
        )
    report = synced(bureau, behind)
    synced(bureau, right)

    assert report.clock_off and report.clock_offset_seconds == pytest.approx(BEHIND.total_seconds(), abs=60)
    set_language("en")
    try:
        warnings = [line for line in report_lines(report) if line.problem]
    finally:
        set_language("zh")
    assert len(warnings) == 1 and "3 h 0 min behind" in warnings[0].text
    for root in (right, behind):
        with Store.open(root, readonly=True) as store:
            view = services.rectification_view(store, target.id)
        assert view.notice_number == NOTICE, root.name
        assert view.state is RectificationState.FEEDBACK_RECEIVED
        assert all(step.refused is None for step in view.history)
        answered = view.history[-1].event  # carries both clocks: the laptop's and the server's receipt
        assert from_iso(answered.received_at) - answered.moment == pytest.approx(BEHIND, abs=timedelta(minutes=1))
    board = {row.id: row.state for row in open_rectifications(bureau.database, TODAY)}
    assert board[target.id] == RectificationState.FEEDBACK_RECEIVED.value


def test_a_laptop_in_step_with_the_server_is_not_warned(bureau: Bureau, laptop: Callable[..., Path]) -> None:
    report = synced(bureau, laptop("a"))
    assert report.clock_offset_seconds is not None and not report.clock_off
    assert not any(line.problem for line in report_lines(report))


def test_feedback_dated_before_the_finding_is_refused(laptop: Callable[..., Path]) -> None:
    with Store.open(laptop("a")) as store:
        target = next(view for view in services.rectification_views(store) if view.is_open)
        a_month_early = target.record.found_on - timedelta(days=30)
        with pytest.raises(DomainError) as refused:
            services.record_feedback(
                store,
                target.id,
                measures="已整改",
                responsible="王所长",
                feedback_date=a_month_early,
                status=FeedbackStatus.DONE,
                by="李娜",
            )
        assert services.rectification_view(store, target.id).feedback == target.feedback
    assert refused.value.code == "rectification.feedback_before_finding"
    set_language("en")
    try:
        text = error_text(refused.value)
    finally:
        set_language("zh")
    assert a_month_early.isoformat() in text and target.record.found_on.isoformat() in text
