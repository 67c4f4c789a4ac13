"""What every screen of the app shares: keys shown in the user's language, the palette, errors.

A screen's ``BINDINGS`` carry catalogue keys as descriptions (``tui.key.pass``); they are put
into the current language when the screen is made, so the footer, the help screen and the
command palette all show the same words. The palette offers every action of the screen's keys,
so each main action can be found by name as well as by key.
"""

from __future__ import annotations

import asyncio
import errno
import gc
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, ClassVar, TypeVar

from textual.actions import parse as parse_action
from textual.binding import Binding, BindingsMap, BindingType
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen

from inspector.core.errors import DomainError
from inspector.i18n import error_text, t
from inspector.store.errors import StoreError
from inspector.store.store import Store
from inspector.tui.session import Session

CATALOGUE_PREFIX = "tui."
ResultType = TypeVar("ResultType")
T = TypeVar("T")


def translate_bindings(node: DOMNode) -> None:
    """Replace the node's key descriptions (catalogue keys) by their words in the current language."""
    # Textual keeps a node's bindings in ``_bindings``, copied from the class when the node is made;
    # the class-level descriptions cannot be translated once (the language is chosen at run time).
    groups: dict[int, Binding.Group] = {}

    def group_of(binding: Binding) -> Binding.Group | None:
        # the footer puts bindings side by side when they share one group object
        if binding.group is None:
            return None
        key = id(binding.group)
        if key not in groups:
            groups[key] = Binding.Group(t(binding.group.description), binding.group.compact)
        return groups[key]

    def words(description: str) -> str:
        # Textual's own bindings (Tab: "Focus Next" …) have no words in the catalogue: left unlisted
        return t(description) if description.startswith(CATALOGUE_PREFIX) else ""

    node._bindings = BindingsMap(
        replace(binding, description=words(binding.description), group=group_of(binding))
        for _, binding in node._bindings
    )


def collect_garbage_now() -> None:
    """A full garbage collection now, then freeze what survives it; the collector runs again after.

    The program pauses the collector while it starts (``inspector.__main__``) until the first screen
    is drawn and this runs. With a screen's hundreds of widgets alive, Python's automatic full
    collection takes 50-70 ms, and it strikes every few dozen key presses: an answer key then waits
    that long. Collected here, just after a screen is drawn, with the survivors frozen, later
    automatic collections only look at what is new. Unfreezing first lets the widgets of screens
    already closed be collected. On the first frame, with the collector still paused, what exists
    is what starting allocated and lives on: it is frozen without a collection (at 10,000 visits
    one took ~60 ms, on the way to home's lists, to free ~4,000 objects of ~70,000).
    """
    starting = not gc.isenabled()
    gc.enable()
    if not starting:
        gc.unfreeze()
        gc.collect()
    gc.freeze()


def problem_text(error: Exception) -> str:
    """One line saying what went wrong, for a rule that said no or a file that could not be used."""
    if isinstance(error, DomainError):
        return error_text(error)
    if isinstance(error, StoreError):
        params = {key: value for key, value in error.params.items() if key != "path"}
        return t(f"store.{error.code}", path=error.path, **params)
    if isinstance(error, OSError):
        key = _OS_ERROR_KEYS.get(error.errno or 0, "tui.os.other")
        return t(key, reason=error.strerror or str(error), path=error.filename or "")
    return str(error)


_OS_ERROR_KEYS = {
    errno.ENOSPC: "tui.os.no_space",
    errno.EACCES: "tui.os.no_permission",
    errno.EPERM: "tui.os.no_permission",
    errno.EROFS: "tui.os.read_only",
}


def unsaved_text(error: OSError) -> str:
    """The disk refused a write: what happened, that what was saved before is safe, how to go on."""
    return t("tui.os.unsaved", problem=problem_text(error))


@dataclass(frozen=True)
class KeyHelp:
    """One action of a screen as the help screen lists it: every key for it, and what it does."""

    keys: str
    description: str
    action: str
    shown: bool


def key_help(node: DOMNode) -> list[KeyHelp]:
    """The actions bound on ``node``, in the order declared, each with all its keys."""
    by_action: dict[str, list[Binding]] = {}
    for _, binding in node._bindings:
        if binding.description:
            by_action.setdefault(binding.action, []).append(binding)
    rows = []
    for action, bindings in by_action.items():
        keys = " / ".join(dict.fromkeys(node.app.get_key_display(binding) for binding in bindings))
        rows.append(KeyHelp(keys, bindings[0].description, action, any(b.show for b in bindings)))
    return rows


class _Translated:
    """Translation of the keys and error display, for full screens and dialogs alike."""

    def show_problem(self, error: Exception) -> None:
        if isinstance(error, OSError):
            self.notify(unsaved_text(error), severity="error", timeout=20)  # type: ignore[attr-defined]
            return
        self.notify(problem_text(error), severity="error", timeout=8)  # type: ignore[attr-defined]


class InspectorScreen(_Translated, Screen[ResultType]):
    """A full screen of the app."""

    def __init__(self, session: Session, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        translate_bindings(self)

    @property
    def store(self) -> Store:
        return self.session.store

    def on_mount(self) -> None:
        """Textual calls this as well as a subclass's own ``on_mount`` (handlers run up the MRO)."""
        self.session.settle_cursors(self)

    def on_screen_resume(self) -> None:
        self.call_after_refresh(collect_garbage_now)

    def run_busy(self, message: str, job: Callable[[], T], done: Callable[[T], None]) -> None:
        """Run slow work (copying a photo, writing a document) in a thread behind a progress dialog.

        The dialog takes the keys meanwhile, so nothing else writes to the store until the job ends.
        """
        from inspector.tui.screens.busy import BusyDialog

        busy = BusyDialog(message)
        self.app.push_screen(busy)

        async def run() -> None:
            try:
                result = await asyncio.to_thread(job)
            except (DomainError, StoreError, OSError) as error:
                busy.dismiss()
                self.show_problem(error)
                return
            busy.dismiss()
            done(result)

        self.run_worker(run(), group="busy")

    def palette_actions(self) -> Iterable[KeyHelp]:
        """The screen's actions offered in the command palette: those allowed right now."""
        for row in key_help(self):
            _, name, parameters = parse_action(row.action)
            if self.check_action(name, parameters) is True:
                yield row

    def help_notes(self) -> list[str]:
        """Lines the help screen shows under the keys (a legend, how saving works …)."""
        return []


class InspectorDialog(_Translated, ModalScreen[ResultType]):
    """A dialog over a screen; Escape closes it with no result."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "tui.key.cancel")]

    def __init__(self, session: Session, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        translate_bindings(self)

    def on_mount(self) -> None:
        self.session.settle_cursors(self)

    def action_cancel(self) -> None:
        self.dismiss(None)
