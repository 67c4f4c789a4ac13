"""Reminders on the laptop: its rectifications due within a few days (3 unless set otherwise) or
overdue, by township and by team (the lead of the visit that found them)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date

from inspector.core.errors import DomainError
from inspector.core.reminders import DEFAULT_REMINDER_DAYS, MAX_REMINDER_DAYS, Chased, Urgency, chase, urgency
from inspector.i18n import t
from inspector.services.rectifications import Standing, find_rectifications
from inspector.store.store import Store

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
    levels: Counter[Urgency | None] = Counter()
    for standing, count in tally.items():
        if standing.is_open:
            levels[urgency(standing.due, today, within)] += count
    soon, overdue = levels[Urgency.DUE_SOON], levels[Urgency.OVERDUE]
    return t("rounds.home.reminders", soon=soon, overdue=overdue, days=within) if soon or overdue else ""
