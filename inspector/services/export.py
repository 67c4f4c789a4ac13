"""The export for bureau staff, who live in Excel and WPS: visits, findings and rectifications.

One workbook with a sheet each (xlsx), or one CSV file each (UTF-8 with a BOM, so that Excel
on Windows reads the Chinese). Headers and vocabulary come from the catalogue, in the chosen
language; dates are real dates in the workbook so that staff can sort and filter on them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

from inspector.core.clock import BUREAU_TZ, from_iso, local_date, now
from inspector.core.rectifications import RectificationView
from inspector.core.visits import Visit, failed_items
from inspector.core.vocabulary import VisitStatus
from inspector.i18n import label, t
from inspector.services.rectifications import rectification_views
from inspector.store.atomic import atomic_write_bytes
from inspector.store.store import Store

FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class Table:
    """One sheet: its name and column keys (``export.sheet.*``, ``export.col.*``) and its rows."""

    name: str
    columns: tuple[str, ...]
    rows: list[list[Any]]


VISIT_COLUMNS = (
    "visit_uuid",
    "visit_kind",
    "township",
    "site_id",
    "site_name",
    "site_kind",
    "lead",
    "members",
    "arrived_at",
    "departed_at",
    "status",
    "signed_off_at",
    "version",
    "items",
    "failed",
    "seal",
)
FINDING_COLUMNS = (
    "visit_uuid",
    "visit_kind",
    "township",
    "site_name",
    "area",
    "item_id",
    "item_text",
    "basis",
    "note",
    "severity",
    "deadline",
    "evidence",
    "recorded_by",
    "recorded_at",
)
RECTIFICATION_COLUMNS = (
    "rectification_id",
    "township",
    "site_name",
    "area",
    "item_text",
    "note",
    "severity",
    "notice_number",
    "due",
    "state",
    "overdue",
    "days_overdue",
    "feedback_date",
    "measures",
    "responsible",
    "feedback_status",
    "last_result",
    "closed_at",
)


def _local_time(text: str | None) -> str:
    """A stored time as the bureau reads it: local, to the minute (Excel has no time zones)."""
    if not text:
        return ""
    return from_iso(text).astimezone(BUREAU_TZ).strftime("%Y-%m-%d %H:%M")


def _visit_kind(visit: Visit) -> str:
    return t("export.kind.reinspection") if visit.reinspects else t("export.kind.visit")


def _visit_row(visit: Visit) -> list[Any]:
    return [
        visit.uuid,
        _visit_kind(visit),
        visit.site.township,
        visit.site.id,
        visit.site.name,
        visit.site.kind,
        visit.lead,
        "、".join(visit.members),
        _local_time(visit.arrived_at),
        _local_time(visit.departed_at),
        visit.status,
        _local_time(visit.signed_off_at),
        visit.version,
        len(visit.checklist.items),
        len(failed_items(visit)),
        visit.seal or "",
    ]


def _finding_rows(visit: Visit) -> list[list[Any]]:
    rows = []
    for item, answer in failed_items(visit):
        days = answer.deadline_override_days if answer.deadline_override_days is not None else item.deadline_days
        rows.append(
            [
                visit.uuid,
                _visit_kind(visit),
                visit.site.township,
                visit.site.name,
                item.area,
                item.id,
                item.text,
                item.basis,
                answer.note,
                answer.severity_override or item.severity,
                t("deadline.immediate") if days == 0 else t("deadline.days", days=days),
                "、".join(evidence.name for evidence in answer.evidence),
                answer.by,
                _local_time(answer.at),
            ]
        )
    return rows


def _rectification_row(view: RectificationView, today: date) -> list[Any]:
    record, feedback = view.record, view.feedback
    return [
        record.id,
        record.township,
        record.site_name,
        record.area,
        record.item_text,
        record.note,
        record.severity,
        view.notice_number,
        view.due,
        view.state,
        view.overdue_on(today),
        view.days_overdue(today),
        feedback.date if feedback else None,
        feedback.measures if feedback else "",
        feedback.responsible if feedback else "",
        feedback.status if feedback else None,
        view.last_result,
        _local_time(view.closed_at),
    ]


def export_tables(store: Store, *, today: date | None = None) -> list[Table]:
    """The three tables: every visit, the findings of signed-off visits, every rectification."""
    day = today or local_date(now())
    visits = [store.load_visit(summary.uuid) for summary in store.visit_summaries()]
    signed = [visit for visit in visits if visit.status is VisitStatus.SIGNED_OFF]
    return [
        Table("visits", VISIT_COLUMNS, [_visit_row(visit) for visit in visits]),
        Table("findings", FINDING_COLUMNS, [row for visit in signed for row in _finding_rows(visit)]),
        Table(
            "rectifications",
            RECTIFICATION_COLUMNS,
            [_rectification_row(view, day) for view in rectification_views(store)],
        ),
    ]


def _cell(value: Any) -> Any:
    """What a cell holds: words for vocabulary values and yes/no, dates kept as dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return t("export.yes") if value else t("export.no")
    if isinstance(value, Enum):
        return label(value)
    return value


def _headers(table: Table) -> list[str]:
    return [t(f"export.col.{column}") for column in table.columns]


def _xlsx_bytes(tables: list[Table]) -> bytes:
    from openpyxl import Workbook  # only the export needs it: plain commands stay fast
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(t(f"export.sheet.{table.name}"))
        sheet.append(_headers(table))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_cell(value) for value in row])
        for index, column in enumerate(table.columns, start=1):
            widest = max((_display_width(str(_cell(row[index - 1]))) for row in table.rows), default=0)
            sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, widest, _width_of(column)) + 2)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _width_of(column: str) -> int:
    return _display_width(t(f"export.col.{column}"))


def _display_width(text: str) -> int:
    """Columns wide enough to read: a Chinese character takes two widths of a Latin one."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def _csv_bytes(table: Table) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(_headers(table))
    for row in table.rows:
        writer.writerow([_csv_cell(value) for value in row])
    # with a BOM, so that Excel on Windows opens the Chinese text correctly
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(value: Any) -> Any:
    cell = _cell(value)
    return cell.isoformat() if isinstance(cell, date) else cell


def csv_paths(output: Path, tables: list[Table]) -> list[Path]:
    """Where each table of a CSV export goes: beside ``output``, named after the sheet."""
    return [output.with_name(f"{output.stem}_{t(f'export.sheet.{table.name}')}.csv") for table in tables]


def write_export(store: Store, output: Path, export_format: str, *, today: date | None = None) -> list[Path]:
    """Write the export atomically; returns the files written (one workbook, or one CSV per table)."""
    tables = export_tables(store, today=today)
    if export_format == "xlsx":
        atomic_write_bytes(output, _xlsx_bytes(tables))
        return [output]
    paths = csv_paths(output, tables)
    for path, table in zip(paths, tables, strict=True):
        atomic_write_bytes(path, _csv_bytes(table))
    return paths
