"""Home shows the rectifications: how many are open and overdue, the most overdue first."""

from __future__ import annotations

from textual.pilot import Pilot

from inspector.core.rectifications import RectificationState
from inspector.services import rectifications as services
from inspector.tui.app import InspectorApp
from inspector.tui.screens.rectifications import RectificationDetailScreen
from inspector.tui.session import Session
from inspector.tui.widgets.section_bar import SectionBar
from inspector.tui.widgets.visit_table import VisitTable

from .conftest import LARGE, drive, settle, show_section


def test_home_counts_the_open_and_overdue_and_puts_the_most_overdue_first(session: Session) -> None:
    today = session.today()
    open_views = [
        view for view in services.rectification_views(session.store) if view.state is not RectificationState.CLOSED
    ]
    overdue = [view for view in open_views if view.overdue_on(today)]
    most_overdue = max(overdue, key=lambda view: (view.days_overdue(today), view.id))
    assert 0 < len(overdue) < len(open_views)

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        label = app.screen.query_one(SectionBar).label("tab-rectifications")
        assert label == f"整改 {len(open_views)} 逾期 {len(overdue)}"
        await show_section(pilot, "tab-rectifications")
        table = app.screen.query_one("#rectifications", VisitTable)
        assert table.row_count == len(open_views)
        first = [str(cell) for cell in table.get_row_at(0)]
        assert first[0] == most_overdue.record.site_name
        assert first[2] == f"逾期{most_overdue.days_overdue(today)}天"
        shown_days = [
            int(cell.removeprefix("逾期").removesuffix("天"))
            for cell in (str(table.get_row_at(row)[2]) for row in range(table.row_count))
            if cell.startswith("逾期")
        ]
        assert shown_days == sorted(shown_days, reverse=True) and len(shown_days) == len(overdue)
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RectificationDetailScreen)

    drive(session, steps, size=LARGE)
