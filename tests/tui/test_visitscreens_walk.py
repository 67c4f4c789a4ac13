"""What a newcomer's walk through the app at 60x20, 80x24 and 120x40, in both languages, still found."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.pilot import Pilot

from inspector.i18n import set_language
from inspector.services.rectifications import start_reinspection
from inspector.tui.app import InspectorApp
from inspector.tui.session import Session
from inspector.tui.widgets.visit_table import VisitTable
from tests.conftest import DEMO_TODAY
from tests.tui.conftest import LARGE, drive, settle


@pytest.fixture
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("zh")


def headers(table: VisitTable) -> list[str]:
    return [str(column.label) for column in table.columns.values()]


@pytest.mark.parametrize(("size", "all_shown"), [((60, 20), False), (LARGE, True)])
def test_home_lists_drop_a_column_rather_than_cut_one_off(
    session: Session, english: None, size: tuple[int, int], all_shown: bool
) -> None:
    """A re-inspection in progress is listed as "Re-inspection: <site>": at 60 columns the township
    (then the arrival) gives way, so that what is shown shows whole; at 120 all fit."""
    start_reinspection(session.store, "LS-MR-001", lead="张建国", title="复查", arrived_at=DEMO_TODAY)

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        for table_id, every_column, section in (
            ("#in-progress", ["Site", "Township", "Status", "Arrived"], None),
            ("#recent", ["Site", "Status", "Arrived", "Findings"], "right"),
        ):
            if section:
                await pilot.press("shift+tab", section)
                await settle(pilot)
            table = app.screen.query_one(table_id, VisitTable)
            shown = headers(table)
            assert shown[0] == "Site" and (shown == every_column) is all_shown, shown
            assert table.virtual_size.width <= table.size.width, (table_id, shown)

    drive(session, steps, size=size)


def test_home_fits_its_lists_again_when_the_terminal_narrows(session: Session, english: None) -> None:
    start_reinspection(session.store, "LS-MR-001", lead="张建国", title="复查", arrived_at=DEMO_TODAY)

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        table = app.screen.query_one("#in-progress", VisitTable)
        assert "Township" in headers(table)
        await pilot.resize_terminal(60, 20)
        await settle(pilot)
        await settle(pilot)
        assert "Township" not in headers(table) and "Status" in headers(table)
        assert table.virtual_size.width <= table.size.width

    drive(session, steps, size=LARGE)
