"""What every screen of one app run shares: the open store and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from textual.dom import DOMNode

from inspector.core.clock import local_date, now
from inspector.store.store import Store


@dataclass
class Session:
    """One data dir opened for the app's lifetime (the store holds its lock) and the time source.

    Tests give a fixed ``clock`` and ``cursor_blink=False`` so that screenshots are stable.
    """

    store: Store
    clock: Callable[[], datetime] = now
    cursor_blink: bool = True

    def today(self) -> date:
        return local_date(self.clock())

    def settle_cursors(self, root: DOMNode) -> None:
        """Apply the blink setting to every text field under ``root``."""
        for field in root.query("Input, TextArea"):
            field.cursor_blink = self.cursor_blink  # type: ignore[attr-defined]
