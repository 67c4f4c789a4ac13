"""The notice rendered by LibreOffice headless: pages, fonts without fallback, positions on the page.

CI installs libreoffice-writer-nogui, poppler-utils, fonts-noto-cjk and fonts-lxgw-wenkai (.ci/run);
the test is skipped only where LibreOffice or poppler is missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import pytest

from inspector.core.clock import BUREAU_TZ
from inspector.core.profile import BureauProfile
from inspector.core.visits import Visit
from inspector.core.vocabulary import Result
from inspector.documents.notice import build_notice
from inspector.documents.render import even_pages_many, soffice, to_pdfs
from inspector.paths import sample_register
from inspector.services import rectifications as rectification_services
from inspector.services.documents import issue_bulletin, issue_notice, write_record
from inspector.services.register import import_register
from inspector.store.store import Store
from tests.conftest import DEMO_TODAY
from tests.documents.conftest import signed_with_failures, visit_with_failures
from tests.rectifications.test_services import by_site, reinspect

pytestmark = pytest.mark.skipif(
    soffice() is None or shutil.which("pdffonts") is None,
    reason="LibreOffice (soffice) or poppler-utils is not installed: apt-get install libreoffice-writer-nogui "
    "poppler-utils fonts-noto-cjk fonts-lxgw-wenkai",
)
PT_PER_MM = 72 / 25.4
FREE_STAND_INS = ("NotoSerifCJK", "NotoSansCJK", "LXGWWenKai", "ARPLUKai")


def _run(*command: str | Path) -> str:
    return subprocess.run([str(part) for part in command], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def rendered(demo: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    """The demo's notice issued as a clerk issues it where LibreOffice is installed, with its PDF."""
    monkeypatch.delenv("INSPECTOR_SOFFICE")
    pdf = issue_notice(demo, signed_with_failures(demo).uuid, tmp_path / "notice.docx", pdf=True).pdf
    assert pdf is not None and pdf.is_file()
    pages = _run("pdftotext", "-layout", pdf, "-").split("\f")
    return pdf, pages[:-1] if not pages[-1].strip() else pages  # pdftotext ends each page with a form feed


def test_every_font_is_a_mapped_stand_in_so_no_glyph_falls_back(rendered) -> None:
    pdf, _ = rendered
    lines = _run("pdffonts", pdf).splitlines()[2:]
    names = [line.split()[0].split("+", 1)[-1] for line in lines]
    assert names
    assert [name for name in names if not name.startswith(FREE_STAND_INS)] == []


def test_pages_notice_then_feedback_form_on_its_own_page_then_back_matter(rendered) -> None:
    pdf, pages = rendered
    count = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", pdf)).group(1))
    assert 4 <= count <= 6 and count % 2 == 0 and len(pages) == count
    assert "鲁山县民政局文件" in pages[0] and "限期整改的通知" in pages[0]
    attachment = next(index for index, page in enumerate(pages) if page.lstrip().startswith("附件"))
    assert attachment >= 1 and "督导检查整改情况反馈表" in pages[attachment]
    assert "特此" not in pages[attachment] and "抄送" in pages[-1] and "印发" in pages[-1]
    # pages are numbered in order up to the 版记's page; that page, and a blank page before it, carry
    # no number (GB/T 9704 7.5)
    numbered = [bool(re.search(r"—\s*\d+\s*—", page)) for page in pages]
    last_numbered = max(index for index, has in enumerate(numbered) if has)
    for number, page in enumerate(pages[: last_numbered + 1], start=1):
        assert re.search(rf"—\s*{number}\s*—", page)
    unnumbered = pages[last_numbered + 1 :]
    assert all(not page.strip() for page in unnumbered[:-1])
    assert not unnumbered or "印发" in unnumbered[-1]


def _words(pdf: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    xml = _run("pdftotext", "-bbox", "-f", page, "-l", page, pdf, "-")
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(float(a), float(b), float(c), float(d), text) for a, b, c, d, text in re.findall(pattern, xml)]


def test_header_page_numbers_and_back_matter_sit_where_gbt9704_puts_them(rendered) -> None:
    pdf, pages = rendered
    first = _words(pdf, 1)
    mark = next(word for word in first if "鲁山县民政局文件" in word[4])
    text_top = 37 * PT_PER_MM
    assert abs(mark[1] - (text_top + 35 * PT_PER_MM)) < 4 * PT_PER_MM  # its top 35 mm into the text area
    text_bottom = (297 - 35) * PT_PER_MM
    number = next(word for word in first if word[4] == "1" and word[1] > text_bottom)
    assert number[0] > 105 * 72 / 25.4  # odd page: right
    second = next(word for word in _words(pdf, 2) if word[4] == "2" and word[1] > text_bottom)
    assert second[0] < 105 * 72 / 25.4  # even page: left
    last = _words(pdf, len(pages))
    printed = max((word for word in last if "印发" in word[4]), key=lambda word: word[3])
    assert text_bottom - 12 * PT_PER_MM < printed[3] <= text_bottom + 1


# -- pagination over notices of every length ---------------------------------------------------

PROBLEM_COUNTS = (1, 2, 6, 11, 12, 50)
TEXT_TOP, TEXT_BOTTOM = 37 * PT_PER_MM, (297 - 35) * PT_PER_MM
BODY_LINE = 28.95
TABLE_TEXT_MAX_PT = 13.5
"""Table text is 小四 (12 pt) or 五号 (10.5 pt); the body is 三号 (16 pt), the 版记 四号 (14 pt)."""


@dataclass(frozen=True)
class Line:
    top: float
    bottom: float
    text: str

    @property
    def height(self) -> float:
        return self.bottom - self.top


def _lines(pdf: Path, page: int) -> list[Line]:
    """The page's text lines inside the text area (words grouped by their top), top to bottom."""
    rows: dict[int, list[tuple[float, float, float, str]]] = {}
    for x_min, y_min, _, y_max, text in _words(pdf, page):
        if y_min >= TEXT_TOP - 2 and y_max <= TEXT_BOTTOM + 2:
            rows.setdefault(round(y_min), []).append((x_min, y_min, y_max, text))
    lines = []
    for words in (sorted(row) for _, row in sorted(rows.items())):
        lines.append(Line(min(w[1] for w in words), max(w[2] for w in words), "".join(w[3] for w in words)))
    return lines


@pytest.fixture(scope="module")
def problem_visits(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Visit]:
    """Visits with 1 … 50 problems (every third note twice as long). Odd counts go to a county-level
    unit (no township review), even ones to a township's home for the elderly."""
    arrived = datetime(2026, 11, 3, 9, 0, tzinfo=BUREAU_TZ)
    with Store.open(tmp_path_factory.mktemp("visits") / "data") as store:
        import_register(store, sample_register())
        return {
            count: visit_with_failures(store, "LS-MR-001" if count % 2 else "LS-EC-002", count, arrived=arrived)
            for count in PROBLEM_COUNTS
        }


def _notice(visit: Visit, count: int, pages_before: int) -> bytes:
    return build_notice(visit, BureauProfile(), f"鲁民督改〔2026〕{count}号", pages_before_back_matter=pages_before)


@pytest.fixture(scope="module")
def notices(problem_visits: dict[int, Visit], tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Path, int]]:
    """The notices laid out as where LibreOffice is installed, with their 版记 on an even page, the
    PDFs of each round made in one LibreOffice run."""
    folder = tmp_path_factory.mktemp("pagination")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("INSPECTOR_SOFFICE", raising=False)
        builds = {
            f"notice-{count}": (lambda pages, visit=visit, count=count: _notice(visit, count, pages))
            for count, visit in problem_visits.items()
        }
        settled = even_pages_many(builds, folder)
    found = {}
    for count in PROBLEM_COUNTS:
        pdf = folder / f"notice-{count}.pdf"
        pdf.write_bytes(settled[f"notice-{count}"].pdf)
        found[count] = (pdf, settled[f"notice-{count}"].pages)
    return found


@pytest.mark.parametrize("count", PROBLEM_COUNTS)
def test_pagination_a_typesetter_accepts(notices, count: int) -> None:
    pdf, pages = notices[count]
    assert pages == int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", pdf)).group(1))
    assert pages % 2 == 0, "the 版记 is on the last side: an even page"
    by_page = [_lines(pdf, page) for page in range(1, pages + 1)]
    last_with_text = max(index for index, lines in enumerate(by_page) if lines)
    assert last_with_text == pages - 1 and any("印发" in line.text for line in by_page[-1])
    for number, lines in enumerate(by_page, start=1):
        table_lines = [line for line in lines if line.height < TABLE_TEXT_MAX_PT]
        if table_lines:
            # a page's first table line is its (repeated) header: no row fragment without its 序号
            first = table_lines[0].text
            assert "序号" in first or "被检查单位" in first, (count, number, first)
    signature_page = next(
        index for index, lines in enumerate(by_page) if any(line.text == "2026年11月3日" for line in lines)
    )
    assert any("特此通知。" in line.text for line in by_page[signature_page]), "the signature shares its page with text"
    assert TEXT_BOTTOM - by_page[0][-1].bottom < 3 * BODY_LINE, "page 1 ends no more than two lines early"
    _assert_pages_filled(by_page, count)


MIN_FILLED = 0.6
"""A page the text runs on from is at least this full: the keeps that hold a block together (the
closing line with the signature, the feedback form's summary with its last problem, its signed rows
with 填报人) are never more than a third of a page."""


def _filled(lines: list[Line]) -> float:
    """How far down the text area the page's text reaches: 0 for an empty page, 1 for a full one."""
    return (lines[-1].bottom - TEXT_TOP) / (TEXT_BOTTOM - TEXT_TOP) if lines else 0.0


def _assert_pages_filled(by_page: list[list[Line]], name: object, *, back_matter: bool = True) -> None:
    """Every page is filled but where a block must start a new page: the page before an attachment
    and the last one with text; the only empty page is a blank one just before the 版记's page."""
    text_pages = by_page[:-1] if back_matter else list(by_page)
    if back_matter:
        assert any("印发" in line.text for line in by_page[-1]), (name, "the 版记 is on the last page")
        if text_pages and not text_pages[-1]:  # the blank page before a 版记 that starts on an even page
            text_pages.pop()
    for index, lines in enumerate(text_pages):
        assert lines, (name, f"page {index + 1} is empty")
        ends_text = index == len(text_pages) - 1 or by_page[index + 1][0].text.startswith("附件")
        if not ends_text:
            assert _filled(lines) >= MIN_FILLED, (name, f"page {index + 1} ends {1 - _filled(lines):.0%} early")


def test_the_demo_notice_fills_its_pages(rendered) -> None:
    pdf, pages = rendered
    _assert_pages_filled([_lines(pdf, page) for page in range(1, len(pages) + 1)], "demo")


@pytest.fixture(scope="module")
def built_without_libreoffice(problem_visits: dict[int, Visit], tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The notices as a laptop without LibreOffice makes them (no layout pass), rendered afterwards."""
    folder = tmp_path_factory.mktemp("no-layout-pass")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INSPECTOR_SOFFICE", "")
        made = even_pages_many(
            {f"notice-{count}": partial(_notice, visit, count) for count, visit in problem_visits.items()}, folder
        )
    sources = []
    for name, settled in made.items():
        assert settled.pdf is None
        sources.append(folder / f"{name}.docx")
        sources[-1].write_bytes(settled.docx)
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("INSPECTOR_SOFFICE", raising=False)
        return to_pdfs(sources, folder / "pdf", work_dir=folder)


def test_without_a_layout_pass_the_back_matter_still_lands_on_an_even_page(built_without_libreoffice) -> None:
    """The 版记's section starts on an even page (w:type evenPage), which the renderer honours
    wherever the text ends: a blank page before it when the text ends on an even page."""
    for pdf in built_without_libreoffice:
        pages = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", pdf)).group(1))
        by_page = [_lines(pdf, page) for page in range(1, pages + 1)]
        assert pages % 2 == 0, pdf.name
        text = _run("pdftotext", "-layout", "-f", pages, "-l", pages, pdf, "-")
        assert not re.search(r"—\s*\d+\s*—", text), "the 版记's page carries no number"
        if not by_page[-2]:
            blank = _run("pdftotext", "-layout", "-f", pages - 1, "-l", pages - 1, pdf, "-")
            assert not blank.strip(), "the blank page before it carries no number"
        _assert_pages_filled(by_page, pdf.name)


def test_the_follow_up_record_and_bulletin_fill_their_pages(
    demo: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INSPECTOR_SOFFICE")
    monkeypatch.setattr(rectification_services, "now", lambda: DEMO_TODAY)
    issue_notice(demo, by_site(demo, "LS-MR-001")[0].record.visit_uuid, tmp_path)
    still_open = {view.id: Result.FAIL for view in by_site(demo, "LS-MR-001")}
    follow_up = reinspect(demo, "LS-MR-001", still_open, days=3, deadline_days=5)
    monkeypatch.setattr(rectification_services, "now", lambda: DEMO_TODAY + timedelta(days=4))
    today = DEMO_TODAY.date()
    made = {
        "follow-up": issue_notice(demo, follow_up, tmp_path / "follow-up.docx", pdf=True),
        "record": write_record(demo, signed_with_failures(demo).uuid, tmp_path / "record.docx", pdf=True),
        "bulletin": issue_bulletin(
            demo, start=today - timedelta(days=60), end=today, output=tmp_path / "bulletin.docx", pdf=True
        ),
    }
    for name, written in made.items():
        pages = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", written.pdf)).group(1))
        by_page = [_lines(written.pdf, page) for page in range(1, pages + 1)]
        has_back_matter = name != "record"
        assert not has_back_matter or pages % 2 == 0, name
        _assert_pages_filled(by_page, name, back_matter=has_back_matter)
