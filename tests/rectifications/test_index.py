"""The rectification index: one rectification found without reading every visit, never stale."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from inspector.core.errors import DomainError
from inspector.core.rectifications import FeedbackStatus, RectificationState
from inspector.core.vocabulary import Result
from inspector.services import rectifications as services
from inspector.services import visits as visit_services
from inspector.store.store import Store
from tests.conftest import DEMO_TODAY

INDEX = services.INDEX_FILE


def snapshot(store: Store) -> list[tuple]:
    return [(view.id, view.state, view.due, view.feedback) for view in services.rectification_views(store)]


def test_feedback_reads_no_visit_file(demo: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    target = services.rectification_views(demo)[0]

    def no_visit_reading(uuid: str) -> None:
        raise AssertionError(f"visit {uuid} read to record one feedback")

    monkeypatch.setattr(demo, "load_visit", no_visit_reading)
    view = services.record_feedback(
        demo,
        target.id,
        measures="已整改",
        responsible="刘桂兰",
        feedback_date=DEMO_TODAY.date(),
        status=FeedbackStatus.DONE,
        by="张建国",
        at=DEMO_TODAY,
    )
    assert view.state is RectificationState.FEEDBACK_RECEIVED
    assert services.rectification_view(demo, target.id).feedback == view.feedback


def test_a_missing_index_is_rebuilt_the_same(demo_dir: Path) -> None:
    with Store.open(demo_dir) as store:
        before = snapshot(store)
    (demo_dir / INDEX).unlink()
    with Store.open(demo_dir) as writer, Store.open(demo_dir, readonly=True) as reader:
        assert snapshot(reader) == before
        assert not (demo_dir / INDEX).exists(), "a reader wrote the index while the app holds the folder"
        assert snapshot(writer) == before
    (demo_dir / INDEX).unlink()
    with Store.open(demo_dir, readonly=True) as store:
        assert snapshot(store) == before
    assert (demo_dir / INDEX).exists(), "a reader with nobody writing rebuilds the index once, not on every run"


def test_a_damaged_index_is_set_aside_and_rebuilt(demo_dir: Path) -> None:
    with Store.open(demo_dir) as store:
        before = snapshot(store)
    (demo_dir / INDEX).write_bytes(b'{"visits": {"1": \n')
    with Store.open(demo_dir) as store:
        assert snapshot(store) == before
        assert [problem.path for problem in store.problems] == [str(demo_dir / INDEX)]


def test_an_amendment_that_clears_a_finding_drops_its_rectification(demo: Store) -> None:
    target = next(view for view in services.rectification_views(demo) if view.record.site_id == "LS-MR-001")
    visit = demo.load_visit(target.record.visit_uuid)
    answer = visit.answers[target.record.item_id]
    visit_services.amend_visit(
        demo,
        visit.uuid,
        by="张建国",
        reason="复核照片后确认合格",
        answers=[replace(answer, result=Result.PASS, note="")],
        at=DEMO_TODAY,
    )
    assert target.id not in {view.id for view in services.rectification_views(demo)}
    with pytest.raises(DomainError) as unknown:
        services.rectification_view(demo, target.id)
    assert unknown.value.code == "rectification.unknown"


def test_a_visit_signed_off_after_the_index_was_made_is_found(demo: Store) -> None:
    before = {view.id for view in services.rectification_views(demo)}
    uuid = next(s.uuid for s in demo.visit_summaries() if s.status.value == "completed")
    signed = visit_services.sign_off_visit(demo, uuid, by=demo.load_visit(uuid).lead, at=DEMO_TODAY)
    found = {view.id for view in services.rectification_views(demo)} - before
    assert found and all(rectification_id.startswith(signed.uuid) for rectification_id in found)


def test_rows_of_another_layout_are_made_again(demo_dir: Path) -> None:
    with Store.open(demo_dir) as store:
        before = snapshot(store)
        index = store.journal(INDEX, "uuid")
        index.append([{**row, "format": 0, "records": []} for row in index.records().values()])
        assert snapshot(store) == before
        assert {row["format"] for row in index.records().values()} == {services.INDEX_FORMAT}
