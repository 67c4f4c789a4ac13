"""The clean-close stamp: what lets an opening skip the checks that only a crash makes necessary.

A writer's opening looks for what a crash or a hand-made change can leave: temporary files in
visits/, sealed/ and evidence/ (a kill mid-write), an index that does not name exactly the visit
files (a folder copied in by hand, a stale index), and signed-off versions missing from the outbox
(a kill between sign-off and queueing). At 10,000 visits these cost ~35 ms of every start, for
nothing after a clean close. So a writer closing normally writes ``STAMP_FILE``: for each folder
those checks look at, and for the index and the outbox journals, what ``os.stat`` says of it (file
id, size, ``st_mtime_ns`` and the inode change time), and for each journal its ``JournalPosition``
(``store.journal``). The next writer reads the stamp and **removes it at once**, before anything
else, and skips the checks only when everything the stamp names is still exactly so.

Why this is safe; every doubt falls towards the full checks:
- *kill -9, a crash, a power cut during a session*: the stamp was removed when the session opened,
  so there is none; the next opening does the full checks. A change that failed half-way during
  the session (an exception from a write), or an exception out of ``with Store.open(...)``, and the
  closing writer writes none either. A power cut after the stamp was written
  may lose what was not fsynced before it (the page cache): a journal then ends elsewhere than the
  stamp says, a folder reverts to other times, and the checks run.
- *a temporary file left behind, a visit file added, removed or renamed by hand*: creating,
  removing or renaming an entry changes its folder's modification and change times (ext4, NTFS,
  APFS); the stamp no longer matches. A file system that does not update folder times is found
  out when the stamp is written (the data dir's own time must move with the stamp's rename into
  it) and gets no stamp.
- *a copy (``cp -a``, Explorer) or a restored backup*: new files and folders have new file ids.
  A backup copied back over the same folders with their times restored (``cp -a`` onto the data
  dir) keeps the folders' ids and modification times, but not, on POSIX, the inode change time,
  which no program can set back: that is what is compared there. Windows' ``os.stat`` gives no
  change time and the modification time stands in for it: a restore tool setting folder times
  back (``robocopy /DCOPY:T``) over the very folders, onto a data dir closed cleanly, is the one
  case left, and then only a visit file added after the backup goes unlisted until the next full
  check.
- *a journal appended to, cut, or replaced*: ``store.snapshot.growth_since`` proves it is the same
  file ending at the same place with the same sampled bytes, and its times are compared.
- *the same clock tick*: a change within the tick in which the stamp was written would leave the
  times as recorded; so every recorded time must be strictly older than the stamp's own, and the
  closing writer waits a few milliseconds for the next tick when needed (or writes no stamp).
- *a program that does not know the stamp* (an older version, a read-only command acting as the
  writer for a moment) changes what it names when it changes anything the checks look at.
- *a stamp damaged, foreign, of another format or schema version, or that cannot be removed*:
  ignored (it is removed when it can be); the full checks run. Writing one never fails a close.

The outbox: the stamp says whether the closing session knew every signed-off version in the index
to be in the outbox (``Store.outbox_complete``), which holds only together with the index and the
two outbox journals being as they were.

What a service kept for the next start (``Store.keep_at_close``: home's first frame) travels in the
stamp too, with every entry of the data dir itself (its small files and journals, as ``os.stat``
says of them): it is given back only when none of them changed, none came or went, and the
folders are as they were.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import msgspec

from inspector.store.atomic import atomic_write_bytes, is_temp_file
from inspector.store.journal import NO_FILE, JournalPosition, file_id, read_at, sample_digest
from inspector.store.snapshot import growth_since

STAMP_FILE = "clean-close.json"
UNWATCHED = frozenset({STAMP_FILE, "inspector.lock"})
"""Entries of the data dir that change without its data changing: the stamp, and the lock every
opening takes."""
KIND = "inspector clean close 1"
_LARGEST = 8 << 20
"""Bytes of a stamp read at most (one naming 256 evidence folders is ~25 KB, home's summary a few
KB more): a larger file is not ours, and what was kept is left out of a stamp rather than make it so."""
NEXT_TICK_WAITS = (0.002, 0.005, 0.01, 0.02)
"""Seconds waited, one after another, for a file time later than the last change recorded (ext4
keeps the kernel's tick, a few ms; NTFS the system timer's, ~16 ms); then no stamp."""


class Seen(msgspec.Struct, array_like=True, frozen=True):
    """What ``os.stat`` says of a folder or a file, as far as a change to it shows."""

    file_id: str
    size: int
    modified: int
    changed: int
    """The inode change time (POSIX), which nothing sets back; on Windows the modification time."""


class _Journal(msgspec.Struct, array_like=True, frozen=True):
    position: tuple[int, str, str]
    seen: Seen | None
    """None: the file did not exist."""


class _Stamp(msgspec.Struct, forbid_unknown_fields=True):
    kind: str
    schema_version: int
    folders: dict[str, Seen]
    journals: dict[str, _Journal]
    outbox_complete: bool
    root: dict[str, Seen]
    kept: bytes | None


_DECODER = msgspec.json.Decoder(_Stamp)


@dataclass(frozen=True)
class CleanClose:
    """What a stamp proved when the store opened (names relative to the data dir)."""

    folders: frozenset[str] = frozenset()
    """The folders the stamp named, when every one of them is as it was (else none)."""
    journals: frozenset[str] = frozenset()
    """The journals the stamp named that are as they were."""
    outbox_complete: bool = False
    """What the closing writer said of the outbox (``Store.outbox_complete``)."""
    kept: bytes | None = None
    """What the closing writer kept (``Store.keep_at_close``), when no entry of the data dir
    changed, came or went, and every folder named is as it was; else None."""


NOTHING = CleanClose()


def seen(status: os.stat_result) -> Seen:
    changed = status.st_mtime_ns if sys.platform == "win32" else status.st_ctime_ns
    return Seen(file_id(status), status.st_size, status.st_mtime_ns, changed)


def root_entries(root: Path) -> dict[str, Seen]:
    """Every entry of the data dir itself but ``UNWATCHED`` and temporary files, as ``os.stat``
    says of it (not ``DirEntry.stat``: on Windows it gives no file id)."""
    return {
        entry.name: seen(os.stat(entry.path))
        for entry in os.scandir(root)
        if entry.name not in UNWATCHED and not is_temp_file(Path(entry.name))
    }


def _journal_now(path: Path) -> _Journal | None:
    """The journal as it is (None when it ends in a torn line: the next opening repairs that)."""
    try:
        with open(path, "rb") as handle:
            status = os.fstat(handle.fileno())
            read = read_at(handle)
            if not status.st_size or read(status.st_size - 1, 1) != b"\n":
                return None
            position = JournalPosition(status.st_size, file_id(status), sample_digest(read, status.st_size))
            return _Journal(tuple(position), seen(status))
    except FileNotFoundError:
        return _Journal(tuple(NO_FILE), None)


def write_stamp(
    root: Path,
    *,
    schema_version: int,
    folders: Iterable[str],
    journals: Iterable[str],
    outbox_complete: bool,
    kept: tuple[bytes, dict[str, Seen]] | None,
) -> bool:
    """Write the stamp for these folders and journals (names relative to ``root``), by the writer
    closing, still holding the lock; False (and no stamp) when something cannot be vouched for.
    ``kept``: bytes to give the next opening, with ``root_entries`` when they were kept (dropped
    when an entry changed since)."""
    watched = {name: seen(os.stat(root / name)) for name in folders}
    ends = {name: _journal_now(root / name) for name in journals}
    entries = root_entries(root)
    recorded = [*watched.values(), *entries.values()]
    if any(not entry.file_id for entry in recorded) or any(end is None for end in ends.values()):
        return False
    data_kept = kept[0] if kept is not None and kept[1] == entries else None
    stamp = _Stamp(
        KIND, schema_version, watched, {k: v for k, v in ends.items() if v}, outbox_complete, entries, data_kept
    )
    data = msgspec.json.encode(stamp)
    if len(data) > _LARGEST:
        data = msgspec.json.encode(msgspec.structs.replace(stamp, kept=None))
    newest = max((entry.changed for entry in recorded), default=0)
    path = root / STAMP_FILE
    try:
        for wait in (0, *NEXT_TICK_WAITS):
            time.sleep(wait)
            atomic_write_bytes(path, data)
            status = os.stat(path)
            # renamed into root after it was written: root's time must have moved past its writing
            if seen(os.stat(root)).changed < status.st_mtime_ns:
                break
            if seen(status).changed > newest:
                return True
    except BaseException:
        with suppress(OSError):  # what stopped the writing is what the caller hears of
            path.unlink(missing_ok=True)
        raise
    path.unlink(missing_ok=True)
    return False


def take_stamp(root: Path, *, schema_version: int) -> CleanClose:
    """Read the stamp and remove it, then say what it still proves (``NOTHING`` when in doubt)."""
    path = root / STAMP_FILE
    try:
        with open(path, "rb") as handle:
            written = seen(os.fstat(handle.fileno())).changed
            raw = handle.read(_LARGEST + 1)
    except OSError:  # none (the usual case after a crash), or a folder of that name, or unreadable
        return NOTHING
    try:
        path.unlink()
    except OSError:  # a stamp left in place would outlive a crash of this session
        return NOTHING
    try:
        stamp = _DECODER.decode(raw)
    except msgspec.MsgspecError:
        return NOTHING
    if stamp.kind != KIND or stamp.schema_version != schema_version:
        return NOTHING
    folders = all(_still(root / name, entry, written) for name, entry in stamp.folders.items())
    journals = {name for name, entry in stamp.journals.items() if _journal_still(root / name, entry, written)}
    unchanged = folders and journals == set(stamp.journals)
    kept = stamp.kept if stamp.kept is not None and unchanged and _root_still(root, stamp, written) else None
    return CleanClose(frozenset(stamp.folders if folders else ()), frozenset(journals), stamp.outbox_complete, kept)


def _root_still(root: Path, stamp: _Stamp, written: int) -> bool:
    """Whether the data dir's own entries are those the stamp names, each as it was."""
    try:
        entries = root_entries(root)
    except OSError:  # an entry gone while looked at
        return False
    return entries.keys() == stamp.root.keys() and all(
        _still(root / name, stamp.root[name], written) for name in entries
    )


def _still(path: Path, entry: Seen | None, written: int) -> bool:
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return entry is None
    except OSError:
        return False
    return entry is not None and bool(entry.file_id) and entry.changed < written and seen(status) == entry


def _journal_still(path: Path, entry: _Journal, written: int) -> bool:
    if not _still(path, entry.seen, written):
        return False
    if entry.seen is None:
        return True
    position = JournalPosition(*entry.position)
    growth = growth_since(path, position, entry.seen.modified)
    return growth is not None and growth.tail == b"" and growth.position == position
