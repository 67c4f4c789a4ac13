"""The rectification board in the app: filters, the detail with its history, feedback, re-inspection."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.widgets import Checkbox, Input, Select, Static

from inspector.core.rectifications import RectificationState
from inspector.core.vocabulary import Area
from inspector.services import rectifications as services
from inspector.services.visits import remembered_team
from inspector.store.store import Store
from inspector.tui.app import InspectorApp
from inspector.tui.screens.reason_dialog import ReasonDialog
from inspector.tui.screens.rectifications import (
    FeedbackDialog,
    RectificationBoardScreen,
    RectificationDetailScreen,
)
from inspector.tui.screens.runner import RunnerScreen
from inspector.tui.session import Session
from inspector.tui.widgets.visit_table import VisitTable
from tests.conftest import DEMO_TODAY

SIZE = (100, 30)


def run_on_board(store: Store, scenario: Callable[[InspectorApp, object], Awaitable[None]]) -> None:
    async def main() -> None:
        app = InspectorApp(Session(store, clock=lambda: DEMO_TODAY, cursor_blink=False))
        async with app.run_test(size=SIZE) as pilot:
            await app.push_screen(RectificationBoardScreen(app.session))
            await until_loaded(app, pilot)
            await scenario(app, pilot)

    asyncio.run(main())


async def until_loaded(app: InspectorApp, pilot) -> None:
    """Wait for the board's worker (the home screen's own may be cancelled meanwhile: not waited on)."""
    for _ in range(200):
        if isinstance(app.screen, RectificationBoardScreen) and not app.screen.query_one("#rect-board").loading:
            return
        await pilot.pause(0.01)
    raise AssertionError("the board never finished loading")


def board(app: InspectorApp) -> RectificationBoardScreen:
    assert isinstance(app.screen, RectificationBoardScreen)
    return app.screen


def test_the_board_lists_everything_by_deadline_and_filters(demo: Store) -> None:
    everything = services.rectification_views(demo)

    async def scenario(app: InspectorApp, pilot) -> None:
        screen = board(app)
        table = screen.query_one("#rect-board", VisitTable)
        assert table.row_count == len(everything)
        assert list(screen.shown) == [view.id for view in everything]
        title = str(screen.query_one("#rect-title", Static).render())
        assert "逾期" in title
        screen.query_one("#rect-overdue", Checkbox).value = True
        await pilot.pause()
        assert screen.shown and all(view.overdue_on(DEMO_TODAY.date()) for view in screen.shown.values())
        screen.query_one("#rect-overdue", Checkbox).value = False
        screen.query_one("#rect-area", Select).value = Area.STOCKPILES
        await pilot.pause()
        assert {view.record.area for view in screen.shown.values()} == {Area.STOCKPILES}
        screen.query_one("#rect-area", Select).value = Select.NULL
        screen.query_one("#rect-site", Select).value = "LS-MR-001"
        await pilot.pause()
        assert {view.record.site_id for view in screen.shown.values()} == {"LS-MR-001"}
        screen.query_one("#rect-state", Select).value = RectificationState.CLOSED
        await pilot.pause()
        assert table.row_count == 0 and "没有符合条件" in str(screen.query_one("#rect-preview", Static).render())

    run_on_board(demo, scenario)


def test_detail_shows_the_whole_history(demo: Store) -> None:
    with_feedback = next(view for view in services.rectification_views(demo) if view.feedback)

    async def scenario(app: InspectorApp, pilot) -> None:
        screen = board(app)
        table = screen.query_one("#rect-board", VisitTable)
        table.move_cursor(row=list(screen.shown).index(with_feedback.id))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RectificationDetailScreen)
        text = str(app.screen.query_one("#rect-detail", Static).render())
        assert with_feedback.record.note in text and with_feedback.feedback.measures in text
        assert "处理记录" in text and "整改反馈" in text
        await pilot.press("escape")
        assert isinstance(app.screen, RectificationBoardScreen)

    run_on_board(demo, scenario)


def test_feedback_from_the_board(demo: Store, tmp_path: Path) -> None:
    target = next(view for view in services.rectification_views(demo) if view.record.site_id == "LS-MR-001")
    photo = tmp_path / "整改后.png"
    photo.write_bytes(b"photo")

    async def scenario(app: InspectorApp, pilot) -> None:
        screen = board(app)
        screen.query_one("#rect-board", VisitTable).move_cursor(row=list(screen.shown).index(target.id))
        await pilot.press("f3")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FeedbackDialog)
        await pilot.press("enter")  # nothing typed: refused, the dialog stays
        assert app.screen is dialog
        dialog.query_one("#fb-measures", Input).value = "值班表已上墙"
        dialog.query_one("#fb-responsible", Input).value = "赵主任"
        dialog.query_one("#fb-evidence", Input).value = str(photo)
        await pilot.press("ctrl+s")
        await until_loaded(app, pilot)

    run_on_board(demo, scenario)
    after = services.rectification_view(demo, target.id)
    assert after.state is RectificationState.FEEDBACK_RECEIVED
    assert after.feedback is not None and after.feedback.responsible == "赵主任"
    assert after.feedback.evidence[0].name == "整改后.png"


def test_reinspection_from_the_board_opens_the_runner_on_the_open_items(demo: Store) -> None:
    async def scenario(app: InspectorApp, pilot) -> None:
        screen = board(app)
        screen.query_one("#rect-site", Select).value = "LS-MR-001"
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause()
        # who leads it is asked, the last lead filled in: Esc starts nothing, Enter starts it
        assert isinstance(app.screen, ReasonDialog)
        lead = remembered_team(demo)[0]
        assert lead and app.screen.query_one("#reason", Input).value == lead
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RunnerScreen)
        # beside the item: what was found the first time, its evidence, the feedback, the history
        runner = app.screen
        story = str(runner.query_one("#reinspection-story", Static).render())
        shown = services.rectification_view(demo, runner.item_id or "")
        assert runner.query_one("#reinspection-story").display
        assert f"发现问题：{shown.record.note}" in story and "证据：现场照片.png" in story
        assert ("尚无单位反馈" in story) is (shown.feedback is None)

    run_on_board(demo, scenario)
    reinspections = [
        demo.load_visit(summary.uuid) for summary in demo.visit_summaries() if demo.load_visit(summary.uuid).reinspects
    ]
    assert len(reinspections) == 1
    open_at_site = [view.id for view in services.open_at_site(demo, "LS-MR-001")]
    assert sorted(reinspections[0].reinspects) == sorted(open_at_site)
