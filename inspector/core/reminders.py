"""Reminders and 催办: which rectifications are due within a few days, which are past their date,
gathered per township and per team. The laptop reads them from its own rectifications, the
bureau server from its board; both ask the same questions here. Nothing here does I/O.

A reminder or a 催办 is recorded on the rectification's history as an event (``REMINDED``,
``URGED`` in ``core.rectifications``), named after the rectification and the due date it chases,
so that sending the same reminder twice records it once (``chase_event_id``).
"""

from __future__ import annotations

import uuid as uuid_module
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from inspector.core.rectifications import EventKind, RectificationView
from inspector.core.standing import Urgency, urgency

_EVENT_NAMESPACE = uuid_module.UUID("0b6f3c1e-8d4a-4f6b-9c2e-5a7d1e3f9b20")


@dataclass(frozen=True)
class Chased:
    """One rectification still owed, near or past its due date."""

    rectification_id: str
    township: str
    team: str
    site_name: str
    item_text: str
    due: date
    urgency: Urgency
    days: int
    """Days left (due soon: 0 on the due date itself) or days past it (overdue)."""
    notice_number: str = ""


def days_of(due: date, today: date) -> int:
    return abs((due - today).days)


def chase(view: RectificationView, team: str, today: date, within: int) -> Chased | None:
    """The rectification as an item owed (``team`` found it), or None when it is closed or not near its date."""
    level = urgency(view.due, today, within) if view.is_open else None
    if level is None:
        return None
    record = view.record
    return Chased(
        rectification_id=view.id,
        township=record.township,
        team=team,
        site_name=record.site_name,
        item_text=record.note or record.item_text,
        due=view.due,
        urgency=level,
        days=days_of(view.due, today),
        notice_number=view.notice_number,
    )


def grouped(items: Iterable[Chased], key: Callable[[Chased], str]) -> dict[str, list[Chased]]:
    """Items by township or by team, the most pressing first in each (overdue longest, then due soonest)."""
    groups: dict[str, list[Chased]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return {name: sorted(found, key=_pressing) for name, found in sorted(groups.items())}


def _pressing(item: Chased) -> tuple[int, int, str]:
    return (
        0 if item.urgency is Urgency.OVERDUE else 1,
        -item.days if item.urgency is Urgency.OVERDUE else item.days,
        item.rectification_id,
    )


def chase_event_id(rectification_id: str, kind: EventKind, occasion: str) -> str:
    """One event per rectification and occasion: a reminder's due date (reminded once for it,
    however often the reminders run), a 催办's document number (issued again the same day: the
    same number, the same event)."""
    return str(uuid_module.uuid5(_EVENT_NAMESPACE, f"{rectification_id}\n{kind.value}\n{occasion}"))
