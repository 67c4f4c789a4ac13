"""The export for Excel and WPS: read back with openpyxl, CSV with a BOM, opened by LibreOffice Calc."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from inspector.i18n import set_language
from inspector.services import rectifications as services
from inspector.services.export import export_tables, write_export
from inspector.store.store import Store
from tests.conftest import DEMO_TODAY

from .calc import calc_sheets

TODAY = DEMO_TODAY.date()


def test_xlsx_has_three_sheets_with_chinese_headers_and_real_dates(demo: Store, tmp_path: Path) -> None:
    output = tmp_path / "督导检查.xlsx"
    assert write_export(demo, output, "xlsx", today=TODAY) == [output]
    workbook = openpyxl.load_workbook(output)
    assert workbook.sheetnames == ["检查记录", "发现问题", "整改情况"]
    visits, findings, rectifications = (workbook[name] for name in workbook.sheetnames)
    assert [cell.value for cell in visits[1]][:5] == ["检查编号", "检查类别", "乡镇（街道）", "单位编号", "被检查单位"]
    assert visits.max_row - 1 == len(demo.visit_uuids())
    views = services.rectification_views(demo)
    assert findings.max_row - 1 == len(views)
    headers = [cell.value for cell in rectifications[1]]
    rows = [
        dict(zip(headers, (cell.value for cell in row), strict=True)) for row in rectifications.iter_rows(min_row=2)
    ]
    assert len(rows) == len(views)
    assert {row["整改编号"] for row in rows} == {view.id for view in views}
    assert all(isinstance(row["整改期限"], dt.datetime) for row in rows)
    overdue = [row for row in rows if row["是否逾期"] == "是"]
    assert overdue and all(row["逾期天数"] > 0 for row in overdue)
    assert {row["整改状态"] for row in rows} == {"待整改", "已反馈"}
    with_feedback = [row for row in rows if row["整改状态"] == "已反馈"]
    assert all(row["整改措施"] and row["责任人"] and row["反馈日期"] for row in with_feedback)


def test_english_headers_when_chosen(demo: Store, tmp_path: Path) -> None:
    set_language("en")
    write_export(demo, tmp_path / "out.xlsx", "xlsx", today=TODAY)
    workbook = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert workbook.sheetnames == ["Visits", "Findings", "Rectifications"]
    assert workbook["Rectifications"]["A1"].value == "Rectification"


def test_csv_is_utf8_with_bom_one_file_per_sheet(demo: Store, tmp_path: Path) -> None:
    written = write_export(demo, tmp_path / "报表.csv", "csv", today=TODAY)
    assert [path.name for path in written] == ["报表_检查记录.csv", "报表_发现问题.csv", "报表_整改情况.csv"]
    raw = written[2].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][0] == "整改编号" and len(rows) - 1 == len(services.rectification_views(demo))
    tables = export_tables(demo, today=TODAY)
    assert [len(table.rows) for table in tables] == [
        len(list(csv.reader(path.read_bytes().decode("utf-8-sig").splitlines()))) - 1 for path in written
    ]


def test_export_command(run_cli, demo_dir: Path, tmp_path: Path) -> None:
    done = run_cli("--data-dir", demo_dir, "export", "--format", "xlsx", "-o", tmp_path / "a.xlsx")
    assert done.code == 0 and "a.xlsx" in done.out
    assert openpyxl.load_workbook(tmp_path / "a.xlsx").sheetnames[2] == "整改情况"
    missing_folder = run_cli("--data-dir", demo_dir, "export", "-o", tmp_path / "no" / "a.xlsx")
    assert missing_folder.code == 1 and "无法写入" in missing_folder.err
    no_data = run_cli("--data-dir", tmp_path / "empty", "export", "-o", tmp_path / "b.xlsx")
    assert no_data.code == 1 and not (tmp_path / "b.xlsx").exists()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_calc_opens_the_workbook(demo: Store, tmp_path: Path) -> None:
    write_export(demo, tmp_path / "报表.xlsx", "xlsx", today=TODAY)
    sheets = calc_sheets(tmp_path / "报表.xlsx", tmp_path / "calc")
    assert list(sheets) == ["发现问题", "整改情况", "检查记录"]
    rows = sheets["整改情况"]
    assert rows[0][:4] == ["整改编号", "乡镇（街道）", "被检查单位", "领域"]
    states = {row[rows[0].index("整改状态")] for row in rows[1:]}
    assert states == {"待整改", "已反馈"}
    # the due date is a real date in the workbook, shown by Calc as one
    due = rows[1][rows[0].index("整改期限")]
    assert dt.date.fromisoformat(due) in {view.due for view in services.rectification_views(demo)}


@pytest.mark.parametrize("aside", [False, True], ids=["here", "aside"])
def test_text_stays_text_and_dates_stay_dates(tmp_path: Path, aside: bool) -> None:
    """A team's note is never run as a formula or turned into a link when the bureau opens it;
    the same whether this process writes the workbook or a second one does."""
    from inspector.services.export import XlsxSheets

    output = tmp_path / "x.xlsx"
    with output.open("wb") as handle, XlsxSheets(handle, aside=aside) as workbook:
        append = workbook.add("表", ["说明", "网址", "日期", "空"], [10, 10, 10, 10])
        append(["=1+1", "www.example.com", dt.date(2026, 11, 28), ""])
        workbook.close()
    sheet = openpyxl.load_workbook(output)["表"]
    note, link, day, empty = sheet[2]
    assert (note.value, note.data_type) == ("=1+1", "s") and link.value == "www.example.com" and not link.hyperlink
    assert day.value == dt.datetime(2026, 11, 28) and empty.value is None
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold


def test_the_writing_process_says_why_it_failed_and_is_stopped_when_the_caller_fails(tmp_path: Path) -> None:
    """A workbook the second process cannot write is an OSError naming why (the command turns it
    into one line); a caller failing mid-way stops that process and keeps its own error."""
    from inspector.documents.spreadsheet import BATCH_ROWS, XlsxSheets

    with (tmp_path / "bad.xlsx").open("wb") as handle, XlsxSheets(handle, aside=True) as workbook:
        workbook.add("[表]", ["说明"], [10])  # brackets are not allowed in a sheet's name
        with pytest.raises(OSError, match=r"InvalidWorksheetName.*\[表\]"):
            workbook.close()

    with (
        (tmp_path / "refused.xlsx").open("wb") as handle,
        pytest.raises(LookupError),
        XlsxSheets(handle, aside=True) as workbook,
    ):
        append = workbook.add("表", ["说明"], [10])
        for number in range(BATCH_ROWS * 2):
            append([f"第{number}行"])
        writer = workbook.book.process  # type: ignore[union-attr]
        raise LookupError("a visit altered after sign-off")
    assert not writer.is_alive() and writer.exitcode is not None
