"""What the console reads from the server's database: the county board, sites, visits, statistics.

The board's rows come from the server's own projection (``server/board.py``), filtered, sorted and
paged by the database. What the projection has no column for — the kind of each site, and the
visits themselves for statistics — comes from ``VisitIndex``: the facts of every visit, read once
from the sealed bodies and then only for visits received since (visits are never changed, only
followed by later versions), so no page parses thousands of visits.
"""

from __future__ import annotations

import json
import logging
import statistics
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

import msgspec
from sqlalchemy import JSON, Connection, and_, case, cast, func, select, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.elements import ColumnElement

from inspector.core.canonical import sha256_hex
from inspector.core.clock import from_iso, local_date
from inspector.core.rectifications import (
    RectificationEvent,
    RectificationState,
    RectificationView,
    fold,
    record_from_dict,
)
from inspector.core.visits import Visit, rectifications
from inspector.core.vocabulary import Area, Severity, SiteKind, VisitStatus
from inspector.server.board import UNREADABLE, bring_up_to_date
from inspector.server.db import Database, accounts, board_events, board_progress, board_rows, feed, visits
from inspector.server.records import sealed_forms

log = logging.getLogger("inspector.web")

T = TypeVar("T")
PAGE_SIZE = 50
DUE_SOON_DAYS = 3
"""亮灯: an open item due within this many days is yellow."""
READ_BATCH = 500


# -- the visits, as facts ----------------------------------------------------------------------


@dataclass(frozen=True)
class VisitFacts:
    """One visit's latest version, as far as listings and statistics need it."""

    uuid: str
    version: int
    seq: int
    site_id: str
    township: str
    kind: SiteKind
    arrived: date
    arrived_at: str
    reinspection: bool


class _SiteFields(msgspec.Struct):
    id: str
    township: str
    kind: str


class _VisitFields(msgspec.Struct):
    """The few fields of a sealed body the listings need; msgspec skips the rest (the answers)
    without building them, seven times faster than reading the whole body."""

    uuid: str
    site: _SiteFields
    arrived_at: str
    reinspects: Any = None


_read_visit_fields = msgspec.json.Decoder(_VisitFields).decode


def _facts(body: bytes | str, seq: int, version: int) -> VisitFacts:
    """A few fields of the sealed body, read as stored (its findings are on the board already:
    building the whole visit with the rules for this would cost ten times as much)."""
    read = _read_visit_fields(body)
    return VisitFacts(
        uuid=read.uuid,
        version=version,
        seq=seq,
        site_id=read.site.id,
        township=read.site.township,
        kind=SiteKind(read.site.kind),
        arrived=local_date(from_iso(read.arrived_at)),
        arrived_at=read.arrived_at,
        reinspection=bool(read.reinspects),
    )


@dataclass
class VisitIndex:
    """Every visit's latest version's facts, kept up to date from the visits table's sequence."""

    seq: int = 0
    by_uuid: dict[str, VisitFacts] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self, database: Database) -> list[VisitFacts]:
        """Read what arrived since last time; returns every visit's facts (latest versions)."""
        with self._lock:
            while True:
                with database.reading() as conn:
                    rows = conn.execute(
                        select(visits.c.seq, visits.c.version, visits.c.body)
                        .where(visits.c.seq > self.seq)
                        .order_by(visits.c.seq)
                        .limit(READ_BATCH)
                    ).all()
                for row in rows:
                    try:
                        facts = _facts(row.body, row.seq, row.version)
                    except (*UNREADABLE, IndexError) as error:
                        log.warning("a stored visit the console cannot read is left out of it: %s", error)
                        continue
                    kept = self.by_uuid.get(facts.uuid)
                    if kept is None or facts.version >= kept.version:
                        self.by_uuid[facts.uuid] = facts
                if rows:
                    self.seq = rows[-1].seq
                if len(rows) < READ_BATCH:
                    return list(self.by_uuid.values())

    def site_kinds(self, database: Database) -> dict[str, SiteKind]:
        """Each site's kind: the published register's word, else the latest visit's."""
        kinds = {facts.site_id: facts.kind for facts in self.refresh(database)}
        kinds.update({site["id"]: SiteKind(site["kind"]) for site in register_sites(database)})
        return kinds


def register_sites(database: Database) -> list[dict[str, Any]]:
    """The sites of the register last published (empty when none was)."""
    with database.reading() as conn:
        body = conn.execute(
            select(feed.c.body).where(feed.c.kind == "register").order_by(feed.c.seq.desc()).limit(1)
        ).scalar()
    return json.loads(body)["sites"] if body else []


# -- the board ---------------------------------------------------------------------------------

WINDOWS = ("open", "overdue", "soon", "closed")
SORTS = ("due", "township", "site", "severity", "state")
_SEVERITY_ORDER = {severity.value: index for index, severity in enumerate(Severity)}


@dataclass(frozen=True)
class BoardFilter:
    """The board's query, as the form sends it; an empty field filters nothing."""

    township: str = ""
    site_id: str = ""
    kind: str = ""
    area: str = ""
    severity: str = ""
    state: str = ""
    team: str = ""
    window: str = ""
    due_from: date | None = None
    due_to: date | None = None
    sort: str = "due"
    descending: bool = False
    page: int = 1


@dataclass(frozen=True)
class BoardItem:
    id: str
    site_id: str
    site_name: str
    township: str
    area: Area
    item_text: str
    note: str
    severity: Severity
    due: date
    state: RectificationState
    source: str
    visit_uuid: str
    light: str
    """亮灯: overdue, soon, open (in time) or closed."""
    days: int
    """Days overdue (overdue), or days left (soon)."""


def light_of(state: RectificationState, due: date, today: date) -> tuple[str, int]:
    if state is RectificationState.CLOSED:
        return "closed", 0
    if today > due:
        return "overdue", (today - due).days
    if (due - today).days <= DUE_SOON_DAYS:
        return "soon", (due - today).days
    return "open", (due - today).days


class _RecordFields(msgspec.Struct):
    """The fields of a board row's record its listing needs (the rest are skipped unread)."""

    area: str
    visit_uuid: str
    note: str = ""


_read_record_fields = msgspec.json.Decoder(_RecordFields).decode


def board_item(row: Any, today: date) -> BoardItem:
    record = _read_record_fields(row.record)
    state = RectificationState(row.state)
    due = date.fromisoformat(row.due)
    light, days = light_of(state, due, today)
    return BoardItem(
        id=row.id,
        site_id=row.site_id,
        site_name=row.site_name,
        township=row.township,
        area=Area(record.area),
        item_text=row.item_text,
        note=record.note,
        severity=Severity(row.severity),
        due=due,
        state=state,
        source=row.source,
        visit_uuid=record.visit_uuid,
        light=light,
        days=days,
    )


def _json_field(database: Database, column: ColumnElement[Any], name: str) -> ColumnElement[Any]:
    """A top-level field of JSON kept as text, read by the database itself (as text)."""
    if database.engine.dialect.name == "postgresql":
        return cast(column, JSONB)[name].astext
    return type_coerce(column, JSON)[name].as_string()


def _record_field(database: Database, name: str) -> ColumnElement[Any]:
    """A field of the rectification record kept in ``board_rows.record``."""
    return _json_field(database, board_rows.c.record, name)


def _conditions(database: Database, index: VisitIndex, chosen: BoardFilter, today: date) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if chosen.township:
        where.append(board_rows.c.township == chosen.township)
    if chosen.site_id:
        where.append(board_rows.c.site_id == chosen.site_id)
    if chosen.kind:
        kinds = index.site_kinds(database)
        where.append(board_rows.c.site_id.in_(sorted(site for site, kind in kinds.items() if kind == chosen.kind)))
    if chosen.area:
        where.append(_record_field(database, "area") == chosen.area)
    if chosen.severity:
        where.append(board_rows.c.severity == chosen.severity)
    if chosen.state:
        where.append(board_rows.c.state == chosen.state)
    if chosen.team:
        where.append(board_rows.c.source == chosen.team)
    soon = (today + timedelta(days=DUE_SOON_DAYS)).isoformat()
    windows = {
        "open": board_rows.c.open.is_(True),
        "overdue": and_(board_rows.c.open.is_(True), board_rows.c.due < today.isoformat()),
        "soon": and_(board_rows.c.open.is_(True), board_rows.c.due >= today.isoformat(), board_rows.c.due <= soon),
        "closed": board_rows.c.open.is_(False),
    }
    if chosen.window in windows:
        where.append(windows[chosen.window])
    if chosen.due_from:
        where.append(board_rows.c.due >= chosen.due_from.isoformat())
    if chosen.due_to:
        where.append(board_rows.c.due <= chosen.due_to.isoformat())
    return where


def _order(chosen: BoardFilter) -> list[Any]:
    keys = {
        "due": [board_rows.c.due],
        "township": [board_rows.c.township, board_rows.c.due],
        "site": [board_rows.c.site_name, board_rows.c.due],
        "severity": [case(_SEVERITY_ORDER, value=board_rows.c.severity, else_=9), board_rows.c.due],
        "state": [board_rows.c.state, board_rows.c.due],
    }[chosen.sort if chosen.sort in SORTS else "due"]
    ordered = [key.desc() if chosen.descending else key for key in keys]
    return [*ordered, board_rows.c.id]


@dataclass(frozen=True)
class BoardPage:
    items: list[BoardItem]
    total: int
    page: int
    pages: int


def board_page(database: Database, index: VisitIndex, chosen: BoardFilter, today: date) -> BoardPage:
    bring_up_to_date(database)
    where = _conditions(database, index, chosen, today)
    with database.reading() as conn:
        total = conn.execute(select(func.count()).select_from(board_rows).where(*where)).scalar_one()
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(1, chosen.page), pages)
        rows = conn.execute(
            select(board_rows).where(*where).order_by(*_order(chosen)).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
        ).all()
    return BoardPage([board_item(row, today) for row in rows], total, page, pages)


def board_items(database: Database, index: VisitIndex, chosen: BoardFilter, today: date) -> Iterable[BoardItem]:
    """Every row the filter keeps, in its order, streamed from one query (for the exports)."""
    bring_up_to_date(database)
    where = _conditions(database, index, chosen, today)
    with database.reading() as conn:
        rows = conn.execution_options(yield_per=READ_BATCH).execute(
            select(board_rows).where(*where).order_by(*_order(chosen))
        )
        yield from (board_item(row, today) for row in rows)


@dataclass(frozen=True)
class Choices:
    """What the board's filter form offers: the values present on the board."""

    townships: list[str]
    sites: list[tuple[str, str]]
    teams: list[str]


def board_choices(database: Database) -> Choices:
    with database.reading() as conn:
        townships = list(
            conn.execute(select(board_rows.c.township).distinct().order_by(board_rows.c.township)).scalars()
        )
        sites = [
            (row.site_id, row.site_name)
            for row in conn.execute(
                select(board_rows.c.site_id, func.max(board_rows.c.site_name).label("site_name"))
                .group_by(board_rows.c.site_id)
                .order_by(func.max(board_rows.c.site_name))
            )
        ]
        teams = list(conn.execute(select(board_rows.c.source).distinct().order_by(board_rows.c.source)).scalars())
    return Choices(townships, sites, teams)


# -- a site, a visit ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteVisit:
    uuid: str
    versions: list[int]
    arrived_at: str
    lead: str
    status: VisitStatus
    failed: int
    reinspection: bool


@dataclass(frozen=True)
class SitePage:
    site_id: str
    name: str
    township: str
    kind: SiteKind | None
    visits: list[SiteVisit]
    findings: list[RectificationView]


def site_page(database: Database, site_id: str, today: date) -> SitePage | None:
    """A site with every visit received and the whole history of each of its findings."""
    bring_up_to_date(database)
    with database.reading() as conn:
        rows = conn.execute(
            select(visits.c.uuid, visits.c.version, visits.c.body)
            .where(visits.c.site_id == site_id)
            .order_by(visits.c.seq)
        ).all()
        records, events = _records_and_events(conn, board_rows.c.site_id == site_id)
    latest: dict[str, Visit] = {}
    versions: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        try:
            visit = Visit.from_dict(json.loads(row.body))
        except UNREADABLE as error:
            log.warning("a stored visit the rules cannot read is left off the site's page: %s", error)
            continue
        versions[row.uuid].append(row.version)
        latest[row.uuid] = visit
    if not latest and not records:
        return None
    site = next(iter(latest.values())).site if latest else None
    views = _folded(records, events)
    if site is None:
        first = views[0].record
        name, township, kind = first.site_name, first.township, None
    else:
        name, township, kind = site.name, site.township, site.kind
    listed = [
        SiteVisit(
            uuid=uuid,
            versions=versions[uuid],
            arrived_at=visit.arrived_at,
            lead=visit.lead,
            status=visit.status,
            failed=len(rectifications(visit)),
            reinspection=bool(visit.reinspects),
        )
        for uuid, visit in latest.items()
    ]
    listed.sort(key=lambda item: item.arrived_at, reverse=True)
    return SitePage(site_id, name, township, kind, listed, views)


def _records_and_events(conn: Connection, where: ColumnElement[bool]) -> tuple[list[Any], list[Any]]:
    """The board's records a condition keeps, and all their events (one query each)."""
    records = conn.execute(
        select(board_rows.c.id, board_rows.c.record).where(where).order_by(board_rows.c.due, board_rows.c.id)
    ).all()
    events = conn.execute(
        select(board_events.c.rectification_id, board_events.c.body).where(
            board_events.c.rectification_id.in_(select(board_rows.c.id).where(where))
        )
    ).all()
    return list(records), list(events)


def _folded(records: Sequence[Any], events: Sequence[Any]) -> list[RectificationView]:
    by_record: dict[str, list[RectificationEvent]] = defaultdict(list)
    for row in events:
        try:
            by_record[row.rectification_id].append(RectificationEvent.from_dict(json.loads(row.body)))
        except UNREADABLE as error:
            log.warning("an event the rules cannot read is left off the console: %s", error)
    return [fold(record_from_dict(json.loads(row.record)), by_record[row.id]) for row in records]


@dataclass(frozen=True)
class VisitPage:
    visit: Visit
    version: int
    versions: list[int]
    seal_verifies: bool
    received_at: str
    source: str


def visit_page(database: Database, uuid: str, version: int) -> VisitPage | None:
    """A stored version of a visit, and whether its seal still is the hash of what is stored."""
    with database.reading() as conn:
        row = conn.execute(
            select(visits.c.body, visits.c.seal, visits.c.received_at, accounts.c.name)
            .join(accounts, accounts.c.id == visits.c.uploaded_by)
            .where(visits.c.uuid == uuid, visits.c.version == version)
        ).first()
        versions = list(
            conn.execute(select(visits.c.version).where(visits.c.uuid == uuid).order_by(visits.c.version)).scalars()
        )
    if row is None:
        return None
    try:
        payload = json.loads(bytes(row.body))
        # the seal is checked over the stored bytes themselves, not over what the rules parse of them
        unsealed, _ = sealed_forms(payload)
        verifies = payload.get("seal") == row.seal == sha256_hex(unsealed)
        visit = Visit.from_dict(payload)
    except UNREADABLE as error:
        raise UnreadableVisit(str(error)) from None
    return VisitPage(visit, version, versions, verifies, row.received_at, row.name)


class UnreadableVisit(Exception):
    """A stored version the rules cannot read (damaged in the database): said, never a traceback."""


# -- statistics --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statistics:
    townships: list[str]
    visits_by_township: Counter[str]
    findings_by_township_area: dict[str, Counter[Area]]
    visits_by_kind: Counter[SiteKind]
    findings_by_kind: Counter[SiteKind]
    months: list[str]
    visits_by_month: Counter[str]
    findings_by_month: Counter[str]
    top_items: list[tuple[str, int]]
    rectifications: int
    closed: int
    median_days_to_close: float | None

    @property
    def rate(self) -> float | None:
        return self.closed / self.rectifications if self.rectifications else None


TOP_ITEMS = 10


class BoardMemo:
    """Answers that change only when the board does (statistics, the filter's choices): kept
    until the board's checkpoint moves, so reading them again costs one small query."""

    def __init__(self) -> None:
        self._kept: dict[str, tuple[tuple[int, int], Any]] = {}
        self._lock = threading.Lock()

    def get(self, database: Database, name: str, compute: Callable[[], T]) -> T:
        bring_up_to_date(database)
        with database.reading() as conn:
            progress = conn.execute(select(board_progress.c.visits_seq, board_progress.c.events_seq)).one()
        checkpoint = (progress.visits_seq, progress.events_seq)
        with self._lock:
            kept = self._kept.get(name)
        if kept is not None and kept[0] == checkpoint:
            return kept[1]
        value = compute()
        with self._lock:
            self._kept[name] = (checkpoint, value)
        return value


def county_statistics(database: Database, index: VisitIndex) -> Statistics:
    """Visits (not re-inspections) by township, kind and month of arrival, and their findings —
    the board's rows, counted by the same — the items failed most, how many rectifications are
    closed and how long closing took."""
    bring_up_to_date(database)
    facts = {visit.uuid: visit for visit in index.refresh(database)}
    inspected = [visit for visit in facts.values() if not visit.reinspection]
    visits_by_township: Counter[str] = Counter(visit.township for visit in inspected)
    visits_by_kind: Counter[SiteKind] = Counter(visit.kind for visit in inspected)
    visits_by_month: Counter[str] = Counter(visit.arrived.strftime("%Y-%m") for visit in inspected)
    by_township_area: dict[str, Counter[Area]] = defaultdict(Counter)
    findings_by_kind: Counter[SiteKind] = Counter()
    findings_by_month: Counter[str] = Counter()
    items: Counter[str] = Counter()
    visit_uuid, area = _record_field(database, "visit_uuid"), _record_field(database, "area")
    with database.reading() as conn:
        rows = conn.execute(select(visit_uuid, area, board_rows.c.item_text)).all()
    for uuid, area_value, item_text in rows:
        visit = facts.get(uuid)
        if visit is None or visit.reinspection:  # a re-inspection's failures are not new findings
            continue
        by_township_area[visit.township][Area(area_value)] += 1
        findings_by_kind[visit.kind] += 1
        findings_by_month[visit.arrived.strftime("%Y-%m")] += 1
        items[item_text] += 1
    total, closed, days = _closing(database)
    return Statistics(
        townships=sorted(visits_by_township),
        visits_by_township=visits_by_township,
        findings_by_township_area=by_township_area,
        visits_by_kind=visits_by_kind,
        findings_by_kind=findings_by_kind,
        months=sorted(visits_by_month),
        visits_by_month=visits_by_month,
        findings_by_month=findings_by_month,
        top_items=sorted(items.items(), key=lambda pair: (-pair[1], pair[0]))[:TOP_ITEMS],
        rectifications=total,
        closed=closed,
        median_days_to_close=statistics.median(days) if days else None,
    )


def _closing(database: Database) -> tuple[int, int, list[int]]:
    """All rectifications, the closed ones, and for each closed one the days from the finding
    (its visit's sign-off day: the due date less the deadline) to its closing event's day."""
    closed_state = RectificationState.CLOSED.value
    kind = _json_field(database, board_events.c.body, "kind")
    closed_at = _json_field(database, board_events.c.body, "at")
    with database.reading() as conn:
        total = conn.execute(select(func.count()).select_from(board_rows)).scalar_one()
        closed = conn.execute(
            select(func.count()).select_from(board_rows).where(board_rows.c.state == closed_state)
        ).scalar_one()
        rows = conn.execute(
            select(board_rows.c.id, _record_field(database, "due"), _record_field(database, "deadline_days"), closed_at)
            .join(board_events, board_events.c.rectification_id == board_rows.c.id)
            .where(board_rows.c.state == closed_state, kind == "closed")
        ).all()
    closed_on: dict[str, tuple[date, date]] = {}
    for rect_id, due, deadline_days, at in rows:
        found = date.fromisoformat(due) - timedelta(days=int(deadline_days))
        day = local_date(from_iso(at))
        kept = closed_on.get(rect_id)
        if kept is None or day > kept[1]:  # closed again after a re-opening: the last closing counts
            closed_on[rect_id] = (found, day)
    return total, closed, [(day - found).days for found, day in closed_on.values()]


# -- for the documents -------------------------------------------------------------------------


def visits_between(database: Database, index: VisitIndex, start: date, end: date) -> list[Visit]:
    """The latest version of every visit (not re-inspections) that arrived from ``start`` to ``end``."""
    chosen = sorted(
        (facts for facts in index.refresh(database) if start <= facts.arrived <= end and not facts.reinspection),
        key=lambda facts: (facts.arrived_at, facts.uuid),
    )
    found: list[Visit] = []
    for offset in range(0, len(chosen), READ_BATCH):
        seqs = [facts.seq for facts in chosen[offset : offset + READ_BATCH]]
        with database.reading() as conn:
            bodies = {
                row.seq: row.body
                for row in conn.execute(select(visits.c.seq, visits.c.body).where(visits.c.seq.in_(seqs)))
            }
        found.extend(Visit.from_dict(json.loads(bodies[seq])) for seq in seqs)
    return found


def overdue_views(database: Database, index: VisitIndex, day: date) -> list[tuple[RectificationView, int]]:
    """Every rectification overdue on ``day``, folded (for its notice number), most overdue first."""
    bring_up_to_date(database)
    arrived = {facts.uuid: facts.arrived for facts in index.refresh(database)}
    with database.reading() as conn:
        records, events = _records_and_events(
            conn, and_(board_rows.c.open.is_(True), board_rows.c.due < day.isoformat())
        )
    views = [
        view
        for view in _folded(records, events)
        if arrived.get(view.record.visit_uuid, date.max) <= day and view.overdue_on(day)
    ]
    found = [(view, view.days_overdue(day)) for view in views]
    return sorted(found, key=lambda pair: (pair[0].record.township, -pair[1], pair[0].record.site_name, pair[0].id))
