"""The on-site record and the bulletin read back; the bureau profile; the commands."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from inspector.core.errors import DomainError
from inspector.core.profile import BureauProfile, document_number, with_value
from inspector.core.visits import rectifications
from inspector.core.vocabulary import VisitStatus
from inspector.services.documents import issue_bulletin, issue_notice, write_record
from inspector.services.profile import load_profile, set_profile_value
from inspector.store.store import Store
from tests.conftest import DEMO_TODAY
from tests.documents.conftest import NS, Docx, signed_with_failures, visits_by_status

START = date(2026, 10, 1)
END = DEMO_TODAY.date()


def test_record_lists_every_item_with_its_result_and_note_and_the_signature_lines(demo: Store) -> None:
    visit = visits_by_status(demo, VisitStatus.COMPLETED)[0]
    doc = Docx(write_record(demo, visit.uuid).path.read_bytes())
    items = Docx.text_of(doc.document.findall(".//w:body/w:tbl", NS)[1])
    for item in visit.checklist.items:
        assert item.text in items
    for answer in visit.answers.values():
        assert answer.note in items
    # a line for each of the team to sign on, and one for the unit
    assert f"检查组组长{visit.lead}（签字）：" in doc.text and "被检查单位负责人（签字）：" in doc.text
    for member in visit.members:
        assert f"检查组成员{member}（签字）：" in doc.text


def test_record_of_a_signed_off_visit_names_its_seal_and_regenerates_identically(demo: Store) -> None:
    visit = signed_with_failures(demo)
    first = write_record(demo, visit.uuid).path.read_bytes()
    assert visit.seal in Docx(first).text
    assert write_record(demo, visit.uuid).path.read_bytes() == first


def test_record_of_a_visit_in_progress_is_refused(demo: Store) -> None:
    with pytest.raises(DomainError) as refused:
        write_record(demo, visits_by_status(demo, VisitStatus.DRAFT)[0].uuid)
    assert refused.value.code == "document.not_completed"


def test_bulletin_covers_the_range_by_area_and_township_and_lists_overdue_items(demo: Store) -> None:
    written = issue_bulletin(demo, start=START, end=END)
    assert re.fullmatch(r"鲁民督通〔2026〕1号", written.number)
    doc = Docx(written.path.read_bytes())
    signed = visits_by_status(demo, VisitStatus.SIGNED_OFF)
    found = [record for visit in signed for record in rectifications(visit)]
    text = doc.text
    assert f"共发现问题{len(found)}个" in text and "特此通报。" in text
    by_township = doc.document.findall(".//w:body/w:tbl", NS)[0]
    listed = [Docx.text_of(row.findall("w:tc", NS)[0]) for row in by_township.findall("w:tr", NS)[1:-1]]
    register = list(dict.fromkeys(site.township for site in demo.sites()))
    assert sorted(listed, key=register.index) == listed  # in the register's order, not by character code
    assert set(listed) == {visit.site.township for visit in signed}
    overdue = [record for record in found if record.due < END]
    assert overdue and f"仍有{len(overdue)}个问题逾期未整改销号" in text
    assert "不符合要求的" in text and "家（" in text  # typical problems in the checklist's words, with units
    assert "家次" in text
    assert issue_bulletin(demo, start=START, end=END).path.read_bytes() == written.path.read_bytes()


def test_bulletin_refuses_an_empty_or_reversed_range(demo: Store) -> None:
    with pytest.raises(DomainError) as empty:
        issue_bulletin(demo, start=date(2020, 1, 1), end=date(2020, 1, 31))
    assert empty.value.code == "document.no_visits"
    with pytest.raises(DomainError) as reversed_range:
        issue_bulletin(demo, start=END, end=START)
    assert reversed_range.value.code == "document.bad_range"


def test_profile_defaults_edits_and_validation(demo: Store) -> None:
    assert load_profile(demo) == BureauProfile()
    changed = set_profile_value(demo, "cc", "县委办公室、县政府办公室,县卫健委")
    assert changed.cc == ("县委办公室", "县政府办公室", "县卫健委")
    assert load_profile(demo).cc == changed.cc
    for key, value, code in (
        ("nonsense", "x", "profile.unknown_key"),
        ("contact_phone", "abc", "profile.bad_phone"),
        ("organ_name", "  ", "profile.empty_value"),
    ):
        with pytest.raises(DomainError) as refused:
            with_value(BureauProfile(), key, value)
        assert refused.value.code == code
    assert document_number("鲁民字", 2022, 22) == "鲁民字〔2022〕22号"


def test_profile_changes_reach_the_notice(demo: Store) -> None:
    set_profile_value(demo, "notice_prefix", "鲁民督查")
    set_profile_value(demo, "contact_person", "李四")
    written = issue_notice(demo, signed_with_failures(demo).uuid)
    assert written.number.startswith("鲁民督查〔")
    assert "联系人：李四" in Docx(written.path.read_bytes()).text


def test_commands_write_documents_and_refuse_in_one_line(run_cli, demo_dir: Path, tmp_path: Path) -> None:
    with Store.open(demo_dir, readonly=True) as store:
        signed = signed_with_failures(store).uuid
        draft = visits_by_status(store, VisitStatus.DRAFT)[0].uuid
    result = run_cli("--data-dir", demo_dir, "notice", signed[:8], "-o", tmp_path / "n.docx")
    assert result.code == 0 and "鲁民督改〔2026〕1号" in result.out and (tmp_path / "n.docx").is_file()
    refused = run_cli("--data-dir", demo_dir, "notice", draft[:8])
    assert refused.code == 1 and refused.err.count("\n") == 1 and "尚未签发" in refused.err
    assert "Traceback" not in refused.err
    english = run_cli("--lang", "en", "--data-dir", demo_dir, "notice", draft[:8])
    assert "not signed off" in english.err
    unknown = run_cli("--data-dir", demo_dir, "notice", "ffffffff")
    assert unknown.code == 1 and unknown.err.count("\n") == 1
    bad_folder = run_cli("--data-dir", demo_dir, "notice", signed[:8], "-o", tmp_path / "nowhere" / "n.docx")
    assert bad_folder.code == 1 and "不存在" in bad_folder.err
    record = run_cli("--data-dir", demo_dir, "record", signed[:8], "-o", tmp_path)
    assert record.code == 0 and list(tmp_path.glob("*_现场检查记录.docx"))
    bulletin = run_cli("--data-dir", demo_dir, "bulletin", "--from", "2026-10-01", "--to", "2026-11-28", "-o", tmp_path)
    assert bulletin.code == 0 and "鲁民督通〔2026〕1号" in bulletin.out
    with pytest.raises(SystemExit) as usage:
        run_cli("--data-dir", demo_dir, "bulletin", "--from", "2026-13-01", "--to", "2026-11-28")
    assert usage.value.code == 2
    shown = run_cli("--data-dir", demo_dir, "profile", "show")
    assert "鲁山县民政局" in shown.out
    assert run_cli("--data-dir", demo_dir, "profile", "set", "contact_person", "赵六").code == 0
    assert "赵六" in run_cli("--data-dir", demo_dir, "profile", "show").out


def _back_matter_section_type(data: bytes) -> str | None:
    """The start type of the section that holds the 版记 (the body's last section)."""
    kind = Docx(data).document.find(".//w:body/w:sectPr/w:type", NS)
    return None if kind is None else kind.get(f"{{{NS['w']}}}val")


def test_without_libreoffice_the_back_matter_starts_on_an_even_page(demo: Store) -> None:
    """No layout pass can measure where the text ends: the 版记's section starts on an even page,
    which Word and LibreOffice honour (a blank page before it when the text ends on an even page);
    the bare builders, as the web console calls them, do the same by default."""
    from inspector.documents.bulletin import BulletinScope, BulletinVisit, build_bulletin
    from inspector.documents.notice import build_notice

    visit = signed_with_failures(demo)
    assert _back_matter_section_type(issue_notice(demo, visit.uuid).path.read_bytes()) == "evenPage"
    assert _back_matter_section_type(issue_bulletin(demo, start=START, end=END).path.read_bytes()) == "evenPage"
    profile = load_profile(demo)
    assert _back_matter_section_type(build_notice(visit, profile, "鲁民督改〔2026〕9号")) == "evenPage"
    scope = BulletinScope(START, END, END, [BulletinVisit.of(visit)], [])
    assert _back_matter_section_type(build_bulletin(scope, profile, "鲁民督通〔2026〕9号")) == "evenPage"
    # a layout pass that found room under the text of an even last page puts it there instead
    assert (
        _back_matter_section_type(build_notice(visit, profile, "鲁民督改〔2026〕9号", pages_before_back_matter=0))
        is None
    )
    # the record has no 版记 and a single section
    assert len(Docx(write_record(demo, visit.uuid).path.read_bytes()).document.findall(".//w:sectPr", NS)) == 1


def test_bulletin_counts_every_overdue_item_by_township_and_lists_the_longest_overdue(demo: Store) -> None:
    """Years of a county's visits leave thousands overdue: the bulletin stays a few pages, counting
    them by township and area, listing the longest overdue and saying where the rest are."""
    from inspector.documents.bulletin import OVERDUE_LISTED, BulletinScope, BulletinVisit, Overdue, build_bulletin

    signed = visits_by_status(demo, VisitStatus.SIGNED_OFF)
    records = [record for visit in signed for record in rectifications(visit)]
    count = OVERDUE_LISTED * 3
    overdue = [Overdue(records[n % len(records)], days=count - n) for n in range(count)]  # the longest first
    scope = BulletinScope(START, END, END, [BulletinVisit.of(visit) for visit in signed], overdue)
    doc = Docx(build_bulletin(scope, load_profile(demo), "鲁民督通〔2026〕9号"))
    assert f"仍有{count}个问题逾期未整改销号" in doc.text
    assert f"逾期时间最长的{OVERDUE_LISTED}个问题如下，全部{count}个问题的清单可从督导检查系统导出" in doc.text
    _, by_township, listed = doc.document.findall(".//w:body/w:tbl", NS)
    rows = [[Docx.text_of(cell) for cell in row.findall("w:tc", NS)] for row in by_township.findall("w:tr", NS)]
    townships = {record.township for record in records}
    assert {row[0] for row in rows[1:-1]} == townships and rows[-1][0] == "合计"
    assert rows[-1][-1] == str(count) and sum(int(row[-1]) for row in rows[1:-1]) == count
    rows = [[Docx.text_of(cell) for cell in row.findall("w:tc", NS)] for row in listed.findall("w:tr", NS)[1:]]
    assert [row[0] for row in rows] == [str(n) for n in range(1, OVERDUE_LISTED + 1)]
    assert [row[-1] for row in rows] == [str(item.days) for item in overdue[:OVERDUE_LISTED]]


def test_the_laptops_bulletin_sends_the_reader_to_the_exports_sheet_for_the_rest(
    demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from inspector.documents import bulletin

    monkeypatch.setattr(bulletin, "OVERDUE_LISTED", 1)  # the demo has a few overdue, not 20
    text = Docx(issue_bulletin(demo, start=START, end=END).path.read_bytes()).text
    assert "逾期时间最长的1个问题如下" in text
    assert "的清单见督导检查系统导出表格的《整改情况》表（按“是否逾期”筛选）：" in text


def test_bulletin_lists_every_overdue_item_when_they_are_few(demo: Store) -> None:
    from inspector.documents.bulletin import BulletinScope, BulletinVisit, Overdue, build_bulletin

    signed = visits_by_status(demo, VisitStatus.SIGNED_OFF)
    records = [record for visit in signed for record in rectifications(visit)][:3]
    scope = BulletinScope(START, END, END, [BulletinVisit.of(signed[0])], [Overdue(r, days=5) for r in records])
    doc = Docx(build_bulletin(scope, load_profile(demo), "鲁民督通〔2026〕9号"))
    assert "逾期问题如下：" in doc.text and "清单见" not in doc.text
    assert all(record.note in doc.text for record in records)
