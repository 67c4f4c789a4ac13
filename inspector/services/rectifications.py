"""Rectifications (整改): list them with their state, record feedback, re-inspect, merge remote events.

The records come from the signed-off visits, through an index kept beside them
(``rectification-index.json``, rebuilt from the visits whenever it is missing or behind); their
life is the events kept, append-only, in ``rectifications.json``. Every event recorded here is
also queued in the outbox for the bureau server; events pulled from the server come in through
``apply_remote_events``.
"""

from __future__ import annotations

import uuid as uuid_module
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tinydb.table import Table

from inspector.core import rectifications as rules
from inspector.core.clock import local_date, now
from inspector.core.errors import DomainError
from inspector.core.rectifications import (
    EventKind,
    FeedbackStatus,
    RectificationEvent,
    RectificationState,
    RectificationView,
    ReinspectionEntry,
)
from inspector.core.visits import Visit, rectifications
from inspector.core.vocabulary import Area, Result, Severity, VisitStatus
from inspector.services import visits as visit_services
from inspector.store.errors import StoreError
from inspector.store.store import Store

EVENTS_FILE = "rectifications.json"
INDEX_FILE = "rectification-index.json"
INDEX_FORMAT = 1
"""The layout of a row of the index; a row of another layout is made again from its visit."""
OUTBOX_KIND = "rect_event"
LOCAL, REMOTE = "local", "remote"


# -- reading -----------------------------------------------------------------------------------


def _events_table(store: Store) -> Table:
    return store.db(EVENTS_FILE).table("events")


def _rows(store: Store, file_name: str, table_name: str) -> list[dict[str, Any]]:
    """A table's rows as the store holds them in memory, for reading only.

    ``Table.all`` copies every row into a new Document on each call, which is most of the cost of
    a lookup once there are thousands; the rows here are the storage's own, never changed.
    """
    data = store.db(file_name).storage.read() or {}
    return list(data.get(table_name, {}).values())


def _event_rows(store: Store) -> list[dict[str, Any]]:
    return _rows(store, EVENTS_FILE, "events")


def stored_events(store: Store) -> list[RectificationEvent]:
    return [RectificationEvent.from_dict(row["event"]) for row in _event_rows(store)]


def _index_row(visit: Visit) -> dict[str, Any]:
    """What one signed-off visit says: the rectifications it found, or, for a re-inspection, what
    its sealed answers decided (so it counts however it was signed off, here or on the review
    screen like any visit)."""
    return {
        "format": INDEX_FORMAT,
        "uuid": visit.uuid,
        "seal": visit.seal,
        "records": [] if visit.reinspects else [rules.record_to_dict(record) for record in rectifications(visit)],
        "derived": [event.to_dict() for event in rules.reinspection_events(visit)],
    }


def _is_current(row: dict[str, Any] | None, seal: str | None) -> bool:
    """Whether the row still speaks for the visit as sealed now, in this program's layout."""
    return row is not None and row.get("format") == INDEX_FORMAT and row["seal"] == seal


def _indexed_visits(store: Store) -> dict[str, dict[str, Any]]:
    """Each signed-off visit's index row, by uuid, brought up to date from the visit index first.

    The rows live in ``rectification-index.json`` so that a rectification is found without reading
    every visit file. A row is made again whenever its visit's seal differs from the one the visit
    index holds (a new sign-off, an amendment, a visit synced in) or was made in another layout,
    and rows of visits no longer there are dropped; so a stale row is never used, and a missing
    or damaged file is simply made again. A read-only store refreshes in memory only.
    """
    rows = {row["uuid"]: row for row in _rows(store, INDEX_FILE, "visits")}
    sealed = {s.uuid: s.seal for s in store.visit_summaries() if s.status is VisitStatus.SIGNED_OFF}
    stale = [uuid for uuid, seal in sealed.items() if not _is_current(rows.get(uuid), seal)]
    gone = rows.keys() - sealed.keys()
    if not stale and not gone:
        return rows
    for uuid in gone:
        del rows[uuid]
    for uuid in stale:
        try:
            rows[uuid] = _index_row(store.load_visit(uuid))
        except StoreError:
            continue  # moved aside by the store and said once; the visit index no longer lists it
    if not store.readonly:
        # one atomic write of the whole file: a reader (the app lists in a worker thread) never
        # finds it half made
        store.db(INDEX_FILE).storage.write({"visits": {str(n): row for n, row in enumerate(rows.values(), start=1)}})
    return rows


def _derived_events(rows: dict[str, dict[str, Any]], wanted: set[str] | None = None) -> list[dict[str, Any]]:
    return [
        event
        for row in rows.values()
        for event in row["derived"]
        if wanted is None or event["rectification_id"] in wanted
    ]


def _fold_views(store: Store, wanted: Iterable[str] | None = None) -> dict[str, RectificationView]:
    """The rectifications named in ``wanted`` (all when None) with their state, by id.

    Only the wanted records and their events are parsed: one rectification costs a lookup, not a
    reading of every visit.
    """
    ids = None if wanted is None else set(wanted)
    rows = _indexed_visits(store)
    if ids is None:
        chosen = [data for row in rows.values() for data in row["records"]]
    else:
        visit_uuids = {rectification_id.partition("/")[0] for rectification_id in ids}
        chosen = [data for uuid in visit_uuids for data in rows.get(uuid, {}).get("records", ()) if data["id"] in ids]
    records = {data["id"]: rules.record_from_dict(data) for data in chosen}
    stored = [row["event"] for row in _event_rows(store)]
    grouped: dict[str, list[RectificationEvent]] = defaultdict(list)
    for data in [*stored, *_derived_events(rows)]:
        if data["rectification_id"] in records:
            event = RectificationEvent.from_dict(data)
            grouped[event.rectification_id].append(event)
    return {key: rules.fold(record, grouped.get(key, ())) for key, record in records.items()}


def rectification_views(store: Store) -> list[RectificationView]:
    """Every rectification with its current state, sorted by due date (the most pressing first)."""
    views = _fold_views(store).values()
    return sorted(views, key=lambda view: (view.due, view.record.site_id, view.id))


def rectification_view(store: Store, rectification_id: str) -> RectificationView:
    view = _fold_views(store, [rectification_id]).get(rectification_id)
    if view is None:
        raise DomainError("rectification.unknown", text=rectification_id)
    return view


def resolve_rectification(store: Store, text: str) -> str:
    """A rectification's id from its whole id, a unique prefix, or ``<visit prefix>/<item id>``."""
    wanted = text.strip()
    visit_part, _, item_part = wanted.partition("/")
    if len(visit_part) < 4:
        raise DomainError("rectification.prefix_too_short", text=text)
    ids = [data["id"] for row in _indexed_visits(store).values() for data in row["records"]]
    matches = [found for found in ids if found == wanted]
    if not matches:
        matches = [found for found in ids if found.startswith(wanted) or _short_form_of(found, visit_part, item_part)]
    if not matches:
        raise DomainError("rectification.unknown", text=text)
    if len(matches) > 1:
        raise DomainError("rectification.ambiguous", text=text, count=len(matches))
    return matches[0]


def _short_form_of(rectification_id: str, visit_prefix: str, item_id: str) -> bool:
    visit_uuid, _, rest = rectification_id.partition("/")
    return bool(item_id) and visit_uuid.startswith(visit_prefix) and rest == item_id


@dataclass(frozen=True)
class RectificationFilter:
    """What a list of rectifications is narrowed to; None or False means 'any'."""

    township: str | None = None
    site: str | None = None
    area: Area | None = None
    severity: Severity | None = None
    state: RectificationState | None = None
    overdue: bool = False

    def matches(self, view: RectificationView, today: date) -> bool:
        record = view.record
        return (
            (self.township is None or self.township in record.township)
            and (self.site is None or self.site == record.site_id or self.site in record.site_name)
            and (self.area is None or record.area is self.area)
            and (self.severity is None or record.severity is self.severity)
            and (self.state is None or view.state is self.state)
            and (not self.overdue or view.overdue_on(today))
        )


def find_rectifications(
    store: Store, wanted: RectificationFilter | None = None, *, today: date | None = None
) -> list[RectificationView]:
    """The rectifications matching ``wanted``, by due date; overdue as of ``today`` in Asia/Shanghai."""
    day = today or local_date(now())
    wanted = wanted or RectificationFilter()
    return [view for view in rectification_views(store) if wanted.matches(view, day)]


@dataclass(frozen=True)
class RectificationCounts:
    """What the home screen shows: how many in each state, how many overdue, the most overdue first."""

    by_state: dict[RectificationState, int]
    overdue: list[RectificationView]

    @property
    def not_closed(self) -> int:
        return sum(count for state, count in self.by_state.items() if state is not RectificationState.CLOSED)


def rectification_counts(store: Store, *, today: date | None = None) -> RectificationCounts:
    day = today or local_date(now())
    views = rectification_views(store)
    by_state = {state: sum(1 for view in views if view.state is state) for state in RectificationState}
    overdue = sorted((view for view in views if view.overdue_on(day)), key=lambda view: (view.due, view.id))
    return RectificationCounts(by_state, overdue)


# -- recording ---------------------------------------------------------------------------------


def _append(store: Store, events: Iterable[RectificationEvent], *, origin: str) -> int:
    """Store events not yet here (by id) in one write; local ones are queued for upload too.

    The events file is written before the outbox: after a crash between the two,
    ``queue_unsent_events`` finds the local events the outbox lacks.
    """
    known = {row["event"]["id"] for row in _event_rows(store)}
    fresh: dict[str, RectificationEvent] = {}
    for event in events:
        if event.id not in known:
            fresh.setdefault(event.id, event)
    if not fresh:
        return 0
    _events_table(store).insert_multiple({"origin": origin, "event": event.to_dict()} for event in fresh.values())
    if origin == LOCAL:
        for event in fresh.values():
            _queue(store, event)
    return len(fresh)


def _queue(store: Store, event: RectificationEvent) -> None:
    store.put_outbox({"kind": OUTBOX_KIND, "key": event.id, "event": event.to_dict(), "state": "pending"})


def queue_unsent_events(store: Store) -> int:
    """Store and queue what a signed-off re-inspection decided, and every local event a crash left
    out of the outbox; returns how many were queued. The sync calls it before each upload."""
    derived = [RectificationEvent.from_dict(data) for data in _derived_events(_indexed_visits(store))]
    added = _append(store, derived, origin=LOCAL)
    queued = {entry["key"] for entry in store.outbox() if entry["kind"] == OUTBOX_KIND}
    missing = [row["event"] for row in _event_rows(store) if row["origin"] == LOCAL]
    missing = [event for event in missing if event["id"] not in queued]
    for event in missing:
        _queue(store, RectificationEvent.from_dict(event))
    return added + len(missing)


def _new_id() -> str:
    return str(uuid_module.uuid4())


def check_may_record(store: Store, kind: EventKind) -> None:
    """Refuse here what the bureau server would refuse: a step the account this laptop logged in
    with may not record (``core.rectifications.may_record``). The laptop's rectifications come
    from its own visits; before any login, the server decides at the first sync."""
    from inspector.services.sync import saved_login

    login = saved_login(store)
    if login is not None and not rules.may_record(kind, login.role, owns_record=True):
        raise DomainError("rectification.role_may_not", role=login.role)


def record_feedback(
    store: Store,
    rectification_id: str,
    *,
    measures: str,
    responsible: str,
    feedback_date: date,
    status: FeedbackStatus,
    by: str,
    evidence_files: Iterable[Path] = (),
    reason: str = "",
    at: datetime | None = None,
) -> RectificationView:
    """The unit's 反馈, typed in from the returned form; its evidence files are copied into the store first."""
    check_may_record(store, EventKind.FEEDBACK)
    event = rules.make_event(
        id=_new_id(),
        rectification_id=rectification_id,
        kind=EventKind.FEEDBACK,
        at=at or now(),
        by=by,
        reason=reason,
        payload={
            "measures": measures,
            "responsible": responsible,
            "date": feedback_date.isoformat(),
            "status": FeedbackStatus(status).value,
        },
    )
    before = rectification_view(store, rectification_id)
    # checked before the files are copied, so a refused feedback leaves nothing behind
    rules.advance(before, event)
    event = replace(event, evidence=tuple(store.add_evidence(Path(path)) for path in evidence_files))
    after = rules.advance(before, event)
    _append(store, [event], origin=LOCAL)
    return after


def record_notice(store: Store, visit_uuid: str, notice_number: str, *, by: str, at: datetime | None = None) -> int:
    """Note on each open rectification of a visit that its notice (整改通知书) went out; returns how many.

    The notice after a re-inspection (its follow-up) goes on the rectifications it re-opened.
    Recording the same notice again adds nothing.
    """
    check_may_record(store, EventKind.ISSUED)
    visit = store.load_visit(visit_uuid)
    views = _fold_views(store, visit.reinspects or [record.id for record in rectifications(visit)]).values()
    events = []
    for view in views:
        if view.state is not RectificationState.OPEN or view.notice_number == notice_number.strip():
            continue
        event = rules.make_event(
            id=_new_id(),
            rectification_id=view.id,
            kind=EventKind.ISSUED,
            at=at or now(),
            by=by,
            payload={"notice_number": notice_number},
        )
        rules.advance(view, event)
        events.append(event)
    queue_unsent_events(store)
    return _append(store, events, origin=LOCAL)


def apply_remote_events(store: Store, events: list[dict[str, Any]]) -> int:
    """Store events pulled from the bureau server; those already here (by id) are skipped.

    Returns how many were new. Every event is read first: a malformed one is refused with its id
    and nothing is stored. Conflicting steps are kept and shown as such in the history.
    """
    parsed = [RectificationEvent.from_dict(event) for event in events]
    return _append(store, parsed, origin=REMOTE)


# -- re-inspection (复查) ------------------------------------------------------------------------


def open_at_site(store: Store, site_id: str) -> list[RectificationView]:
    return [view for view in rectification_views(store) if view.record.site_id == site_id and view.is_open]


def start_reinspection(
    store: Store,
    site_id: str,
    *,
    lead: str,
    title: str,
    members: Iterable[str] = (),
    arrived_at: datetime | None = None,
) -> Visit:
    """Start a re-inspection at a site: a visit like any other, whose checklist is exactly the
    site's open items.

    Refused while another re-inspection of the site is not yet signed off, so that one item is
    never verified by two visits at once.
    """
    for summary in visit_services.visits_in_progress(store):
        if summary.site_id == site_id and store.load_visit(summary.uuid).reinspects:
            raise DomainError("rectification.reinspection_in_progress", uuid=summary.uuid[:8])
    site = store.site(site_id)
    if site is None:
        raise DomainError("visit.unknown_site", site_id=site_id)
    views = open_at_site(store, site_id)
    visits = {uuid: store.load_visit(uuid) for uuid in {view.record.visit_uuid for view in views}}
    prepared = rules.prepare_reinspection(site, views, visits, title)
    return visit_services.start_visit(
        store,
        site_id,
        lead=lead,
        members=members,
        arrived_at=arrived_at,
        checklist=prepared.checklist,
        reinspects=prepared.reinspects,
    )


def reinspection_items(store: Store, visit_uuid: str) -> list[ReinspectionEntry]:
    """The items of a re-inspection, each with its rectification as it stands now (finding,
    evidence, feedback, history): what the runner and the command line show beside each item."""
    visit = store.load_visit(visit_uuid)
    if not visit.reinspects:
        raise DomainError("rectification.not_a_reinspection", uuid=visit_uuid[:8])
    views = _fold_views(store, visit.reinspects)
    return [ReinspectionEntry(item, views[item.id]) for item in visit.checklist.items]


def complete_reinspection(store: Store, visit_uuid: str, *, by: str, at: datetime | None = None) -> Visit:
    """Sign the re-inspection off and record its outcome: passed items closed, failed ones re-opened.

    A failed item's new due date is the re-inspection's own deadline for it (the item's deadline,
    or the one the team set on the answer). Safe to call again on a signed-off re-inspection:
    the outcome's events have fixed ids, so only the missing ones are added.
    """
    visit = store.load_visit(visit_uuid)
    if not visit.reinspects:
        raise DomainError("rectification.not_a_reinspection", uuid=visit_uuid[:8])
    if not visit.is_sealed:
        _check_still_open(store, visit)
        visit = visit_services.sign_off_visit(store, visit_uuid, by=by, at=at)
    queue_unsent_events(store)
    return visit


def _check_still_open(store: Store, visit: Visit) -> None:
    """Each item found passed or failed must still be open: another team may have closed it meanwhile."""
    answers = visit.answers
    views = _fold_views(store, visit.reinspects)
    for rectification_id in visit.reinspects:
        answer = answers.get(rectification_id)
        if answer is None or answer.result not in (Result.PASS, Result.FAIL):
            continue
        view = views[rectification_id]
        if not view.is_open:
            raise DomainError("rectification.no_longer_open", item_id=view.record.item_id)
