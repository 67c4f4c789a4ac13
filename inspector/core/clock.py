"""Times in the domain: always aware, stored as ISO 8601 with the offset, Asia/Shanghai by default.

Every "now" in the program comes from :func:`now`, so one call to :func:`set_clock` moves the
whole program (services, CLI, server) to another day: tests pin it, and the ``INSPECTOR_NOW``
environment variable (read by the command line, see ``inspector.cli``) starts a process's clock
at a chosen moment, from which it runs on as the real one does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

BUREAU_TZ = ZoneInfo("Asia/Shanghai")

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The machine's clock in the bureau's time zone, to the second."""
    return datetime.now(BUREAU_TZ).replace(microsecond=0)


_clock: Clock = system_clock


def now() -> datetime:
    """The current moment in the bureau's time zone, to the second, from the clock in force."""
    return _clock()


def set_clock(clock: Clock) -> Clock:
    """Make ``clock`` the source of :func:`now` for the whole process; returns the one it replaces."""
    global _clock
    previous, _clock = _clock, clock
    return previous


def fixed_clock(moment: datetime) -> Clock:
    """A clock that always says ``moment``."""
    aware = from_iso(moment.isoformat())
    return lambda: aware


def running_clock(start: datetime) -> Clock:
    """A clock that says ``start`` now and runs on from it at the real pace."""
    origin = time.monotonic()
    aware = from_iso(start.isoformat())
    return lambda: (aware + timedelta(seconds=time.monotonic() - origin)).replace(microsecond=0)


def to_iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every stored time carries its zone")
    return moment.isoformat(timespec="seconds")


def from_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"time without zone: {text!r}")
    return moment


def local_date(moment: datetime) -> date:
    """The calendar day a moment falls on in the bureau's zone (deadlines count in days there)."""
    return moment.astimezone(BUREAU_TZ).date()


def add_days(day: date, days: int) -> date:
    return day + timedelta(days=days)
