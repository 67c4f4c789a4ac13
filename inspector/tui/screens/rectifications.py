"""The rectification board (整改台账): every failed item's life, filtered, by deadline, with actions.

Filter by township, site, area, severity, state and overdue; the list is sorted by deadline so
the most pressing comes first. Enter shows one rectification with its whole history; F3 records
the unit's feedback, F8 starts a re-inspection (复查) of the site's open items in the runner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, DataTable, Input, Label, Select, Static
from textual.worker import get_current_worker

from inspector.core.errors import DomainError
from inspector.core.rectifications import FeedbackStatus, RectificationState, RectificationView
from inspector.core.vocabulary import Area, Severity
from inspector.i18n import label, t
from inspector.services import rectifications as services
from inspector.services.rectification_text import describe, feedback_line
from inspector.services.visits import remembered_team
from inspector.store.errors import StoreError
from inspector.tui.screens.base import InspectorDialog, InspectorScreen
from inspector.tui.screens.reason_dialog import ReasonDialog
from inspector.tui.screens.runner import RunnerScreen
from inspector.tui.session import Session
from inspector.tui.widgets.key_bar import KeyBar
from inspector.tui.widgets.visit_table import CELL_PADDING, VisitTable, column_width, columns_that_fit

CUT_MARK = "..."
BOARD_COLUMNS = ("due", "state", "site", "area", "severity", "finding")
"""The finding last: it takes the width the others leave."""
DROPPED_FIRST = ("severity", "area")
"""Columns left out, in this order, when the finding would have less than ``FINDING_MIN`` cells
(the preview under the table and the detail say them)."""
FINDING_MIN = 16
_EVIDENCE_SEPARATORS = re.compile(r"[;；\n]+")


def _clip(text: str, width: int) -> str:
    """At most ``width`` cells of ``text``; a cut is marked with "..." (an ellipsis character is
    one cell in some terminals and two in others, and would shift the columns after it)."""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - len(CUT_MARK)).rstrip() + CUT_MARK


def _fitted_columns(rows: list[dict[str, str]], room: int) -> tuple[list[str], int]:
    """The board's columns, and the finding's width: what the others leave of ``room``. The least
    needed columns are left out while the finding would have less than ``FINDING_MIN`` cells."""
    headers = {column: t(f"tui.rect.col.{column}") for column in BOARD_COLUMNS}
    at_least = [{**cells, "finding": "-" * FINDING_MIN} for cells in rows]
    columns = columns_that_fit(headers, at_least, room, DROPPED_FIRST)
    others = sum(column_width(headers[column], (cells[column] for cells in rows)) for column in columns[:-1])
    return columns, max(room - others - CELL_PADDING, FINDING_MIN)


def _chosen(select: Select[Any]) -> Any:
    """The value picked in a filter, or None when it is left at 'all'."""
    value = select.value
    return None if value is Select.NULL else value


class _RectificationScreen(InspectorScreen[None]):
    """Feedback and re-inspection: the same two actions on the board and in the detail."""

    def selected_view(self) -> RectificationView | None:
        raise NotImplementedError

    def after_change(self) -> None:
        raise NotImplementedError

    def action_feedback(self) -> None:
        view = self.selected_view()
        if view is None:
            return

        def recorded(form: FeedbackForm | None) -> None:
            if form is not None:
                self._record_feedback(view, form)

        self.app.push_screen(FeedbackDialog(self.session, view), recorded)

    def _record_feedback(self, view: RectificationView, form: FeedbackForm) -> None:
        def job() -> RectificationView:
            return services.record_feedback(
                self.store,
                view.id,
                measures=form.measures,
                responsible=form.responsible,
                feedback_date=form.feedback_date,
                status=form.status,
                by=form.by,
                evidence_files=form.evidence,
                at=self.session.clock(),
            )

        def done(after: RectificationView) -> None:
            self.notify(t("tui.rect.feedback_saved", state=label(after.state)))
            self.after_change()

        self.run_busy(t("tui.rect.saving"), job, done)

    def action_reinspect(self) -> None:
        """Ask who leads the re-inspection, the last lead filled in: Enter starts it, Esc does not.

        Starting one makes a visit that stays on record, so a stray key press must not.
        """
        view = self.selected_view()
        if view is None:
            return
        lead, _ = remembered_team(self.store)
        site_id = view.record.site_id
        still_open = len(services.open_at_site(self.store, site_id))

        def chosen(name: str | None) -> None:
            if name:
                self._start_reinspection(view, name)

        title = t("tui.rect.reinspect_title", site=view.record.site_name, count=still_open)
        self.app.push_screen(ReasonDialog(self.session, title, t("tui.rect.lead_prompt"), initial=lead), chosen)

    def _start_reinspection(self, view: RectificationView, lead: str) -> None:
        store = self.store
        _, members = remembered_team(store)
        try:
            visit = services.start_reinspection(
                store,
                view.record.site_id,
                lead=lead,
                members=members,
                title=t("rect.reinspection.title", site=view.record.site_name),
                arrived_at=self.session.clock(),
            )
        except (DomainError, StoreError) as error:
            self.show_problem(error)
            return
        self.app.push_screen(RunnerScreen(self.session, visit.uuid))


class RectificationBoardScreen(_RectificationScreen):
    AUTO_FOCUS = ""  # the table cannot take focus while it loads: ``_loaded`` gives it
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "detail", "tui.rect.key.detail"),
        Binding("f3", "feedback", "tui.rect.key.feedback"),
        Binding("f8", "reinspect", "tui.rect.key.reinspect"),
        Binding("escape", "app.pop_screen", "tui.key.back"),
    ]
    DEFAULT_CSS = """
    RectificationBoardScreen #rect-filters { height: 1; margin-bottom: 1; }
    RectificationBoardScreen #rect-filters Select { width: 1fr; margin-right: 1; }
    RectificationBoardScreen #rect-overdue { width: auto; }
    RectificationBoardScreen #rect-preview { height: auto; max-height: 6; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.views: list[RectificationView] = []
        self.shown: dict[str, RectificationView] = {}

    def compose(self) -> ComposeResult:
        yield Static(t("tui.rect.title"), id="rect-title", classes="screen-title")
        with Horizontal(id="rect-filters"):
            yield Select([], prompt=t("tui.rect.any_township"), compact=True, id="rect-township")
            yield Select([], prompt=t("tui.rect.any_site"), compact=True, id="rect-site")
            yield Select(
                [(label(area), area) for area in Area], prompt=t("tui.rect.any_area"), compact=True, id="rect-area"
            )
            yield Select(
                [(label(severity), severity) for severity in Severity],
                prompt=t("tui.rect.any_severity"),
                compact=True,
                id="rect-severity",
            )
            yield Select(
                [(label(state), state) for state in RectificationState],
                prompt=t("tui.rect.any_state"),
                compact=True,
                id="rect-state",
            )
            yield Checkbox(t("tui.rect.overdue_only"), compact=True, id="rect-overdue")
        yield VisitTable(id="rect-board")
        yield Static(id="rect-preview", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#rect-board").loading = True

    def on_screen_resume(self) -> None:
        """Shown first or again after the detail or a re-inspection: the states may have changed."""
        self.load()

    def after_change(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="rect-board")
    def load(self) -> None:
        """Reading every signed-off visit takes a moment with many: off the UI, the table shows it loading."""
        views = services.rectification_views(self.store)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._loaded, views)

    def _loaded(self, views: list[RectificationView]) -> None:
        self.views = views
        table = self.query_one("#rect-board")
        table.loading = False
        if self.focused is None:
            table.focus()
        self._offer("#rect-township", sorted({(view.record.township, view.record.township) for view in views}))
        self._offer("#rect-site", sorted({(view.record.site_name, view.record.site_id) for view in views}))
        self.show()

    def _offer(self, selector: str, options: list[tuple[str, str]]) -> None:
        select = self.query_one(selector, Select)
        kept = _chosen(select)
        with select.prevent(Select.Changed):
            select.set_options(options)
            if kept in {value for _, value in options}:
                select.value = kept

    def current_filter(self) -> services.RectificationFilter:
        return services.RectificationFilter(
            township=_chosen(self.query_one("#rect-township", Select)),
            site=_chosen(self.query_one("#rect-site", Select)),
            area=_chosen(self.query_one("#rect-area", Select)),
            severity=_chosen(self.query_one("#rect-severity", Select)),
            state=_chosen(self.query_one("#rect-state", Select)),
            overdue=self.query_one("#rect-overdue", Checkbox).value,
        )

    def show(self) -> None:
        table = self.query_one("#rect-board", VisitTable)
        today = self.session.today()
        wanted = self.current_filter()
        shown = [view for view in self.views if wanted.matches(view, today)]
        kept = table.selected_key  # filled again after feedback or a filter: the cursor stays on its item
        self.shown = {view.id: view for view in shown}
        rows = [(view.id, self._cells(view, today)) for view in shown]
        columns, finding_width = _fitted_columns([cells for _, cells in rows], table.room)
        table.fill(
            [t(f"tui.rect.col.{column}") for column in columns],
            [
                (
                    key,
                    [
                        _clip(cells[column], finding_width) if column == "finding" else cells[column]
                        for column in columns
                    ],
                )
                for key, cells in rows
            ],
            keep=kept,
        )
        overdue = sum(1 for view in self.views if view.overdue_on(today))
        self.query_one("#rect-title", Static).update(
            t("tui.rect.counts", shown=len(shown), total=len(self.views), overdue=overdue)
        )
        self._preview()

    def on_resize(self) -> None:
        if self.views:
            self.call_after_refresh(self.show)  # once the table has its new width

    @staticmethod
    def _cells(view: RectificationView, today: date) -> dict[str, str]:
        state = t("rect.overdue", days=view.days_overdue(today)) if view.overdue_on(today) else label(view.state)
        finding = view.record.note
        if view.record.found_by:  # another team's: the team that goes back is often not the one that found it
            finding = f"{t('rect.found_by_other', team=view.record.found_by)}{finding}"
        return {
            "due": view.due.isoformat(),
            "state": state,
            "site": view.record.site_name,
            "area": label(view.record.area),
            "severity": label(view.record.severity),
            "finding": finding,
        }

    def selected_view(self) -> RectificationView | None:
        key = self.query_one("#rect-board", VisitTable).selected_key
        return self.shown.get(key) if key else None

    def _preview(self) -> None:
        view = self.selected_view()
        preview = self.query_one("#rect-preview", Static)
        if view is None:
            preview.update("" if self.shown else t("tui.rect.none"))
            return
        record = view.record
        preview.update(
            "\n".join(
                [
                    f"{record.township} {record.site_name}  {record.item_text}",
                    t("rect.finding", note=record.note),
                    feedback_line(view),
                ]
            )
        )

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.show()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.show()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._preview()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_detail()

    def action_detail(self) -> None:
        view = self.selected_view()
        if view is not None:
            self.app.push_screen(RectificationDetailScreen(self.session, view.id))


class RectificationDetailScreen(_RectificationScreen):
    """One rectification: the finding, its evidence, the feedback, and every event in order."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f3", "feedback", "tui.rect.key.feedback"),
        Binding("f8", "reinspect", "tui.rect.key.reinspect"),
        Binding("escape", "app.pop_screen", "tui.key.back"),
    ]

    def __init__(self, session: Session, rectification_id: str) -> None:
        super().__init__(session)
        self.rectification_id = rectification_id
        self.view: RectificationView | None = None

    def compose(self) -> ComposeResult:
        yield Static(t("tui.rect.detail_title"), classes="screen-title")
        with VerticalScroll():
            yield Static(id="rect-detail", markup=False)
        yield KeyBar()

    def on_screen_resume(self) -> None:
        self.after_change()

    def after_change(self) -> None:
        try:
            self.view = services.rectification_view(self.store, self.rectification_id)
        except (DomainError, StoreError) as error:
            self.show_problem(error)
            return
        self.query_one("#rect-detail", Static).update("\n".join(describe(self.view, self.session.today())))

    def selected_view(self) -> RectificationView | None:
        return self.view


@dataclass(frozen=True)
class FeedbackForm:
    measures: str
    responsible: str
    feedback_date: date
    status: FeedbackStatus
    by: str
    evidence: tuple[Path, ...]


class FeedbackDialog(InspectorDialog[FeedbackForm]):
    """The unit's 整改情况反馈表 typed in: returns the form, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "confirm", "tui.key.confirm")]
    # its own classes: the app's ``.dialog .field`` spacing would not fit six fields in 24 lines
    DEFAULT_CSS = """
    FeedbackDialog #feedback-form {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        padding: 0 2; border: round $accent; background: $panel;
    }
    FeedbackDialog .feedback-title { text-style: bold; color: $text-accent; }
    FeedbackDialog .feedback-item { color: $text-muted; margin-bottom: 1; }
    FeedbackDialog .feedback-field { height: 1; }
    FeedbackDialog .feedback-field Label { width: 12; }
    FeedbackDialog .feedback-field Input, FeedbackDialog .feedback-field Select { width: 1fr; }
    FeedbackDialog .feedback-hint { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, session: Session, view: RectificationView) -> None:
        super().__init__(session)
        self.view = view

    def compose(self) -> ComposeResult:
        lead, _ = remembered_team(self.session.store)
        record = self.view.record
        with Vertical(id="feedback-form"):
            yield Static(t("tui.rect.feedback_title"), classes="feedback-title")
            yield Static(_clip(f"{record.site_name}  {record.item_text}", 66), classes="feedback-item", markup=False)
            for field_id, words, value in (
                ("fb-measures", "tui.rect.measures", ""),
                ("fb-responsible", "tui.rect.responsible", ""),
                ("fb-date", "tui.rect.date", self.session.today().isoformat()),
                ("fb-evidence", "tui.rect.evidence", ""),
                ("fb-by", "tui.rect.by", lead),
            ):
                with Horizontal(classes="feedback-field"):
                    yield Label(t(words))
                    yield Input(value, compact=True, id=field_id)
            with Horizontal(classes="feedback-field"):
                yield Label(t("tui.rect.status"))
                yield Select(
                    [(label(status), status) for status in FeedbackStatus],
                    value=FeedbackStatus.DONE,
                    allow_blank=False,
                    compact=True,
                    id="fb-status",
                )
            yield Static(t("tui.rect.feedback_hint"), classes="feedback-hint")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#fb-measures", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def _text(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    def action_confirm(self) -> None:
        for field_id, missing in (
            ("fb-measures", "error.rectification.missing.measures"),
            ("fb-responsible", "error.rectification.missing.responsible"),
            ("fb-by", "error.rectification.by_required"),
        ):
            if not self._text(field_id):
                self.notify(t(missing), severity="warning")
                self.query_one(f"#{field_id}").focus()
                return
        try:
            feedback_date = date.fromisoformat(self._text("fb-date"))
        except ValueError:
            self.notify(t("cli.rect.bad_date", value=self._text("fb-date")), severity="warning")
            self.query_one("#fb-date").focus()
            return
        self.dismiss(
            FeedbackForm(
                measures=self._text("fb-measures"),
                responsible=self._text("fb-responsible"),
                feedback_date=feedback_date,
                status=self.query_one("#fb-status", Select).value,
                by=self._text("fb-by"),
                evidence=tuple(
                    Path(part.strip()) for part in _EVIDENCE_SEPARATORS.split(self._text("fb-evidence")) if part.strip()
                ),
            )
        )
