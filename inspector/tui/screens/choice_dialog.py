"""Ask before something easy to do by mistake: a few choices, the safe one first and highlighted.

Up/Down and Enter choose (no letter keys: with a Chinese input method active letters go to the
IME); Esc closes with no choice, which callers treat as "do nothing".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from inspector.i18n import t
from inspector.tui.screens.base import InspectorDialog
from inspector.tui.session import Session

Value = TypeVar("Value")


@dataclass(frozen=True)
class Choice(Generic[Value]):
    words: str
    value: Value


class ChoiceDialog(InspectorDialog[Value]):
    """Returns the value of the choice taken, or None when cancelled."""

    DEFAULT_CSS = """
    #choices {
        height: auto;
        max-height: 8;
        margin-top: 1;
    }
    """

    def __init__(self, session: Session, title: str, message: str, choices: Sequence[Choice[Value]]) -> None:
        super().__init__(session)
        self.title_text = title
        self.message = message
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Static(self.message, markup=False)
            yield OptionList(
                *(Option(choice.words, str(n)) for n, choice in enumerate(self.choices)), id="choices", markup=False
            )
            yield Static(t("tui.choice.hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        choices = self.query_one("#choices", OptionList)
        choices.highlighted = 0
        choices.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[int(event.option.id or 0)].value)
