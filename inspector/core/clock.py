"""Times in the domain: always aware, stored as ISO 8601 with the offset, Asia/Shanghai by default."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

BUREAU_TZ = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """The current moment in the bureau's time zone, to the second."""
    return datetime.now(BUREAU_TZ).replace(microsecond=0)


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
