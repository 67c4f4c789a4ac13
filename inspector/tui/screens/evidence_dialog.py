"""Pick an evidence file (a photo, a scan): type or paste its path, or choose it in the folder tree."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DirectoryTree, Input, Static

from inspector.i18n import t
from inspector.tui.screens.base import InspectorDialog
from inspector.tui.session import Session


class EvidenceDialog(InspectorDialog[Path]):
    """Returns the chosen file's path, or None when cancelled."""

    def __init__(self, session: Session, start: Path) -> None:
        super().__init__(session)
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(t("tui.evidence.title"), classes="dialog-title")
            yield Input(placeholder=t("tui.evidence.placeholder"), id="evidence-path")
            yield DirectoryTree(self.start, id="evidence-tree")
            yield Static(t("tui.evidence.hint"), classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        # a path pasted from Explorer often comes in quotes
        text = event.value.strip().strip("\"'")
        if not text:
            return
        path = Path(text).expanduser()
        if not path.is_file():
            self.notify(t("tui.evidence.not_a_file", path=path), severity="warning")
            return
        self.dismiss(path)

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(event.path)
