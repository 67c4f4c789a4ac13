"""The rectification notice read back: layout numbers, fonts, number, problems, dates, attachment, bytes."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from inspector.core.errors import DomainError
from inspector.core.visits import rectifications
from inspector.core.vocabulary import VisitStatus
from inspector.documents import gongwen
from inspector.documents.common import township_reviews
from inspector.documents.notice import build_notice, requirement_text
from inspector.services.documents import exports_dir, issue_notice
from inspector.services.profile import load_profile
from inspector.store.store import Store
from tests.conftest import DEMO_TODAY
from tests.documents.conftest import NS, Docx, signed_with_failures, visits_by_status, w

NUMBER = re.compile(r"^鲁民督改〔(\d{4})〕([1-9]\d*)号$")
TWIPS_PER_MM = 1440 / 25.4
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@pytest.fixture
def notice(demo: Store) -> tuple[Docx, str, object]:
    visit = signed_with_failures(demo)
    written = issue_notice(demo, visit.uuid)
    return Docx(written.path.read_bytes()), written.number, visit


def test_page_is_a4_with_gbt9704_margins_and_a_fixed_line_pitch(notice) -> None:
    doc, _, _ = notice
    section = doc.document.find(".//w:body/w:sectPr", NS)
    size = section.find("w:pgSz", NS)
    margins = section.find("w:pgMar", NS)
    assert round(int(size.get(w("w"))) / TWIPS_PER_MM) == 210
    assert round(int(size.get(w("h"))) / TWIPS_PER_MM) == 297
    expected = {"top": 37, "bottom": 35, "left": 28, "right": 26}
    assert {side: round(int(margins.get(w(side))) / TWIPS_PER_MM) for side in expected} == expected
    assert section.find("w:docGrid", NS).get(w("linePitch")) == "579"
    default = doc.styles.find("w:docDefaults/w:pPrDefault/w:pPr/w:spacing", NS)
    assert (default.get(w("line")), default.get(w("lineRule")), default.get(w("after"))) == ("579", "exact", "0")
    body_paragraphs = [
        p
        for p in doc.body_paragraphs
        if p.find("w:pPr/w:spacing", NS) is not None and p.find("w:pPr/w:sectPr", NS) is None
    ]
    allowed = {"579", "1100"}  # the body's pitch, and the organ mark's taller line
    assert {p.find("w:pPr/w:spacing", NS).get(w("line")) for p in body_paragraphs} <= allowed | {None}
    # what ends the numbered pages before the 版记's section is one point high: it never opens a page
    for ending in doc.document.findall(".//w:body/w:p/w:pPr/w:sectPr/../..", NS):
        assert ending.find("w:pPr/w:spacing", NS).get(w("line")) == "20" and not Docx.text_of(ending)


def test_every_font_is_a_government_font_in_the_east_asian_slot_and_no_theme_font(notice) -> None:
    doc, _, _ = notice
    for name, root in doc.xml.items():
        for fonts in root.iter(w("rFonts")):
            assert not [a for a in fonts.attrib if a.lower().endswith("theme")], name
            east_asian = fonts.get(w("eastAsia"))
            if east_asian is not None:
                assert east_asian in gongwen.GOVERNMENT_FONTS, (name, east_asian)
    # every paragraph style names its East Asian face; a run names one only where it differs
    styles = {style.get(w("styleId")): style for style in doc.styles.findall("w:style", NS)}
    used = {p.find("w:pPr/w:pStyle", NS).get(w("val")) for p in doc.document.iter(w("p"))}
    assert all(styles[name].find("w:rPr/w:rFonts", NS).get(w("eastAsia")) for name in used)
    lang = doc.styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert lang.get(w("eastAsia")) == "zh-CN"


def _runs_with(doc: Docx, text: str) -> list:
    return [run for run in doc.document.iter(w("r")) if text in Docx.text_of(run)]


def _font_and_size(doc: Docx, run) -> tuple[str | None, float | None]:
    """The run's face and size as Word shows them: its own, else its paragraph style's."""
    style_id = run.getparent().find("w:pPr/w:pStyle", NS).get(w("val"))
    style = next(s for s in doc.styles.findall("w:style", NS) if s.get(w("styleId")) == style_id)
    face = size = None
    for properties in (run.find("w:rPr", NS), style.find("w:rPr", NS)):
        if properties is None:
            continue
        fonts, half_points = properties.find("w:rFonts", NS), properties.find("w:sz", NS)
        face = face or (fonts.get(w("eastAsia")) if fonts is not None else None)
        size = size or (int(half_points.get(w("val"))) / 2 if half_points is not None else None)
    return face, size


def test_organ_mark_number_title_and_body_have_their_faces_and_sizes(notice) -> None:
    doc, number, visit = notice
    mark = _runs_with(doc, "鲁山县民政局文件")[0]
    assert _font_and_size(doc, mark) == (gongwen.XIAOBIAOSONG, gongwen.CHUHAO)
    assert mark.find("w:rPr/w:color", NS).get(w("val")) == gongwen.RED
    number_run = _runs_with(doc, number)[0]
    assert _font_and_size(doc, number_run) == (gongwen.FANGSONG, gongwen.SANHAO)
    rule = number_run.getparent().find("w:pPr/w:pBdr/w:bottom", NS)
    assert rule.get(w("color")) == gongwen.RED
    title = _runs_with(doc, "限期整改的通知")[0]
    assert _font_and_size(doc, title) == (gongwen.XIAOBIAOSONG, gongwen.ERHAO)
    assert visit.site.name in Docx.text_of(title)
    heading = _runs_with(doc, "一、检查发现的问题")[0]
    assert _font_and_size(doc, heading) == (gongwen.HEITI, gongwen.SANHAO)
    point = _runs_with(doc, "（一）压实整改责任。")[0]
    assert _font_and_size(doc, point) == (gongwen.KAITI, gongwen.SANHAO)
    intro = _runs_with(doc, "四不两直")[0]
    assert _font_and_size(doc, intro) == (gongwen.FANGSONG, gongwen.SANHAO)
    assert intro.find("w:rPr", NS) is None  # the body's face and size are the style's, for a clerk to change


def test_styles_are_ours_named_in_chinese_and_nothing_else(notice) -> None:
    doc, _, _ = notice
    names = {style.find("w:name", NS).get(w("val")) for style in doc.styles.findall("w:style", NS)}
    assert {"公文正文", "公文标题", "公文一级标题", "公文表格", "公文版记"} <= names
    assert len(names) <= 12, names  # the template's built-in styles are gone


def test_document_number_follows_the_pattern_and_the_year(notice) -> None:
    doc, number, _visit = notice
    match = NUMBER.match(number)
    assert match, number
    assert int(match.group(1)) == DEMO_TODAY.year  # numbered when issued
    assert number in [Docx.text_of(p) for p in doc.body_paragraphs]


def test_every_failed_item_and_its_deadline_is_in_the_notice_and_the_form(notice) -> None:
    doc, _, visit = notice
    tables = doc.document.findall(".//w:body/w:tbl", NS)
    assert len(tables) == 2
    problems, form = (Docx.text_of(table) for table in tables)
    found = rectifications(visit)
    assert found
    for record in found:
        assert record.note in problems and record.note in form
        assert requirement_text(visit, record).translate(gongwen.HALF_TO_FULL_WIDTH) in problems
        deadline = "立行立改" if record.immediate else f"{record.due.month}月{record.due.day}日前"
        assert deadline in problems
    assert "(" not in doc.text and ")" not in doc.text  # full-width brackets, whatever the checklist typed
    assert len(problems.split("前")) - 1 + problems.count("立行立改") >= len(found)


def test_dates_are_written_in_arabic_numerals_without_leading_zeros(notice) -> None:
    doc, _, _visit = notice
    issued = DEMO_TODAY.date()  # dated when issued, as it is numbered
    expected = f"{issued.year}年{issued.month}月{issued.day}日"
    texts = [Docx.text_of(p) for p in doc.body_paragraphs]
    assert expected in texts  # the signature's date line
    assert f"{expected}印发" in doc.text
    assert not re.search(r"年0\d月|月0\d日", doc.text)


def test_footers_hold_a_page_field_odd_right_even_left(notice) -> None:
    doc, _, _ = notice
    settings = doc.xml["word/settings.xml"]
    assert settings.find("w:evenAndOddHeaders", NS) is not None
    # the numbered pages' section (made without LibreOffice, the notice's 版记 has a section of its own)
    section = doc.document.findall(".//w:body//w:sectPr", NS)[0]
    kinds = {ref.get(w("type")) for ref in section.findall("w:footerReference", NS)}
    assert kinds == {"default", "even"}
    rels = {rel.get("Id"): rel.get("Target") for rel in doc.xml["word/_rels/document.xml.rels"]}
    alignments = set()
    for reference in section.findall("w:footerReference", NS):
        footer = doc.xml["word/" + rels[reference.get(f"{{{NS_R}}}id")]]
        instructions = "".join(node.text or "" for node in footer.iter(w("instrText")))
        assert instructions.strip() == "PAGE"
        assert Docx.text_of(footer).startswith("— ") and Docx.text_of(footer).endswith(" —")
        alignments.add(footer.find("w:p/w:pPr/w:jc", NS).get(w("val")))
    assert alignments == {"left", "right"}


def test_attachment_starts_on_its_own_page_with_the_feedback_form(notice) -> None:
    doc, number, visit = notice
    paragraphs = doc.body_paragraphs
    breaks = [p for p in paragraphs if p.find("w:pPr/w:pageBreakBefore", NS) is not None]
    assert [Docx.text_of(p) for p in breaks] == ["附件"]
    assert breaks[0].find("w:r/w:rPr/w:rFonts", NS).get(w("eastAsia")) == gongwen.HEITI
    body = list(doc.document.find("w:body", NS))
    form = doc.document.findall(".//w:body/w:tbl", NS)[1]
    assert body.index(breaks[0]) < body.index(form)
    form_text = Docx.text_of(form)
    for word in ("整改措施", "责任人", "完成时间", "整改状态", "□已完成", "填报人", "联系电话", "佐证材料清单", number):
        assert word in form_text
    assert ("乡镇（街道）审核意见" in form_text) == township_reviews(visit.site)
    header_rows = [row for row in form.findall("w:tr", NS) if row.find("w:trPr/w:tblHeader", NS) is not None]
    assert len(header_rows) == 2 and "序号" in Docx.text_of(header_rows[1])


def test_back_matter_sits_in_frames_at_the_foot_of_the_last_page(notice) -> None:
    doc, _, _ = notice
    framed = [p for p in doc.body_paragraphs if p.find("w:pPr/w:framePr", NS) is not None]
    assert [Docx.text_of(p).split("：")[0] for p in framed][:1] == ["抄送"]
    assert "印发" in Docx.text_of(framed[-1])
    last = framed[-1].find("w:pPr/w:framePr", NS)
    height = int(last.get(w("y"))) + gongwen.LINE_PITCH_TWIPS
    assert height <= gongwen.TEXT_HEIGHT_TWIPS and gongwen.TEXT_HEIGHT_TWIPS - height < 100


def test_every_part_parses_and_the_schema_check_passes(notice, tmp_path: Path) -> None:
    doc, _, _ = notice
    assert len(doc.xml) == len([name for name in doc.names if name.endswith((".xml", ".rels"))])
    assert "word/stylesWithEffects.xml" not in doc.names
    assert "docProps/thumbnail.jpeg" not in doc.names
    openxml_audit = pytest.importorskip("openxml_audit")
    path = tmp_path / "notice.docx"
    path.write_bytes(doc.data)
    result = openxml_audit.OpenXmlValidator().validate(str(path))
    assert result.is_valid, [str(error) for error in result.errors[:5]]


def test_regenerating_keeps_the_number_and_the_bytes(demo: Store) -> None:
    visit = signed_with_failures(demo)
    first = issue_notice(demo, visit.uuid)
    data = first.path.read_bytes()
    again = issue_notice(demo, visit.uuid[:8])
    assert (again.number, again.path) == (first.number, first.path)
    assert again.path.read_bytes() == data
    other = next(
        v for v in visits_by_status(demo, VisitStatus.SIGNED_OFF) if v.uuid != visit.uuid and rectifications(v)
    )
    second = issue_notice(demo, other.uuid)
    numbers = sorted(int(NUMBER.match(n).group(2)) for n in (first.number, second.number))
    assert numbers == [1, 2]
    rows = demo.issued_numbers(f"notice:{NUMBER.match(first.number).group(1)}")
    assert sorted(row["number"] for row in rows) == [1, 2]


def test_core_properties_and_zip_entries_are_fixed(notice) -> None:
    doc, _, _visit = notice
    core = doc.parts["docProps/core.xml"].decode("utf-8")
    # 08:00 in Beijing on the day of issue is 00:00 UTC
    assert f"{DEMO_TODAY.date().isoformat()}T00:00:00Z" in core and "python-docx" not in core
    assert "<dc:creator>鲁山县民政局</dc:creator>" in core
    app = doc.parts["docProps/app.xml"].decode("utf-8")
    assert "Microsoft" not in app and "Normal.dotm" not in app
    with zipfile.ZipFile(io.BytesIO(doc.data)) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_file_name_says_date_unit_and_kind(notice, demo: Store) -> None:
    _, _, visit = notice
    issued = DEMO_TODAY.date().isoformat()
    expected = exports_dir(demo, load_profile(demo)) / f"{issued}_{visit.site.name}_整改通知书.docx"
    assert expected.is_file()


def test_output_may_be_a_file_or_a_folder(demo: Store, tmp_path: Path) -> None:
    visit = signed_with_failures(demo)
    as_file = issue_notice(demo, visit.uuid, tmp_path / "通知.docx")
    assert as_file.path == tmp_path / "通知.docx" and as_file.path.is_file()
    into_folder = issue_notice(demo, visit.uuid, tmp_path)
    assert into_folder.path.parent == tmp_path and into_folder.path.name.endswith("_整改通知书.docx")
    assert into_folder.path.read_bytes() == as_file.path.read_bytes()


@pytest.mark.parametrize(
    ("status", "code"),
    [(VisitStatus.DRAFT, "document.not_signed_off"), (VisitStatus.COMPLETED, "document.not_signed_off")],
)
def test_a_visit_not_signed_off_gets_no_notice_and_no_number(demo: Store, status, code) -> None:
    visit = visits_by_status(demo, status)[0]
    with pytest.raises(DomainError) as refused:
        issue_notice(demo, visit.uuid)
    assert refused.value.code == code
    assert demo.issued_numbers("notice:2026") == []


def test_a_visit_without_failed_items_gets_no_notice(demo: Store) -> None:
    clean = next(v for v in visits_by_status(demo, VisitStatus.SIGNED_OFF) if not rectifications(v))
    with pytest.raises(DomainError) as refused:
        issue_notice(demo, clean.uuid)
    assert refused.value.code == "document.no_failed_items"


def test_an_output_folder_that_cannot_take_the_file_is_refused_before_a_number_is_spent(
    demo: Store, tmp_path: Path
) -> None:
    visit = signed_with_failures(demo)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    for output in (blocker / "notice.docx", tmp_path / "missing" / "notice.docx"):
        with pytest.raises(DomainError) as refused:
            issue_notice(demo, visit.uuid, output)
        assert refused.value.code == "document.no_folder"
    assert demo.issued_numbers("notice:2026") == []


def test_title_lines_are_balanced_at_word_boundaries() -> None:
    lines = gongwen.balanced_lines(["关于", "露峰街道敬老院", "督导检查发现问题", "限期整改的通知"], 20)
    assert lines == ["关于露峰街道敬老院", "督导检查发现问题限期整改的通知"]
    assert gongwen.balanced_lines(["短标题"], 20) == ["短标题"]
    assert all(gongwen.text_width(line) <= 20 for line in gongwen.balanced_lines(["甲" * 15, "乙" * 15, "丙" * 5], 20))


def test_a_back_matter_moved_to_an_even_page_is_unnumbered_and_the_package_stays_valid(
    demo: Store, tmp_path: Path
) -> None:
    visit = signed_with_failures(demo)
    data = build_notice(visit, load_profile(demo), "鲁民督改〔2026〕1号", pages_before_back_matter=1)
    doc = Docx(data)
    sections = doc.document.findall(".//w:sectPr", NS)
    assert len(sections) == 2  # the numbered pages, then the blank page and the 版记's
    # the 版记's section starts on an even page, the renderer adding a blank page when needed
    assert sections[0].find("w:type", NS) is None
    assert sections[1].find("w:type", NS).get(w("val")) == "evenPage"
    footers = {name: root for name, root in doc.xml.items() if re.match(r"word/footer\d+\.xml", name)}
    rels = {rel.get("Id"): rel.get("Target") for rel in doc.xml["word/_rels/document.xml.rels"]}
    for section, numbered in zip(sections, (True, False), strict=True):
        for reference in section.findall("w:footerReference", NS):
            footer = footers["word/" + rels[reference.get(f"{{{NS_R}}}id")]]
            assert bool("".join(node.text or "" for node in footer.iter(w("instrText")))) == numbered
    breaks = [p for p in doc.body_paragraphs if p.find("w:pPr/w:pageBreakBefore", NS) is not None]
    assert len(breaks) == 1  # the attachment's: no blank page of its own
    openxml_audit = pytest.importorskip("openxml_audit")
    path = tmp_path / "notice.docx"
    path.write_bytes(data)
    result = openxml_audit.OpenXmlValidator().validate(str(path))
    assert result.is_valid, [str(error) for error in result.errors[:5]]
