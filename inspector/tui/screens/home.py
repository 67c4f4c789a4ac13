"""Home: visits in progress (resume with one key), recent visits, rectifications, what waits to sync.

The other screens are imported when first opened, not with this one: the home screen is the
first frame the team waits for when they walk in.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import ContentSwitcher, DataTable, Static
from textual.worker import get_current_worker

from inspector.core.clock import from_iso
from inspector.core.standing import NotClosed, Standing
from inspector.core.visit_summary import VisitSummary
from inspector.core.vocabulary import VisitStatus
from inspector.i18n import label, t
from inspector.services.home import home_summary, pending_uploads, summary_at_start
from inspector.services.reminders import reminder_text
from inspector.services.rounds import round_due_text
from inspector.store.errors import StoreError
from inspector.tui.screens.base import InspectorScreen
from inspector.tui.session import Session
from inspector.tui.widgets.key_bar import KeyBar
from inspector.tui.widgets.section_bar import SectionBar
from inspector.tui.widgets.visit_table import VisitTable

RECENT_SHOWN = 50
HOME_ROWS = 200
"""Rows a home list shows at most (after years, thousands wait): the first, most pressing, ones,
and under the list a line saying how many more; the counts in the section bar stay whole."""
SECTIONS = {
    "tab-in-progress": "tui.home.tab.in_progress",
    "tab-recent": "tui.home.tab.recent",
    "tab-rectifications": "tui.home.tab.rectifications",
    "tab-outbox": "tui.home.tab.outbox",
}
"""The home screen's sections: the id of each one's page, and its name in the catalogue."""


def _when(iso: str | None) -> str:
    return from_iso(iso).strftime("%m-%d %H:%M") if iso else ""


IN_PROGRESS_DROPPED_FIRST = ("township", "arrived")
RECENT_DROPPED_FIRST = ("arrived", "status")
"""Left out, in this order, when a list is narrower than its columns (in English a re-inspection's
site is long): the site and what is to be done about it stay whole rather than every column cut."""


def _headers(*columns: str) -> dict[str, str]:
    return {column: t(f"tui.col.{column}") for column in columns}


def _site(row: VisitSummary) -> str:
    """The site a visit was at; a re-inspection says so (复查：…), as its title does."""
    return t("rect.reinspection.title", site=row.site_name) if row.reinspection else row.site_name


class HomeScreen(InspectorScreen[None]):
    AUTO_FOCUS = "#in-progress"
    """Focused as the screen is first shown: focusing it once mounted moved the focus from the
    section names (the first focusable widget) a frame later, which drew the screen again."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "resume", "tui.key.resume"),
        Binding("f2", "new_visit", "tui.key.new_visit"),
        Binding("f6", "rectification_board", "tui.key.rectification_board"),
        Binding("f7", "sync", "tui.key.sync"),
        Binding("f8", "documents", "tui.key.documents"),
        Binding("enter", "open_selected", "tui.key.open", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._in_progress: list[VisitSummary] = []
        self._recent: list[VisitSummary] = []
        """The visits the two lists show, to fit their columns again to another width."""
        self._not_closed: NotClosed | None = None
        """What the rectifications list shows, read with their counts."""
        self._refreshed = False
        self._shown = {"tab-in-progress"}
        """The sections shown so far (their lists made and filled)."""
        self.title_text = ""
        self._in_progress_hint = ""

    # The sections not shown first are mounted when first shown (``_section_content``), and their
    # lists may be filled before that: so they are kept here rather than looked up, and made when
    # first needed, not for home's first frame.

    @cached_property
    def recent(self) -> VisitTable:
        return VisitTable(id="recent")

    @cached_property
    def rectifications(self) -> VisitTable:
        return VisitTable(id="rectifications")

    @cached_property
    def outbox(self) -> VisitTable:
        return VisitTable(id="outbox")

    # how many a list leaves out: a line of its own, not a last row, which would widen the first
    # column past an 80-column screen and push the due date and state off it

    @cached_property
    def rectifications_more(self) -> Static:
        return Static(id="rectifications-more", classes="more")

    @cached_property
    def outbox_more(self) -> Static:
        return Static(id="outbox-more", classes="more")

    @cached_property
    def rectifications_loading(self) -> Widget:
        """Shown while the rectifications are counted in a thread: never after a clean quit, whose
        kept tally home counts from at once, so neither made nor its module imported then."""
        from textual.widgets import ProgressBar

        return ProgressBar(total=None, show_eta=False, show_percentage=False, id="rect-loading")

    def compose(self) -> ComposeResult:
        yield Static(id="home-title")
        yield SectionBar([(section, t(name)) for section, name in SECTIONS.items()], id="home-sections")
        with ContentSwitcher(initial="tab-in-progress", id="home-tabs"):
            with Vertical(id="tab-in-progress"):
                yield VisitTable(id="in-progress")
                yield Static(id="in-progress-empty", classes="empty")
            # the other sections' lists are made and filled when first shown: home's first frame,
            # which the team waits for, draws the counts of every section and the one list shown
            for section in SECTIONS:
                if section != "tab-in-progress":
                    yield Vertical(id=section)
        yield KeyBar()

    def _extend_compose(self, widgets: list[Widget]) -> None:
        """Textual's toast rack, hidden by its CSS, is hidden again by a style of its own once the
        screen is shown (``ToastRack.show``): a change of style, which laid the whole screen out
        and drew it again a frame after home's first. Given that style from the start, nothing
        changes then; a notification still shows it."""
        super()._extend_compose(widgets)
        for widget in widgets:
            if widget.id == "textual-toastrack":
                widget.display = False

    def _section_content(self, section: str) -> list[Widget]:
        if section == "tab-recent":
            return [self.recent]
        if section == "tab-rectifications":
            return [self.rectifications_loading, self.rectifications, self.rectifications_more]
        return [self.outbox, self.outbox_more, Static(t("tui.home.outbox_hint"), classes="empty")]

    def help_notes(self) -> list[str]:
        return [t("tui.home.help_sections")]

    def on_section_bar_changed(self, event: SectionBar.Changed) -> None:
        if event.section not in self._shown:
            self._shown.add(event.section)
            self.query_one(f"#{event.section}", Vertical).mount_all(self._section_content(event.section))
            self._fill_section(event.section)
        self.query_one(ContentSwitcher).current = event.section

    def _fill_section(self, section: str) -> None:
        """Fill a list shown (or about to be) with what home last read."""
        if section == "tab-recent":
            self._fill_recent(self.store.newest_visits(RECENT_SHOWN))
        elif section == "tab-outbox":
            self._fill_outbox(pending_uploads(self.store))
        elif section == "tab-rectifications" and self._not_closed is not None:
            if self._not_closed.first or not self._not_closed.count:
                self._fill_rectifications(self._not_closed)
            else:  # counted before the list was shown: its first rows are read now
                self.load_rectifications()

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_lists)  # once the lists have their new width

    def _fit_lists(self) -> None:
        self._fill_in_progress(self._in_progress)
        if "tab-recent" in self._shown:
            self._fill_recent(self._recent)

    def on_screen_resume(self) -> None:
        """On first showing too: the lists are filled once, here."""
        self.refresh_lists()

    def refresh_lists(self) -> None:
        # the first frame shows what the last clean close kept when nothing changed since (after
        # years, reading it from the files was most of the start); every later refresh reads them
        summary = home_summary(self.store) if self._refreshed else summary_at_start(self.store)
        self._refreshed = True
        in_progress = summary.visits_in_progress()
        self._fill_in_progress(in_progress)
        self.title_text = t("tui.home.title", today=self.session.today().isoformat(), count=summary.visit_count)
        self.title_text += round_due_text(summary.round_due)
        self.query_one("#home-title", Static).update(self.title_text)
        bar = self.query_one(SectionBar)
        bar.set_label(
            "tab-in-progress",
            f"{t('tui.home.tab.in_progress')} {len(in_progress)}",
            t("tui.home.tab_short.in_progress", count=len(in_progress)),
        )
        bar.set_label(
            "tab-outbox",
            f"{t('tui.home.tab.outbox')} {summary.pending_uploads}",
            t("tui.home.tab_short.outbox", count=summary.pending_uploads),
        )
        if summary.rectifications is not None:  # kept at the last clean quit: counted without a fold
            tally = {Standing(state, due): count for due, state, count in summary.rectifications}
            self._show_rectifications(NotClosed(tally, []))
        else:
            # The rectifications are read in a thread started now, while this frame is drawn: the
            # main thread waits on the terminal and on Textual's timers meanwhile.
            self.rectifications_loading.display = True
            self.load_rectifications()
        for section in self._shown - {"tab-in-progress", "tab-rectifications"}:
            self._fill_section(section)

    def _fill_in_progress(self, rows: list[VisitSummary]) -> None:
        self._in_progress = rows
        self.query_one("#in-progress", VisitTable).fill_fitting(
            _headers("site", "township", "status", "arrived"),
            [
                (
                    row.uuid,
                    {
                        "site": _site(row),
                        "township": row.township,
                        "status": label(row.status),
                        "arrived": _when(row.arrived_at),
                    },
                )
                for row in rows
            ],
            IN_PROGRESS_DROPPED_FIRST,
        )
        hint = t("tui.home.nothing_in_progress") if not rows else t("tui.home.resume_hint")
        if hint != self._in_progress_hint:  # an update lays the screen out again, even with the same text
            self._in_progress_hint = hint
            self.query_one("#in-progress-empty", Static).update(hint)

    def _fill_recent(self, summaries: list[VisitSummary]) -> None:
        self._recent = summaries
        self.recent.fill_fitting(
            _headers("site", "status", "arrived", "findings"),
            [
                (
                    row.uuid,
                    {
                        "site": _site(row),
                        "status": label(row.status),
                        "arrived": _when(row.arrived_at),
                        "findings": str(row.failed or ""),
                    },
                )
                for row in summaries
            ],
            RECENT_DROPPED_FIRST,
        )

    def _fill_outbox(self, pending: list[dict[str, Any]]) -> None:
        shown = [(entry, self.store.visit_summary(entry["uuid"])) for entry in pending[:HOME_ROWS]]
        self.outbox.fill(
            [t("tui.col.site"), t("tui.col.version"), t("tui.col.signed_off")],
            [
                (entry["uuid"], [_site(summary), str(entry["version"]), _when(summary.signed_off_at)])
                for entry, summary in shown
                if summary is not None  # listed: ``pending_uploads`` keeps only the visits in the index
            ],
        )
        _say_more(self.outbox_more, len(pending))

    @work(thread=True, exclusive=True, group="rectifications")
    def load_rectifications(self) -> None:
        """The rectifications not closed, counted, and once their list is shown the first ``HOME_ROWS``
        of them whole: from the persisted fold tens of ms at 10,000 visits, seconds when it must be
        folded again from the journals (after a sign-off), so off the UI.

        The worker only reads; files are replaced atomically, so it sees each one whole.
        """
        from inspector.services.rectifications import not_closed

        pending = not_closed(self.store, whole=HOME_ROWS if "tab-rectifications" in self._shown else 0)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_rectifications, pending)

    def _show_rectifications(self, pending: NotClosed) -> None:
        self._not_closed = pending
        today = self.session.today()
        overdue = pending.overdue_on(today)
        self.query_one("#home-title", Static).update(self.title_text + reminder_text(self.store, pending.tally, today))
        if "tab-rectifications" in self._shown:  # shown while they were counted: their rows read now
            self._fill_section("tab-rectifications")
        open_count = pending.count
        self.query_one(SectionBar).set_label(
            "tab-rectifications",
            t("tui.home.tab.rectifications_count", open=open_count, overdue=overdue),
            t("tui.home.tab_short.rectifications", open=open_count, overdue=overdue),
        )

    def _fill_rectifications(self, pending: NotClosed) -> None:
        today = self.session.today()
        self.rectifications_loading.display = False
        self.rectifications.fill(
            # the finding last: it is long, and would push the due date and state off a narrow screen
            [t("tui.col.site"), t("tui.col.due"), t("tui.col.state"), t("tui.col.finding")],
            [
                (
                    view.id,
                    [
                        view.record.site_name,
                        view.due.isoformat(),
                        t("rect.overdue", days=view.days_overdue(today))
                        if view.overdue_on(today)
                        else label(view.state),
                        view.record.item_text,
                    ],
                )
                for view in pending.first
            ],
        )
        _say_more(self.rectifications_more, pending.count)

    # -- actions ---------------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_row(event.data_table, (event.row_key.value or "").partition("#")[0])

    def action_open_selected(self) -> None:
        table = self.focused
        if isinstance(table, VisitTable) and table.selected_key:
            self.open_row(table, table.selected_key)

    def open_row(self, table: DataTable, key: str) -> None:
        """A rectification row opens that rectification with its history; any other row its visit."""
        if table.id == "rectifications":
            from inspector.tui.screens.rectifications import RectificationDetailScreen

            self.app.push_screen(RectificationDetailScreen(self.session, key))
        else:
            self.open_visit(key)

    def open_visit(self, uuid: str) -> None:
        from inspector.tui.screens.review import ReviewScreen
        from inspector.tui.screens.runner import RunnerScreen

        try:
            visit = self.store.load_visit(uuid)
        except StoreError as error:  # a damaged file is moved aside by the store; say so and stay here
            self.show_problem(error)
            self.refresh_lists()
            return
        if visit.status is VisitStatus.SIGNED_OFF:
            self.app.push_screen(ReviewScreen(self.session, uuid))
        else:
            self.app.push_screen(RunnerScreen(self.session, uuid))

    def action_resume(self) -> None:
        """Open the visit in progress that started last, on the item the team was on."""
        from inspector.services.visits import visits_in_progress  # with the rules of a visit, which opening one needs

        in_progress = visits_in_progress(self.store)
        if not in_progress:
            self.notify(t("tui.home.nothing_in_progress"), severity="warning")
            return
        self.open_visit(in_progress[0].uuid)

    def action_rectification_board(self) -> None:
        from inspector.tui.screens.rectifications import RectificationBoardScreen

        self.app.push_screen(RectificationBoardScreen(self.session))

    def action_sync(self) -> None:
        from inspector.tui.screens.sync import SyncScreen

        self.app.push_screen(SyncScreen(self.session))

    def action_documents(self) -> None:
        from inspector.tui.screens.documents import DocumentsScreen

        self.app.push_screen(DocumentsScreen(self.session))

    def action_new_visit(self) -> None:
        from inspector.tui.screens.new_visit import NewVisitScreen

        self.app.push_screen(NewVisitScreen(self.session))


def _say_more(line: Static, total: int) -> None:
    """Under a list of the first ``HOME_ROWS`` of ``total``: how many it leaves out, when it does."""
    line.update(t("tui.home.more_rows", count=total - HOME_ROWS) if total > HOME_ROWS else "")
    line.display = total > HOME_ROWS
