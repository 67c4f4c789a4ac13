"""Users' words (a site's name, a note) are shown as written: never read as Rich markup, where
"[急]" or "[bold]" would vanish from the screen."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from inspector.services import visits as visit_services
from inspector.tui.app import InspectorApp
from inspector.tui.screens.review import ReviewScreen
from inspector.tui.screens.runner import RunnerScreen
from inspector.tui.session import Session
from inspector.tui.widgets.visit_table import VisitTable
from tests.conftest import DEMO_TODAY

from .conftest import drive, settle

BRACKETED = "鲁阳街道敬老院[b]栋"  # building B: "[b]" is bold to Rich and to Textual


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield VisitTable(id="table")


def test_square_brackets_in_a_visit_tables_cell_are_shown() -> None:
    async def run() -> list[str]:
        app = OneTable()
        async with app.run_test(size=(60, 6)) as pilot:
            table = app.query_one(VisitTable)
            table.fill(["单位", "备注"], [("v1", [BRACKETED, "[bold]消毒记录[/bold]缺失"])])
            await pilot.pause()
            return [strip.text for strip in table.render_lines(table.region.reset_offset)]

    lines = asyncio.run(run())
    assert any(BRACKETED in line and "[bold]消毒记录[/bold]缺失" in line for line in lines), lines


def test_a_sites_name_in_square_brackets_is_whole_in_the_runners_and_reviews_titles(session: Session) -> None:
    store = session.store
    site = store.sites()[0]
    store.upsert_sites([replace(site, name=BRACKETED)], superseded_at=DEMO_TODAY)
    # the newest arrival: the one F5 goes on with
    visit_services.start_visit(store, site.id, lead="张建国", arrived_at=DEMO_TODAY + timedelta(minutes=1))

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, RunnerScreen)
        assert BRACKETED in str(app.screen.query_one("#runner-title", Static).render())
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert BRACKETED in str(app.screen.query_one("#review-title", Static).render())

    drive(session, steps)


def test_a_sites_name_in_square_brackets_is_whole_where_a_new_visit_finds_and_chooses_it(session: Session) -> None:
    store = session.store
    site = store.sites()[0]
    store.upsert_sites([replace(site, name=BRACKETED)], superseded_at=DEMO_TODAY)

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("l", "y")  # 鲁阳 in pinyin initials
        await settle(pilot)
        results = app.screen.query_one("#site-results", OptionList)
        lines = [strip.text for strip in results.render_lines(results.region.reset_offset)]
        assert any(BRACKETED in line for line in lines), lines
        results.highlighted = next(
            index for index in range(results.option_count) if results.get_option_at_index(index).id == site.id
        )
        results.action_select()
        await settle(pilot)
        assert BRACKETED in str(app.screen.query_one("#site-chosen", Static).render())

    drive(session, steps)
