"""The export for bureau staff, who live in Excel and WPS: visits, findings and rectifications.

One workbook with a sheet each (xlsx), or one CSV file each (UTF-8 with a BOM, so that Excel
on Windows reads the Chinese). Headers and vocabulary come from the catalogue, in the chosen
language; dates are real dates in the workbook so that staff can sort and filter on them.

Years of visits are streamed: each visit file is read once, its seal checked, and let go, its
rows going straight into the workbook's sheets, which a second process writes with XlsxWriter's
``constant_memory`` mode a row at a time while this one reads on; so the export's memory does not
grow with the number of visits. A visit altered after sign-off stops the export mid-way: the
workbook is written to a temporary file that is then dropped, so nothing reaches ``output``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path
from typing import IO, Any

from inspector.core.clock import BUREAU_TZ, from_iso, local_date, now
from inspector.core.rectifications import RectificationView
from inspector.core.visits import Visit, failed_items
from inspector.core.vocabulary import VisitStatus
from inspector.documents.spreadsheet import XlsxSheets, display_width
from inspector.i18n import label, t
from inspector.services.rectification_text import found_by
from inspector.services.rectifications import iter_rectification_views
from inspector.services.visits import check_seal
from inspector.store.atomic import atomic_write_bytes, atomic_write_with
from inspector.store.store import Store

FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class Table:
    """One sheet: its name and column keys (``export.sheet.*``, ``export.col.*``) and its rows."""

    name: str
    columns: tuple[str, ...]
    rows: list[list[Any]]


WIDTHS = {
    "visit_uuid": 36,
    "rectification_id": 48,
    "township": 14,
    "site_id": 12,
    "site_name": 26,
    "members": 20,
    "arrived_at": 16,
    "departed_at": 16,
    "signed_off_at": 16,
    "seal": 40,
    "item_id": 14,
    "item_text": 50,
    "basis": 36,
    "note": 50,
    "evidence": 30,
    "recorded_at": 16,
    "measures": 40,
    "feedback_date": 12,
    "due": 12,
    "closed_at": 16,
}
"""How wide each column's content usually is, in Latin character widths (a Chinese one is two)."""


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
    "found_by",
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
        found_by(view),
    ]


TABLES = (("visits", VISIT_COLUMNS), ("findings", FINDING_COLUMNS), ("rectifications", RECTIFICATION_COLUMNS))


def _visit_rows(store: Store) -> Iterator[tuple[list[Any], list[list[Any]]]]:
    """Each visit's row and its findings' rows (signed-off visits only), reading one visit at a
    time; a signed-off visit altered after sign-off is refused (``check_seal``), naming its file."""
    for visit, members in store.iter_visits(summary.uuid for summary in store.visit_summaries()):
        check_seal(store, visit, members)
        yield _visit_row(visit), _finding_rows(visit) if visit.status is VisitStatus.SIGNED_OFF else []


def _rectification_rows(store: Store, day: date) -> Iterator[list[Any]]:
    return (_rectification_row(view, day) for view in iter_rectification_views(store))


def export_tables(store: Store, *, today: date | None = None) -> list[Table]:
    """The three tables, whole: every visit, the findings of signed-off visits, every rectification."""
    day = today or local_date(now())
    pairs = list(_visit_rows(store))
    rows = (
        [visit for visit, _ in pairs],
        [row for _, findings in pairs for row in findings],
        list(_rectification_rows(store, day)),
    )
    return [Table(name, columns, table) for (name, columns), table in zip(TABLES, rows, strict=True)]


def _cell(value: Any) -> Any:
    """What a cell holds: words for vocabulary values and yes/no, dates kept as dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return t("export.yes") if value else t("export.no")
    if isinstance(value, Enum):
        return label(value)
    return value


def _cells(row: list[Any], words: dict[tuple[type, Any], Any]) -> list[Any]:
    """``_cell`` of each value, the words for vocabulary and yes/no looked up once per export
    (a million cells: looking each up in the catalogue again was a tenth of the export's time).
    Keyed by type too: members of two vocabularies may be equal strings, and True equals 1."""
    cells = []
    for value in row:
        if value is None or isinstance(value, (bool, Enum)):
            key = (value.__class__, value)
            cell = words.get(key)
            if cell is None:
                cell = words[key] = _cell(value)
            cells.append(cell)
        else:
            cells.append(value)
    return cells


def _headers(columns: Iterable[str]) -> list[str]:
    return [t(f"export.col.{column}") for column in columns]


def _write_xlsx(store: Store, day: date, handle: IO[bytes]) -> None:
    # written by a second process while this one reads the visits (see documents/spreadsheet.py)
    with XlsxSheets(handle, aside=True) as workbook:
        visits, findings, rectifications = (
            workbook.add(
                t(f"export.sheet.{name}"),
                _headers(columns),
                [max(WIDTHS.get(column, 8), _width_of(column)) for column in columns],
            )
            for name, columns in TABLES
        )
        words: dict[tuple[type, Any], Any] = {}
        for visit_row, finding_rows in _visit_rows(store):
            visits(_cells(visit_row, words))
            for row in finding_rows:
                findings(_cells(row, words))
        for row in _rectification_rows(store, day):
            rectifications(_cells(row, words))
        workbook.close()


def _width_of(column: str) -> int:
    return display_width(t(f"export.col.{column}"))


def _csv_bytes(table: Table) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(_headers(table.columns))
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
    """Write the export atomically; returns the files written (one workbook, or one CSV per table).

    Every signed-off visit's seal is checked as it is read: one altered after sign-off refuses the
    export, naming its file, and nothing is written (the workbook's temporary file is dropped; the
    CSV tables are whole before their files are written)."""
    if export_format == "xlsx":
        day = today or local_date(now())
        atomic_write_with(output, lambda handle: _write_xlsx(store, day, handle))
        return [output]
    tables = export_tables(store, today=today)
    paths = csv_paths(output, tables)
    for path, table in zip(paths, tables, strict=True):
        atomic_write_bytes(path, _csv_bytes(table))
    return paths
