"""抽查结果公示 and the round's workbook: what a closed inspection round (双随机) drew and found, made
public after the fact (一公开). The public notice names the sites, dates and results, not the
inspectors; the workbook, for the bureau, has the teams too."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from inspector.core.profile import BureauProfile
from inspector.core.vocabulary import SiteKind
from inspector.documents.common import (
    close_document,
    long_date,
    safe_file_name,
    short_date,
    sign,
    start_document,
    title_segments,
)
from inspector.documents.gongwen import WUHAO, Cell, Column, Row
from inspector.i18n import label, t

OBJECTION_DAYS = 5
"""Working days the public may raise an objection."""


@dataclass(frozen=True)
class ResultRow:
    site_name: str
    township: str
    kind: SiteKind
    team: tuple[str, ...]
    visited_on: date | None
    problems: int | None


@dataclass(frozen=True)
class Publication:
    round_name: str
    start: date
    end: date
    kinds: tuple[SiteKind, ...]
    candidates: int
    inspectors: int
    issued: date
    rows: Sequence[ResultRow]


def result_text(row: ResultRow) -> str:
    if row.problems is None:
        return t("doc.round.result.not_visited")
    if row.problems == 0:
        return t("doc.round.result.pass")
    return t("doc.round.result.problems", count=row.problems)


def build_publication(
    publication: Publication, profile: BureauProfile, number: str, *, pages_before_back_matter: int = 0
) -> bytes:
    title = title_segments("doc.round.title", name=publication.round_name)
    document = start_document(profile, "".join(title), t("doc.round.subject"), publication.issued)
    document.organ_header(profile.organ_mark, number)
    document.blank(2)
    document.title(title)
    document.blank()
    visited = [row for row in publication.rows if row.problems is not None]
    document.text(
        t(
            "doc.round.intro",
            start=long_date(publication.start),
            end=short_date(publication.end, publication.start),
            kinds="、".join(label(kind) for kind in publication.kinds),
            candidates=publication.candidates,
            count=len(publication.rows),
            inspectors=publication.inspectors,
            visited=len(visited),
            clean=sum(row.problems == 0 for row in visited),
            problems=sum(row.problems or 0 for row in visited),
        )
    )
    columns = [
        Column(t("doc.col.number"), 11, "center"),
        Column(t("doc.round.col.site"), 46),
        Column(t("doc.round.col.township"), 24, "center"),
        Column(t("doc.round.col.date"), 22, "center"),
        Column(t("doc.round.col.result"), 53, "center"),
    ]
    rows = [
        Row(
            [
                Cell(str(index), align="center", size=WUHAO),
                Cell(row.site_name, size=WUHAO),
                Cell(row.township, align="center", size=WUHAO),
                Cell(
                    short_date(row.visited_on, publication.start) if row.visited_on else "—", align="center", size=WUHAO
                ),
                Cell(result_text(row), align="center", size=WUHAO),
            ]
        )
        for index, row in enumerate(publication.rows, start=1)
    ]
    document.table(columns, rows, header_size=WUHAO)
    document.text(t("doc.round.objection", days=OBJECTION_DAYS), keep_next=True)
    sign(document, profile, publication.issued)
    return close_document(document, profile, publication.issued, pages_before=pages_before_back_matter)


def publication_file_name(name: str) -> str:
    return safe_file_name(t("doc.round.file", name=name))


def workbook_file_name(name: str) -> str:
    return safe_file_name(t("doc.round.workbook_file", name=name))


WORKBOOK_COLUMNS = ("number", "site", "township", "kind", "team", "date", "result", "problems")


def build_workbook(publication: Publication) -> bytes:
    """One sheet: the sites drawn, in the order drawn, with their teams, dates and results."""
    from inspector.documents.spreadsheet import XlsxSheets  # only the round's closing needs it

    buffer = io.BytesIO()
    workbook = XlsxSheets(buffer)
    append = workbook.add(
        t("doc.round.sheet"),
        [t(f"doc.round.xlsx.{column}") for column in WORKBOOK_COLUMNS],
        (6, 30, 12, 14, 20, 12, 20, 8),
    )
    for index, row in enumerate(publication.rows, start=1):
        append(
            [
                index,
                row.site_name,
                row.township,
                label(row.kind),
                "、".join(row.team),
                row.visited_on,
                result_text(row),
                row.problems if row.problems is not None else "",
            ]
        )
    workbook.close()
    return buffer.getvalue()
