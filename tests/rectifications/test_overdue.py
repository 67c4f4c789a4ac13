"""Overdue is computed from the due date and a day in Shanghai: month ends, year ends, time zones."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from inspector.core.rectifications import fold
from inspector.core.visits import due_date

from .helpers import event, record


@pytest.mark.parametrize(
    ("signed_off_at", "days", "due"),
    [
        ("2026-01-28T10:00:00+08:00", 7, date(2026, 2, 4)),
        ("2026-02-25T10:00:00+08:00", 3, date(2026, 2, 28)),
        ("2028-02-28T10:00:00+08:00", 1, date(2028, 2, 29)),
        ("2026-12-30T10:00:00+08:00", 3, date(2027, 1, 2)),
        # 20:00 UTC on 31 Jan is 04:00 on 1 Feb in Shanghai: 立行立改 is due on the 1st
        ("2026-01-31T20:00:00+00:00", 0, date(2026, 2, 1)),
        ("2026-01-31T15:59:59+00:00", 0, date(2026, 1, 31)),
    ],
)
def test_due_date_counts_days_from_the_sign_off_day_in_shanghai(signed_off_at: str, days: int, due: date) -> None:
    assert due_date(signed_off_at, days) == due


def test_on_the_due_date_it_is_in_time_the_day_after_it_is_overdue() -> None:
    view = fold(record(due=date(2026, 1, 31)), [])
    assert not view.overdue_on(date(2026, 1, 31))
    assert view.overdue_on(date(2026, 2, 1)) and view.days_overdue(date(2026, 2, 1)) == 1
    assert view.days_overdue(date(2026, 3, 1)) == 29
    assert view.days_overdue(date(2026, 1, 30)) == 0


def test_year_end() -> None:
    view = fold(record(due=date(2026, 12, 31)), [])
    assert not view.overdue_on(date(2026, 12, 31)) and view.overdue_on(date(2027, 1, 1))


@pytest.mark.parametrize(
    ("moment", "overdue"),
    [
        ("2026-01-31T15:59:59+00:00", False),  # 23:59:59 on the 31st in Shanghai
        ("2026-01-31T16:00:00+00:00", True),  # midnight: 1 Feb in Shanghai, still 31 Jan in London
        ("2026-02-01T07:00:00+08:00", True),
        ("2026-01-31T23:00:00-05:00", True),  # evening of the 31st in New York is the 1st in Shanghai
    ],
)
def test_overdue_at_a_moment_is_counted_in_shanghai_days(moment: str, overdue: bool) -> None:
    view = fold(record(due=date(2026, 1, 31)), [])
    assert view.overdue_at(datetime.fromisoformat(moment)) is overdue


def test_a_closed_rectification_is_never_overdue() -> None:
    view = fold(record(due=date(2026, 1, 31)), [event("pass"), event("closed")])
    assert not view.overdue_on(date(2026, 6, 1)) and view.days_overdue(date(2026, 6, 1)) == 0


def test_feedback_does_not_stop_the_clock_but_a_new_deadline_does() -> None:
    feedback_only = fold(record(due=date(2026, 11, 9)), [event("feedback")])
    assert feedback_only.overdue_on(date(2026, 11, 10))
    reopened = fold(record(due=date(2026, 11, 9)), [event("fail"), event("reopened", due="2026-12-31")])
    assert not reopened.overdue_on(date(2026, 12, 31)) and reopened.overdue_on(date(2027, 1, 1))


@pytest.mark.parametrize(
    ("moment", "overdue"),
    [("2026-01-31T23:59:00+08:00", False), ("2026-02-01T00:00:00+08:00", True)],
)
def test_the_last_minute_of_the_due_day_in_shanghai(moment: str, overdue: bool) -> None:
    view = fold(record(due=date(2026, 1, 31)), [])
    assert view.overdue_at(datetime.fromisoformat(moment)) is overdue
    assert view.days_overdue(datetime.fromisoformat(moment).date()) == (1 if overdue else 0)
