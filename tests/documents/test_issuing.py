"""Issuing notices: numbered and dated at issue (numbers and dates in one order), a re-issue after an
amendment replaces the earlier notice, always in Chinese, many at once, and --pdf without LibreOffice."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from inspector.core.clock import fixed_clock, set_clock, to_iso
from inspector.core.visits import Answer, failed_items, rectifications
from inspector.core.vocabulary import Result, VisitStatus
from inspector.i18n import language, set_language
from inspector.services.documents import issue_notice, unissued_notices
from inspector.services.visits import amend_visit
from inspector.store.store import Store
from tests.conftest import DEMO_TODAY
from tests.documents.conftest import Docx, signed_with_failures, visits_by_status

NUMBER = re.compile(r"〔(\d{4})〕(\d+)号")
DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")


def _signature_date(path: Path) -> tuple[int, int, int]:
    """The date under the organ's name (the last date standing alone on a line of the text)."""
    dates = [DATE.match(Docx.text_of(p)) for p in Docx(path.read_bytes()).body_paragraphs]
    year, month, day = next(match for match in reversed(dates) if match).groups()
    return int(year), int(month), int(day)


def test_numbers_ascend_with_dates_over_a_run_of_issues(demo: Store, tmp_path: Path) -> None:
    visits = [visit for visit in visits_by_status(demo, VisitStatus.SIGNED_OFF) if rectifications(visit)]
    assert len(visits) >= 2
    # issued on successive days, in an order other than their sign-off (numbers follow the issue)
    issued = []
    for offset, visit in enumerate(reversed(visits)):
        set_clock(fixed_clock(DEMO_TODAY + timedelta(days=offset)))
        written = issue_notice(demo, visit.uuid, tmp_path)
        issued.append((int(NUMBER.search(written.number).group(2)), _signature_date(written.path), written))
    assert [number for number, _, _ in issued] == list(range(1, len(visits) + 1))
    assert [day for _, day, _ in issued] == sorted(day for _, day, _ in issued)
    # made again later, a notice keeps its number and its date
    set_clock(fixed_clock(DEMO_TODAY + timedelta(days=30)))
    first = issued[0][2]
    again = issue_notice(demo, next(reversed(visits)).uuid, tmp_path)
    assert (again.number, _signature_date(again.path)) == (first.number, issued[0][1])


def test_a_notice_after_an_amendment_is_a_new_one_that_replaces_the_earlier(demo: Store, tmp_path: Path) -> None:
    visit = signed_with_failures(demo)
    first = issue_notice(demo, visit.uuid, tmp_path)
    item, _answer = failed_items(visit)[0]
    corrected = Answer(item.id, Result.FAIL, by="张建国", at=to_iso(DEMO_TODAY), note="复核后确认：应急预案未修订。")
    set_clock(fixed_clock(DEMO_TODAY + timedelta(days=2)))
    amend_visit(demo, visit.uuid, by="张建国", reason="问题描述有误", answers=[corrected])
    second = issue_notice(demo, visit.uuid, tmp_path)
    assert second.number != first.number and second.replaces == first.number
    assert second.path != first.path and first.path.is_file()  # the earlier file is not overwritten
    text = Docx(second.path.read_bytes()).text
    day = DEMO_TODAY.date()
    assert f"替代我局{day.year}年{day.month}月{day.day}日印发的同名通知（{first.number}）" in text
    assert "复核后确认：应急预案未修订。" in text
    assert issue_notice(demo, visit.uuid, tmp_path).number == second.number


def test_the_notice_is_chinese_whatever_the_screens_speak(demo: Store, tmp_path: Path) -> None:
    set_language("en")
    try:
        written = issue_notice(demo, signed_with_failures(demo).uuid, tmp_path)
        assert language() == "en"  # the screens keep theirs
    finally:
        set_language("zh")
    text = Docx(written.path.read_bytes()).text
    assert "整改要求" in text and "反馈表" in text and "Requirement" not in text and "Problems found" not in text
    assert written.path.name.endswith("_整改通知书.docx")


def test_all_unissued_numbers_them_in_sign_off_order_then_finds_none(run_cli, demo_dir: Path, tmp_path: Path) -> None:
    with Store.open(demo_dir, readonly=True) as store:
        waiting = unissued_notices(store)
        signed = [store.load_visit(uuid).signed_off_at for uuid in waiting]
    assert len(waiting) >= 2 and signed == sorted(signed)
    result = run_cli("--data-dir", demo_dir, "notice", "--all-unissued", "-o", tmp_path)
    assert result.code == 0, result.err
    numbers = [int(number) for number in re.findall(r"〔2026〕(\d+)号", result.out)]
    assert numbers == list(range(1, len(waiting) + 1))
    assert len(list(tmp_path.glob("*_整改通知书.docx"))) == len(waiting)
    again = run_cli("--data-dir", demo_dir, "notice", "--all-unissued", "-o", tmp_path)
    assert again.code == 0 and "没有待印发的整改通知书" in again.out
    both = run_cli("--data-dir", demo_dir, "notice", waiting[0][:8], "--all-unissued")
    assert both.code == 1 and "二者选一" in both.err


def test_pdf_without_libreoffice_says_so_and_writes_nothing(run_cli, demo_dir: Path, tmp_path: Path) -> None:
    with Store.open(demo_dir, readonly=True) as store:
        signed = signed_with_failures(store).uuid
    out = tmp_path / "out"
    out.mkdir()
    refused = run_cli("--data-dir", demo_dir, "notice", signed[:8], "--pdf", "-o", out)
    assert refused.code == 1 and "LibreOffice" in refused.err and "Traceback" not in refused.err
    assert list(out.iterdir()) == []
    with Store.open(demo_dir, readonly=True) as store:
        assert store.issued_numbers("notice:2026") == []
