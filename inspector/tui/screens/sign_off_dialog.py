"""The team lead confirms the sign-off by name: after it the visit is sealed and read-only."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from inspector.i18n import t
from inspector.tui.screens.base import InspectorDialog
from inspector.tui.session import Session


class SignOffDialog(InspectorDialog[str]):
    """Returns the name typed (the services check it is the lead's), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("f9", "confirm", "tui.key.sign_off")]

    def __init__(self, session: Session, lead: str) -> None:
        super().__init__(session)
        self.lead = lead

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("tui.sign_off.title"), classes="dialog-title")
            yield Static(t("tui.sign_off.warning"))
            with Horizontal(classes="field"):
                yield Label(t("tui.sign_off.by"))
                yield Input(self.lead, compact=True, id="signer")
            yield Static(t("tui.sign_off.hint"), classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        name = self.query_one("#signer", Input).value.strip()
        if name:
            self.dismiss(name)
