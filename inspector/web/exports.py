"""The console's downloads: the county workbook, the county bulletin (通报) and the 催办 list.

The bulletin is the laptop's own generator (``documents/bulletin.py``) over the server's visits
and board, numbered in the bureau's bulletin series, the one the laptops' number blocks come from
(``server.numbers``; the same period asked for again keeps its number). Official documents are in Chinese whatever the page's language.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from inspector.core.profile import document_number
from inspector.core.rectifications import RectificationView
from inspector.server.db import Database
from inspector.server.numbers import issue_on_server
from inspector.server.records import bureau_profile
from inspector.services.documents import BULLETIN_SERIES
from inspector.web.county import BoardItem, VisitIndex, overdue_views, visits_between
from inspector.web.words import Words

BOARD_COLUMNS = (
    "township",
    "site",
    "kind",
    "area",
    "item",
    "note",
    "severity",
    "due",
    "state",
    "light",
    "team",
    "id",
)


def county_workbook(items: Iterable[BoardItem], kinds: dict[str, str], words: Words) -> bytes:
    """Every rectification the filter keeps, one row each, written as it streams."""
    from inspector.documents.spreadsheet import XlsxSheets, display_width

    headers = [words.t(f"web.col.{column}") for column in BOARD_COLUMNS]
    widths = [12, 24, 12, 10, 60, 40, 8, 12, 10, 14, 14, 20]
    buffer = io.BytesIO()
    workbook = XlsxSheets(buffer)
    append = workbook.add(
        words.t("web.export.sheet"),
        headers,
        [max(width, display_width(h)) for width, h in zip(widths, headers, strict=True)],
    )
    for item in items:
        append(
            [
                item.township,
                item.site_name,
                kinds.get(item.site_id, ""),
                words.label(item.area),
                item.item_text,
                item.note,
                words.label(item.severity),
                item.due,
                words.label(item.state),
                words.light(item),
                item.source,
                item.id,
            ]
        )
    workbook.close()
    return buffer.getvalue()


@dataclass(frozen=True)
class Document:
    file_name: str
    data: bytes
    number: str = ""


class NothingToReport(Exception):
    """No visit arrived in the chosen period."""


def county_bulletin(
    database: Database, index: VisitIndex, start: date, end: date, issued: date, *, by_account: int
) -> Document:
    """The 督导检查情况通报 over every team's visits that arrived from ``start`` to ``end``, numbered in
    the bureau's bulletin series that the laptops' blocks come from (``server.numbers``)."""
    from inspector.documents.bulletin import BulletinScope, BulletinVisit, Overdue, build_bulletin
    from inspector.documents.common import safe_file_name
    from inspector.i18n import t

    chosen = visits_between(database, index, start, end)
    if not chosen:
        raise NothingToReport()
    profile = bureau_profile(database)
    issued_for = "bulletin:" + hashlib.sha256(f"{start}:{end}".encode()).hexdigest()[:16]
    allocated = issue_on_server(database, by_account, f"{BULLETIN_SERIES}:{issued.year}", issued_for)
    number = document_number(profile.bulletin_prefix, issued.year, allocated)
    overdue = [
        Overdue(view.record, days, view.notice_number)
        for view, days in _most_overdue(overdue_views(database, index, end))
    ]
    scope = BulletinScope(start, end, issued, [BulletinVisit.of(visit) for visit in chosen], overdue)
    data = build_bulletin(scope, profile, number)
    name = safe_file_name(t("doc.bulletin.file", start=start.isoformat(), end=end.isoformat()))
    return Document(name, data, number)


def _most_overdue(found: list[tuple[RectificationView, int]]) -> list[tuple[RectificationView, int]]:
    return sorted(found, key=lambda pair: (-pair[1], pair[0].record.site_name, pair[0].id))


def chase_list(database: Database, index: VisitIndex, day: date) -> Document:
    """The 催办 list: every item overdue on ``day``, township by township, as an official document."""
    from inspector.documents.common import close_document, long_date, safe_file_name, start_document, title_segments
    from inspector.documents.gongwen import WUHAO, Cell, Column, Row
    from inspector.documents.notice import chinese_ordinal
    from inspector.i18n import t

    found = overdue_views(database, index, day)
    profile = bureau_profile(database)
    title = title_segments("web.chase.title")
    document = start_document(profile, "".join(title), t("web.chase.subject"), day)
    document.title(title)
    document.blank()
    document.addressee(t("web.chase.addressee"))
    townships = sorted({view.record.township for view, _ in found})
    if found:
        document.text(t("web.chase.intro", date=long_date(day), count=len(found), townships=len(townships)))
    columns = [
        Column(t("doc.col.number"), 9, "center"),
        Column(t("web.chase.col.site"), 34),
        Column(t("web.chase.col.problem"), 63),
        Column(t("web.chase.col.due"), 28, "center"),
        Column(t("web.chase.col.days"), 22, "center"),
    ]
    for order, township in enumerate(townships, start=1):
        mine = [(view, days) for view, days in found if view.record.township == township]
        document.heading(t("web.chase.township", number=chinese_ordinal(order), township=township, count=len(mine)))
        rows = [
            Row(
                [
                    Cell(str(number), align="center", size=WUHAO),
                    Cell(view.record.site_name, size=WUHAO),
                    Cell(view.record.note or view.record.item_text, size=WUHAO),
                    Cell(long_date(view.due), align="center", size=WUHAO),
                    Cell(str(days), align="center", size=WUHAO),
                ]
            )
            for number, (view, days) in enumerate(mine, start=1)
        ]
        document.table(columns, rows, header_size=WUHAO)
    if not found:
        document.text(t("web.chase.none", date=long_date(day)))
    document.text(t("web.chase.closing"), keep_next=True)
    document.signature(profile.organ_name, long_date(day))
    data = close_document(document, profile, day)
    return Document(safe_file_name(t("web.chase.file", date=day.isoformat())), data)
