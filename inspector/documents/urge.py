"""催办通知: one township's overdue rectifications gathered in one numbered notice to its government
(GB/T 9704, laid out by ``gongwen`` as the notices and the bulletin are)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from inspector.core.profile import BureauProfile
from inspector.documents.common import (
    close_document,
    long_date,
    safe_file_name,
    short_date,
    sign,
    start_document,
    title_segments,
    township_government,
)
from inspector.documents.gongwen import WUHAO, Cell, Column, Row
from inspector.i18n import t

REPLY_DAYS = 5
"""The township reports back within this many days of the 催办."""


@dataclass(frozen=True)
class UrgeItem:
    site_name: str
    problem: str
    notice_number: str
    due: date
    days_overdue: int


@dataclass(frozen=True)
class UrgeScope:
    township: str
    issued: date
    reply_by: date
    items: Sequence[UrgeItem]


def build_urge_notice(
    scope: UrgeScope, profile: BureauProfile, number: str, *, pages_before_back_matter: int = 0
) -> bytes:
    title = title_segments("doc.urge.title", township=scope.township)
    document = start_document(profile, "".join(title), t("doc.urge.subject"), scope.issued)
    document.organ_header(profile.organ_mark, number)
    document.blank(2)
    document.title(title)
    document.blank()
    document.addressee(t("doc.addressee", names=township_government(scope.township)))
    document.text(t("doc.urge.intro", date=long_date(scope.issued), count=len(scope.items)))
    columns = [
        Column(t("doc.col.number"), 11, "center"),
        Column(t("doc.urge.col.site"), 26),
        Column(t("doc.urge.col.problem"), 37),
        # wide enough for 鲁民督改〔2026〕123号 on one line
        Column(t("doc.urge.col.notice"), 44, "center"),
        Column(t("doc.urge.col.due"), 20, "center"),
        Column(t("doc.urge.col.days"), 18, "center"),
    ]
    rows = [
        Row(
            [
                Cell(str(index), align="center", size=WUHAO),
                Cell(item.site_name, size=WUHAO),
                Cell(item.problem, size=WUHAO),
                Cell(item.notice_number or t("doc.urge.no_notice"), align="center", size=WUHAO),
                Cell(short_date(item.due, scope.issued), align="center", size=WUHAO),
                Cell(str(item.days_overdue), align="center", size=WUHAO),
            ]
        )
        for index, item in enumerate(scope.items, start=1)
    ]
    document.table(columns, rows, header_size=WUHAO)
    document.text(t("doc.urge.requirement", reply_by=long_date(scope.reply_by)))
    document.text(t("doc.urge.closing"), keep_next=True)
    sign(document, profile, scope.issued)
    return close_document(document, profile, scope.issued, pages_before=pages_before_back_matter)


def urge_file_name(number: str, township: str) -> str:
    return safe_file_name(t("doc.urge.file", number=number, township=township))
