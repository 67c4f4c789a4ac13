"""The life of a rectification (整改): notice, feedback, re-inspection (复查), closed (销号).

The record itself comes from a signed-off visit (``visits.rectifications``); what happens to it
afterwards is a list of events, appended and never changed. The current state is folded from
the events, sorted by (moment, id) but never before the step they saw (``causal_order``), so two
laptops holding the same events see the same state whatever order they received them in, and
whatever their clocks said::

    open ──feedback──▶ feedback_received ──re_inspected──▶ re_inspected ──closed──▶ closed
      └────────────────re_inspected────────────────────────▲       │
      ▲                                                             │ (failed)
      └───────────────────────────reopened (new due date)───────────┘

A re-inspection may come without feedback: a unit that sends none is checked all the same.
Whether a rectification is overdue is computed from its due date and a day, never stored.
Nothing here does I/O.
"""

from __future__ import annotations

import heapq
import uuid as uuid_module
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from inspector.core.canonical import canonical_bytes
from inspector.core.checklists import Checklist, Item
from inspector.core.clock import from_iso, local_date, to_iso
from inspector.core.errors import DomainError
from inspector.core.sites import Site
from inspector.core.standing import Standing
from inspector.core.visits import Answer, Evidence, Rectification, Visit, rectifications
from inspector.core.vocabulary import Area, RectificationState, Result, Severity


class EventKind(StrEnum):
    ISSUED = "issued"
    FEEDBACK = "feedback"
    RE_INSPECTED = "re_inspected"
    REOPENED = "reopened"
    CLOSED = "closed"
    REMINDED = "reminded"
    """Its due date is near: the unit was reminded (no change of state)."""
    URGED = "urged"
    """Past its due date: a 催办通知 went to the township (no change of state)."""


class FeedbackStatus(StrEnum):
    """What the unit says on its feedback form: rectified, or still being rectified."""

    DONE = "done"
    IN_PROGRESS = "in_progress"


REINSPECTION_CHECKLIST_ID = "reinspection"
_KINDS = {kind.value: kind for kind in EventKind}

_REQUIRED_PAYLOAD: dict[EventKind, tuple[str, ...]] = {
    EventKind.ISSUED: ("notice_number",),
    EventKind.FEEDBACK: ("measures", "responsible", "date", "status"),
    EventKind.RE_INSPECTED: ("result", "visit_uuid"),
    EventKind.REOPENED: ("due",),
    EventKind.CLOSED: (),
    EventKind.REMINDED: ("due",),
    EventKind.URGED: ("notice_number", "due"),
}
# a reminder or a 催办 names the due date it chases: a reminder never runs after a new deadline
_CHASING_KINDS = frozenset({EventKind.REMINDED, EventKind.URGED})
# ``seen``: the last step a laptop checked the event against (``last_seen``, for ``causal_order``);
# ``visit_uuid``/``visit_version``: the re-inspection version a derived step comes from (amendments)
_SOURCE_KEYS = ("seen", "visit_uuid", "visit_version")
_OPTIONAL_PAYLOAD: dict[EventKind, tuple[str, ...]] = {
    kind: tuple(key for key in _SOURCE_KEYS if key not in _REQUIRED_PAYLOAD[kind]) for kind in EventKind
}


# Who may record each step (enforced by the bureau server, and by the laptop before it records):
# a notice is the document of the team that found the item, or of the team whose re-inspection
# re-opened it (its follow-up notice), so only they note it as issued; anyone leading a team may
# take the unit's feedback form (it is handed to whichever team comes back: 回头看 is often done
# by another team), re-inspect the item and decide on it. An admin may record any step. An
# inspector's account records none.
OWNER_ONLY = frozenset({EventKind.ISSUED})
# reminders and 催办 are the bureau's: recorded by its server in an admin's name, never by a team
BUREAU_ONLY = frozenset({EventKind.REMINDED, EventKind.URGED})
EVENT_ROLES = frozenset({"lead", "admin"})
FUTURE_SLACK = timedelta(days=1)
"""How far ahead of the server's clock an event may be dated (a laptop's clock may be off)."""


def may_record(kind: EventKind, role: str, *, owns_record: bool) -> bool:
    """Whether an account of ``role`` may record a step of ``kind`` on a rectification found by its
    own visit, or last re-opened by its own re-inspection (``owns_record``), or by another team's."""
    if role == "admin":
        return True
    if kind in BUREAU_ONLY:
        return False
    return role in EVENT_ROLES and (owns_record or kind not in OWNER_ONLY)


@dataclass(frozen=True)
class RectificationEvent:
    """One step in a rectification's life: who, when, what (kind and payload), why, with what evidence.

    ``by`` is the name typed on the laptop; ``signed_by`` the account that uploaded the event, set by
    the bureau server (never by a laptop): it is who the board and the documents trust.
    """

    id: str
    rectification_id: str
    kind: EventKind
    at: str
    by: str
    reason: str = ""
    evidence: tuple[Evidence, ...] = ()
    payload: Mapping[str, Any] = field(default_factory=dict)
    signed_by: str = ""
    received_at: str | None = field(default=None, compare=False)
    """When the bureau server received it, by the server's clock (``at`` is the recording
    laptop's); known once it came back through the feed. Not part of the event's bytes."""

    @property
    def moment(self) -> datetime:
        return from_iso(self.at)

    @property
    def author(self) -> str:
        """Who recorded it: the uploading account once the server has signed it, else the typed name."""
        return self.signed_by or self.by

    def sort_key(self) -> tuple[datetime, str, bytes]:
        # the canonical bytes only break a tie between two different events sharing an id
        return (self.moment, self.id, canonical_bytes(self.to_dict()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "rectification_id": self.rectification_id,
            "kind": self.kind.value,
            "at": self.at,
            "by": self.by,
            "reason": self.reason,
            "evidence": [item.to_dict() for item in self.evidence],
            "payload": dict(self.payload),
            # only once signed: an unsigned event keeps the bytes (and the outbox entry) it always had
            **({"signed_by": self.signed_by} if self.signed_by else {}),
        }

    @classmethod
    def from_dict(cls, data: Any) -> RectificationEvent:
        """Read an event from stored or received data; anything malformed is a DomainError saying what."""
        if not isinstance(data, Mapping):
            raise DomainError("rectification.bad_event", event="?", field="-")
        event_id = str(data.get("id") or "?")
        fields = {key: _text(data, key, event_id) for key in ("id", "rectification_id", "at")}
        try:
            kind = EventKind(data.get("kind"))
        except ValueError:
            raise DomainError("rectification.bad_event", event=event_id, field="kind") from None
        try:
            evidence = tuple(Evidence.from_dict(item) for item in data.get("evidence") or ())
        except (KeyError, TypeError, ValueError):
            raise DomainError("rectification.bad_event", event=event_id, field="evidence") from None
        payload = data.get("payload") or {}
        if not isinstance(payload, Mapping):
            raise DomainError("rectification.bad_event", event=event_id, field="payload")
        event = cls(
            kind=kind,
            by=str(data.get("by", "")),
            reason=str(data.get("reason", "")),
            evidence=evidence,
            payload=dict(payload),
            signed_by=str(data.get("signed_by") or ""),
            **fields,
        )
        check_event(event)
        return event

    @classmethod
    def from_stored(cls, data: Mapping[str, Any], received_at: str | None = None) -> RectificationEvent:
        """An event the laptop stored itself, after ``from_dict`` or ``make_event`` checked it, with
        the server's receipt time when it is known.

        Not checked again: a listing at 10,000 visits reads some 75,000 events on every run."""
        return cls(
            received_at=received_at,
            id=data["id"],
            rectification_id=data["rectification_id"],
            kind=_KINDS[data["kind"]],
            at=data["at"],
            by=data.get("by", ""),
            reason=data.get("reason", ""),
            evidence=tuple(Evidence.from_dict(item) for item in data.get("evidence") or ()),
            payload=data.get("payload") or {},
            signed_by=data.get("signed_by") or "",
        )


def strict_event(data: Any, *, received_at: datetime) -> RectificationEvent:
    """An event as the bureau server accepts it from an account (its shape, types and lengths
    already checked by ``inspector.wire.EventBody``): ``from_dict``'s reading, no payload key
    beyond its kind's, and a moment not in the future (a day's slack for laptop clocks). Every
    refusal is a DomainError naming the field."""
    event = RectificationEvent.from_dict(data)
    allowed = {*_REQUIRED_PAYLOAD[event.kind], *_OPTIONAL_PAYLOAD[event.kind]}
    for key in event.payload:
        if key not in allowed:
            raise DomainError("rectification.bad_event", event=event.id, field=f"payload.{key}")
    if event.moment > received_at + FUTURE_SLACK:
        raise DomainError("rectification.bad_event", event=event.id, field="at")
    return event


_PAYLOAD_KEYS = frozenset(
    key for table in (_REQUIRED_PAYLOAD, _OPTIONAL_PAYLOAD) for keys in table.values() for key in keys
)
_FIELD_OF_RULE = {
    "rectification.by_required": "by",
    "rectification.bad_result": "payload.result",
    "rectification.due_in_past": "payload.due",
}


def refused_field(error: DomainError) -> str:
    """The field of an event a refusal of ``strict_event``/``check_event`` is about (payload keys
    as ``payload.<key>``), for an answer that names what is wrong."""
    if error.code.startswith("rectification.missing."):
        return "payload." + error.code.rpartition(".")[2]
    field_name = str(error.params.get("field", "")) or _FIELD_OF_RULE.get(error.code, "-")
    return f"payload.{field_name}" if field_name in _PAYLOAD_KEYS else field_name


def _text(data: Mapping[str, Any], key: str, event_id: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DomainError("rectification.bad_event", event=event_id, field=key)
    return value


def check_event(event: RectificationEvent) -> None:
    """The rules an event keeps on its own, whatever state its rectification is in."""
    try:
        from_iso(event.at)
    except ValueError:
        raise DomainError("rectification.bad_event", event=event.id, field="at") from None
    if not event.by.strip():
        raise DomainError("rectification.by_required")
    for key in _REQUIRED_PAYLOAD[event.kind]:
        value = event.payload.get(key)
        if not isinstance(value, str) or not value.strip():
            raise DomainError(f"rectification.missing.{key}")
    if not isinstance(event.payload.get("seen", ""), str):
        raise DomainError("rectification.bad_event", event=event.id, field="seen")
    if event.kind is EventKind.FEEDBACK:
        _payload_choice(event, "status", FeedbackStatus)
        _payload_date(event, "date")
    elif event.kind is EventKind.RE_INSPECTED:
        result = event.payload["result"]
        if result not in (Result.PASS.value, Result.FAIL.value):
            raise DomainError("rectification.bad_result", result=result)
    elif event.kind in _CHASING_KINDS:
        _payload_date(event, "due")
    elif event.kind is EventKind.REOPENED:
        due = _payload_date(event, "due")
        if due < local_date(event.moment):
            raise DomainError("rectification.due_in_past", due=due.isoformat())


def _payload_choice(event: RectificationEvent, key: str, choices: type[StrEnum]) -> None:
    if event.payload[key] not in {choice.value for choice in choices}:
        raise DomainError("rectification.bad_event", event=event.id, field=key)


def _payload_date(event: RectificationEvent, key: str) -> date:
    try:
        return date.fromisoformat(event.payload[key])
    except ValueError:
        raise DomainError("rectification.bad_date", field=key, value=event.payload[key]) from None


def make_event(
    *,
    id: str,
    rectification_id: str,
    kind: EventKind,
    at: datetime,
    by: str,
    reason: str = "",
    evidence: Iterable[Evidence] = (),
    payload: Mapping[str, Any] | None = None,
) -> RectificationEvent:
    """A new event, its texts trimmed and its own rules checked (not yet its rectification's state)."""
    event = RectificationEvent(
        id=id,
        rectification_id=rectification_id,
        kind=kind,
        at=to_iso(at),
        by=by.strip(),
        reason=reason.strip(),
        evidence=tuple(evidence),
        payload={key: value.strip() if isinstance(value, str) else value for key, value in (payload or {}).items()},
    )
    check_event(event)
    return event


# -- the record, as kept in the laptop's rectification index ---------------------------------


def record_to_dict(record: Rectification) -> dict[str, Any]:
    return {
        "id": record.id,
        "visit_uuid": record.visit_uuid,
        "site_id": record.site_id,
        "site_name": record.site_name,
        "township": record.township,
        "item_id": record.item_id,
        "area": record.area.value,
        "item_text": record.item_text,
        "basis": record.basis,
        "note": record.note,
        "evidence": [item.to_dict() for item in record.evidence],
        "severity": record.severity.value,
        "deadline_days": record.deadline_days,
        "due": record.due.isoformat(),
        **({"found_by": record.found_by} if record.found_by else {}),
    }


def record_from_dict(data: Mapping[str, Any]) -> Rectification:
    return Rectification(
        **{key: data[key] for key in ("id", "visit_uuid", "site_id", "site_name", "township", "item_id")},
        area=Area(data["area"]),
        item_text=data["item_text"],
        basis=data["basis"],
        note=data["note"],
        evidence=tuple(Evidence.from_dict(item) for item in data["evidence"]),
        severity=Severity(data["severity"]),
        deadline_days=int(data["deadline_days"]),
        due=date.fromisoformat(data["due"]),
        found_by=data.get("found_by", ""),
    )


# -- the state, folded from the events -------------------------------------------------------


@dataclass(frozen=True)
class Feedback:
    """The unit's 整改情况反馈, as typed in by the team from the returned form."""

    measures: str
    responsible: str
    date: date
    status: FeedbackStatus
    evidence: tuple[Evidence, ...]
    recorded_by: str
    recorded_at: str


@dataclass(frozen=True)
class HistoryStep:
    """An event as it took part in the fold; ``refused`` names the rule that kept it out of the state.

    An event is refused in the fold only when two laptops recorded conflicting steps (say, one
    closed the item while the other took feedback): both events are kept and shown, neither lost.
    """

    event: RectificationEvent
    refused: DomainError | None = None


@dataclass(frozen=True)
class RectificationView:
    """A rectification as it stands: its record from the visit and the state its events lead to."""

    record: Rectification
    state: RectificationState
    due: date
    notice_number: str = ""
    feedback: Feedback | None = None
    last_result: Result | None = None
    reinspections: tuple[str, ...] = ()
    closed_at: str | None = None
    closed_by: str | None = None
    history: tuple[HistoryStep, ...] = ()

    @property
    def id(self) -> str:
        return self.record.id

    is_open = Standing.is_open
    overdue_on = Standing.overdue_on

    def days_overdue(self, day: date) -> int:
        return (day - self.due).days if self.overdue_on(day) else 0

    def overdue_at(self, moment: datetime) -> bool:
        """Overdue at a moment, counted in the bureau's calendar days (Asia/Shanghai)."""
        return self.overdue_on(local_date(moment))


def initial_view(record: Rectification) -> RectificationView:
    return RectificationView(record=record, state=RectificationState.OPEN, due=record.due)


def refusal(view: RectificationView, event: RectificationEvent) -> DomainError | None:
    """Why ``event`` cannot happen to the rectification in ``view``'s state, or None when it can."""
    state, kind = view.state, event.kind
    if event.rectification_id != view.id:
        return DomainError("rectification.wrong_record", event=event.id, rectification_id=view.id)
    if state is RectificationState.CLOSED:
        return DomainError("rectification.closed", rectification_id=view.id)
    if kind is EventKind.FEEDBACK and date.fromisoformat(event.payload["date"]) < view.record.found_on:
        return DomainError(
            "rectification.feedback_before_finding",
            date=event.payload["date"],
            found=view.record.found_on.isoformat(),
        )
    if kind in _CHASING_KINDS:
        return _chasing_refusal(view, event)
    if kind in (EventKind.ISSUED, EventKind.FEEDBACK, EventKind.RE_INSPECTED):
        if state is RectificationState.RE_INSPECTED:
            return DomainError("rectification.awaiting_decision")
        if kind is EventKind.ISSUED and state is not RectificationState.OPEN:
            return DomainError("rectification.notice_not_open")
        return None
    # what is left decides after a re-inspection: closed when it passed, re-opened when it failed
    if state is not RectificationState.RE_INSPECTED:
        return DomainError(f"rectification.{kind.value}_needs_reinspection")
    if kind is EventKind.CLOSED and view.last_result is not Result.PASS:
        return DomainError("rectification.close_after_fail")
    if kind is EventKind.REOPENED and view.last_result is not Result.FAIL:
        return DomainError("rectification.reopen_after_pass")
    return None


def _chasing_refusal(view: RectificationView, event: RectificationEvent) -> DomainError | None:
    """A reminder or a 催办 chases the unit while the item waits on it (not after a re-inspection),
    for the due date that stands; a 催办 only once that date has passed."""
    if view.state is RectificationState.RE_INSPECTED:
        return DomainError("rectification.awaiting_decision")
    if event.payload["due"] != view.due.isoformat():
        return DomainError("rectification.chasing_other_due", due=event.payload["due"], current=view.due.isoformat())
    if event.kind is EventKind.URGED and local_date(event.moment) <= view.due:
        return DomainError("rectification.urged_before_due", due=view.due.isoformat())
    return None


def last_seen(view: RectificationView) -> dict[str, str]:
    """The payload naming the last step of ``view``'s history, for an event recorded against it."""
    return {"seen": view.history[-1].event.id} if view.history else {}


def advance(view: RectificationView, event: RectificationEvent) -> RectificationView:
    """The rectification after ``event``; a refused transition raises DomainError with its rule."""
    refused = refusal(view, event)
    if refused is not None:
        raise refused
    return _apply(view, event)


def _apply(view: RectificationView, event: RectificationEvent) -> RectificationView:
    step = (*view.history, HistoryStep(event))
    payload = event.payload
    if event.kind in _CHASING_KINDS:  # on the history only: the unit still owes the same
        return replace(view, history=step)
    if event.kind is EventKind.ISSUED:
        return replace(view, notice_number=payload["notice_number"], history=step)
    if event.kind is EventKind.FEEDBACK:
        feedback = Feedback(
            measures=payload["measures"],
            responsible=payload["responsible"],
            date=date.fromisoformat(payload["date"]),
            status=FeedbackStatus(payload["status"]),
            evidence=event.evidence,
            recorded_by=event.author,
            recorded_at=event.at,
        )
        return replace(view, state=RectificationState.FEEDBACK_RECEIVED, feedback=feedback, history=step)
    if event.kind is EventKind.RE_INSPECTED:
        return replace(
            view,
            state=RectificationState.RE_INSPECTED,
            last_result=Result(payload["result"]),
            reinspections=(*view.reinspections, payload["visit_uuid"]),
            history=step,
        )
    if event.kind is EventKind.REOPENED:
        return replace(
            view,
            state=RectificationState.OPEN,
            due=date.fromisoformat(payload["due"]),
            history=step,
        )
    return replace(view, state=RectificationState.CLOSED, closed_at=event.at, closed_by=event.author, history=step)


def causal_order(events: Iterable[RectificationEvent]) -> list[RectificationEvent]:
    """The events by (moment, id), except that none comes before the event it saw.

    An event recorded on a laptop names the last step of the history it was checked against
    (payload ``seen``): a feedback typed on a laptop whose clock is three hours behind still
    comes after the notice it answered, so a skewed clock cannot push a step before its cause.
    Only forged events can name each other in a circle: the earliest of them then goes first.
    Events are distinct by id (``fold`` makes them so).
    """
    by_id = {event.id: event for event in events}
    waiting: dict[str, list[RectificationEvent]] = defaultdict(list)
    ready: list[tuple[datetime, str, RectificationEvent]] = []
    for event in by_id.values():
        seen = event.payload.get("seen")
        if isinstance(seen, str) and seen in by_id and seen != event.id:
            waiting[seen].append(event)
        else:
            heapq.heappush(ready, (event.moment, event.id, event))
    released = {item[1] for item in ready}
    ordered: list[RectificationEvent] = []
    while len(ordered) < len(by_id):
        if not ready:  # a circle of forged events
            first = min((e for e in by_id.values() if e.id not in released), key=lambda e: (e.moment, e.id))
            heapq.heappush(ready, (first.moment, first.id, first))
            released.add(first.id)
        event = heapq.heappop(ready)[2]
        ordered.append(event)
        for follower in waiting.pop(event.id, ()):
            if follower.id not in released:
                heapq.heappush(ready, (follower.moment, follower.id, follower))
                released.add(follower.id)
    return ordered


def fold(record: Rectification, events: Iterable[RectificationEvent]) -> RectificationView:
    """The current state: the events in causal order (``causal_order``), each applied if its
    transition is allowed.

    The same set of events gives the same view in any order of arrival; an event seen twice
    counts once. Events that conflict are kept in the history, marked refused, and so are the
    events of a re-inspection that a later version of it (an amendment) decided again.
    """
    unique: dict[str, RectificationEvent] = {}
    for event in events:
        kept = unique.get(event.id)
        # the full sort key (with the canonical bytes) only where one id came with two contents
        if kept is None or (kept != event and event.sort_key() < kept.sort_key()):
            unique[event.id] = event
    superseded = _superseded_ids(unique.values())
    view = initial_view(record)
    for event in causal_order(unique.values()):
        refused = DomainError("rectification.superseded") if event.id in superseded else refusal(view, event)
        if refused is None:
            view = _apply(view, event)
        else:
            view = replace(view, history=(*view.history, HistoryStep(event, refused)))
    return view


# -- re-inspection (复查) -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReinspectionEntry:
    """An item of a re-inspection with what led to it: the first visit's finding and evidence
    (``view.record``), the unit's feedback and the whole history (``view``)."""

    item: Item
    view: RectificationView


@dataclass(frozen=True)
class PreparedReinspection:
    """A re-inspection ready to start like any visit: its checklist is exactly the site's open
    rectifications, one item each, and each entry keeps the story the runner shows beside it."""

    checklist: Checklist
    entries: tuple[ReinspectionEntry, ...]

    @property
    def reinspects(self) -> tuple[str, ...]:
        return tuple(entry.item.id for entry in self.entries)


def prepare_reinspection(
    site: Site,
    views: Iterable[RectificationView],
    visits: Mapping[str, Visit],
    title: str,
    items: Mapping[str, Item] | None = None,
) -> PreparedReinspection:
    """The checklist of a re-inspection at ``site``: one item per open rectification there.

    Each item is the original one under the rectification's id, not the item's, because two
    visits to the same site may have left the same item open twice; it keeps the rectification's
    severity and applies whatever the site's features are now. Items keep the five areas' order,
    then the due date. ``visits`` holds the visits the rectifications were found on, ``items``
    (by rectification id) the original items of those another team found, whose visit is not here.
    """
    items = items or {}
    entries = []
    for view in views:
        if view.record.site_id != site.id or not view.is_open:
            continue
        original = items.get(view.id) or visits[view.record.visit_uuid].checklist.item(view.record.item_id)
        item = replace(original, id=view.id, severity=view.record.severity, applies_when_features=frozenset())
        entries.append(ReinspectionEntry(item, view))
    if not entries:
        raise DomainError("rectification.nothing_open")
    order = list(Area)
    entries.sort(key=lambda entry: (order.index(entry.item.area), entry.view.due, entry.view.id))
    checklist = Checklist(
        id=REINSPECTION_CHECKLIST_ID,
        version=1,
        title=title,
        site_kinds=(site.kind,),
        items=tuple(entry.item for entry in entries),
    )
    return PreparedReinspection(checklist, tuple(entries))


def reinspection_outcome(visit: Visit) -> dict[str, Result]:
    """What a signed-off re-inspection found for each rectification it checked (pass or fail only).

    An item answered 'not applicable' or 'not checked' leaves its rectification as it was.
    """
    if not visit.reinspects or not visit.is_sealed:
        return {}
    answers = visit.answers
    return {
        rectification_id: answers[rectification_id].result
        for rectification_id in visit.reinspects
        if rectification_id in answers and answers[rectification_id].result in (Result.PASS, Result.FAIL)
    }


def reinspection_events(visit: Visit) -> list[RectificationEvent]:
    """The events a signed-off re-inspection leads to: re-inspected, then closed or re-opened.

    Their ids are derived from the visit, the rectification and the version, so recording them
    again (after a crash, or on another laptop) adds nothing, while an amended re-inspection makes
    events of its own: they name the visit and its version, and replace in the fold what the
    earlier versions decided (``_superseded_ids``), on every laptop and on the server alike. The
    decision comes one second after the re-inspection so that the (moment, id) order always puts
    it second.
    """
    outcome = reinspection_outcome(visit)
    if not outcome or visit.signed_off_at is None or visit.signed_off_by is None:
        return []
    inspected_at = from_iso(visit.signed_off_at)
    decided_at = inspected_at + timedelta(seconds=1)
    answers = visit.answers
    new_dues = {record.item_id: record.due for record in rectifications(visit)}
    # the first version's events keep the payload they always had (their ids are already stored)
    source = {} if visit.version == 1 else {"visit_uuid": visit.uuid, "visit_version": visit.version}
    events = []
    for rectification_id, result in outcome.items():
        answer = answers[rectification_id]
        found = {"result": result.value, "visit_uuid": visit.uuid, **source}
        events.append(_derived_event(visit, answer, EventKind.RE_INSPECTED, inspected_at, found))
        if result is Result.PASS:
            events.append(_derived_event(visit, answer, EventKind.CLOSED, decided_at, source))
        else:
            new_due = {"due": new_dues[rectification_id].isoformat(), **source}
            events.append(_derived_event(visit, answer, EventKind.REOPENED, decided_at, new_due))
    return events


@dataclass(frozen=True)
class VisitContribution:
    """What one signed-off visit adds to the county's rectifications, under the one rule every
    laptop and every server applies: an original visit makes one record per failed item; a
    re-inspection makes no record (its failed items are the records it re-inspected, re-opened),
    only the events that move them on."""

    records: tuple[Rectification, ...]
    events: tuple[RectificationEvent, ...]


def contribution(visit: Visit) -> VisitContribution:
    """The records and events ``visit`` stands for (nothing when it is not signed off)."""
    if visit.reinspects:
        return VisitContribution((), tuple(reinspection_events(visit)))
    return VisitContribution(tuple(rectifications(visit)), ())


_DERIVED_KINDS = (EventKind.RE_INSPECTED, EventKind.CLOSED, EventKind.REOPENED)


def _derived_id(visit_uuid: str, rectification_id: str, kind: EventKind, version: int) -> str:
    name = f"{visit_uuid}/{rectification_id}/{kind.value}"
    return str(uuid_module.uuid5(uuid_module.NAMESPACE_URL, name if version == 1 else f"{name}/v{version}"))


def _superseded_ids(events: Iterable[RectificationEvent]) -> set[str]:
    """The ids of re-inspection events that a later version of the same re-inspection replaces.

    An event of version N of a re-inspection (its payload names the visit and N) replaces the
    events versions 1 … N-1 derived for the same rectification; the ids are computed, so an event
    can only ever replace earlier decisions of its own visit about its own rectification.
    """
    superseded: set[str] = set()
    for event in events:
        version = event.payload.get("visit_version")
        visit_uuid = event.payload.get("visit_uuid")
        if event.kind not in _DERIVED_KINDS or not isinstance(version, int) or not isinstance(visit_uuid, str):
            continue
        superseded.update(
            _derived_id(visit_uuid, event.rectification_id, kind, earlier)
            for kind in _DERIVED_KINDS
            for earlier in range(1, version)
        )
    return superseded


def _derived_event(
    visit: Visit, answer: Answer, kind: EventKind, at: datetime, payload: dict[str, Any]
) -> RectificationEvent:
    rectification_id = answer.item_id
    return make_event(
        id=_derived_id(visit.uuid, rectification_id, kind, visit.version),
        rectification_id=rectification_id,
        kind=kind,
        at=at,
        by=visit.signed_off_by or visit.lead,
        reason=answer.note,
        evidence=answer.evidence,
        payload=payload,
    )
