"""Home's sections: picked with a click or ←/→ on their names, Down goes into the list shown."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import ContentSwitcher
from textual.widgets._toast import Toast

from inspector.tui.app import InspectorApp
from inspector.tui.session import Session
from inspector.tui.widgets.section_bar import SectionBar
from inspector.tui.widgets.visit_table import VisitTable

from .conftest import drive, settle, show_section


def shown(app: InspectorApp) -> str | None:
    return app.screen.query_one(ContentSwitcher).current


def test_a_click_on_a_name_shows_its_section(session: Session) -> None:
    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        bar = app.screen.query_one(SectionBar)
        assert shown(app) == "tab-in-progress" and isinstance(app.focused, VisitTable)
        # the names are drawn one after another from the bar's left padding: " 检查中 2 " is 10 cells
        for section in ("tab-outbox", "tab-recent", "tab-rectifications"):
            column = next(x for x in range(bar.size.width) if bar.section_at(x) == section)
            await pilot.click(SectionBar, offset=(1 + column, 0))
            await settle(pilot)
            assert bar.active == section and shown(app) == section
        assert bar.section_at(bar.size.width - 3) is None

    drive(session, steps)


def test_left_and_right_step_through_the_sections_and_down_enters_the_list(session: Session) -> None:
    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await pilot.press("shift+tab")
        assert isinstance(app.focused, SectionBar)
        await pilot.press("right", "right")
        assert shown(app) == "tab-rectifications"
        await pilot.press("left", "left", "left")
        assert shown(app) == "tab-outbox"
        await pilot.press("down")
        await settle(pilot)
        assert app.focused is app.screen.query_one("#outbox", VisitTable)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ReviewScreen"

    drive(session, steps)


def test_the_lists_not_shown_are_made_when_first_shown_and_their_counts_are_there_before(session: Session) -> None:
    """Home's first frame draws the counts of every section and the one list shown: after years, the
    lists of the other sections (hundreds of rows each) are made only when the team looks at them."""
    pending = [entry for entry in session.store.unsent_outbox() if entry["kind"] == "visit"]

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        screen = app.screen
        assert not screen.query("#recent, #rectifications, #outbox")
        bar = screen.query_one(SectionBar)
        assert bar.label("tab-outbox") == f"待同步 {len(pending)}" and bar.label("tab-rectifications").startswith(
            "整改 "
        )
        await show_section(pilot, "tab-outbox")
        assert screen.query_one("#outbox", VisitTable).row_count == len(pending) > 0
        await show_section(pilot, "tab-recent")
        assert screen.query_one("#recent", VisitTable).row_count == len(session.store.visit_uuids())
        await show_section(pilot, "tab-rectifications")
        assert screen.query_one("#rectifications", VisitTable).row_count > 0

    drive(session, steps)


def test_a_list_is_measured_as_it_is_filled_so_its_rows_come_in_the_same_frame() -> None:
    """A data table measures new rows when the app is next idle: home's first frame then showed its
    list empty, and a second frame filled it. A visit table measures them as it is filled."""

    class OneTable(App[None]):
        def compose(self) -> ComposeResult:
            yield VisitTable()

    async def run() -> None:
        async with OneTable().run_test(size=(80, 24)) as pilot:
            table = pilot.app.query_one(VisitTable)
            table.fill(["地点", "状态"], [(f"visit-{n}", [f"地点{n}", "待签发"]) for n in range(30)])
            assert table.virtual_size.height == 30 + 1, "measured before any idle moment: the rows and the header"

    asyncio.run(run())


def test_a_notification_on_home_is_shown_though_its_rack_starts_hidden(session: Session) -> None:
    async def run() -> None:
        app = InspectorApp(session)
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await settle(pilot)
            rack = app.screen.get_child_by_id("textual-toastrack")
            assert not rack.display and app.screen.focused is app.screen.query_one("#in-progress", VisitTable)
            app.notify("测试通知")
            await settle(pilot)
            assert rack.display and "测试通知" in str(rack.query_one(Toast).render())

    asyncio.run(run())


def test_the_rectifications_list_shown_while_they_were_only_counted_gets_its_rows(session: Session) -> None:
    """Shown while the thread counting them (without rows: the list was not shown when it began)
    was still at work: when the count comes, the rows are read, not an empty list shown."""

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        screen = app.screen
        counted = screen._not_closed
        assert counted is not None and counted.count and not counted.first
        screen._not_closed = None  # as if the count had not come yet
        await show_section(pilot, "tab-rectifications")
        screen._show_rectifications(counted)  # now it comes, without rows
        await settle(pilot)
        assert screen.query_one("#rectifications", VisitTable).row_count == counted.count

    drive(session, steps)
