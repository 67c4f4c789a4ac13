"""What can go wrong with the data dir, said with the file it concerns."""

from __future__ import annotations

from pathlib import Path
from typing import Any


class StoreError(Exception):
    """A stored file could not be used. ``code`` is a message key under ``store.``."""

    def __init__(self, code: str, path: Path | str = "", **params: Any) -> None:
        self.code = code
        self.path = str(path)
        self.params = params
        super().__init__(f"{code}: {path} {params}".strip())


class DataDirLocked(StoreError):
    """Another inspector program is writing to the same data dir."""

    def __init__(self, path: Path) -> None:
        super().__init__("locked", path)


class UnreadableFile(StoreError):
    """A file the store owns does not parse; ``moved_to`` says where it was put aside."""

    def __init__(self, path: Path, reason: str, moved_to: Path | None = None) -> None:
        super().__init__("unreadable", path, reason=reason, moved_to=str(moved_to or ""))
        self.reason = reason
        self.moved_to = moved_to
