"""Ask for a reason (an item not checked, an amendment's cause …): nothing is recorded without one."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from inspector.i18n import t
from inspector.tui.screens.base import InspectorDialog
from inspector.tui.session import Session


class ReasonDialog(InspectorDialog[str]):
    """Returns the reason typed (stripped, never empty), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "confirm", "tui.key.confirm")]

    def __init__(self, session: Session, title: str, prompt: str, initial: str = "") -> None:
        super().__init__(session)
        self.title_text = title
        self.prompt = prompt
        self.initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Static(self.prompt, markup=False)
            yield Input(self.initial, placeholder=t("tui.reason.placeholder"), id="reason")
            yield Static(t("tui.dialog.enter_esc"), classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.notify(t("tui.reason.required"), severity="warning")
            return
        self.dismiss(reason)
