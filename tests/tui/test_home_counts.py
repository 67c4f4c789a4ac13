"""Home at a few hundred visits: the counts and lists it shows are those of every rectification and
visit, whether the rectifications come from the persisted fold (only what home lists decoded) or
are folded from the journals."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from bench.population import generate
from inspector.core.rectifications import RectificationState, RectificationView
from inspector.i18n import label
from inspector.services import rectifications as services
from inspector.services.reminders import reminder_text
from inspector.services.visits import visits_in_progress
from inspector.store.store import Store
from inspector.tui.app import InspectorApp
from inspector.tui.screens.home import HOME_ROWS, RECENT_SHOWN
from inspector.tui.session import Session
from inspector.tui.widgets.section_bar import SectionBar
from inspector.tui.widgets.visit_table import VisitTable
from tests.conftest import DEMO_TODAY

from .conftest import LARGE, drive, settle, show_section

VISITS = 400
"""Enough for more rectifications not closed than home lists (~230 of ~1,200), some closed."""


@pytest.fixture(scope="module")
def years(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("home") / "years"
    generate(root, VISITS)
    (root / services.SNAPSHOT_FILE).unlink(missing_ok=True)
    return root


def not_closed_by_due(root: Path) -> list[RectificationView]:
    """What home should list, from every view folded in full (in a store of its own: the app's
    store must find the state as a program starting finds it)."""
    with Store.open(root) as store:
        views = services.find_rectifications(store, today=DEMO_TODAY.date())
    return [view for view in views if view.state is not RectificationState.CLOSED]


def row_id(table: VisitTable, row: int) -> str:
    """What a row opens (its key, less the number that keeps keys unique)."""
    return (table.coordinate_to_cell_key((row, 0)).row_key.value or "").partition("#")[0]


@pytest.mark.parametrize("with_snapshot", [True, False], ids=["persisted-fold", "from-journals"])
def test_home_counts_and_lists_every_rectification_and_visit(years: Path, tmp_path: Path, with_snapshot: bool) -> None:
    root = tmp_path / "years"
    shutil.copytree(years, root)
    expected = not_closed_by_due(root)  # writes the persisted fold, as any program holding the folder does
    if not with_snapshot:
        (root / services.SNAPSHOT_FILE).unlink()
    today = DEMO_TODAY.date()
    overdue = sum(1 for view in expected if view.overdue_on(today))
    assert len(expected) > HOME_ROWS and 0 < overdue < len(expected)

    with Store.open(root) as store:
        summaries = store.visit_summaries()
        in_progress = visits_in_progress(store)
        reminder = reminder_text(store, Counter(services.Standing(view.state, view.due) for view in expected), today)
        assert reminder, "some items are overdue: the title says so"
        session = Session(store, clock=lambda: DEMO_TODAY, cursor_blink=False)

        async def steps(pilot: Pilot, app: InspectorApp) -> None:
            await settle(pilot)
            screen = app.screen
            bar = screen.query_one(SectionBar)
            assert bar.label("tab-rectifications") == f"整改 {len(expected)} 逾期 {overdue}"
            assert bar.label("tab-in-progress") == f"检查中 {len(in_progress)}"
            assert bar.label("tab-outbox") == f"待同步 {VISITS}"
            title = str(screen.query_one("#home-title", Static).render())
            assert f"共 {len(summaries)} 次检查" in title and title.endswith(reminder)

            state = store.memo[services._FOLD_STATE]
            if with_snapshot:  # counted from the tally, no head nor view decoded before the list is shown
                assert isinstance(state.views, services._Views) and not state.views._decoded
                assert services._OPEN_HEADS not in state.views._parts, "counted from the snapshot's tally"
            await show_section(pilot, "tab-rectifications")
            table = screen.query_one("#rectifications", VisitTable)
            assert table.row_count == HOME_ROWS
            assert [row_id(table, row) for row in range(HOME_ROWS)] == [view.id for view in expected[:HOME_ROWS]]
            for row, view in ((0, expected[0]), (HOME_ROWS - 1, expected[HOME_ROWS - 1])):
                cells = [str(cell) for cell in table.get_row_at(row)]
                state = f"逾期{view.days_overdue(today)}天" if view.overdue_on(today) else label(view.state)
                assert cells == [view.record.site_name, view.due.isoformat(), state, view.record.item_text]
            more = str(screen.query_one("#rectifications-more", Static).render())
            assert more.startswith(f"另有 {len(expected) - HOME_ROWS} 条未列出")

            await show_section(pilot, "tab-recent")
            recent = screen.query_one("#recent", VisitTable)
            assert recent.row_count == RECENT_SHOWN
            assert row_id(recent, 0) == summaries[0].uuid
            assert screen.query_one("#in-progress", VisitTable).row_count == len(in_progress)
            await show_section(pilot, "tab-outbox")
            assert screen.query_one("#outbox", VisitTable).row_count == HOME_ROWS
            assert str(screen.query_one("#outbox-more", Static).render()).startswith(f"另有 {VISITS - HOME_ROWS} ")

            state = store.memo[services._FOLD_STATE]
            if with_snapshot:  # counted from the views' heads: only the rows listed were decoded
                assert isinstance(state.views, services._Views)
                assert len(state.views._decoded) == HOME_ROWS

        drive(session, steps, size=LARGE)
