"""A cache file of what was derived from journals, trusted only for the very bytes it came from.

Folding every rectification's events costs seconds at 10,000 visits, and every command is a new
process. A snapshot keeps the result beside the journals, with each journal's ``JournalPosition``
(how many bytes of whole lines it reflects and their SHA-256) and whatever else it depended on
(``context``). A journal only ever grows by appended lines, or is replaced whole (a compaction,
a rebuild, a restore, a copy from elsewhere); so when a file's first ``size`` bytes still hash
the same, what it says now is what it said then plus the lines after (``growth_since``), and a
user of the snapshot folds only those. Anything else (a different digest, a shorter file, a
snapshot of another kind or program, a damaged or cut snapshot) makes ``read_snapshot`` or
``growth_since`` answer None, and the user derives everything again from the journals: the
snapshot is a cache, never a source of truth, so losing it only costs time.

The file: ``MAGIC``, then one MessagePack map (kind, program, positions, context, payload), then
the SHA-256 of that map. It is written like every file that matters (``atomic_write_bytes``:
temporary file, fsync, replace; on Windows MoveFileEx with write-through), so a crash leaves the
old snapshot or the new one; a torn or damaged one fails its digest and is ignored. Hashing the
journals costs ~10 ms per 20 MB (SHA-256 in OpenSSL), far below parsing them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from inspector.store.atomic import atomic_write_bytes
from inspector.store.journal import JournalPosition

MAGIC = b"inspector-snapshot 1\n"
_DIGEST_SIZE = 32


class _Body(msgspec.Struct):
    kind: str
    program: str
    positions: dict[str, tuple[int, str]]
    context: Any
    payload: bytes


@dataclass(frozen=True)
class Snapshot:
    positions: dict[str, JournalPosition]
    context: Any
    payload: bytes


def write_snapshot(
    path: Path, *, kind: str, program: str, positions: dict[str, JournalPosition], context: Any, payload: bytes
) -> None:
    body = msgspec.msgpack.encode(
        _Body(kind, program, {name: tuple(position) for name, position in positions.items()}, context, payload)
    )
    atomic_write_bytes(path, MAGIC + body + hashlib.sha256(body).digest())


def read_snapshot(path: Path, *, kind: str, program: str) -> Snapshot | None:
    """The snapshot at ``path`` when it is whole, of this kind and written by this program; else None."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    body = memoryview(raw)[len(MAGIC) : -_DIGEST_SIZE]
    if not raw.startswith(MAGIC) or len(raw) < len(MAGIC) + _DIGEST_SIZE:
        return None
    if hashlib.sha256(body).digest() != raw[-_DIGEST_SIZE:]:
        return None
    try:
        decoded = msgspec.msgpack.decode(body, type=_Body)
    except msgspec.DecodeError:  # a foreign file that happens to carry the magic and a digest
        return None
    if decoded.kind != kind or decoded.program != program:
        return None
    positions = {name: JournalPosition(*position) for name, position in decoded.positions.items()}
    return Snapshot(positions, decoded.context, decoded.payload)


@dataclass(frozen=True)
class Growth:
    """What a journal gained since a position: its whole lines after it, and where it now ends."""

    tail: bytes
    position: JournalPosition

    def lines(self) -> list[bytes]:
        return self.tail.split(b"\n")[:-1]


def growth_since(path: Path, position: JournalPosition) -> Growth | None:
    """The lines appended to ``path`` since ``position``; None when the file is no longer the one
    it was then plus appended lines (rewritten, replaced, cut short, gone)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raw = b""
    end = raw.rfind(b"\n") + 1  # a torn last line was never acknowledged: the journal ignores it too
    if end < position.size:
        return None
    view = memoryview(raw)
    digest = hashlib.sha256(view[: position.size])
    if digest.hexdigest() != position.sha256:
        return None
    digest.update(view[position.size : end])
    return Growth(raw[position.size : end], JournalPosition(end, digest.hexdigest()))
