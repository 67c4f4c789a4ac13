"""After a re-inspection, the follow-up notice lists only what is still open, and says it is a follow-up."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import docx
import pytest

from inspector.core.errors import DomainError
from inspector.core.vocabulary import Result
from inspector.services import rectifications as services
from inspector.services import visits as visit_services
from inspector.services.documents import issue_notice
from inspector.store.store import Store
from tests.conftest import DEMO_TODAY

from .test_services import by_site, reinspect


def words_of(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def test_the_follow_up_notice_lists_only_what_the_reinspection_found_still_open(
    demo: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # each notice is noted on its rectifications at the moment it is issued
    monkeypatch.setattr(services, "now", lambda: DEMO_TODAY)
    first_notice = issue_notice(demo, by_site(demo, "LS-MR-001")[0].record.visit_uuid, tmp_path)
    passed, failed = by_site(demo, "LS-MR-001")
    uuid = reinspect(demo, "LS-MR-001", {failed.id: Result.FAIL}, days=3, deadline_days=5)

    monkeypatch.setattr(services, "now", lambda: DEMO_TODAY + timedelta(days=4))
    follow_up = issue_notice(demo, uuid, tmp_path)

    assert follow_up.path.name.endswith("_复查整改通知书.docx") and follow_up.number != first_notice.number
    text = words_of(follow_up.path)
    assert "督导检查问题整改复查情况的通知" in text
    # it cites the original notice by its number and date, and shows the original finding beside the new one
    issued = DEMO_TODAY.date()
    assert f"{issued.year}年{issued.month}月{issued.day}日印发的《关于鲁山县婚姻登记处" in text
    assert f"（{first_notice.number}）整改要求的情况进行了复查" in text
    assert f"原问题：{failed.record.note.rstrip('。')}" in text and "复查情况：" in text
    # a county-level unit: addressed directly, no township review asked for
    assert "鲁山县婚姻登记处：" in text and "审核意见" not in text
    assert "本次复查问题2个，已整改到位1个，仍未整改到位1个" in text
    assert "仍未整改" in text  # the re-inspection's own finding on the item still open

    def requirement(view) -> str:  # 整改要求 of the original checklist item
        return demo.load_visit(view.record.visit_uuid).checklist.item(view.record.item_id).requirement

    assert requirement(failed) in text and requirement(passed) not in text
    assert "复查情况" not in words_of(first_notice.path)
    # the follow-up's number goes on the item re-opened, the passed one keeps the first notice's
    assert services.rectification_view(demo, failed.id).notice_number == follow_up.number
    assert services.rectification_view(demo, passed.id).notice_number == first_notice.number


def test_nothing_left_open_needs_no_follow_up(demo: Store, tmp_path: Path) -> None:
    uuid = reinspect(demo, "LS-MR-001", {})
    with pytest.raises(DomainError) as refused:
        issue_notice(demo, uuid, tmp_path)
    assert refused.value.code == "document.no_failed_items"
    assert not list(tmp_path.glob("*.docx"))


def test_the_bulletin_does_not_list_as_overdue_what_a_reinspection_closed(demo: Store) -> None:
    from inspector.services.documents import _overdue  # the bulletin's list of overdue items

    day = DEMO_TODAY.date() + timedelta(days=2)
    assert "LS-MR-001" in {item.record.site_id for item in _overdue(demo, day)}
    # signed off on the review screen, like any visit: its events are not yet stored, only derived
    visit = services.start_reinspection(demo, "LS-MR-001", lead="张建国", title="复查", arrived_at=DEMO_TODAY)
    for item in visit.checklist.items:
        visit_services.record_answer(demo, visit.uuid, item.id, result=Result.PASS, at=DEMO_TODAY)
    visit_services.sign_off_visit(demo, visit.uuid, by="张建国", at=DEMO_TODAY + timedelta(hours=1))
    still_overdue = _overdue(demo, day)
    assert "LS-MR-001" not in {item.record.site_id for item in still_overdue}
    assert {item.record.id for item in still_overdue} == {
        view.id for view in services.rectification_views(demo) if view.overdue_on(day)
    }
