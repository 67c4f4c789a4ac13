"""The app around the screens: one writer per data dir, damaged files said once, help, palette, language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from inspector.i18n import set_language
from inspector.store.store import Store
from inspector.tui.app import InspectorApp
from inspector.tui.screens.help import HelpDialog
from inspector.tui.screens.home import HomeScreen
from inspector.tui.screens.runner import RunnerScreen
from inspector.tui.session import Session
from tests.conftest import DEMO_TODAY, CliResult
from tests.tui.conftest import drive, settle


def test_a_second_app_on_the_same_data_dir_says_so_and_exits(
    demo_root: Path, run_cli: Callable[..., CliResult]
) -> None:
    with Store.open(demo_root):
        result = run_cli("--data-dir", demo_root)
    assert result.code == 1
    assert "另一个检查程序正在使用数据目录" in result.err and "Traceback" not in result.err


def test_files_moved_aside_on_opening_are_said_once(demo_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (demo_root / "settings.json").write_bytes(b"{not json")
    said: list[str] = []
    monkeypatch.setattr(InspectorApp, "notify", lambda self, message, **_: said.append(message))
    with Store.open(demo_root) as store:
        assert store.problems

        async def look(pilot: Pilot, app: InspectorApp) -> None:
            assert isinstance(app.screen, HomeScreen)

        drive(Session(store, clock=lambda: DEMO_TODAY, cursor_blink=False), look)
    assert len(said) == 1 and "settings.json" in said[0] and "damaged" in said[0]


def help_rows(app: InspectorApp) -> list[tuple[str, str]]:
    table = app.screen.query_one("#help-keys", DataTable)
    return [tuple(table.get_row_at(row)) for row in range(table.row_count)]  # type: ignore[misc]


def test_help_lists_the_keys_of_the_screen_underneath(session: Session) -> None:
    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpDialog)
        assert ("F2", "新建检查") in help_rows(app)
        await pilot.press("escape", "f5")
        await settle(pilot)
        assert isinstance(app.screen, RunnerScreen)
        await pilot.press("question_mark")
        await settle(pilot)
        rows = dict((action, keys) for keys, action in help_rows(app))
        assert rows["合格"] == "1 / １" and rows["下一未答"] == "F5" and rows["帮助"] == "F1 / ? / ？"
        assert "新建检查" not in rows

    drive(session, steps)


def test_every_action_of_the_screen_is_in_the_command_palette(session: Session) -> None:
    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await pilot.press("f5")
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"合格", "不合格", "证据", "下一未答", "只看不合格", "审核签发", "帮助", "退出"} <= titles
        await pilot.press("f9")
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "未答项标为未检查" in titles and "更正" not in titles  # amending is for sealed visits only

    drive(session, steps)


def test_the_theme_switches_and_is_remembered(session: Session) -> None:
    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-light"

    drive(session, steps)
    assert session.store.settings()["tui_theme"] == "textual-light"
    drive(session, lambda pilot, app: _expect_theme(app, "textual-light"))


async def _expect_theme(app: InspectorApp, theme: str) -> None:
    assert app.theme == theme


def test_english_by_choice(session: Session) -> None:
    set_language("en")

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        assert "today 2026-11-28" in str(app.screen.query_one("#home-title").render())
        await pilot.press("f5")
        await settle(pilot)
        assert "answered" in str(app.screen.query_one("#runner-title").render())
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Pass", "Fail", "Review"} <= titles

    drive(session, steps)


def test_the_collector_paused_for_the_start_runs_again_once_home_is_drawn(session: Session) -> None:
    """``inspector`` starts with the garbage collector paused; left off, cycles would pile up all day."""
    import gc

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        assert gc.isenabled()

    gc.disable()
    try:
        drive(session, steps)
    finally:
        gc.enable()


def test_a_command_runs_with_the_collector_on(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from inspector.__main__ import main

    seen: list[bool] = []
    monkeypatch.setattr("inspector.cli.run_guarded", lambda handler, args: seen.append(gc.isenabled()) or 0)
    monkeypatch.setattr("sys.argv", ["inspector", "sites", "list"])
    assert main() == 0 and seen == [True] and gc.isenabled()
