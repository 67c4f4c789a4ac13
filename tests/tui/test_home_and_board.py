"""Home and the rectification board as the team uses them: the board keeps its place, home says 复查."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import Input

from inspector.core.visits import progress
from inspector.i18n import set_language, t
from inspector.tui.app import InspectorApp
from inspector.tui.screens.rectifications import FeedbackDialog, RectificationBoardScreen
from inspector.tui.screens.runner import RunnerScreen
from inspector.tui.session import Session
from inspector.tui.widgets.area_bar import AreaBar
from inspector.tui.widgets.section_bar import SectionBar
from inspector.tui.widgets.visit_table import VisitTable
from tests.tui.conftest import LARGE, SMALL, drive, settle
from tests.tui.test_snapshots import runner


async def open_board(pilot: Pilot) -> RectificationBoardScreen:
    await pilot.press("f6")
    await settle(pilot)
    board = pilot.app.screen
    assert isinstance(board, RectificationBoardScreen)
    return board


def test_the_board_opens_with_its_table_focused_once_loaded(session: Session) -> None:
    """The table loads in a worker and cannot take focus meanwhile: it must get it when filled, or
    the arrow keys move nothing and the footer shows the screen's keys instead of the table's."""

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        board = await open_board(pilot)
        assert app.focused is board.query_one("#rect-board", VisitTable)

    drive(session, steps)


def test_the_board_keeps_its_title_and_filters_in_sight_when_the_rows_outgrow_the_screen(session: Session) -> None:
    """A county's years of rows (here the demo's, on a short terminal) scroll inside the table;
    the screen itself does not scroll its title, filters and preview away."""

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        board = await open_board(pilot)
        table = board.query_one("#rect-board", VisitTable)
        assert table.virtual_size.height > table.region.height  # more rows than room
        assert board.max_scroll_y == 0
        assert board.query_one("#rect-title").region.y == 0 and board.query_one("#rect-filters").region.y == 1
        preview = board.query_one("#rect-preview")
        assert preview.region.bottom <= app.size.height - 1  # above the footer

    drive(session, steps, size=(80, 14))


def test_after_feedback_the_board_stays_on_the_same_item(session: Session) -> None:
    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        board = await open_board(pilot)
        table = board.query_one("#rect-board", VisitTable)
        await pilot.press("down", "down", "down")
        chosen = table.selected_key
        assert chosen is not None and table.cursor_row == 3
        await pilot.press("f3")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FeedbackDialog)
        dialog.query_one("#fb-measures", Input).value = "已补齐消毒记录"
        dialog.query_one("#fb-responsible", Input).value = "王所长"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is board
        assert table.selected_key == chosen

    drive(session, steps)


def test_home_says_which_visits_are_reinspections(session: Session) -> None:
    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        board = await open_board(pilot)
        site = board.selected_view().record.site_name
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("enter")  # the lead remembered from the demo's last visit
        await settle(pilot)
        assert isinstance(app.screen, RunnerScreen)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        in_progress = app.screen.query_one("#in-progress", VisitTable)
        sites = [str(in_progress.get_row_at(row)[0]) for row in range(in_progress.row_count)]
        assert f"复查：{site}" in sites

    drive(session, steps)


def test_ctrl_c_says_how_to_quit_in_the_users_language(session: Session) -> None:
    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await pilot.press("ctrl+c")
        await settle(pilot)
        (notice,) = app._notifications
        assert (notice.title, notice.message) == ("要退出吗？", "按 ^Q 退出程序")

    drive(session, steps)


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", [(60, 20), SMALL], ids=["60x20", "80x24"])
def test_home_shows_every_sections_count_at_any_width(session: Session, language: str, size: tuple[int, int]) -> None:
    set_language(language)

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        bar = app.screen.query_one(SectionBar)
        shown = "".join(segment.text for segment in bar.render_line(0))
        assert cell_len(shown.rstrip()) <= bar.content_size.width + 1, shown
        counts = re.findall(r"\d+", shown)
        assert len(counts) == 4, shown  # in progress, rectifications open and overdue, to sync

    try:
        drive(session, steps, size=size)
    finally:
        set_language("zh")


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_the_boards_finding_takes_the_width_the_other_columns_leave(
    session: Session, language: str, size: tuple[int, int]
) -> None:
    set_language(language)

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        board = await open_board(pilot)
        table = board.query_one("#rect-board", VisitTable)
        widths = [column.get_render_width(table) for column in table.columns.values()]
        assert sum(widths) <= table.scrollable_content_region.width, widths
        findings = [str(table.get_row_at(row)[-1]) for row in range(table.row_count)]
        notes = [board.shown[key.value.partition("#")[0]].record.note for key in table.rows]
        assert all(cell_len(finding) >= 16 for finding in findings), findings
        # the widest column is the finding, and it is clipped only where the note is longer than the room
        assert widths[-1] == max(widths)
        room = table.scrollable_content_region.width - sum(widths[:-1]) - table.styles.scrollbar_size_vertical
        for finding, note in zip(findings, notes, strict=True):
            assert finding == note or cell_len(finding) >= room - 2 - 1, (finding, room)

    try:
        drive(session, steps, size=size)
    finally:
        set_language("zh")


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", [(60, 20), SMALL], ids=["60x20", "80x24"])
def test_the_runners_area_bar_stays_on_one_line_with_every_count(
    session: Session, language: str, size: tuple[int, int]
) -> None:
    set_language(language)

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await runner(pilot)
        bar = app.screen.query_one(AreaBar)
        shown = bar.render().plain
        counts = re.findall(r"\d+/\d+", shown)
        assert bar.size.height == 1 and cell_len(shown) <= bar.content_size.width, shown
        areas = [row for row in progress(app.screen.visit) if row.total]  # type: ignore[attr-defined]
        assert len(counts) == len(areas) and any(int(count.split("/")[1]) >= 10 for count in counts), shown

    try:
        drive(session, steps, size=size)
    finally:
        set_language("zh")


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", [(60, 20), SMALL], ids=["60x20", "80x24"])
def test_help_shows_how_to_close_it_on_a_short_screen(session: Session, language: str, size: tuple[int, int]) -> None:
    set_language(language)

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await pilot.press("f1")
        await settle(pilot)
        dialog = app.screen.query_one(".help")
        close_hint = list(dialog.children)[-1]
        assert str(close_hint.render()).startswith(t("tui.help.close")[:6])
        assert close_hint.region.bottom <= dialog.region.bottom - 2, (close_hint.region, dialog.region)

    try:
        drive(session, steps, size=size)
    finally:
        set_language("zh")
