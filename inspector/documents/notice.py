"""整改通知书: the rectification notice to one unit, with the 整改情况反馈表 as its attachment."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from itertools import groupby

from inspector.core.profile import BureauProfile
from inspector.core.visits import Rectification, Visit, rectifications
from inspector.core.vocabulary import Result, Severity
from inspector.documents.common import (
    addressees,
    close_document,
    deadline_text,
    issue_day,
    long_date,
    start_document,
    title_segments,
    township_government,
    visit_day,
)
from inspector.documents.gongwen import HEITI, KAITI, WUHAO, Cell, Column, OfficialDocument, Row
from inspector.i18n import label, t

FEEDBACK_MIN_DAYS = 3
"""Even when every problem is 立行立改, the unit has this many days to send the form back."""
CHINESE_NUMERALS = "一二三四五六七八九十"


def feedback_due(visit: Visit, found: Sequence[Rectification]) -> date:
    """The form comes back by the last deadline, and never sooner than a few days after the notice."""
    issued = issue_day(visit)
    latest = max((r.due for r in found), default=issued)
    return max(latest, issued + timedelta(days=FEEDBACK_MIN_DAYS))


def notice_words(visit: Visit) -> str:
    """Where the notice's own words are in the catalogue: a re-inspection's follow-up notice has its own."""
    return "doc.follow_up" if visit.reinspects else "doc.notice"


def chinese_ordinal(number: int) -> str:
    """一 … 九十九: the numbering of headings 一、 and （一）."""
    if number <= 10:
        return CHINESE_NUMERALS[number - 1]
    tens, units = divmod(number, 10)
    head = "" if tens == 1 else CHINESE_NUMERALS[tens - 1]
    return head + "十" + (CHINESE_NUMERALS[units - 1] if units else "")


def build_notice(visit: Visit, profile: BureauProfile, number: str) -> bytes:
    """The notice for a signed-off visit with failed items, numbered ``number``.

    After a re-inspection (复查) it is the follow-up notice: the same form, worded as the result
    of the re-inspection, listing only the items still not put right.
    """
    found = rectifications(visit)
    issued = issue_day(visit)
    site = visit.site
    words = notice_words(visit)
    title = title_segments(f"{words}.title", site=site.name)
    document = start_document(profile, "".join(title), t(f"{words}.subject"), issued)
    document.organ_header(profile.organ_mark, number)
    document.blank(2)
    document.title(title)
    document.blank()
    document.addressee(addressees(site))
    team = t("doc.list_separator").join((visit.lead, *visit.members))
    method = t("doc.method.unannounced") if visit.unannounced else t("doc.method.announced")
    document.text(t(f"{words}.intro", date=long_date(visit_day(visit)), team=team, method=method, site=site.name))
    document.heading(t(f"{words}.heading.problems"))
    document.text(_summary(visit, found))
    _problems_table(document, found, issued)
    document.heading(t("doc.notice.heading.requirements"))
    due = feedback_due(visit, found)
    requirements = [
        ("doc.notice.req.responsibility.head", t("doc.notice.req.responsibility", site=site.name)),
        (
            "doc.notice.req.feedback.head",
            t(
                "doc.notice.req.feedback",
                date=long_date(due),
                form=t("doc.feedback.title_plain"),
                department=profile.department,
            ),
        ),
        (
            "doc.notice.req.township.head",
            t("doc.notice.req.township", government=township_government(site.township), site=site.name),
        ),
        ("doc.notice.req.follow_up.head", t("doc.notice.req.follow_up")),
    ]
    for index, (head, rest) in enumerate(requirements, start=1):
        last = index == len(requirements)
        document.point(t("doc.point", number=chinese_ordinal(index), head=t(head)), rest, keep_next=last)
    # the last point, the attachment note and the signature stay on one page
    document.blank(keep_next=True)
    document.text(t("doc.attachment_note", title=t("doc.feedback.title_plain")), keep_next=True)
    document.signature(profile.organ_name, long_date(issued))
    if profile.contact_person or profile.contact_phone:
        document.note(t("doc.contact", person=profile.contact_person, phone=profile.contact_phone))
    _feedback_form(document, visit, found, number)
    return close_document(document, profile, issued)


def _summary(visit: Visit, found: Sequence[Rectification]) -> str:
    by_severity = [
        t("doc.notice.severity_count", severity=label(severity), count=count)
        for severity in reversed(Severity)
        if (count := sum(1 for r in found if r.severity is severity))
    ]
    immediate = sum(1 for r in found if r.immediate)
    text = t(
        f"{notice_words(visit)}.summary",
        items=len(visit.checklist.items),
        passed=sum(1 for answer in visit.answers.values() if answer.result is Result.PASS),
        count=len(found),
        breakdown=t("doc.list_separator").join(by_severity),
    )
    if immediate:
        text += t("doc.notice.summary_immediate", count=immediate)
    return text


def _problem_text(rectification: Rectification) -> str:
    if rectification.severity is Severity.GENERAL:
        return rectification.note
    return t("doc.notice.problem_with_severity", note=rectification.note, severity=label(rectification.severity))


def _problems_table(document: OfficialDocument, found: Sequence[Rectification], issued: date) -> None:
    columns = [
        Column(t("doc.col.number"), 9, "center"),
        Column(t("doc.col.problem"), 47),
        Column(t("doc.col.basis"), 29),
        Column(t("doc.col.requirement"), 46),
        Column(t("doc.col.deadline"), 25, "center"),
    ]
    rows: list[Row] = []
    number = 0
    for group, (area, items) in enumerate(groupby(found, key=lambda r: r.area), start=1):
        listed = list(items)
        heading = t("doc.notice.area_row", number=chinese_ordinal(group), area=label(area), count=len(listed))
        rows.append(Row([Cell(heading, span=len(columns), font=KAITI)]))
        for rectification in listed:
            number += 1
            rows.append(
                Row(
                    split=True,
                    cells=[
                        Cell(str(number), align="center"),
                        Cell(_problem_text(rectification)),
                        Cell(rectification.basis),
                        Cell(rectification.item_text),
                        Cell(deadline_text(rectification, issued), align="center"),
                    ],
                )
            )
    document.table(columns, rows)


def _feedback_form(document: OfficialDocument, visit: Visit, found: Sequence[Rectification], number: str) -> None:
    document.attachment(t("doc.attachment"), title_segments("doc.feedback.title"))
    columns = [
        Column("", 20, "center"),
        Column(t("doc.col.number"), 7, "center"),
        Column(t("doc.col.problem"), 48),
        Column(t("doc.feedback.col.measures"), 36),
        Column(t("doc.feedback.col.person"), 13, "center"),
        Column(t("doc.feedback.col.done"), 16, "center"),
        Column(t("doc.feedback.col.status"), 16, "center"),
    ]

    def caption(key: str, merge: str | None = None) -> Cell:
        return Cell(t(key), align="center", font=HEITI, size=WUHAO, merge=merge)

    def cell(text: str = "", *, span: int = 1, align: str = "left") -> Cell:
        return Cell(text, span=span, align=align, size=WUHAO)

    rows = [
        Row([caption("doc.feedback.site"), cell(visit.site.name, span=6)], height_mm=10),
        Row(
            [
                caption("doc.feedback.visited"),
                cell(long_date(visit_day(visit)), span=2, align="center"),
                caption("doc.feedback.number"),
                cell(number, span=3, align="center"),
            ],
            height_mm=10,
        ),
        Row(
            [caption("doc.feedback.problems", merge="restart")]
            + [Cell(column.header, align="center", font=HEITI, size=WUHAO) for column in columns[1:]]
        ),
    ]
    for index, rectification in enumerate(found, start=1):
        blanks = [cell() for _ in columns[3:]]
        rows.append(
            Row(
                [Cell(merge="continue"), cell(str(index), align="center"), cell(rectification.note), *blanks],
                height_mm=12,
            )
        )
    signature = t("doc.feedback.signature")
    rows += [
        Row([caption("doc.feedback.overall"), cell(span=6)], height_mm=16),
        Row([caption("doc.feedback.unit_opinion"), cell(signature, span=6, align="right")], height_mm=20),
        Row([caption("doc.feedback.township_opinion"), cell(signature, span=6, align="right")], height_mm=20),
    ]
    document.table(columns, rows, header=False)
