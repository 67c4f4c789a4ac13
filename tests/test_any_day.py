"""The whole chain on days other than the demo's: a year ahead, and both sides of a New Year's Eve.

The suite pins its clock to ``DEMO_TODAY``; these runs move that one clock (``set_clock`` in this
process, ``INSPECTOR_NOW`` for the command line) and expect laptop, command line and the server's
board to agree on what is open and overdue, counted in Shanghai days.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from inspector.core.clock import BUREAU_TZ, fixed_clock, local_date, set_clock, to_iso
from inspector.core.rectifications import RectificationState
from inspector.server.board import open_rectifications
from inspector.services.demo import fill_demo
from inspector.services.rectifications import rectification_views
from inspector.store.store import Store
from tests.server.harness import listening_bureau
from tests.server.test_crashes import _sync

DAYS = {
    "a-year-ahead": datetime(2027, 12, 1, 10, 0, tzinfo=BUREAU_TZ),
    "new-years-eve-late": datetime(2026, 12, 31, 23, 59, 30, tzinfo=BUREAU_TZ),
    # 31 December on a UTC machine, already 1 January 2027 in Shanghai
    "new-year-in-shanghai-only": datetime(2026, 12, 31, 16, 30, tzinfo=UTC),
}


@pytest.mark.parametrize("moment", DAYS.values(), ids=DAYS.keys())
def test_laptop_cli_and_board_agree_on_any_day(
    moment: datetime, tmp_path: Path, run_cli: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_clock(fixed_clock(moment))
    monkeypatch.setenv("INSPECTOR_NOW", to_iso(moment))
    today = local_date(moment)
    root = tmp_path / "laptop"
    with Store.open(root) as store:
        fill_demo(store, today=moment)
        views = [view for view in rectification_views(store) if view.state is not RectificationState.CLOSED]
    overdue = {view.id for view in views if view.due < today}
    assert views and overdue, "the demo has open and overdue items on every day"

    listed = run_cli("--data-dir", root, "rectifications", "list", "--overdue", "--json")
    assert listed.code == 0, listed.err
    assert {row["id"] for row in json.loads(listed.out)} == overdue

    with listening_bureau(tmp_path / "bureau") as bureau:
        assert _sync(root, bureau.url, bureau.tokens["lead"]) == "synced"
        board = open_rectifications(bureau.database, today)
        assert {row.id: row.due for row in board} == {view.id: view.due for view in views}
        on_server = run_cli(*bureau.server_cli("rectifications", "--overdue", "--json"))
        assert on_server.code == 0, on_server.err
        assert {row["id"] for row in json.loads(on_server.out)} == overdue


def test_a_clock_that_is_not_a_time_is_refused_plainly(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECTOR_NOW", "next tuesday")
    result = run_cli("visits", "list")
    assert result.code == 2
    assert "INSPECTOR_NOW" in result.err and "Traceback" not in result.err
