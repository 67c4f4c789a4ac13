"""A keyed, append-only JSON Lines file: what grows with history costs an append, not a rewrite.

The store's whole-file JSON tables (the visit index, the outbox, the rectification events and
their index) were rewritten on every change, so one change cost more the more history there was
(at 10,000 visits a feedback rewrote megabytes). A journal appends one line per change instead::

    {"journal": "index", "format": 1}          the header, written with the file
    {"uuid": "…", …}                            a record; a later line with the same key wins
    {"uuid": "…", "_gone": true}               the key is dropped

Each append is one ``write`` of whole lines followed by ``fsync``: it is acknowledged only once
on disk. A crash mid-append can only leave a torn last line (no newline at the end): that line
was never acknowledged, so it is ignored on reading and cut off before the next append. A
damaged line elsewhere (the disk, an editor) is skipped and reported; the rest stays usable.

When superseded lines outnumber the live records, ``compact`` rewrites the file with one line per
live record in one atomic write (temporary file, fsync, rename): the cost of a rewrite is spread
over as many appends as there are records, so it stays constant per change. A file missing its
header (an empty or cut file, or another program's) is not a journal: ``JournalDamaged``.

A journal is only ever appended to, or replaced whole by an atomic write (a new file): so where
the records read or written end (``Journal.end``, a ``JournalPosition``) names which file and how
far, with samples of its bytes, and a cache derived from the records can later tell from a few
reads whether the file has only grown since (``store.snapshot.growth_since``).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import msgspec

from inspector.store.atomic import atomic_write_bytes
from inspector.store.errors import UnreadableFile

FORMAT = 1
GONE = "_gone"
_COMPACT_SLACK = 64
"""Superseded lines tolerated beyond the live count before a rewrite (small files stay put)."""


class JournalPosition(NamedTuple):
    """A point in a journal file: its first ``size`` bytes (whole lines), which file they are in
    (``file_id``: the volume and file number, ``os.stat``'s ``st_dev`` and ``st_ino``, which Windows
    fills from the volume serial and the file index) and a digest of samples of those bytes
    (``sample_digest``). Together they let a later reader prove cheaply that the file has only
    grown since (``growth_since`` in ``store.snapshot``), without hashing what it already knew."""

    size: int
    file_id: str
    sample: str


SAMPLE_WINDOW = 4096
SAMPLE_WINDOWS = 8
"""Bytes sampled from a journal's prefix to recognise it: 8 windows of 4 KiB, the last one ending
where the prefix ends (so it covers the lines appended last), the others spread evenly from the
header on; 32 KiB read at most, whatever the file's size."""


def sample_spans(size: int) -> list[tuple[int, int]]:
    """The (offset, length) windows of the first ``size`` bytes that ``sample_digest`` reads."""
    if size <= SAMPLE_WINDOW * SAMPLE_WINDOWS:
        return [(0, size)]
    step = (size - SAMPLE_WINDOW) // (SAMPLE_WINDOWS - 1)
    return [(n * step, SAMPLE_WINDOW) for n in range(SAMPLE_WINDOWS - 1)] + [(size - SAMPLE_WINDOW, SAMPLE_WINDOW)]


def sample_digest(read: Callable[[int, int], bytes], size: int) -> str:
    """SHA-256 of the size and the windows of ``sample_spans``, read with ``read(offset, length)``."""
    digest = hashlib.sha256(str(size).encode())
    for offset, length in sample_spans(size):
        digest.update(read(offset, length))
    return digest.hexdigest()


def file_id(status: os.stat_result) -> str:
    """Which file this is on its volume; "" where the file system gives no number (then no position
    taken in it is ever proven again: what was derived from it is derived anew)."""
    return f"{status.st_dev}:{status.st_ino}" if status.st_ino else ""


def read_at(handle: BinaryIO) -> Callable[[int, int], bytes]:
    def read(offset: int, length: int) -> bytes:
        handle.seek(offset)
        return handle.read(length)

    return read


NO_FILE = JournalPosition(0, "", sample_digest(lambda offset, length: b"", 0))
"""The position in a journal that does not exist: nothing, which any file starts with."""


class JournalDamaged(UnreadableFile):
    """The file is not a journal of this kind: no header (empty, cut at the start, or foreign)."""


def encode_line(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


class Journal:
    """The records of one journal file by key, read once and kept in memory by the one writer.

    ``key`` names a record's key field. Readers (read-only stores) read the file as it is and
    never repair it; the writer cuts a torn tail before appending. A journal that is not
    ``compactable`` (an archive, the events) is only ever appended to, and may be appended to
    without being read.
    """

    def __init__(self, path: Path, name: str, key: str, *, readonly: bool, compactable: bool = True) -> None:
        self.path = path
        self.name = name
        self.key = key
        self.readonly = readonly
        self.compactable = compactable
        self.on_compact: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None
        """Takes the live records before a compaction and returns those the rewrite keeps."""
        self.moves_out: Callable[[dict[str, Any]], bool] = lambda record: False
        """Records that ``on_compact`` moves elsewhere: they count as superseded lines."""
        self._kept = 0
        self._records: dict[str, dict[str, Any]] | None = None
        self._last: dict[str, Any] | None = None
        self._lines = 0
        self._good_size: int | None = None
        self.skipped: list[int] = []
        """Line numbers that did not parse (not the torn tail), for the store to report."""
        self.version = 0
        """Counts the changes this object has seen (appends, rewrites, corrections in memory)."""
        self.end: JournalPosition | None = None
        """Where the file ended when this object last read, wrote or appended to it."""
        self._in_step = False
        """Whether the records are exactly what the file says up to ``end`` (not once corrected in
        memory, nor when appended to without being read): see ``position``."""
        self.memo: dict[str, Any] = {}
        """What a user of the journal derived from its records, to check against them by identity
        (a record is replaced, never changed in place, so the same object means the same record)."""

    # -- reading -------------------------------------------------------------------------------

    def exists(self) -> bool:
        return self.path.exists()

    def records(self) -> dict[str, dict[str, Any]]:
        """Every live record by key (the storage's own dicts: do not change them)."""
        if self._records is None:
            self._load()
        assert self._records is not None
        return self._records

    def get(self, key: str) -> dict[str, Any] | None:
        return self.records().get(key)

    def last_record(self) -> dict[str, Any] | None:
        """The last line written (a record or a drop), for checking what a crash may have cut short."""
        return self._last

    def position(self) -> JournalPosition | None:
        """How far into the file the records in memory reach (with what proves it later); None
        when they are not what the file says (corrected in memory, started empty over a damaged
        file, never read). A cache derived from the records (``store.snapshot``) keeps this to
        tell later whether the file has only grown since."""
        return self.end if self._in_step and self._records is not None else None

    @property
    def loaded(self) -> bool:
        return self._records is not None

    def start_empty(self) -> None:
        """Hold no records without reading the file (a reader facing a missing or damaged file)."""
        self._records, self._last, self._lines, self._kept = {}, None, 0, 0
        self._in_step = False
        self.version += 1

    def _load(self) -> None:
        try:
            with open(self.path, "rb") as handle:
                status = os.fstat(handle.fileno())  # of the very bytes read, even if replaced meanwhile
                raw = handle.read()
        except FileNotFoundError:
            self.start_empty()
            self.end, self._in_step = NO_FILE, True  # no file: no records is exactly what it says
            return
        end = raw.rfind(b"\n") + 1  # a torn last line (no newline yet) was never acknowledged
        lines = raw[:end].split(b"\n")[:-1]
        if not lines or not is_header(lines[0], self.name):
            raise JournalDamaged(self.path, f"not a '{self.name}' journal (no header line)")
        records: dict[str, dict[str, Any]] = {}
        last: dict[str, Any] | None = None
        self.skipped = []
        for number, record in enumerate(_parsed(lines[1:]), start=2):
            try:
                key = record[self.key]
            except (TypeError, KeyError):
                self.skipped.append(number)
                continue
            last = record
            if record.get(GONE):
                records.pop(key, None)
            else:
                records[key] = record
        self._records = records
        self._last = last
        self._lines = len(lines) - 1
        self._good_size = end
        self.end = JournalPosition(end, file_id(status), sample_digest(_slicer(raw), end))
        self._in_step = True
        self._kept = sum(1 for record in records.values() if not self.moves_out(record))
        self.version += 1

    # -- writing -------------------------------------------------------------------------------

    def create(self, records: Iterable[dict[str, Any]] = ()) -> None:
        """Write the journal anew with these records, in one atomic write (a rebuild, a compaction)."""
        self._require_writable()
        kept = {record[self.key]: record for record in records}
        data = b"".join([encode_line({"journal": self.name, "format": FORMAT}), *map(encode_line, kept.values())])
        atomic_write_bytes(self.path, data)
        self._records = kept
        self._last = next(reversed(kept.values()), None)
        self._lines = len(kept)
        self._kept = sum(1 for record in kept.values() if not self.moves_out(record))
        self._good_size = len(data)
        self.end = JournalPosition(len(data), file_id(self.path.stat()), sample_digest(_slicer(data), len(data)))
        self._in_step = True
        self.skipped = []

    def append(self, records: Iterable[dict[str, Any]]) -> None:
        """Add records (or drops: ``{key: …, "_gone": True}``) in one write and one fsync."""
        self._require_writable()
        batch = list(records)
        if not batch:
            return
        if not self.path.exists():
            self.create()
        if self._good_size is None:
            self._good_size = whole_lines_size(self.path)
            self._in_step = False  # appended to without being read: what comes before is unknown
        data = b"".join(map(encode_line, batch))
        if self._good_size == 0:  # cut before its header was whole: the header goes first again
            data = encode_line({"journal": self.name, "format": FORMAT}) + data
        with open(self.path, "r+b") as handle:
            # cut a torn tail left by a crash, so that the new lines start on a line of their own
            # (only then: a truncate is a change of the file's size for the fsync to write too)
            if handle.seek(0, os.SEEK_END) != self._good_size:
                handle.truncate(self._good_size)
            handle.seek(self._good_size)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            self._good_size += len(data)
            self.end = JournalPosition(
                self._good_size, file_id(os.fstat(handle.fileno())), sample_digest(read_at(handle), self._good_size)
            )
        self._lines += len(batch)
        self._last = batch[-1]
        self.version += 1
        current = self._records
        if current is None:
            return
        for record in batch:
            before = current.pop(record[self.key], None)
            if before is not None and not self.moves_out(before):
                self._kept -= 1
            if not record.get(GONE):
                current[record[self.key]] = record
                self._kept += not self.moves_out(record)
        # a rewrite costs as many lines as it keeps; doing it when the lines it drops are as many
        # again keeps the cost per change constant
        if self.compactable and self._lines > 2 * self._kept + _COMPACT_SLACK:
            self.compact()

    def patch_in_memory(self, key: str, record: dict[str, Any] | None) -> None:
        """Correct what a read-only reader holds (a record, or None to drop it); the file is left alone."""
        current = self.records()
        if record is None:
            current.pop(key, None)
        else:
            current[key] = record
        self._in_step = False
        self.version += 1

    def drop(self, keys: Iterable[str]) -> None:
        self.append({self.key: key, GONE: True} for key in keys)

    def compact(self) -> None:
        """Rewrite with one line per live record (after ``on_compact`` has taken what it moves out).

        The record appended last stays the last line: a reader checks what a crash may have cut
        short by the last line (the visit index's intent comes before its visit file)."""
        current = self.records()
        last = self._last
        records = [record for record in current.values() if record is not last]
        if last is not None and current.get(last[self.key]) is last:
            records.append(last)
        self.create(self.on_compact(records) if self.on_compact else records)

    def _require_writable(self) -> None:
        if self.readonly:
            raise PermissionError(f"{self.path} is open read-only")


@contextmanager
def many_new_objects() -> Iterator[None]:
    """Around the making of a great many objects that hold no cycles (parsed JSON, decoded views):
    the cyclic collector, left on, would go through all of them several times while they are
    made (half the time of parsing a 26 MB journal), for nothing; refcounting frees them. After,
    they go straight into its oldest generation (``freeze`` then ``unfreeze``), which it goes
    through only rarely, rather than through the young ones first."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if collecting:
            gc.enable()


def _parsed(lines: list[bytes]) -> list[Any]:
    """Each line's JSON (None for a line that does not parse). The lines are parsed as one JSON
    array, several times faster than line by line, by msgspec (another 40% faster than the
    standard library, the same values); only when that fails, one by one."""
    try:
        with many_new_objects():
            parsed = msgspec.json.decode(b"[" + b",".join(lines) + b"]")
        if len(parsed) == len(lines):
            return parsed
    except (msgspec.DecodeError, ValueError):
        pass
    return [_parsed_line(line) for line in lines]


def _parsed_line(line: bytes) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return None


def _slicer(data: bytes) -> Callable[[int, int], bytes]:
    return lambda offset, length: data[offset : offset + length]


def whole_lines_size(path: Path) -> int:
    """The length of the file up to its last newline: what a torn write left after it is cut."""
    with open(path, "rb") as handle:
        end = handle.seek(0, os.SEEK_END)
        while end > 0:
            start = max(0, end - 65536)
            handle.seek(start)
            chunk = handle.read(end - start)
            newline = chunk.rfind(b"\n")
            if newline >= 0:
                return start + newline + 1
            end = start
    return 0


def is_header(line: bytes, name: str) -> bool:
    try:
        header = json.loads(line)
    except ValueError:
        return False
    return isinstance(header, dict) and header.get("journal") == name and header.get("format") == FORMAT
