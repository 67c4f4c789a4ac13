"""The keys of the screen underneath (F1 / ?), with the keys that work everywhere."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from inspector.i18n import t
from inspector.tui.screens.base import InspectorDialog, key_help
from inspector.tui.session import Session

KEYS_SHOWN_MIN, KEYS_SHOWN_MAX = 3, 16
"""Lines of the list of keys (with its header): at least, and at most when the screen is tall."""


class HelpDialog(InspectorDialog[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f1", "cancel", "tui.key.close")]

    def __init__(self, session: Session, screen: Screen, notes: list[str]) -> None:
        super().__init__(session)
        self.rows = [(row.keys, row.description) for row in key_help(screen)]
        self.rows += [(row.keys, row.description) for row in key_help(screen.app) if row.keys]
        self.notes = notes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide help"):
            yield Static(t("tui.help.title"), classes="dialog-title")
            table: DataTable[str] = DataTable(cursor_type="row", zebra_stripes=True, id="help-keys")
            table.add_columns(t("tui.help.key"), t("tui.help.action"))
            table.add_rows(self.rows)
            yield table
            for note in self.notes:
                yield Static(note, classes="dialog-hint")
            yield Static(t("tui.help.close"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.call_after_refresh(self._fit_keys)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._fit_keys)

    def _fit_keys(self) -> None:
        """The list of keys gets the height the title and the notes leave, so they always show
        (on a short screen the list scrolls)."""
        dialog = self.query_one(".help", Vertical)
        keys = self.query_one("#help-keys", DataTable)
        others = sum(
            child.outer_size.height + child.styles.margin.height for child in dialog.children if child is not keys
        )
        room = self.size.height - dialog.styles.gutter.height - others
        keys.styles.max_height = max(KEYS_SHOWN_MIN, min(KEYS_SHOWN_MAX, room))
