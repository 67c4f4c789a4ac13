"""The inspection app: one store opened for the app's lifetime, the home screen first.

``run_app`` is what ``inspector`` and ``inspector demo`` call. A data dir another program is
using raises ``DataDirLocked`` before anything is drawn; the CLI turns it into one line.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.dom import DOMNode
from textual.screen import Screen

from inspector.i18n import t
from inspector.services.home import keep_for_next_start
from inspector.services.outbox import ensure_outbox
from inspector.store.store import Store, StoreProblem
from inspector.tui.screens.base import InspectorScreen, KeyHelp, key_help, translate_bindings
from inspector.tui.screens.home import HomeScreen
from inspector.tui.session import Session

THEMES = ("textual-dark", "textual-light")
THEME_SETTING = "tui_theme"


def problem_notice(problem: StoreProblem) -> str:
    if problem.moved_to:
        return t("store.moved_aside", path=problem.path, moved_to=problem.moved_to, reason=problem.reason)
    return t("store.unreadable_file", path=problem.path, reason=problem.reason)


class InspectorApp(App[int]):
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1,question_mark", "help", "tui.key.help"),
        # what ? sends while a Chinese input method is in Chinese punctuation mode
        Binding("fullwidth_question_mark", "help", "tui.key.help", key_display="？", show=False),
        Binding("ctrl+p", "command_palette", "tui.key.palette", show=False, priority=True),
        Binding("ctrl+t", "toggle_theme", "tui.key.theme", show=False),
        Binding("ctrl+q", "quit", "tui.key.quit", show=False, priority=True),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        translate_bindings(self)
        self.title = t("tui.title")
        saved_theme = session.store.settings().get(THEME_SETTING)
        self.theme = saved_theme if saved_theme in THEMES else THEMES[0]

    def get_key_display(self, binding: Binding) -> str:
        """Keys as printed on the keyboard: F5, Esc and ^P, not f5, esc and ^p."""
        display = super().get_key_display(binding)
        if display[:1] == "f" and display[1:].isdigit():
            return display.upper()
        if display.startswith("^"):
            return display.upper()
        return display.capitalize() if display == "esc" else display

    def get_default_screen(self) -> Screen:
        """Home is the first screen: made as the app starts, not pushed over an empty one."""
        return HomeScreen(self.session)

    def on_mount(self) -> None:
        # files the store had to move aside on opening: said once, and kept on screen a while
        for problem in self.session.store.problems:
            self.notify(problem_notice(problem), severity="warning", timeout=20)

    def action_help(self) -> None:
        from inspector.tui.screens.help import HelpDialog

        screen = self.screen
        if isinstance(screen, HelpDialog):
            screen.dismiss(None)
            return
        notes = screen.help_notes() if isinstance(screen, InspectorScreen) else []
        self.push_screen(HelpDialog(self.session, screen, notes))

    def action_help_quit(self) -> None:
        """Ctrl+C (Textual's reflex binding) says how to quit, in the user's language."""
        quit_key = next(binding for _, binding in self._bindings if binding.action == "quit")
        self.notify(t("tui.quit.how", key=self.get_key_display(quit_key)), title=t("tui.quit.title"), markup=False)

    def action_toggle_theme(self) -> None:
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]
        self.session.store.update_settings(**{THEME_SETTING: self.theme})

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=t("tui.palette.placeholder"), id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The screen's own actions first, then those that work everywhere; each says its key."""
        targets: list[tuple[KeyHelp, DOMNode]] = []
        if isinstance(screen, InspectorScreen):
            targets += [(row, screen) for row in screen.palette_actions()]
        targets += [(row, self) for row in key_help(self) if row.action != "command_palette"]
        for row, target in targets:
            yield SystemCommand(
                row.description,
                t("tui.palette.key", keys=row.keys),
                lambda action=row.action, target=target: target.run_action(action),
            )


def run_app(data_dir: Path) -> int:
    """Open the data dir (taking its lock) and run the app until the user quits."""
    with Store.open(data_dir) as store:
        ensure_outbox(store)
        app = InspectorApp(Session(store))
        app.run()
        keep_for_next_start(store)
    return app.return_code or 0
