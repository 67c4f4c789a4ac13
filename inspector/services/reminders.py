"""Reminders on the laptop: its rectifications due within a few days (3 unless set otherwise) or
overdue, by township and by team (the lead of the visit that found them)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from inspector.core.errors import DomainError
from inspector.core.standing import DEFAULT_REMINDER_DAYS, MAX_REMINDER_DAYS, Standing, due_soon_and_overdue, urgency
from inspector.i18n import t
from inspector.store.store import Store

if TYPE_CHECKING:
    from inspector.core.reminders import Chased

SETTING = "reminder_days"


def reminder_days(store: Store) -> int:
    """How many days ahead this laptop reminds (``set_reminder_days``), 3 by default."""
    value = store.settings().get(SETTING, DEFAULT_REMINDER_DAYS)
    return value if isinstance(value, int) and 0 <= value <= MAX_REMINDER_DAYS else DEFAULT_REMINDER_DAYS


def set_reminder_days(store: Store, days: int) -> None:
    if not 0 <= days <= MAX_REMINDER_DAYS:
        raise DomainError("reminders.bad_days", days=days, most=MAX_REMINDER_DAYS)
    store.update_settings(**{SETTING: days})


def chased_on_laptop(store: Store, today: date, within: int) -> list[Chased]:
    """The open rectifications this laptop holds that are due within ``within`` days or overdue."""
    # imported here, not with the module: home's first frame asks for its reminder text, not these
    from inspector.core.reminders import chase
    from inspector.services.rectifications import find_rectifications

    leads: dict[str, str] = {}

    def lead_of(visit_uuid: str) -> str:
        if visit_uuid not in leads:
            summary = store.visit_summary(visit_uuid)
            leads[visit_uuid] = summary.lead if summary else ""
        return leads[visit_uuid]

    found = []
    for view in find_rectifications(store, today=today):
        if view.is_open and urgency(view.due, today, within) is not None:
            item = chase(view, lead_of(view.record.visit_uuid), today, within)
            if item is not None:
                found.append(item)
    return found


def reminder_text(store: Store, tally: Mapping[Standing, int], today: date) -> str:
    """Home's reminder after its title: how many open items fall due within the laptop's days, how
    many are past due (``tally``: how many items share each standing); nothing when neither."""
    within = reminder_days(store)
    soon, overdue = due_soon_and_overdue(tally, today, within)
    return t("rounds.home.reminders", soon=soon, overdue=overdue, days=within) if soon or overdue else ""
