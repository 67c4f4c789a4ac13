"""A laptop whose clock is set to UTC still counts deadlines in Shanghai days (through the command)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from inspector.core import clock
from inspector.core.clock import BUREAU_TZ
from inspector.core.vocabulary import Result
from inspector.paths import sample_register
from inspector.services import visits as visit_services
from inspector.services.register import import_register
from inspector.store.store import Store

SIGNED_OFF = datetime(2026, 1, 31, 10, 0, tzinfo=BUREAU_TZ)


@pytest.fixture
def utc_laptop() -> Iterator[None]:
    """The process's local zone set to UTC, as on a laptop nobody set up for China."""
    if not hasattr(time, "tzset"):
        pytest.skip("the process time zone can only be switched on POSIX")
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


def frozen_at(instant: datetime) -> type[datetime]:
    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return instant.astimezone(tz) if tz else instant.astimezone().replace(tzinfo=None)

    return Frozen


@pytest.fixture
def due_on_31_january(tmp_path: Path) -> Path:
    """One rectification to be put right at once (立行立改) at a visit signed off on 31 January."""
    root = tmp_path / "data"
    with Store.open(root) as store:
        import_register(store, sample_register())
        visit = visit_services.start_visit(
            store, "LS-EC-001", lead="张建国", arrived_at=SIGNED_OFF - timedelta(hours=1)
        )
        for number, item in enumerate(visit.checklist.items):
            failed = number == 0
            visit_services.record_answer(
                store,
                visit.uuid,
                item.id,
                result=Result.FAIL if failed else Result.PASS,
                note="消毒记录缺失" if failed else "",
                deadline_days=0 if failed else None,
                at=SIGNED_OFF,
            )
        visit_services.sign_off_visit(store, visit.uuid, by="张建国", at=SIGNED_OFF)
    return root


@pytest.mark.parametrize(
    ("instant", "days_overdue"),
    [
        (datetime(2026, 1, 31, 15, 59, tzinfo=UTC), None),  # 23:59 on the 31st in Shanghai
        (datetime(2026, 1, 31, 16, 0, tzinfo=UTC), 1),  # midnight: 1 February in Shanghai, 31 January in UTC
        (datetime(2026, 2, 28, 16, 0, tzinfo=UTC), 29),  # 1 March in Shanghai
    ],
)
def test_overdue_by_the_bureau_calendar_on_a_utc_laptop(
    run_cli, due_on_31_january: Path, utc_laptop: None, monkeypatch: pytest.MonkeyPatch, instant, days_overdue
) -> None:
    # the machine's own clock, not the suite's demo day: what a laptop's command really reads
    monkeypatch.delenv("INSPECTOR_NOW")
    clock.set_clock(clock.system_clock)
    monkeypatch.setattr(clock, "datetime", frozen_at(instant))
    # the laptop's own calendar says 31 January (or 28 February) where Shanghai is a day ahead
    assert time.localtime().tm_gmtoff == 0 and clock.datetime.now().date() == instant.date()
    rows = json.loads(run_cli("--data-dir", due_on_31_january, "rectifications", "list", "--json").out)
    assert [row["due"] for row in rows] == ["2026-01-31"]
    overdue = json.loads(run_cli("--data-dir", due_on_31_january, "rectifications", "list", "--overdue", "--json").out)
    if days_overdue is None:
        assert overdue == [] and rows[0]["overdue"] is False
    else:
        assert [row["days_overdue"] for row in overdue] == [days_overdue]
