"""整改通知书: the rectification notice to one unit, with the 整改情况反馈表 as its attachment.

Layout by the number of problems, as county bureaus lay them out:

- up to ``TABLE_IN_BODY_MAX`` problems: the problems table stands in the text (序号, 存在问题,
  整改要求, 整改时限), then the requirements; the feedback form is the attachment;
- more: the text counts the problems by area and severity and points to 附件1 问题清单, the full
  table, which starts on its own page; the feedback form is 附件2. A 60-problem table in the text
  would push the requirements, the signature and the date ten pages from the title.

Table rows never split (``w:cantSplit``): a row is at most a few lines, since the long free text is
the finding alone in the widest column, so the gap it can leave at a page's foot is small, and
no page starts with a fragment of a row without its 序号. Header rows repeat on every page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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
    sign,
    start_document,
    title_segments,
    township_government,
    township_reviews,
    visit_day,
)
from inspector.documents.gongwen import HEITI, KAITI, OWN_EVEN_PAGE, WUHAO, Cell, Column, OfficialDocument, Row
from inspector.i18n import label, t

FEEDBACK_MIN_DAYS = 3
"""Even when every problem is 立行立改, the unit has this many days to send the form back."""
TABLE_IN_BODY_MAX = 6
"""Up to this many problems the table stands in the text; more go to the attachment 问题清单."""
CHINESE_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Issue:
    """How a notice is issued: its number and date, and the earlier notice it replaces, if any."""

    number: str
    issued: date
    replaces_number: str = ""
    replaces_date: date | None = None


@dataclass(frozen=True)
class FollowUpSource:
    """For a follow-up notice: the original notices (number, date) and each problem's original finding."""

    notices: Sequence[tuple[str, date]] = ()
    original_notes: Mapping[str, str] = field(default_factory=dict)


def feedback_due(visit: Visit, found: Sequence[Rectification], issued: date | None = None) -> date:
    """The form comes back by the last deadline, and never sooner than a few days after the notice."""
    issued = issued or issue_day(visit)
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


def build_notice(
    visit: Visit,
    profile: BureauProfile,
    number: str | Issue,
    *,
    follow_up: FollowUpSource | None = None,
    pages_before_back_matter: int = OWN_EVEN_PAGE,
) -> bytes:
    """The notice for a signed-off visit with failed items.

    ``number`` is the document number (dated the sign-off day) or an ``Issue`` with its date and
    the notice it replaces. After a re-inspection (复查) it is the follow-up notice: it cites the
    original notices, and lists each problem still not put right with its original finding and
    what the re-inspection found. ``pages_before_back_matter`` 0 puts the 版记 under the text of the
    last page, any other number (the default: right without a layout pass) in a section of its own
    on the next even page (``render.even_pages`` chooses).
    """
    issue = number if isinstance(number, Issue) else Issue(number, issue_day(visit))
    follow_up = follow_up if visit.reinspects else None
    found = rectifications(visit)
    site = visit.site
    words = notice_words(visit)
    title = title_segments(f"{words}.title", site=site.name)
    document = start_document(profile, "".join(title), t(f"{words}.subject"), issue.issued)
    document.organ_header(profile.organ_mark, issue.number)
    document.blank(2)
    document.title(title)
    document.blank()
    document.addressee(addressees(site))
    team = t("doc.list_separator").join((visit.lead, *visit.members))
    method = t("doc.method.unannounced") if visit.unannounced else t("doc.method.announced")
    cited = t("doc.follow_up.cited_unknown")
    if follow_up and follow_up.notices:
        cited = t("doc.list_separator").join(
            t("doc.follow_up.cited", date=long_date(day), number=cited_number, site=site.name)
            for cited_number, day in follow_up.notices
        )
    intro = t(f"{words}.intro", date=long_date(visit_day(visit)), team=team, method=method, site=site.name, cited=cited)
    if issue.replaces_number and issue.replaces_date:
        intro += t("doc.notice.replaces", date=long_date(issue.replaces_date), number=issue.replaces_number)
    document.text(intro)
    document.heading(t(f"{words}.heading.problems"))
    document.text(_summary(visit, found))
    in_body = len(found) <= TABLE_IN_BODY_MAX
    if in_body:
        _problems_table(document, visit, found, issue.issued, follow_up)
    else:
        _problems_by_area(document, found)
    document.heading(t("doc.notice.heading.requirements"))
    points = _requirements(visit, found, profile, issue.issued)
    for index, (head, rest) in enumerate(points, start=1):
        document.point(t("doc.point", number=chinese_ordinal(index), head=t(head)), rest)
    # the closing line, the attachment note, the signature and the date share a page: a one-line
    # paragraph leads the chain, since LibreOffice never splits a paragraph kept with the next (a
    # last point kept whole left the page before it half empty)
    document.text(t("doc.notice.closing"), keep_next=True)
    document.blank(keep_next=True)
    form_title = t("doc.feedback.title_plain")
    if in_body:
        document.text(t("doc.attachment_note", title=form_title), keep_next=True)
    else:
        lines = [t("doc.problem_list.title_plain"), form_title]
        document.attachment_notes(lines)
    sign(document, profile, issue.issued)
    if not in_body:
        document.attachment(t("doc.attachment_numbered", number=1), title_segments("doc.problem_list.title"))
        _problems_table(document, visit, found, issue.issued, follow_up)
    label_text = t("doc.attachment") if in_body else t("doc.attachment_numbered", number=2)
    originals = follow_up.original_notes if follow_up else {}
    _feedback_form(document, visit, found, issue.number, label_text, originals)
    return close_document(document, profile, issue.issued, pages_before=pages_before_back_matter)


def _summary(visit: Visit, found: Sequence[Rectification]) -> str:
    """What was counted, said so: items checked (not-applicable ones apart), problems by severity."""
    by_severity = [
        t("doc.notice.severity_count", severity=label(severity), count=count)
        for severity in reversed(Severity)
        if (count := sum(1 for r in found if r.severity is severity))
    ]
    answers = visit.answers.values()
    not_applicable = sum(1 for answer in answers if answer.result is Result.NOT_APPLICABLE)
    text = t(
        f"{notice_words(visit)}.summary",
        items=sum(1 for answer in answers if answer.result in (Result.PASS, Result.FAIL)),
        not_applicable=t("doc.notice.summary_not_applicable", count=not_applicable) if not_applicable else "",
        passed=sum(1 for answer in answers if answer.result is Result.PASS),
        count=len(found),
        breakdown=t("doc.list_separator").join(by_severity),
    )
    immediate = sum(1 for r in found if r.immediate)
    if immediate:
        text += t("doc.notice.summary_immediate", count=immediate)
    return text


def _requirements(
    visit: Visit, found: Sequence[Rectification], profile: BureauProfile, issued: date
) -> list[tuple[str, str]]:
    """The numbered requirements that apply: 立行立改 only when such a problem is listed, the
    township's part only where the township oversees the unit."""
    site = visit.site
    points = [("doc.notice.req.responsibility.head", t("doc.notice.req.responsibility", site=site.name))]
    if any(r.immediate for r in found):
        points.append(("doc.notice.req.immediate.head", t("doc.notice.req.immediate")))
    points.append(
        (
            "doc.notice.req.feedback.head",
            t(
                "doc.notice.req.feedback",
                date=long_date(feedback_due(visit, found, issued)),
                form=t("doc.feedback.title_plain"),
                department=profile.department,
            ),
        )
    )
    if township_reviews(site):
        points.append(
            (
                "doc.notice.req.township.head",
                t("doc.notice.req.township", government=township_government(site.township), site=site.name),
            )
        )
    points.append(("doc.notice.req.follow_up.head", t("doc.notice.req.follow_up")))
    return points


def _finding(rectification: Rectification, original: str = "") -> str:
    """The problem as found; after a re-inspection, the original finding and the new one."""
    if not original:
        return rectification.note
    return t("doc.follow_up.problem", original=original.rstrip("。"), finding=rectification.note.rstrip("。"))


def _problem_text(rectification: Rectification, original: str = "") -> str:
    note = _finding(rectification, original)
    if rectification.severity is Severity.GENERAL:
        return note
    return t("doc.notice.problem_with_severity", note=note, severity=label(rectification.severity))


def requirement_text(visit: Visit, rectification: Rectification) -> str:
    """The checklist item's 整改要求; for a checklist written before the field, one made from the item."""
    item = visit.checklist.item(rectification.item_id)
    return item.requirement or t("doc.notice.requirement_from_item", text=item.text.rstrip("。"))


def _problems_by_area(document: OfficialDocument, found: Sequence[Rectification]) -> None:
    """The text's count of the problems by area, when the table itself is the attachment 问题清单."""
    for group, (area, items) in enumerate(groupby(found, key=lambda r: r.area), start=1):
        listed = list(items)
        by_severity = [
            t("doc.notice.severity_count", severity=label(severity), count=count)
            for severity in reversed(Severity)
            if severity is not Severity.GENERAL and (count := sum(1 for r in listed if r.severity is severity))
        ]
        rest = t("doc.notice.area_count", count=len(listed))
        if by_severity:
            rest += t("doc.notice.area_count_of_which", breakdown=t("doc.list_separator").join(by_severity))
        head = t("doc.point", number=chinese_ordinal(group), head=t("doc.notice.area_head", area=label(area)))
        document.point(head, rest + "。")
    document.text(t("doc.notice.see_problem_list", title=t("doc.problem_list.title_plain")))


def _problems_table(
    document: OfficialDocument,
    visit: Visit,
    found: Sequence[Rectification],
    issued: date,
    follow_up: FollowUpSource | None,
) -> None:
    columns = [
        Column(t("doc.col.number"), 12, "center"),
        Column(t("doc.col.problem"), 66),
        Column(t("doc.col.requirement"), 50),
        Column(t("doc.col.deadline"), 28, "center"),
    ]
    originals = follow_up.original_notes if follow_up else {}
    rows: list[Row] = []
    number = 0
    for group, (area, items) in enumerate(groupby(found, key=lambda r: r.area), start=1):
        listed = list(items)
        heading = t("doc.notice.area_row", number=chinese_ordinal(group), area=label(area), count=len(listed))
        rows.append(Row([Cell(heading, span=len(columns), font=KAITI)], keep_with_next=True))
        for rectification in listed:
            number += 1
            rows.append(
                Row(
                    [
                        Cell(str(number), align="center"),
                        Cell(_problem_text(rectification, originals.get(rectification.item_id, ""))),
                        Cell(requirement_text(visit, rectification)),
                        Cell(deadline_text(rectification, issued), align="center"),
                    ]
                )
            )
    document.table(columns, rows)


def _feedback_form(
    document: OfficialDocument,
    visit: Visit,
    found: Sequence[Rectification],
    number: str,
    label_text: str,
    originals: Mapping[str, str],
) -> None:
    """The 反馈表: the unit and the notice, one row per problem with a status to tick, the summary,
    the evidence list, who filled it in, the unit's signature and, where a township oversees the
    unit, the township's review. The first two rows repeat on every page; the summary row stays
    with the last problem, the signed rows with the row of who filled the form in."""
    document.attachment(label_text, title_segments("doc.feedback.title"))
    columns = [
        Column(t("doc.col.number"), 11, "center"),
        Column(t("doc.col.problem"), 47),
        Column(t("doc.feedback.col.measures"), 40),
        Column(t("doc.feedback.col.person"), 16, "center"),
        Column(t("doc.feedback.col.done"), 20, "center"),
        Column(t("doc.feedback.col.status"), 22, "center"),
    ]

    def cell(text: str = "", *, span: int = 1, align: str = "left", font: str | None = None) -> Cell:
        return Cell(text, span=span, align=align, size=WUHAO, **({"font": font} if font else {}))

    site_line = t("doc.feedback.site_line", site=visit.site.name, date=long_date(visit_day(visit)))
    rows = [
        Row([cell(site_line, span=4), cell(t("doc.feedback.number_line", number=number), span=2)], header=True),
        Row([cell(column.header, align="center", font=HEITI) for column in columns], header=True),
    ]
    status = t("doc.feedback.status_choices")
    for index, rectification in enumerate(found, start=1):
        rows.append(
            Row(
                [
                    cell(str(index), align="center"),
                    cell(_finding(rectification, originals.get(rectification.item_id, ""))),
                    cell(),
                    cell(),
                    cell(),
                    cell(status, align="center"),
                ],
                height_mm=12,
                keep_with_next=index == len(found),
            )
        )
    signature = t("doc.feedback.signature")
    # (text, tail, height in mm, kept with the next row): the summary stays with the last problem, the
    # signed rows with who filled the form in; the page may break before the evidence's row and
    # before 填报人, so that the closing rows, 89 mm, never leave a page a third empty. Heights
    # as tight as a hand and a seal need: a form of two problems leaves room for the 版记 under it
    closing = [
        (t("doc.feedback.overall"), "", 16, False),
        (t("doc.feedback.evidence"), "", 20, False),
        (t("doc.feedback.filled_by"), "", 9, True),
        (t("doc.feedback.unit_opinion"), signature, 22, False),
    ]
    if township_reviews(visit.site):
        closing[-1] = (*closing[-1][:3], True)
        closing.append((t("doc.feedback.township_opinion"), signature, 22, False))
    for text, tail, height, kept in closing:
        row = Row([Cell(text, span=6, size=WUHAO, tail=tail, valign="top")], height_mm=height, keep_with_next=kept)
        rows.append(row)
    document.table(columns, rows, header=False)
