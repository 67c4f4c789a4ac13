"""督导检查情况通报: the round's bulletin to every township over a date range or a chosen set of visits."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from inspector.core.profile import BureauProfile
from inspector.core.visits import Rectification, Visit, rectifications
from inspector.core.vocabulary import Area, SiteKind
from inspector.documents.common import close_document, long_date, short_date, start_document, title_segments
from inspector.documents.gongwen import HEITI, OWN_EVEN_PAGE, WUHAO, Cell, Column, OfficialDocument, Row
from inspector.documents.notice import chinese_ordinal
from inspector.i18n import label, t

TYPICAL_PER_AREA = 3
"""How many problems each area quotes from the teams' notes."""
OVERDUE_LISTED = 20
"""How many of the overdue items the bulletin lists, the longest overdue first. A 通报 is a page
or a few: after two years of a county's visits thousands may be overdue (~30,000 at 10,000 visits
where nothing was closed, 500 pages of table); the bulletin counts them by township and area,
lists these, and sends the reader to the export for the rest (``BulletinScope.full_list_at``): the
one list of every item, which the bureau follows up with, rather than a second list per bulletin,
out of date as soon as an item is closed (and costing more than the bulletin: ~30,000 rows)."""


@dataclass(frozen=True)
class Overdue:
    """A rectification not closed by its due date, as the bulletin lists it."""

    record: Rectification
    days: int
    notice_number: str = ""


@dataclass(frozen=True)
class BulletinVisit:
    """What the bulletin says of one visit: where, and the problems it found. A bulletin over two
    years of visits holds these, not the visits with every answer."""

    uuid: str
    township: str
    site_id: str
    site_kind: SiteKind
    found: tuple[Rectification, ...]

    @classmethod
    def of(cls, visit: Visit) -> BulletinVisit:
        return cls(visit.uuid, visit.site.township, visit.site.id, visit.site.kind, tuple(rectifications(visit)))


@dataclass(frozen=True)
class BulletinScope:
    start: date
    end: date
    issued: date
    visits: Sequence[BulletinVisit]
    overdue: Sequence[Overdue]
    """Every item overdue on ``end``, the longest overdue first: all are counted, the first
    ``OVERDUE_LISTED`` listed."""
    township_order: Sequence[str] = ()
    """The register's order of the townships, in which the bulletin lists them."""
    full_list_at: str = ""
    """Where the whole list of overdue items is, in the words of the program that issues the
    bulletin (the laptop's export, the console's workbook); by default, the system's export."""


def build_bulletin(
    scope: BulletinScope, profile: BureauProfile, number: str, *, pages_before_back_matter: int = OWN_EVEN_PAGE
) -> bytes:
    found = [record for visit in scope.visits for record in visit.found]
    period = _period(scope.start, scope.end)
    title = title_segments("doc.bulletin.title", period=period)
    document = start_document(profile, "".join(title), t("doc.bulletin.subject"), scope.issued)
    document.organ_header(profile.organ_mark, number)
    document.blank(2)
    document.title(title)
    document.blank()
    document.addressee(t("doc.bulletin.addressee"))
    townships = {visit.township for visit in scope.visits}
    sites = {visit.site_id for visit in scope.visits}
    document.text(
        t(
            "doc.bulletin.intro",
            period=period,
            townships=len(townships),
            sites=len(sites),
            visits=len(scope.visits),
            problems=len(found),
        )
    )
    document.heading(t("doc.bulletin.heading.overview"))
    document.text(_overview(scope.visits, found))
    _count_table(document, found, _in_register_order(townships, scope.township_order))
    document.heading(t("doc.bulletin.heading.problems"))
    _typical_problems(document, found)
    document.heading(t("doc.bulletin.heading.overdue"))
    _overdue(document, scope)
    document.heading(t("doc.bulletin.heading.requirements"))
    for index, key in enumerate(("rectify", "township", "follow_up"), start=1):
        head = t("doc.point", number=chinese_ordinal(index), head=t(f"doc.bulletin.req.{key}.head"))
        document.point(head, t(f"doc.bulletin.req.{key}"))
    document.text(t("doc.bulletin.closing"), keep_next=True)
    document.signature(profile.organ_name, long_date(scope.issued))
    return close_document(document, profile, scope.issued, pages_before=pages_before_back_matter)


def _in_register_order(townships: set[str], order: Sequence[str]) -> list[str]:
    """The register's order, as every county list runs; a township the register lacks comes last."""
    place = {name: index for index, name in enumerate(order)}
    return sorted(townships, key=lambda name: (place.get(name, len(place)), name))


def _period(start: date, end: date) -> str:
    if start == end:
        return long_date(start)
    return t("doc.bulletin.period", start=long_date(start), end=short_date(end, start))


def _overview(visits: Sequence[BulletinVisit], found: Sequence[Rectification]) -> str:
    kinds = Counter(visit.site_kind for visit in visits)
    by_kind = t("doc.list_separator").join(
        t("doc.bulletin.kind_count", kind=label(kind), count=count) for kind, count in sorted(kinds.items())
    )
    clean = sum(1 for visit in visits if not visit.found)
    immediate = sum(1 for record in found if record.immediate)
    return t("doc.bulletin.overview", by_kind=by_kind, clean=clean, immediate=immediate)


def _count_table(document: OfficialDocument, found: Iterable[Rectification], townships: list[str]) -> None:
    """How many problems each township has in each area, with a total row."""
    areas = list(Area)
    columns = [
        Column(t("doc.bulletin.col.township"), 30, "center"),
        *(Column(label(area), 21, "center") for area in areas),
        Column(t("doc.bulletin.col.total"), 21, "center"),
    ]
    counts: dict[str, Counter[Area]] = defaultdict(Counter)
    for record in found:
        counts[record.township][record.area] += 1

    def row(name: str, counter: Counter[Area], *, bold: bool = False) -> Row:
        font = {"font": HEITI} if bold else {}
        cells = [Cell(name, align="center", size=WUHAO, **font)]
        cells += [Cell(str(counter[area]), align="center", size=WUHAO, **font) for area in areas]
        cells.append(Cell(str(sum(counter.values())), align="center", size=WUHAO, **font))
        return Row(cells)

    rows = [row(township, counts[township]) for township in townships]
    rows.append(row(t("doc.bulletin.col.total"), sum(counts.values(), Counter()), bold=True))
    document.table(columns, rows, header_size=WUHAO)


def _typical_problems(document: OfficialDocument, found: Sequence[Rectification]) -> None:
    """Per area: how many, then the notes met most often, quoted with a unit that had them."""
    by_area: dict[Area, list[Rectification]] = defaultdict(list)
    for record in found:
        by_area[record.area].append(record)
    if not found:
        document.text(t("doc.bulletin.no_problems"))
    for index, area in enumerate(area for area in Area if by_area[area]):
        records = by_area[area]
        by_item: dict[str, list[Rectification]] = defaultdict(list)
        for record in records:
            by_item[record.item_text].append(record)
        common = sorted(by_item.items(), key=lambda pair: (-len(pair[1]), pair[0]))[:TYPICAL_PER_AREA]
        quoted = [_item_quote(item_text, listed) for item_text, listed in common]
        head = t("doc.point", number=chinese_ordinal(index + 1), head=t("doc.bulletin.area_head", area=label(area)))
        rest = t("doc.bulletin.area_text", count=len(records), quotes=t("doc.bulletin.quote_separator").join(quoted))
        document.point(head, rest)


INSPECTION_PREFIXES = ("现场查看", "查阅", "询问", "抽查", "检查组在现场")
SITES_NAMED = 3


def _item_quote(item_text: str, records: Sequence[Rectification]) -> str:
    """A requirement not met, in the checklist's words (not a team's field note), with how many
    units and which: “…”不符合要求的2家（甲、乙）."""
    requirement = item_text
    for prefix in INSPECTION_PREFIXES:
        requirement = requirement.removeprefix(prefix)
    requirement = requirement.lstrip("，、").rstrip("。")
    names = list(dict.fromkeys(record.site_name for record in records))
    shown = t("doc.list_separator").join(names[:SITES_NAMED]) + (
        t("doc.bulletin.and_more") if len(names) > SITES_NAMED else ""
    )
    return t("doc.bulletin.item_quote", requirement=requirement, count=len(names), sites=shown)


def _overdue(document: OfficialDocument, scope: BulletinScope) -> None:
    """How many are overdue, by township and area; the longest overdue listed; where the rest are."""
    if not scope.overdue:
        document.text(t("doc.bulletin.no_overdue", date=long_date(scope.end)))
        return
    count = len(scope.overdue)
    document.text(t("doc.bulletin.overdue_intro", date=long_date(scope.end), count=count))
    townships = {item.record.township for item in scope.overdue}
    _count_table(document, (item.record for item in scope.overdue), _in_register_order(townships, scope.township_order))
    listed = scope.overdue[:OVERDUE_LISTED]
    if len(listed) == count:
        document.text(t("doc.bulletin.overdue_all"))
    else:
        where = scope.full_list_at or t("doc.bulletin.overdue_in_export")
        document.text(t("doc.bulletin.overdue_longest", shown=len(listed), count=count, where=where))
    columns = [
        Column(t("doc.col.number"), 11, "center"),
        Column(t("doc.bulletin.col.site"), 36),
        Column(t("doc.col.problem"), 63),
        Column(t("doc.bulletin.col.due"), 26, "center"),
        Column(t("doc.bulletin.col.days"), 20, "center"),
    ]
    rows = [
        Row(
            [
                Cell(str(index), align="center", size=WUHAO),
                Cell(item.record.site_name, size=WUHAO),
                Cell(item.record.note, size=WUHAO),
                Cell(short_date(item.record.due, scope.issued), align="center", size=WUHAO),
                Cell(str(item.days), align="center", size=WUHAO),
            ]
        )
        for index, item in enumerate(listed, start=1)
    ]
    document.table(columns, rows, header_size=WUHAO)
