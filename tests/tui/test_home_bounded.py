"""Home after years: each list shows the most pressing rows, and under it how many more there are."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from bench.population import generate
from inspector.store.store import Store
from inspector.tui.app import InspectorApp
from inspector.tui.screens.home import HOME_ROWS
from inspector.tui.session import Session
from inspector.tui.widgets.visit_table import VisitTable
from tests.conftest import DEMO_TODAY

from .conftest import drive, settle, show_section


def test_long_lists_are_bounded_and_say_how_many_more_under_them(tmp_path: Path) -> None:
    generate(tmp_path / "years", 120, closed_share=0)  # 120 visits waiting to be sent, ~350 open items
    with Store.open(tmp_path / "years") as store:
        session = Session(store, clock=lambda: DEMO_TODAY, cursor_blink=False)

        async def steps(pilot: Pilot, app: InspectorApp) -> None:
            await settle(pilot)
            await app.workers.wait_for_complete()
            await settle(pilot)
            await show_section(pilot, "tab-rectifications")
            table = app.screen.query_one("#rectifications", VisitTable)
            assert table.row_count == HOME_ROWS
            more = app.screen.query_one("#rectifications-more", Static)
            assert more.display and "另有" in str(more.render()) and "未列出" in str(more.render())
            site_column = table.ordered_columns[0]
            assert site_column.get_render_width(table) < 40, "the line saying how many more does not widen it"
            await show_section(pilot, "tab-outbox")
            outbox = app.screen.query_one("#outbox", VisitTable)
            assert outbox.row_count == 120
            assert not app.screen.query_one("#outbox-more", Static).display, "all of them listed"

        drive(session, steps)
