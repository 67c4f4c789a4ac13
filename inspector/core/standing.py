"""Where a rectification stands, and the rectifications not closed counted by it.

A rectification's standing is its state and its due date: enough to say whether it is open, past
due on a day, or due soon. Home counts tens of thousands of them from a tally of standings (how
many share each), and its first frame is drawn before the rectifications' rules are needed, so
these questions live here, apart from ``core.rectifications`` (whose views answer them the same
way, with these very methods) and ``core.reminders`` (which gathers whom to chase).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from inspector.core.vocabulary import RectificationState

if TYPE_CHECKING:
    from inspector.core.rectifications import RectificationView

DEFAULT_REMINDER_DAYS = 3
MAX_REMINDER_DAYS = 60

OPEN_STATES = frozenset({RectificationState.OPEN, RectificationState.FEEDBACK_RECEIVED})


class Urgency(StrEnum):
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


def urgency(due: date, today: date, within: int = DEFAULT_REMINDER_DAYS) -> Urgency | None:
    """Overdue after its due date; due soon from ``within`` days before it to the day itself."""
    if today > due:
        return Urgency.OVERDUE
    if (due - today).days <= within:
        return Urgency.DUE_SOON
    return None


@dataclass(frozen=True, slots=True)
class Standing:
    """What counting a rectification needs: its state and due date."""

    state: RectificationState
    due: date

    @property
    def is_open(self) -> bool:
        """Waiting for the unit or for a re-inspection: what a re-inspection visit checks."""
        return self.state in OPEN_STATES

    def overdue_on(self, day: date) -> bool:
        """Not closed after its due date: on the due date itself it is still in time."""
        return self.state is not RectificationState.CLOSED and day > self.due


@dataclass(frozen=True)
class NotClosed:
    """The rectifications not closed: how many share each standing, to count, and the first few
    whole, by due date as ``find_rectifications`` orders them, to list."""

    tally: dict[Standing, int]
    first: list[RectificationView]

    @property
    def count(self) -> int:
        return sum(self.tally.values())

    def overdue_on(self, today: date) -> int:
        return sum(count for standing, count in self.tally.items() if standing.overdue_on(today))


def due_soon_and_overdue(tally: Mapping[Standing, int], today: date, within: int) -> tuple[int, int]:
    """How many open items of ``tally`` fall due within ``within`` days of ``today``, how many are past due."""
    levels: Counter[Urgency | None] = Counter()
    for standing, count in tally.items():
        if standing.is_open:
            levels[urgency(standing.due, today, within)] += count
    return levels[Urgency.DUE_SOON], levels[Urgency.OVERDUE]
