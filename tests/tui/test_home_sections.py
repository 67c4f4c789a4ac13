"""Home's sections: picked with a click or ←/→ on their names, Down goes into the list shown."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import ContentSwitcher

from inspector.tui.app import InspectorApp
from inspector.tui.session import Session
from inspector.tui.widgets.section_bar import SectionBar
from inspector.tui.widgets.visit_table import VisitTable

from .conftest import drive, settle


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
