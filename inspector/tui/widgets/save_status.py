"""The line that says whether the last change is on disk."""

from __future__ import annotations

from datetime import datetime

from textual.widgets import Static

from inspector.i18n import t


class SaveStatus(Static):
    """已保存 10:32:05 once the store has written the change; otherwise what is pending or went wrong."""

    def saved(self, at: datetime) -> None:
        self._say(t("tui.save.saved", time=at.strftime("%H:%M:%S")), "-saved")

    def pending(self) -> None:
        self._say(t("tui.save.pending"), "-pending")

    def failed(self, text: str) -> None:
        self._say(text, "-failed")

    def read_only(self) -> None:
        self._say(t("tui.save.read_only"), "-read-only")

    def _say(self, text: str, state: str) -> None:
        self.set_classes(state)
        self.update(text)
