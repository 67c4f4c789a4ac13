"""The keys of the screen underneath (F1 / ?), with the keys that work everywhere."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from inspector.i18n import t
from inspector.tui.screens.base import InspectorDialog, key_help
from inspector.tui.session import Session


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
