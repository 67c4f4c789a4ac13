"""The notice rendered by LibreOffice headless: pages, fonts without fallback, positions on the page.

CI installs libreoffice-writer-nogui, poppler-utils, fonts-noto-cjk and fonts-lxgw-wenkai (.ci/run);
the test is skipped only where LibreOffice or poppler is missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from inspector.documents.render import soffice, to_pdf
from inspector.services.documents import issue_notice
from inspector.store.store import Store
from tests.documents.conftest import signed_with_failures

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
def rendered(demo: Store, tmp_path: Path) -> tuple[Path, list[str]]:
    notice = issue_notice(demo, signed_with_failures(demo).uuid, tmp_path / "notice.docx").path
    pdf = to_pdf(notice, tmp_path / "pdf", work_dir=tmp_path / "libreoffice")
    pages = _run("pdftotext", "-layout", pdf, "-").split("\f")
    return pdf, [page for page in pages if page.strip()]


def test_every_font_is_a_mapped_stand_in_so_no_glyph_falls_back(rendered) -> None:
    pdf, _ = rendered
    lines = _run("pdffonts", pdf).splitlines()[2:]
    names = [line.split()[0].split("+", 1)[-1] for line in lines]
    assert names
    assert [name for name in names if not name.startswith(FREE_STAND_INS)] == []


def test_pages_notice_then_feedback_form_on_its_own_page_then_back_matter(rendered) -> None:
    pdf, pages = rendered
    count = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", pdf)).group(1))
    assert 3 <= count <= 5 and len(pages) == count
    assert "鲁山县民政局文件" in pages[0] and "限期整改的通知" in pages[0]
    attachment = next(index for index, page in enumerate(pages) if page.lstrip().startswith("附件"))
    assert attachment >= 1 and "督导检查整改情况反馈表" in pages[attachment]
    assert "特此" not in pages[attachment] and "抄送" in pages[-1] and "印发" in pages[-1]
    for number, page in enumerate(pages, start=1):
        assert re.search(rf"—\s*{number}\s*—", page)


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
