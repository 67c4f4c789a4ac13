"""An amendment (更正) of a signed-off visit: one item's new answer, who corrects it and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static, TextArea

from inspector.core.visits import Visit
from inspector.core.vocabulary import Result
from inspector.i18n import label, t
from inspector.tui.screens.base import InspectorDialog
from inspector.tui.session import Session

_ITEM_PROMPT_CHARS = 24


@dataclass(frozen=True)
class AmendRequest:
    item_id: str
    result: Result
    note: str
    reason: str
    by: str


class AmendDialog(InspectorDialog[AmendRequest]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f9", "confirm", "tui.key.amend_save")]

    def __init__(self, session: Session, visit: Visit, item_id: str | None = None) -> None:
        super().__init__(session)
        self.visit = visit
        self.item_id = item_id or visit.checklist.items[0].id

    def compose(self) -> ComposeResult:
        items = [
            (f"{number} {item.text[:_ITEM_PROMPT_CHARS]}", item.id)
            for number, item in enumerate(self.visit.checklist.items, start=1)
        ]
        answer = self.visit.answers.get(self.item_id)
        with Vertical(classes="dialog wide"):
            yield Static(t("tui.amend.title"), classes="dialog-title")
            with Horizontal(classes="field"):
                yield Label(t("tui.amend.item"))
                yield Select(items, value=self.item_id, allow_blank=False, compact=True, id="amend-item")
            with Horizontal(classes="field"):
                yield Label(t("tui.amend.result"))
                yield Select(
                    [(label(result), result) for result in Result],
                    value=answer.result if answer else Result.PASS,
                    allow_blank=False,
                    compact=True,
                    id="amend-result",
                )
            yield Label(t("tui.amend.note"))
            yield TextArea(answer.note if answer else "", id="amend-note", compact=True)
            with Horizontal(classes="field"):
                yield Label(t("tui.amend.reason"))
                yield Input(placeholder=t("tui.reason.placeholder"), compact=True, id="amend-reason")
            with Horizontal(classes="field"):
                yield Label(t("tui.amend.by"))
                yield Input(self.visit.lead, compact=True, id="amend-by")
            yield Static(t("tui.amend.hint"), classes="dialog-hint")

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "amend-item" or not isinstance(event.value, str):
            return
        answer = self.visit.answers.get(event.value)
        self.query_one("#amend-note", TextArea).load_text(answer.note if answer else "")
        if answer:
            self.query_one("#amend-result", Select).value = answer.result

    def action_confirm(self) -> None:
        reason = self.query_one("#amend-reason", Input).value.strip()
        by = self.query_one("#amend-by", Input).value.strip()
        if not reason or not by:
            self.notify(t("tui.amend.incomplete"), severity="warning")
            return
        self.dismiss(
            AmendRequest(
                item_id=self.query_one("#amend-item", Select).value,  # type: ignore[arg-type]
                result=self.query_one("#amend-result", Select).value,  # type: ignore[arg-type]
                note=self.query_one("#amend-note", TextArea).text,
                reason=reason,
                by=by,
            )
        )
