"""Change a failed item's severity and deadline from the checklist's defaults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from inspector.core.checklists import MAX_DEADLINE_DAYS, Item
from inspector.core.visits import Answer, effective_deadline_days, effective_severity
from inspector.core.vocabulary import Severity
from inspector.i18n import label, t
from inspector.tui.screens.base import InspectorDialog
from inspector.tui.session import Session


@dataclass(frozen=True)
class Override:
    """None in a field means: back to the checklist's value."""

    severity: Severity | None
    deadline_days: int | None


class OverrideDialog(InspectorDialog[Override]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f9", "confirm", "tui.key.confirm")]

    def __init__(self, session: Session, item: Item, answer: Answer) -> None:
        super().__init__(session)
        self.item = item
        self.answer = answer

    def compose(self) -> ComposeResult:
        default = t("tui.override.default")
        with Vertical(classes="dialog"):
            yield Static(t("tui.override.title"), classes="dialog-title")
            with Horizontal(classes="field"):
                yield Label(t("tui.override.severity"))
                yield Select(
                    [(label(s) + (default if s is self.item.severity else ""), s) for s in Severity],
                    value=effective_severity(self.item, self.answer),
                    allow_blank=False,
                    compact=True,
                    id="severity",
                )
            with Horizontal(classes="field"):
                yield Label(t("tui.override.deadline"))
                yield Input(
                    str(effective_deadline_days(self.item, self.answer)),
                    type="integer",
                    compact=True,
                    id="deadline",
                )
            yield Static(t("tui.override.hint", days=self.item.deadline_days), classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        text = self.query_one("#deadline", Input).value.strip()
        if not text.isdigit() or not 0 <= int(text) <= MAX_DEADLINE_DAYS:
            self.notify(t("tui.override.bad_deadline", max=MAX_DEADLINE_DAYS), severity="warning")
            return
        days = int(text)
        severity = self.query_one("#severity", Select).value
        self.dismiss(
            Override(
                severity=None if severity is self.item.severity else severity,  # type: ignore[arg-type]
                deadline_days=None if days == self.item.deadline_days else days,
            )
        )
