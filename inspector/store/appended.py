"""What was appended to a journal file since a mark: the lines after it, read without the rest.

A check that must look at every record of a journal that only grows (the sync's "is every
signed-off version queued?") need only look at what came after its last look, if it can tell
that the file before its mark is still the file it looked at. A journal is changed in only two
ways (``store.journal``): lines appended in place (a torn last line, never acknowledged, cut off
first), or the whole file replaced by an atomic rename (a compaction, a rebuild, a damaged file
set aside), which gives it a new file id. So a mark is the file's id (``st_ino``: the inode, or
the file index on Windows), the length of its whole lines, and the SHA-256 of the ``WINDOW``
bytes before that length. The file is the same file grown when its id is the same, it is at
least as long, and those bytes still hash the same; a file replaced since and given the freed
id again would also have to hold the same bytes at the same place, which a compaction (it drops
lines) or a rebuild does not make. Anything else (a replaced or cut file, a line that does not
parse, an unreadable file) answers None: the caller looks at everything again.

Reading a mark costs a ``stat`` and one read of ``WINDOW`` bytes, whatever the history.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WINDOW = 4096


@dataclass(frozen=True)
class Mark:
    """A journal file's whole lines as they were: its id, their length, the hash of their last bytes."""

    file_id: int
    size: int
    window: str

    def to_dict(self) -> dict[str, Any]:
        return {"file_id": self.file_id, "size": self.size, "window": self.window}

    @classmethod
    def from_dict(cls, data: Any) -> Mark | None:
        """A mark as saved, or None when it is not one (an older or damaged note)."""
        try:
            mark = cls(int(data["file_id"]), int(data["size"]), str(data["window"]))
        except (KeyError, TypeError, ValueError):
            return None
        return mark if mark.size >= 0 else None


@dataclass(frozen=True)
class Appended:
    """The records appended after a mark, and the mark after them."""

    records: list[dict[str, Any]]
    end: Mark | None
    """None when there is no file (nor was there one at the mark)."""


def end_mark(path: Path) -> Mark | None:
    """The file's end (its last whole line) as a mark; None when there is no file."""
    try:
        with open(path, "rb") as handle:
            file_id = os.fstat(handle.fileno()).st_ino
            size = handle.seek(0, os.SEEK_END)
            start = max(0, size - WINDOW)
            handle.seek(start)
            tail = handle.read(size - start)
    except FileNotFoundError:
        return None
    # lines end at the last newline; a longer line than the window means reading further back
    end = tail.rfind(b"\n") + 1
    if end == 0 and start > 0:
        return _mark_before(path, file_id, _whole_lines_length(path))
    return _mark_before(path, file_id, start + end)


def appended_since(path: Path, mark: Mark | None) -> Appended | None:
    """The records (one JSON object a line) after ``mark`` (from the start when None: a file not
    looked at yet, or missing then), when the file is provably the same file grown; None otherwise
    (the caller then looks at everything another way)."""
    try:
        with open(path, "rb") as handle:
            file_id = os.fstat(handle.fileno()).st_ino
            if mark is not None and file_id != mark.file_id:
                return None
            start = max(0, mark.size - WINDOW) if mark else 0
            handle.seek(start)
            data = handle.read()
    except FileNotFoundError:
        return Appended([], None) if mark is None else None
    except OSError:
        return None
    offset = mark.size - start if mark else 0
    if mark is not None and (len(data) < offset or _hash(data[:offset]) != mark.window):
        return None
    whole = max(data.rfind(b"\n") + 1, offset)
    lines = data[offset:whole].splitlines()
    try:  # as one array: several times faster than line by line (a first look reads them all)
        records = json.loads(b"[" + b",".join(lines) + b"]")
    except ValueError:
        return None
    if len(records) != len(lines) or not all(isinstance(record, dict) for record in records):
        return None
    end = start + whole
    return Appended(records, Mark(file_id, end, _hash(data[max(0, whole - WINDOW) : whole])))


def _mark_before(path: Path, file_id: int, size: int) -> Mark:
    with open(path, "rb") as handle:
        start = max(0, size - WINDOW)
        handle.seek(start)
        return Mark(file_id, size, _hash(handle.read(size - start)))


def _whole_lines_length(path: Path) -> int:
    """The length up to the last newline of a file whose last line is longer than the window."""
    data = path.read_bytes()
    return data.rfind(b"\n") + 1


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
