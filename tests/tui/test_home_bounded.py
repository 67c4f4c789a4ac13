"""Home after years: each list shows the most pressing rows and says how many more there are."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from bench.population import generate
from inspector.store.store import Store
from inspector.tui.app import InspectorApp
from inspector.tui.screens.home import HOME_ROWS
from inspector.tui.session import Session
from inspector.tui.widgets.visit_table import VisitTable
from tests.conftest import DEMO_TODAY

from .conftest import drive, settle


def test_long_lists_are_bounded_and_say_how_many_more(tmp_path: Path) -> None:
    generate(tmp_path / "years", 120, closed_share=0)  # 120 visits waiting to be sent, ~350 open items
    with Store.open(tmp_path / "years") as store:
        session = Session(store, clock=lambda: DEMO_TODAY, cursor_blink=False)

        async def steps(pilot: Pilot, app: InspectorApp) -> None:
            await settle(pilot)
            await app.workers.wait_for_complete()
            await settle(pilot)
            table = app.screen.query_one("#rectifications", VisitTable)
            assert table.row_count == HOME_ROWS + 1
            last = table.get_row_at(HOME_ROWS)
            assert "另有" in str(last[0]) and "未列出" in str(last[0])
            table.focus()
            table.move_cursor(row=HOME_ROWS)
            await pilot.press("enter")
            await settle(pilot)
            assert type(app.screen).__name__ == "HomeScreen", "the 'more' row opens nothing"
            assert app.screen.query_one("#outbox", VisitTable).row_count == 120

        drive(session, steps)
