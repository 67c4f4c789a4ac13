"""The 催办通知 and the 抽查结果公示 rendered by LibreOffice headless and measured as the notices are:
the 版记 on an even last page, every font a mapped stand-in, the organ mark where GB/T 9704 puts it,
a table's header repeated on every page it runs to."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from inspector.core.profile import BureauProfile
from inspector.core.vocabulary import SiteKind
from inspector.documents.common import in_chinese
from inspector.documents.render import even_pages_many
from inspector.documents.round_results import Publication, ResultRow, build_publication
from inspector.documents.urge import UrgeItem, UrgeScope, build_urge_notice
from tests.documents.conftest import LONG_NOTE
from tests.documents.test_render import FREE_STAND_INS, PT_PER_MM, _run, _words, pytestmark  # noqa: F401

ITEM_COUNTS = (1, 4, 25)


def urge(count: int) -> UrgeScope:
    items = [
        UrgeItem(
            f"张官营镇第{index}敬老院",
            LONG_NOTE if index % 3 else "消毒记录缺失",
            f"鲁民督改〔2026〕{index}号",
            date(2026, 11, 1),
            27,
        )
        for index in range(1, count + 1)
    ]
    return UrgeScope("张官营镇", date(2026, 11, 28), date(2026, 12, 3), items)


def publication(count: int) -> Publication:
    rows = [
        ResultRow(
            f"第{index}养老院",
            "梁洼镇",
            SiteKind.ELDERLY_CARE,
            ("张三", "李四"),
            date(2026, 12, 2) if index % 2 else None,
            index % 3 if index % 2 else None,
        )
        for index in range(1, count + 1)
    ]
    return Publication(
        "2026年12月养老机构双随机抽查",
        date(2026, 12, 1),
        date(2026, 12, 20),
        (SiteKind.ELDERLY_CARE,),
        30,
        6,
        date(2026, 12, 21),
        rows,
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, int]]:
    folder = tmp_path_factory.mktemp("rounds-render")
    profile = BureauProfile()
    builds = {}
    for count in ITEM_COUNTS:
        scope, shown = urge(count), publication(count)
        builds[f"urge-{count}"] = lambda pages, scope=scope: build_urge_notice(
            scope, profile, "鲁民督催〔2026〕1号", pages_before_back_matter=pages
        )
        builds[f"round-{count}"] = lambda pages, shown=shown: build_publication(
            shown, profile, "鲁民督公〔2026〕1号", pages_before_back_matter=pages
        )
    with pytest.MonkeyPatch.context() as patch, in_chinese():
        patch.delenv("INSPECTOR_SOFFICE", raising=False)
        settled = even_pages_many(builds, folder)
    found = {}
    for name, result in settled.items():
        pdf = folder / f"{name}.pdf"
        assert result.pdf is not None
        pdf.write_bytes(result.pdf)
        found[name] = (pdf, result.pages)
    return found


@pytest.mark.parametrize("name", [f"{kind}-{count}" for kind in ("urge", "round") for count in ITEM_COUNTS])
def test_rendered_as_a_typesetter_accepts(rendered, name: str) -> None:
    pdf, pages = rendered[name]
    assert pages == int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", pdf)).group(1))
    assert pages % 2 == 0, "the 版记 is on the last side: an even page"
    fonts = [line.split()[0].split("+", 1)[-1] for line in _run("pdffonts", pdf).splitlines()[2:]]
    assert fonts and [font for font in fonts if not font.startswith(FREE_STAND_INS)] == []
    first = _words(pdf, 1)
    mark = next(word for word in first if "鲁山县民政局文件" in word[4])
    assert abs(mark[1] - (37 + 35) * PT_PER_MM) < 4 * PT_PER_MM
    assert any("印发" in word[4] for word in _words(pdf, pages))
    # every page holding rows of the table repeats its header
    row_word = "鲁民督改" if name.startswith("urge") else "养老院"
    table_pages = [page for page in range(1, pages + 1) if any(row_word in word[4] for word in _words(pdf, page))]
    assert table_pages and all(any("序号" in word[4] for word in _words(pdf, page)) for page in table_pages)
    if name.endswith("-25"):
        assert len(table_pages) > 1
