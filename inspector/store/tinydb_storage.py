"""A TinyDB storage that writes atomically and durably, for data that must survive a kill -9.

Stock ``JSONStorage`` rewrites its file in place: a crash mid-write leaves it unreadable. This
storage writes through ``atomic_write_bytes``. The store is the only writer of a data dir (it
holds the lock), so the last read or written document is kept in memory and not parsed again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from inspector.store.atomic import atomic_write_bytes
from inspector.store.errors import UnreadableFile


def encode(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode(path: Path, raw: bytes) -> dict[str, Any]:
    """Parse a store file; anything but a UTF-8 JSON object is an UnreadableFile naming the file."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise UnreadableFile(path, f"not UTF-8 (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise UnreadableFile(path, f"not JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
    if not isinstance(data, dict):
        raise UnreadableFile(path, "not a JSON object")
    return data


class AtomicJSONStorage(Storage):
    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._cache: dict[str, Any] | None = None

    def read(self) -> dict[str, Any] | None:
        if self._cache is None:
            try:
                raw = self.path.read_bytes()
            except FileNotFoundError:
                return None
            self._cache = decode(self.path, raw) if raw else None
        return self._cache

    def write(self, data: dict[str, Any]) -> None:
        if self.readonly:
            raise PermissionError(f"{self.path} is open read-only")
        # TinyDB hands back the dict it read, changed in place: if the write fails, the cache
        # no longer matches the disk and must be dropped.
        self._cache = None
        atomic_write_bytes(self.path, encode(data))
        self._cache = data

    def close(self) -> None:
        self._cache = None
