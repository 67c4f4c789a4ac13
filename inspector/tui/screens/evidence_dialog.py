"""Pick an evidence file (a photo, a scan): type or paste its path, or choose it in the folder tree;
or take a wrongly attached file off the item.

A typed folder opens in the tree. Taking a file off is recorded as a new answer without it (the
earlier answer stays in the log, the file stays in the store); replacing is taking off, then adding.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DirectoryTree, Input, OptionList, Static
from textual.widgets.option_list import Option

from inspector.core.errors import DomainError
from inspector.core.visits import Evidence
from inspector.i18n import t
from inspector.services.visits import require_photo_or_scan
from inspector.store.errors import StoreError
from inspector.tui.screens.base import InspectorDialog, problem_text
from inspector.tui.session import Session


@dataclass(frozen=True)
class EvidenceChange:
    """A file to add, or an attached file to take off the item."""

    add: Path | None = None
    remove: Evidence | None = None


class EvidenceDialog(InspectorDialog[EvidenceChange]):
    """Returns the change chosen, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("delete", "remove", "tui.key.remove_evidence")]
    DEFAULT_CSS = """
    #evidence-attached {
        height: auto;
        max-height: 4;
        margin-top: 1;
    }
    """

    def __init__(self, session: Session, start: Path, attached: tuple[Evidence, ...] = ()) -> None:
        super().__init__(session)
        self.start = start
        self.attached = attached

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="evidence-box"):
            yield Static(t("tui.evidence.title"), classes="dialog-title")
            yield Input(placeholder=t("tui.evidence.placeholder"), id="evidence-path")
            yield DirectoryTree(self.start, id="evidence-tree")
            if self.attached:
                yield Static(t("tui.evidence.attached"), classes="dialog-hint")
                yield OptionList(
                    *(Option(f"{e.name}  ({e.sha256[:8]})", e.sha256) for e in self.attached),
                    id="evidence-attached",
                )
            yield Static(t("tui.evidence.hint_above"), classes="dialog-hint")

    def on_mount(self) -> None:
        if self.attached:
            self.query_one("#evidence-attached", OptionList).highlighted = 0

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove":
            return bool(self.attached) and self.focused is self.query_one("#evidence-attached")
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        # a path pasted from Explorer often comes in quotes
        text = event.value.strip().strip("\"'")
        if not text:
            return
        path = Path(text).expanduser()
        if path.is_dir():
            self.query_one(DirectoryTree).path = path
            self.notify(t("tui.evidence.folder_opened", path=path), timeout=3)
            return
        if not path.is_file():
            self.notify(t("tui.evidence.not_found", path=path), severity="warning")
            return
        self._add(path)

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self._add(event.path)

    def _add(self, path: Path) -> None:
        """Close with the file, unless it is no photo or scan: then say so and let another be picked."""
        try:
            require_photo_or_scan(path)
        except (DomainError, StoreError) as error:
            self.notify(problem_text(error), severity="warning", timeout=8)
            return
        self.dismiss(EvidenceChange(add=path))

    def action_remove(self) -> None:
        option = self.query_one("#evidence-attached", OptionList).highlighted_option
        if option is None:
            return
        self.dismiss(EvidenceChange(remove=next(e for e in self.attached if e.sha256 == option.id)))
