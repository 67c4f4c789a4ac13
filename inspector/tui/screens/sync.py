"""Sync with the bureau server: log in once, then push the outbox and pull the county's news.

The run goes in a thread (the network is slow in a township office and retries wait), with a
progress bar fed by the sync service. While it runs the screen cannot be left: the run writes
receipts and the feed into the store, and nothing else may write meanwhile.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Label, ProgressBar, RichLog, Static
from textual.worker import Worker, WorkerState

from inspector.core.errors import DomainError
from inspector.i18n import t
from inspector.i18n.sync_text import ReportLine, report_lines, sync_error_text
from inspector.services.sync import (
    Login,
    Progress,
    SyncReport,
    login,
    open_client,
    retries_announced,
    saved_login,
    server_url,
    sync,
    waiting,
)
from inspector.store.errors import StoreError
from inspector.sync.errors import SyncError
from inspector.tui.screens.base import InspectorScreen, problem_text
from inspector.tui.widgets.key_bar import KeyBar

RUN_GROUP = "sync"


class SyncScreen(InspectorScreen[None]):
    CSS_PATH = "sync.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "sync", "tui.key.sync_now"),
        Binding("escape", "back", "tui.key.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(t("tui.sync.title"), id="sync-title", classes="screen-title")
        with Horizontal(classes="field"):
            yield Label(t("tui.sync.url"), classes="sync-label")
            yield Input(placeholder=t("tui.sync.url_placeholder"), compact=True, id="sync-url")
        with Horizontal(classes="field"):
            yield Label(t("tui.sync.token"), classes="sync-label")
            yield Input(password=True, compact=True, id="sync-token")
        with Horizontal(classes="field"):
            yield Label(t("tui.sync.ca_file"), classes="sync-label")
            yield Input(placeholder=t("tui.sync.ca_file_placeholder"), compact=True, id="sync-ca-file")
        yield Static(id="sync-login")
        yield Static(id="sync-pending")
        with Horizontal(id="sync-progress-row"):
            yield ProgressBar(id="sync-progress", show_eta=False)
            yield Static(id="sync-phase")
        # RichLog renders at least 78 cells wide by default: at 80 columns the cells past its width were cut
        yield RichLog(id="sync-log", wrap=True, markup=False, min_width=1)
        yield KeyBar()

    def on_mount(self) -> None:
        saved = saved_login(self.store)
        if saved is not None:
            self.query_one("#sync-url", Input).value = saved.url
            self.query_one("#sync-ca-file", Input).value = saved.ca_file or ""
        self._show_login(saved)
        self._show_pending()
        self.query_one("#sync-url" if saved is None else "#sync-token", Input).focus()

    def _show_login(self, saved: Login | None) -> None:
        self.query_one("#sync-login", Static).update(
            t("tui.sync.logged_in", name=saved.name, role=t(f"server.role.{saved.role}"), url=saved.url)
            if saved
            else t("tui.sync.not_logged_in")
        )
        self.query_one("#sync-token", Input).placeholder = t(
            "tui.sync.token_saved" if saved else "tui.sync.token_placeholder"
        )

    def _show_pending(self) -> None:
        """What the next run sends, counted as the run counts it; what this login may not send, too."""
        queue = waiting(self.store)
        text = t("tui.sync.pending", visits=queue.visits, events=queue.events)
        saved = saved_login(self.store)
        held = len(queue.entries) - len(queue.sendable_by(saved.role)) if saved else 0
        if held:
            text += t("tui.sync.pending_held", count=held)
        self.query_one("#sync-pending", Static).update(text)

    @property
    def running(self) -> bool:
        return any(worker.is_running for worker in self.workers if worker.group == RUN_GROUP)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("sync", "back") and self.running:
            return None  # shown greyed out while the run goes on
        return True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_sync()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_sync(self) -> None:
        if self.running:
            return
        url_text = self.query_one("#sync-url", Input).value
        token = self.query_one("#sync-token", Input).value.strip()
        ca_file = self.query_one("#sync-ca-file", Input).value.strip() or None
        self.query_one("#sync-log", RichLog).clear()
        self.query_one("#sync-progress", ProgressBar).update(total=None, progress=0)
        self.query_one("#sync-progress-row").display = True
        self.run_sync(url_text, token, ca_file)
        self.refresh_bindings()

    @work(thread=True, exclusive=True, group=RUN_GROUP)
    def run_sync(self, url_text: str, token: str, ca_file: str | None) -> None:
        """Log in first when a token was typed (or none is saved), then push and pull."""
        with retries_announced(self._announce_retry):
            self._log_in_and_sync(url_text, token, ca_file)

    def _log_in_and_sync(self, url_text: str, token: str, ca_file: str | None) -> None:
        try:
            saved = saved_login(self.store)
            if token or saved is None:
                url = server_url(url_text)
                if not token:
                    raise SyncError("empty_token")
                with open_client(url, token, ca_file) as client:
                    saved = login(self.store, client, url, token, ca_file)
                self.app.call_from_thread(self._logged_in, saved)
            with open_client(saved.url, saved.token, saved.ca_file) as client:
                report = sync(self.store, client, on_progress=self._progress_from_thread)
        except SyncError as error:
            self.app.call_from_thread(self._failed, sync_error_text(error))
            return
        except (DomainError, StoreError, OSError) as error:  # the store could not take what came
            self.app.call_from_thread(self._failed, problem_text(error))
            return
        self.app.call_from_thread(self._finished, report)

    def _announce_retry(self, attempt: int, wait: float) -> None:
        line = ReportLine(t("sync.retrying", attempt=attempt, wait=f"{wait:.1f}"))
        self.app.call_from_thread(self._write, line)

    def _progress_from_thread(self, progress: Progress) -> None:
        self.app.call_from_thread(self._show_progress, progress)

    def _show_progress(self, progress: Progress) -> None:
        bar = self.query_one("#sync-progress", ProgressBar)
        if progress.phase == "push":
            bar.update(total=max(progress.total, 1), progress=progress.done if progress.total else 1)
            text = t("tui.sync.phase.push", done=progress.done, total=progress.total)
        else:
            bar.update(total=1, progress=1)
            text = t("tui.sync.phase.pull", position=progress.done)
        self.query_one("#sync-phase", Static).update(text)

    def _logged_in(self, saved: Login) -> None:
        self.query_one("#sync-token", Input).value = ""
        self._show_login(saved)
        self._write(
            ReportLine(t("sync.logged_in", name=saved.name, role=t(f"server.role.{saved.role}"), url=saved.url))
        )

    def _finished(self, report: SyncReport) -> None:
        for line in report_lines(report):
            self._write(line)
        self.query_one("#sync-phase", Static).update(
            t("tui.sync.done_with_refusals" if report.refused else "tui.sync.done")
        )
        self._show_pending()

    def _failed(self, text: str) -> None:
        self.query_one("#sync-progress-row").display = False
        self._write(ReportLine(text, problem=True))
        self._show_pending()

    def _write(self, line: ReportLine) -> None:
        self.query_one("#sync-log", RichLog).write(Text(line.text, style="bold red" if line.problem else ""))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == RUN_GROUP and event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            self.refresh_bindings()
