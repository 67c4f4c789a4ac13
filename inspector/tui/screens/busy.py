"""A progress dialog shown while slow work runs in a worker; it cannot be dismissed by a key."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import ProgressBar, Static


class BusyDialog(ModalScreen[None]):
    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog busy"):
            yield Static(self.message)
            yield ProgressBar(total=None, show_eta=False, show_percentage=False)
