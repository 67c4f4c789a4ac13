"""Pick an evidence file (a photo, a scan): type or paste its path, or choose it in the folder tree;
or take a wrongly attached file off the item.

A typed folder opens in the tree. The file highlighted (in the tree, typed, or attached already)
is previewed beside the tree: name, size, pixels, date taken, and the picture itself. Taking a file off is recorded as a new answer without it (the
earlier answer stays in the log, the file stays in the store); replacing is taking off, then adding.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DirectoryTree, Input, OptionList, Static, Tree
from textual.widgets.option_list import Option

from inspector.core.errors import DomainError
from inspector.core.visits import Evidence
from inspector.i18n import t
from inspector.services.visits import require_photo_or_scan
from inspector.store.errors import StoreError
from inspector.tui.screens.base import InspectorDialog, problem_text
from inspector.tui.session import Session
from inspector.tui.widgets.photo_preview import PhotoPreview


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
        max-height: 3;
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
            with Horizontal(id="evidence-browse"):
                yield DirectoryTree(self.start, id="evidence-tree")
                yield PhotoPreview(id="evidence-preview")
            if self.attached:
                yield Static(t("tui.evidence.attached"), classes="dialog-hint")
                yield OptionList(
                    *(Option(f"{e.name}  ({e.sha256[:8]})", e.sha256) for e in self.attached),
                    id="evidence-attached",
                    markup=False,
                    compact=True,  # the rows are the preview's
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

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        event.stop()
        if not event.control.has_focus:  # the tree's own first highlight, as it loads: not the user's
            return
        entry = event.node.data
        path = getattr(entry, "path", None)
        self.query_one(PhotoPreview).show(path if path is not None and path.is_file() else None)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        evidence = next(e for e in self.attached if e.sha256 == event.option.id)
        self.query_one(PhotoPreview).show(self.session.store.evidence_path(evidence.sha256), evidence.name)

    def on_input_changed(self, event: Input.Changed) -> None:
        """A typed or pasted path to a file is previewed before Enter adds it."""
        event.stop()
        path = _typed_path(event.value)
        if path is not None and path.is_file():
            self.query_one(PhotoPreview).show(path)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = _typed_path(event.value)
        if path is None:
            return
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


def _typed_path(value: str) -> Path | None:
    # a path pasted from Explorer often comes in quotes
    text = value.strip().strip("\"'")
    return Path(text).expanduser() if text else None
