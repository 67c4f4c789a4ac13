"""The documents issued (整改通知书, 现场检查记录, 情况通报): kind, number, site, date and file, newest
first; Enter opens the file, F3 its folder (or says where it is when the desktop cannot)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from inspector.i18n import t
from inspector.services.documents import IssuedDocument, issued_documents
from inspector.tui.desktop import open_with_desktop
from inspector.tui.screens.base import InspectorScreen
from inspector.tui.session import Session
from inspector.tui.widgets.key_bar import KeyBar
from inspector.tui.widgets.visit_table import VisitTable

COLUMNS = ("kind", "number", "site", "date", "file")
DROPPED_FIRST = ("file", "date")
"""Left out, in this order, when the list is narrower than its columns (the line under it says the file)."""


class DocumentsScreen(InspectorScreen[None]):
    AUTO_FOCUS = "#documents"
    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: the list's own Enter would otherwise hide this one from the footer
        Binding("enter", "open_file", "tui.docs.key.open_file", priority=True),
        Binding("f3", "open_folder", "tui.docs.key.open_folder"),
        Binding("escape", "app.pop_screen", "tui.key.back"),
    ]
    DEFAULT_CSS = """
    DocumentsScreen #documents-title { padding: 0 1; }
    DocumentsScreen #documents { height: 1fr; }
    DocumentsScreen #documents-path { height: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.documents: list[IssuedDocument] = []

    def compose(self) -> ComposeResult:
        yield Static(id="documents-title", classes="screen-title")
        yield VisitTable(id="documents")
        yield Static(id="documents-path", markup=False)
        yield KeyBar()

    def on_screen_resume(self) -> None:
        self.documents = issued_documents(self.store)
        self.query_one("#documents-title", Static).update(t("tui.docs.title", count=len(self.documents)))
        self.show()

    def on_resize(self) -> None:
        self.call_after_refresh(self.show)  # once the list has its new width

    def show(self) -> None:
        rows = [(str(number), self._cells(document)) for number, document in enumerate(self.documents)]
        headers = {column: t(f"tui.docs.col.{column}") for column in COLUMNS}
        self.query_one(VisitTable).fill_fitting(headers, rows, DROPPED_FIRST)
        self._show_path()

    @staticmethod
    def _cells(document: IssuedDocument) -> dict[str, str]:
        return {
            "kind": t(f"tui.docs.kind.{document.kind}"),
            "number": document.number or "-",
            "site": document.site or "-",
            "date": document.day.isoformat(),
            "file": document.path.name if document.path else t("tui.docs.file_unknown"),
        }

    def selected(self) -> IssuedDocument | None:
        key = self.query_one(VisitTable).selected_key
        return self.documents[int(key)] if key else None

    def _show_path(self) -> None:
        """Where the selected document is: inside the data dir, from there (the exports folder)."""
        document = self.selected()
        path = document.path if document else None
        if path is not None and path.is_relative_to(self.store.root.resolve()):
            path = path.relative_to(self.store.root.resolve())
        self.query_one("#documents-path", Static).update(
            t("tui.docs.none") if not self.documents else str(path) if path else ""
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_path()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_file()

    def action_open_file(self) -> None:
        document = self.selected()
        if document is None:
            self.notify(t("tui.docs.none"), severity="warning")
        elif document.path is None:
            self.notify(t("tui.docs.file_unknown_hint", number=document.number), severity="warning")
        else:
            self._open(document.path)

    def action_open_folder(self) -> None:
        document = self.selected()
        self._open(document.path.parent if document and document.path else self._exports_folder())

    def _exports_folder(self) -> Path:
        from inspector.services.documents import exports_dir
        from inspector.services.profile import load_profile

        return exports_dir(self.store, load_profile(self.store))

    def _open(self, path: Path) -> None:
        if open_with_desktop(path):
            self.notify(t("tui.docs.opening", path=path), markup=False)
        else:
            self.notify(t("tui.docs.cannot_open", path=path), severity="warning", timeout=20, markup=False)
