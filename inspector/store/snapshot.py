"""A cache file of what was derived from journals, trusted only for the very bytes it came from.

Folding every rectification's events costs seconds at 10,000 visits, and every command is a new
process. A snapshot keeps the result beside the journals, with each journal's ``JournalPosition``
(how many bytes of whole lines it reflects, which file they were in, a digest of samples of them)
and whatever else it depended on (``context``).

**Proving that a journal only grew, cheaply.** A journal only ever grows by appended lines, or is
replaced whole (a compaction, a rebuild, a restore, a copy from elsewhere). Hashing its whole
prefix again on every run proves the first case, but costs a pass over every byte of history
(45 MB at 10,000 visits, ~0.08 s a run). ``growth_since`` proves it from facts that do not grow:
- the same file (volume and file number, ``st_dev``/``st_ino``): every replacement (our own
  atomic writes, an editor saving, a restore, a copy) makes a new file, so the bytes of another
  file are never taken for the ones folded;
- at least as long as the position;
- the same bytes in 8 windows of 4 KiB spread over the prefix, the last one ending at the position
  (the lines appended last, where a crash's repair works);
- when the file has exactly the size it had when the snapshot was written: the same modification
  time (``st_mtime_ns``), so that a same-size edit in place anywhere is seen too.
What is not caught: bytes changed in place, inside the same file, outside the sampled windows, by
a program that also appends or that sets the modification time back. This program never writes
a journal in place before its end (appends and atomic replacements only), nor do editors (they
replace the file); it would take a deliberate act (a hex editor writing in place), and a backup
restore or a copy is a new file. Anything that fails a check costs a fold from the journals,
never a wrong answer from the snapshot.

**Reading only what is needed.** The file: ``MAGIC``, the header's length (8 bytes, little
endian), the header (MessagePack: kind, program, positions, modification times, context, and
where each *section* lies with its SHA-256), the header's SHA-256, then the sections. A reader
reads and checks the header, then reads each section it needs when it needs it, checked against
its own digest (``Snapshot.section``); a listing of overdue items reads the small sections it
needs, not all the views. A section read after the file was replaced fails its digest (or is the
same bytes), so a reader never mixes two snapshots.

The file is written like every file that matters (``atomic_write_bytes``: temporary file, fsync,
replace; on Windows MoveFileEx with write-through), so a crash leaves the old snapshot or the new
one; a torn or damaged one fails a digest and is ignored. The snapshot is a cache, never a source
of truth: losing it only costs time.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from inspector.store.atomic import atomic_write_bytes
from inspector.store.journal import NO_FILE, JournalPosition, file_id, read_at, sample_digest

MAGIC = b"inspector-snapshot 2\n"
_LENGTH = struct.Struct("<Q")
_DIGEST_SIZE = 32


class _Header(msgspec.Struct):
    kind: str
    program: str
    positions: dict[str, tuple[int, str, str]]
    modified: dict[str, int]
    """Each journal's ``st_mtime_ns`` when the snapshot was written and it ended at its position (else 0)."""
    context: Any
    sections: dict[str, tuple[int, int, bytes]]
    """Each section's offset (from the end of the header's digest), length and SHA-256."""


class SnapshotChanged(Exception):
    """A section could not be read as the header said (the file replaced or damaged since)."""


@dataclass
class Snapshot:
    """A snapshot's header, and its sections read and checked when first asked for."""

    path: Path
    positions: dict[str, JournalPosition]
    modified: dict[str, int]
    context: Any
    sections: dict[str, tuple[int, int, bytes]]
    start: int
    _read: dict[str, bytes] = field(default_factory=dict)

    def section(self, name: str) -> bytes:
        """The section's bytes; ``SnapshotChanged`` when they are not those the header names."""
        data = self._read.get(name)
        if data is None:
            data = self.sections_at([name])[name]
        return data

    def sections_at(self, names: list[str]) -> dict[str, bytes]:
        """Several sections in one opening of the file, in file order."""
        wanted = sorted({name for name in names if name not in self._read}, key=lambda name: self.sections[name][0])
        if wanted:
            try:
                with open(self.path, "rb") as handle:
                    for name in wanted:
                        offset, length, digest = self.sections[name]
                        handle.seek(self.start + offset)
                        data = handle.read(length)
                        if len(data) != length or hashlib.sha256(data).digest() != digest:
                            raise SnapshotChanged(name)
                        self._read[name] = data
            except OSError:
                raise SnapshotChanged(self.path.name) from None
        return {name: self._read[name] for name in names}


def write_snapshot(
    path: Path,
    *,
    kind: str,
    program: str,
    positions: dict[str, JournalPosition],
    context: Any,
    sections: Mapping[str, bytes],
) -> None:
    table: dict[str, tuple[int, int, bytes]] = {}
    offset = 0
    for name, data in sections.items():
        table[name] = (offset, len(data), hashlib.sha256(data).digest())
        offset += len(data)
    header = msgspec.msgpack.encode(
        _Header(
            kind,
            program,
            {name: tuple(position) for name, position in positions.items()},
            {name: _modified_at(path.parent / name, position) for name, position in positions.items()},
            context,
            table,
        )
    )
    body = [MAGIC, _LENGTH.pack(len(header)), header, hashlib.sha256(header).digest(), *sections.values()]
    atomic_write_bytes(path, b"".join(body))


def _modified_at(path: Path, position: JournalPosition) -> int:
    """The journal's modification time when it ends exactly at ``position`` (0 when not: it has
    grown since the position was taken, and its time says nothing about that position)."""
    try:
        status = path.stat()
    except OSError:
        return 0
    return status.st_mtime_ns if status.st_size == position.size and file_id(status) == position.file_id else 0


def read_snapshot(path: Path, *, kind: str, program: str) -> Snapshot | None:
    """The snapshot's header when it is whole, of this kind and written by this program; else None."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(MAGIC) + _LENGTH.size)
            if len(head) != len(MAGIC) + _LENGTH.size or not head.startswith(MAGIC):
                return None
            (length,) = _LENGTH.unpack_from(head, len(MAGIC))
            header = handle.read(length)
            digest = handle.read(_DIGEST_SIZE)
    except OSError:
        return None
    if len(header) != length or hashlib.sha256(header).digest() != digest:
        return None
    try:
        decoded = msgspec.msgpack.decode(header, type=_Header)
    except msgspec.DecodeError:  # a foreign file that happens to carry the magic and a digest
        return None
    if decoded.kind != kind or decoded.program != program:
        return None
    positions = {name: JournalPosition(*position) for name, position in decoded.positions.items()}
    start = len(MAGIC) + _LENGTH.size + length + _DIGEST_SIZE
    return Snapshot(path, positions, decoded.modified, decoded.context, decoded.sections, start)


@dataclass(frozen=True)
class Growth:
    """What a journal gained since a position: its whole lines after it, and where it now ends."""

    tail: bytes
    position: JournalPosition

    def lines(self) -> list[bytes]:
        return self.tail.split(b"\n")[:-1]


def growth_since(path: Path, position: JournalPosition, modified: int = 0) -> Growth | None:
    """The lines appended to ``path`` since ``position``; None when the file cannot be proven to be
    the one it was then plus appended lines (replaced, cut short, gone, changed in a sampled
    window, or, at the same size as when ``modified`` was noted, modified since). See above."""
    if position.size == 0:  # nothing was known: whatever the file holds now is growth
        position = NO_FILE
    try:
        with open(path, "rb") as handle:
            status = os.fstat(handle.fileno())
            if position.size and (not position.file_id or file_id(status) != position.file_id):
                return None
            if modified and status.st_size == position.size and status.st_mtime_ns != modified:
                return None
            read = read_at(handle)
            if status.st_size < position.size or sample_digest(read, position.size) != position.sample:
                return None
            handle.seek(position.size)
            raw = handle.read()
            end = raw.rfind(b"\n") + 1  # a torn last line was never acknowledged: the journal ignores it too
            if not end:
                return Growth(b"", position)
            size = position.size + end
            return Growth(raw[:end], JournalPosition(size, file_id(status), sample_digest(read, size)))
    except FileNotFoundError:
        return Growth(b"", NO_FILE) if position.size == 0 else None
    except OSError:
        return None
