"""现场检查记录: every item of a visit with its result and note, signed on site by the team and the unit."""

from __future__ import annotations

from itertools import groupby

from inspector.core.clock import from_iso
from inspector.core.profile import BureauProfile
from inspector.core.visits import Visit, count_results
from inspector.core.vocabulary import Result
from inspector.documents.common import long_date, start_document, title_segments, visit_day
from inspector.documents.gongwen import HEITI, KAITI, WUHAO, Cell, Column, OfficialDocument, Row, Span
from inspector.documents.notice import chinese_ordinal
from inspector.i18n import label, t


def _clock(moment: str | None) -> str:
    return from_iso(moment).strftime("%H:%M") if moment else "—"


def build_record(visit: Visit, profile: BureauProfile) -> bytes:
    """The record of a completed or signed-off visit, dated the day of the visit."""
    site = visit.site
    day = visit_day(visit)
    title = title_segments("doc.record.title_reinspection" if visit.reinspects else "doc.record.title", site=site.name)
    document = start_document(profile, "".join(title), t("doc.record.subject"), day)
    document.title(title)
    document.blank()

    def caption(key: str) -> Cell:
        return Cell(t(key), align="center", font=HEITI, size=WUHAO)

    def value(text: str, span: int = 1) -> Cell:
        return Cell(text, span=span, size=WUHAO)

    team = t("doc.record.team_value", lead=visit.lead, members=t("doc.list_separator").join(visit.members) or "—")
    method = t("doc.method.unannounced") if visit.unannounced else t("doc.method.announced")
    info = [
        Row([caption("doc.feedback.site"), value(site.name), caption("doc.record.kind"), value(label(site.kind))]),
        Row([caption("doc.record.address"), value(site.address or "—", span=3)]),
        Row(
            [
                caption("doc.record.person"),
                value(site.person_in_charge or "—"),
                caption("doc.record.phone"),
                value(site.phone or "—"),
            ]
        ),
        Row(
            [
                caption("doc.feedback.visited"),
                value(
                    t(
                        "doc.record.time_value",
                        date=long_date(day),
                        arrived=_clock(visit.arrived_at),
                        departed=_clock(visit.departed_at),
                    ),
                    span=3,
                ),
            ]
        ),
        Row([caption("doc.record.team"), value(team, span=3)]),
        Row([caption("doc.record.method"), value(method), caption("doc.record.checklist"), value(_checklist(visit))]),
    ]
    document.table([Column("", 24), Column("", 54), Column("", 24), Column("", 54)], info, header=False)
    if visit.reinspects:
        document.text(t("doc.record.reinspection_note"))
    _items_table(document, visit)
    counts = count_results(visit.answers)
    # the summary and every signature line share the last page
    document.text(
        t(
            "doc.record.summary",
            total=len(visit.checklist.items),
            passed=counts[Result.PASS],
            failed=counts[Result.FAIL],
            na=counts[Result.NOT_APPLICABLE],
            unchecked=counts[Result.NOT_CHECKED],
        ),
        keep_next=True,
    )
    # a line for each member of the team to sign on, then the unit's
    signers = [t("doc.record.sign_lead", name=visit.lead)]
    signers += [t("doc.record.sign_member", name=member) for member in visit.members]
    signers.append(t("doc.record.sign_unit"))
    for index, label_text in enumerate(signers, start=1):
        document.signature_line(label_text, t("doc.date_blank"), keep_next=index < len(signers))
    if visit.is_sealed and visit.seal:
        document.blank()
        seal = t("doc.record.seal", uuid=visit.uuid, version=visit.version, seal=visit.seal)
        document.plain(Span(seal, size=WUHAO))
    return document.to_bytes()


def _checklist(visit: Visit) -> str:
    return t("doc.record.checklist_value", title=visit.checklist.title, version=visit.checklist.version)


def _items_table(document: OfficialDocument, visit: Visit) -> None:
    columns = [
        Column(t("doc.col.number"), 11, "center"),
        Column(t("doc.record.col.item"), 66),
        Column(t("doc.record.col.method"), 17, "center"),
        Column(t("doc.record.col.result"), 14, "center"),
        Column(t("doc.record.col.note"), 48),
    ]
    answers = visit.answers
    rows: list[Row] = []
    number = 0
    for group, (area, items) in enumerate(groupby(visit.checklist.items, key=lambda item: item.area), start=1):
        heading = t("doc.record.area_row", number=chinese_ordinal(group), area=label(area))
        rows.append(Row([Cell(heading, span=len(columns), font=KAITI, size=WUHAO)]))
        for item in items:
            number += 1
            answer = answers.get(item.id)
            result = label(answer.result) if answer else t("doc.record.unanswered")
            failed = answer is not None and answer.result is Result.FAIL
            rows.append(
                Row(
                    cells=[
                        Cell(str(number), align="center", size=WUHAO),
                        Cell(item.text, size=WUHAO),
                        Cell(label(item.method), align="center", size=WUHAO),
                        Cell(result, align="center", size=WUHAO, font=HEITI if failed else None),
                        Cell(answer.note if answer else "", size=WUHAO),
                    ],
                )
            )
    document.table(columns, rows, header_size=WUHAO)
