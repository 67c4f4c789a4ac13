"""The laptop's store: one data dir, one writer, nothing lost on kill -9 or a power cut.

Layout of a data dir::

    meta.json               which program and schema version wrote it
    inspector.lock          held by the one program writing here
    index.jsonl             a summary of every visit, a journal (rebuilt from visits/ when in doubt)
    visits/<uuid>.json      one file per visit, so saving an answer costs the same at 10 or 10,000 visits
    sealed/<uuid>.v<N>.json the canonical bytes of each signed-off version, frozen, what sync uploads
    register.json           the site register (and superseded rows)
    checklists.json         checklists received from the bureau
    outbox.jsonl            what waits to be uploaded, and the latest receipts: a journal
    outbox-sent.jsonl       what the server acknowledged, moved out of the outbox: appended only
    rectification-events.jsonl  rectification events (feedback, re-inspection, closing): appended only
    rectification-index.jsonl   each signed-off visit's rectifications, kept up to date from the seals
    rectification-views.snapshot  every rectification folded, a cache (``snapshot``): deleting it loses nothing
    sync.json               the server login and the change feed's checkpoint
    clean-close.json        left by a writer closing normally, removed by the next: its checks skipped (``stamp``)
    counters.json           numbers handed out (document numbers): append-only
    settings.json           remembered team, language, server
    evidence/ab/<sha256>    photos and scans under their hash
    damaged/                files that could not be read, moved aside, never overwritten

Small files that change rarely are UTF-8 JSON written whole with ``atomic_write_bytes``. What
grows with the years (the index, the outbox, the rectifications) is a ``Journal``: a change is
one appended line and one fsync, and the file is rewritten (atomically) only when superseded
lines outnumber the live ones, so no action costs more because there is more history.

The rules of a visit, a site and a checklist (``core.visits`` and what it holds) are imported by the
methods that read or write one: the app's first frame reads only the index's rows
(``core.visit_summary``), and importing those rules took a tenth of its start.
"""

from __future__ import annotations

import hashlib
import heapq
import os
import uuid as uuid_module
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
from filelock import FileLock, Timeout
from tinydb import Query, TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document

from inspector.core.clock import now
from inspector.core.visit_summary import VisitSummary
from inspector.core.vocabulary import VisitStatus
from inspector.store.atomic import (
    atomic_write_bytes,
    durable_replace,
    is_temp_file,
    temp_path_for,
    write_new_file,
)
from inspector.store.errors import DataDirLocked, StoreError, UnreadableFile
from inspector.store.journal import GONE, Journal, JournalDamaged, JournalPosition, file_id, whole_lines_size
from inspector.store.migrations import INDEX_FILE, OUTBOX_ARCHIVE, OUTBOX_FILE, REBUILD_MARKER, SCHEMA_VERSION, migrate
from inspector.store.stamp import Seen, root_entries, take_stamp, write_stamp
from inspector.store.tinydb_storage import AtomicJSONStorage, decode, encode

if TYPE_CHECKING:  # imported where a visit, a site or a checklist is read or written (module docstring)
    from inspector.core.checklists import Checklist
    from inspector.core.sites import Site
    from inspector.core.visits import Evidence, FrozenChecklist, Visit

APP_NAME = "inspector"
SINGLE = 1
"""The doc id of tables that hold one document (a visit's file, the settings)."""

_SMALL_FILES = (
    "register.json",
    "checklists.json",
    "counters.json",
    "settings.json",
)
_FOLDERS = ("visits", "sealed", "evidence", "damaged")
_COPY_CHUNK = 1024 * 1024
_VISITS_KEPT = 16
"""Visits kept parsed in memory (the one being recorded, and a few more): a listing over
thousands reads each once and keeps none."""
_CHECKLISTS_KEPT = 64
"""Frozen checklists kept parsed while visits are read one by one (a county has a few dozen)."""
_VISIT_FILE = msgspec.json.Decoder(dict[str, dict[str, dict[str, msgspec.Raw]]])
"""A visit file down to its visit's members, each left as written (``Store.iter_visits``)."""


@dataclass(frozen=True)
class StoreProblem:
    """Something found wrong when opening, already dealt with; shown to the user once."""

    code: str
    path: str
    moved_to: str = ""
    reason: str = ""


class Store:
    """All reading and writing of a data dir. Open with ``Store.open``; close when done."""

    def __init__(self, root: Path, *, readonly: bool, lock: FileLock | None) -> None:
        self.root = root
        self.readonly = readonly
        self._lock = lock
        self._dbs: dict[str, TinyDB] = {}
        self._journals: dict[str, Journal] = {}
        self._visits: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._checklists: dict[bytes, FrozenChecklist] = {}
        self._summaries: list[VisitSummary] | None = None
        self.problems: list[StoreProblem] = []
        self.memo: dict[str, Any] = {}
        """What services derived from the files during this opening, kept for their next call."""
        self.kept_at_open: bytes | None = None
        """What the last clean close kept (``keep_at_close``), when nothing in the folder changed since."""
        self._keep: bytes | None = None
        self._kept_over: dict[str, Seen] = {}
        """The data dir's own entries when ``_keep`` was kept: it is dropped when one changed by the close."""
        self.closed_cleanly = False
        """Whether this writer found, on opening, everything as the last writer left it closing
        normally (``store.stamp``): the checks for what a crash leaves were skipped."""
        self._outbox_vouched = False
        self._unqueued: dict[str, int] = {}
        """Versions signed off (uuid: version) during this opening whose outbox entry was not seen written."""
        self._in_doubt = False
        """A change to the visits, the sealed bytes, the evidence or the index failed half-way."""

    # -- opening and closing -------------------------------------------------------------------

    @classmethod
    def open(cls, root: Path, *, readonly: bool = False) -> Store:
        """Open (and on first use create) a data dir.

        Raises ``DataDirLocked`` when another program writes to it, and ``StoreError`` when the
        folder belongs to something else or to a newer version of this program. Damaged files
        are moved aside and listed in ``problems``; everything else stays usable.
        """
        root = Path(root)
        if readonly:
            if not (root / "meta.json").exists():
                raise StoreError("no_data", root)
            store = cls(root, readonly=True, lock=None)
            # a folder last written by an older version is upgraded once, by whoever may write
            if store._check_meta() < SCHEMA_VERSION and not store.as_writer(store._upgrade):
                raise StoreError("needs_upgrade", root)
            store._visit_index()
            return store
        root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(root / "inspector.lock", timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise DataDirLocked(root) from None
        except NotImplementedError:  # filelock: a file system without locks (some network shares)
            raise StoreError("cannot_lock", root) from None
        store = cls(root, readonly=False, lock=lock)
        try:
            store._prepare()
        except BaseException:
            lock.release()
            raise
        return store

    def close(self, *, cleanly: bool = True) -> None:
        """Close; a writer closing ``cleanly`` leaves the clean-close stamp for the next opening,
        unless a change of this opening failed half-way (what a crash leaves may be there)."""
        for db in self._dbs.values():
            db.close()
        self._dbs.clear()
        self._journals.clear()
        self._visits.clear()
        self._summaries = None
        if self._lock is not None:
            if cleanly and not self._in_doubt:
                self._stamp_clean_close()
            self._lock.release()
            self._lock = None

    def keep_at_close(self, data: bytes) -> None:
        """Keep ``data`` (what a service derived from the files) for the next opening, if this one
        closes cleanly: it is ``kept_at_open`` then, as long as nothing in the folder changed."""
        self._keep = data
        self._kept_over = root_entries(self.root)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        """An exception leaving the ``with`` is not a clean close: it tears no file, but it may have
        stopped a service between two of its writes in ways the store cannot see (a sign-off's
        frozen bytes written, its outbox entry not), and the full checks at the next start cost
        a few dozen milliseconds once."""
        self.close(cleanly=kind is None)

    def _stamp_clean_close(self) -> None:
        """Still holding the lock, after every write of this opening. Never fails the close: without
        a stamp the next opening only checks everything."""
        with suppress(OSError):
            write_stamp(
                self.root,
                schema_version=SCHEMA_VERSION,
                folders=[folder.relative_to(self.root).as_posix() for folder in self._swept_folders()],
                journals=(INDEX_FILE, OUTBOX_FILE, OUTBOX_ARCHIVE),
                outbox_complete=self.outbox_complete,
                kept=None if self._keep is None else (self._keep, self._kept_over),
            )

    def _take_stamp(self, version: int) -> None:
        """Read and remove the stamp (before anything of this opening writes), and note what it
        proves: nothing for a data dir of another schema ``version`` (meta.json's) than the stamp's."""
        proof = take_stamp(self.root, schema_version=version)
        self.closed_cleanly = set(_FOLDERS) <= proof.folders and INDEX_FILE in proof.journals
        self._outbox_vouched = (
            self.closed_cleanly and proof.outbox_complete and {OUTBOX_FILE, OUTBOX_ARCHIVE} <= proof.journals
        )
        self.kept_at_open = proof.kept if self.closed_cleanly else None

    @contextmanager
    def _changing(self) -> Iterator[None]:
        """Around a change to what the checks of an opening look at (the visit files and the index,
        the sealed bytes, the evidence, damaged/): one that fails half-way leaves no stamp."""
        try:
            yield
        except BaseException:
            self._in_doubt = True
            raise

    def _prepare(self) -> None:
        meta_path = self.root / "meta.json"
        if not meta_path.exists():
            strangers = [p.name for p in self.root.iterdir() if p.name != "inspector.lock"]
            if strangers:
                raise StoreError("foreign_dir", self.root, example=sorted(strangers)[0])
            for folder in _FOLDERS:
                (self.root / folder).mkdir(exist_ok=True)
            self._write_meta(SCHEMA_VERSION)
        self._take_stamp(self._check_meta())
        for folder in _FOLDERS:
            (self.root / folder).mkdir(exist_ok=True)
        self._sweep_temp_files()
        self._upgrade()
        for name in _SMALL_FILES:
            self.db(name)
        if not self.closed_cleanly:
            self._visit_index()
        # else it is read when first needed: after a clean close nothing needs repairing, and the app's
        # first frame is drawn from what the close kept (``kept_at_open``) without it (~25 ms at 10,000)

    def _upgrade(self) -> None:
        version = self._check_meta()
        if version < SCHEMA_VERSION:
            migrate(self.root, version)
            self._write_meta(SCHEMA_VERSION)

    def as_writer(self, action: Callable[[], object]) -> bool:
        """Run ``action`` as the writer when nobody else is (a read-only command finding the index
        missing or a visit damaged deals with it once, rather than on every run); False when the
        data dir is held by another program, which then deals with it itself."""
        if not self.readonly:
            action()
            return True
        lock = FileLock(self.root / "inspector.lock", timeout=0)
        try:
            lock.acquire()
        except Timeout:
            return False
        self.readonly = False
        for journal in self._journals.values():
            journal.readonly = False
        try:
            action()
        finally:
            self.readonly = True
            for journal in self._journals.values():
                journal.readonly = True
            lock.release()
        return True

    def _check_meta(self) -> int:
        meta_path = self.root / "meta.json"
        try:
            meta = decode(meta_path, meta_path.read_bytes())
        except UnreadableFile as error:
            raise StoreError("bad_meta", meta_path, reason=error.reason) from None
        if meta.get("app") != APP_NAME:
            raise StoreError("foreign_dir", self.root, example="meta.json")
        version = meta.get("schema_version")
        if not isinstance(version, int) or version < 1:
            raise StoreError("bad_meta", meta_path, reason=f"schema_version={version!r}")
        if version > SCHEMA_VERSION:
            raise StoreError("newer_schema", meta_path, found=version, supported=SCHEMA_VERSION)
        return version

    def _write_meta(self, version: int) -> None:
        atomic_write_bytes(
            self.root / "meta.json",
            encode({"app": APP_NAME, "schema_version": version}),
        )

    def _swept_folders(self) -> list[Path]:
        """The folders holding what grows with history, where a crash may leave temporary files."""
        folders = [self.root / name for name in _FOLDERS]
        return folders + [p for p in (self.root / "evidence").iterdir() if p.is_dir()]

    def _sweep_temp_files(self) -> None:
        """Remove what a crash left mid-write: in the data dir itself always (a few dozen entries),
        in the folders that grow with history unless the last writer closed cleanly since."""
        for folder in [self.root] if self.closed_cleanly else [self.root, *self._swept_folders()]:
            for entry in os.scandir(folder):
                # the name first: tens of thousands of visit and sealed files are looked at here
                if entry.name.startswith(".") and is_temp_file(Path(entry.path)) and entry.is_file():
                    Path(entry.path).unlink(missing_ok=True)

    def _set_aside(self, path: Path, error: UnreadableFile, *, copy: bool = False) -> StoreProblem:
        """Move (or ``copy``) a damaged file into damaged/ under a new name; never overwritten or deleted."""
        stamp = now().strftime("%Y%m%dT%H%M%S")
        moved_to = self.root / "damaged" / f"{path.name}.{stamp}"
        counter = 1
        while moved_to.exists():
            counter += 1
            moved_to = self.root / "damaged" / f"{path.name}.{stamp}.{counter}"
        if self.readonly:
            problem = StoreProblem("unreadable", str(path), "", error.reason)
        else:
            with self._changing():
                if copy:
                    atomic_write_bytes(moved_to, path.read_bytes())
                else:
                    os.replace(path, moved_to)
            problem = StoreProblem("unreadable", str(path), str(moved_to), error.reason)
        self.problems.append(problem)
        return problem

    def db(self, name: str) -> TinyDB:
        """A small TinyDB file of this data dir (e.g. "sync.json"), written atomically.

        Adapters keep their own small files this way (one file per concern); what grows with
        history belongs in a ``journal``. A file that does not parse is moved aside and replaced
        by an empty one, and the problem is recorded.
        """
        db = self._dbs.get(name)
        if db is None:
            path = self.root / name
            db = TinyDB(path, storage=AtomicJSONStorage, readonly=self.readonly)
            try:
                db.storage.read()
            except UnreadableFile as error:
                self._set_aside(path, error)
                db = TinyDB(storage=MemoryStorage) if self.readonly else TinyDB(path, storage=AtomicJSONStorage)
            self._dbs[name] = db
        return db

    def journal(
        self,
        name: str,
        key: str,
        *,
        compactable: bool = True,
        moves_out: Callable[[dict[str, Any]], bool] | None = None,
    ) -> Journal:
        """A journal file of this data dir (e.g. "rectification-events.jsonl"), records keyed by ``key``.

        A file that is not a journal is moved aside and the journal starts empty; lines that do
        not parse are skipped, the file copied aside for the record, and (when writing) the
        journal rewritten without them. Either is recorded in ``problems``.
        """
        journal = self._journals.get(name)
        if journal is None:
            path = self.root / name
            journal = Journal(path, name.removesuffix(".jsonl"), key, readonly=self.readonly, compactable=compactable)
            if moves_out is not None:
                journal.moves_out = moves_out
            try:
                journal.records()
            except JournalDamaged as error:
                self._set_aside(path, error)
                journal.start_empty()
            if journal.skipped:
                lines = ", ".join(map(str, journal.skipped[:5]))
                self._set_aside(path, UnreadableFile(path, f"lines {lines} do not parse"), copy=True)
                if not self.readonly:
                    journal.compact()
            self._journals[name] = journal
        return journal

    def loaded_journal(self, name: str) -> Journal | None:
        """The journal when this opening has read it already (never reads it)."""
        return self._journals.get(name)

    def append_to_journal(
        self, name: str, key: str, records: list[dict[str, Any]], *, ending_at: JournalPosition
    ) -> JournalPosition | None:
        """Append records to a journal without reading it (a cache brought forward by a few lines
        must not parse years of them), only when the file still ends at ``ending_at``: the caller
        then knows every line up to the new end, which is returned. None (nothing written) when
        the file ends elsewhere or is another file now."""
        self._require_writable()
        path = self.root / name
        try:
            status = path.stat()
        except FileNotFoundError:
            return None
        if file_id(status) != ending_at.file_id or whole_lines_size(path) != ending_at.size:
            return None
        journal = self._appendable(name, key)
        journal.append(records)
        return journal.end

    def _appendable(self, name: str, key: str) -> Journal:
        """The journal to append to: the one this opening read already (its records kept up to
        date), else one that appends without reading the file, which a later reading finds whole.
        Compacting waits for a writer that has read it."""
        return self._journals.get(name) or Journal(self.root / name, name.removesuffix(".jsonl"), key, readonly=False)

    def _replace_whole(self, name: str, data: dict[str, Any]) -> None:
        """Write several tables of one file in a single atomic write (all or nothing).

        TinyDB writes once per table operation; this goes to the storage directly, then drops
        the TinyDB object so that its tables' caches are read afresh.
        """
        db = self._dbs.pop(name, None) or TinyDB(self.root / name, storage=AtomicJSONStorage)
        db.storage.write(data)
        db.close()

    def _require_writable(self) -> None:
        if self.readonly:
            raise StoreError("readonly", self.root)

    # -- visits --------------------------------------------------------------------------------

    def _visit_path(self, uuid: str) -> Path:
        return self.root / "visits" / f"{uuid}.json"

    def visit_file(self, uuid: str) -> Path:
        """The visit's own file (named in messages about it)."""
        return self._visit_path(uuid)

    def save_visit(self, visit: Visit) -> None:
        """Write the visit's own file atomically; append to the index only when its summary changes.

        The index line goes first: a crash before the visit file is written leaves the index's
        last line ahead of its visit, which the next opening checks and corrects (only the last
        line can be, as there is one writer). A new visit is written whole in one atomic write.
        """
        from inspector.core.visits import summarize

        self._require_writable()
        summary = summarize(visit).to_dict()
        index = self._visit_index()
        before = index.get(visit.uuid)
        with self._changing():
            if before == summary:
                self._write_visit(visit)
                return
            if visit.status is VisitStatus.SIGNED_OFF:
                self._unqueued[visit.uuid] = visit.version
            index.append([summary])
            self._summaries = None
            try:
                self._write_visit(visit)
            except BaseException:
                self._undo_index_line(visit.uuid, before)
                raise

    def _undo_index_line(self, uuid: str, before: dict[str, Any] | None) -> None:
        """The visit file was not written (a full disk): put the index back as it was, or, when even
        that fails, leave the marker that has it rebuilt at the next opening."""
        self._summaries = None
        try:
            self._visit_index().append([before or {"uuid": uuid, GONE: True}])
        except OSError:
            with suppress(OSError):
                atomic_write_bytes(self.root / REBUILD_MARKER, b"{}")

    def _write_visit(self, visit: Visit) -> None:
        document = visit.to_dict()
        # the file keeps TinyDB's layout (table "visit", document 1), written whole at once
        atomic_write_bytes(self._visit_path(visit.uuid), encode({"visit": {str(SINGLE): document}}))
        self._remember_visit(visit.uuid, document)

    def _remember_visit(self, uuid: str, document: dict[str, Any]) -> None:
        self._visits[uuid] = document
        self._visits.move_to_end(uuid)
        while len(self._visits) > _VISITS_KEPT:
            self._visits.popitem(last=False)

    def _read_visit_document(self, uuid: str, *, keep: bool = True) -> dict[str, Any]:
        document = self._visits.get(uuid)
        if document is not None:
            return document
        path = self._visit_path(uuid)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise StoreError("unknown_visit", path, uuid=uuid) from None
        if not raw:
            raise UnreadableFile(path, "empty file")
        found = decode(path, raw).get("visit", {}).get(str(SINGLE))
        if not isinstance(found, dict):
            raise UnreadableFile(path, "no visit record in the file")
        if keep:
            self._remember_visit(uuid, found)
        return found

    def load_visit(self, uuid: str) -> Visit:
        """The stored visit. A file that does not parse is moved aside and dropped from the index
        (by a read-only store too, when no other program is writing; else it says so)."""
        from inspector.core.visits import Visit

        path = self._visit_path(uuid)
        try:
            return Visit.from_dict(dict(self._read_visit_document(uuid)))
        except UnreadableFile as error:
            self._forget_damaged_visit(uuid, path, error)
            raise
        except (KeyError, TypeError, ValueError) as error:
            damaged = UnreadableFile(path, f"not a visit record ({type(error).__name__}: {error})")
            self._forget_damaged_visit(uuid, path, damaged)
            raise damaged from None

    def _forget_damaged_visit(self, uuid: str, path: Path, error: UnreadableFile) -> None:
        self._visits.pop(uuid, None)

        def set_aside_and_drop() -> None:
            problem = self._set_aside(path, error)
            error.moved_to = Path(problem.moved_to)
            error.params["moved_to"] = problem.moved_to
            with self._changing():
                self._visit_index().drop([uuid])
            self._summaries = None

        if not self.as_writer(set_aside_and_drop):
            self.problems.append(StoreProblem("unreadable", str(path), "", error.reason))
            error.code = "unreadable_in_use"

    def visit_summaries(self) -> list[VisitSummary]:
        """Every visit in the index, newest arrival first."""
        if self._summaries is None:
            rows = [VisitSummary.from_dict(row) for row in self._visit_index().records().values()]
            self._summaries = sorted(rows, key=lambda row: row.arrived_at, reverse=True)
        return list(self._summaries)

    def newest_visits(self, count: int | None = None, *, in_progress: bool = False) -> list[VisitSummary]:
        """The first ``count`` (all when None) of ``visit_summaries()``, or of its visits in progress,
        summarised from their index rows only: after years, making every visit's summary to show a
        few dozen took ~30 ms of home's start at 10,000 visits."""
        if self._summaries is not None:
            return [row for row in self._summaries if row.in_progress or not in_progress][:count]
        rows: Iterable[dict[str, Any]] = self._visit_index().records().values()
        if in_progress:
            signed_off = VisitStatus.SIGNED_OFF.value
            rows = [row for row in rows if row.get("status") != signed_off]
        newest = (  # nlargest is sorted(..., reverse=True)[:count], ties in the same order
            sorted(rows, key=_arrival, reverse=True) if count is None else heapq.nlargest(count, rows, key=_arrival)
        )
        return [VisitSummary.from_dict(row) for row in newest]

    def visit_count(self) -> int:
        """How many visits the index lists."""
        return len(self._visit_index().records())

    def visit_summary(self, uuid: str) -> VisitSummary | None:
        row = self._visit_index().get(uuid)
        return VisitSummary.from_dict(row) if row else None

    def index_version(self) -> int:
        """Changes with every change to the visit index (in this process): what was derived from
        the summaries at one version still holds while it is the same."""
        return self._visit_index().version

    def signed_off_seals(self) -> dict[str, str]:
        """The seal of every signed-off visit in the index, by uuid: what a fold of the
        rectifications depends on in the index (``services.rectifications``)."""
        return {uuid: row.get("seal") or "" for uuid, row in self._signed_off_rows()}

    def signed_off_versions(self) -> dict[str, int]:
        """The version of every signed-off visit in the index, by uuid (from the rows, as ``signed_off_seals``)."""
        return {uuid: row["version"] for uuid, row in self._signed_off_rows()}

    def _signed_off_rows(self) -> Iterator[tuple[str, dict[str, Any]]]:
        signed_off = VisitStatus.SIGNED_OFF.value  # looked up once: an enum's value is a property
        return ((uuid, row) for uuid, row in self._visit_index().records().items() if row.get("status") == signed_off)

    def visit_uuids(self) -> list[str]:
        return list(self._visit_index().records())

    def iter_visits(self, uuids: Iterable[str]) -> Iterator[tuple[Visit, dict[str, Any] | None]]:
        """The visits named, read one at a time and not kept (documents and exports over years of
        visits hold one in memory at a time), each with its members as its file holds them but the
        checklist (what ``core.visits.members_hold_seal`` checks), or None when it had to be read
        the careful way; damaged ones are set aside and skipped."""
        for uuid in uuids:
            try:
                yield self._read_visit_quickly(uuid)
            except (OSError, msgspec.MsgspecError, KeyError, TypeError, ValueError):
                try:
                    visit = self.load_visit(uuid)  # the careful way, which sets a damaged file aside and says so
                except StoreError:
                    continue
                yield visit, None

    def _read_visit_quickly(self, uuid: str) -> tuple[Visit, dict[str, Any]]:
        """A visit file read for one use: its checklist (two fifths of its bytes) is parsed once for
        all the visits that froze the same one, as they all wrote it the same, and shared by them.
        Anything unexpected raises, for ``load_visit`` to read the file the careful way."""
        from inspector.core.visits import FrozenChecklist, Visit

        written_members = _VISIT_FILE.decode(self._visit_path(uuid).read_bytes())["visit"][str(SINGLE)]
        written = bytes(written_members.pop("checklist"))
        members = {key: msgspec.json.decode(value) for key, value in written_members.items()}
        checklist = self._checklists.get(written)
        if checklist is None:
            if len(self._checklists) >= _CHECKLISTS_KEPT:
                self._checklists.clear()
            checklist = self._checklists[written] = FrozenChecklist.from_dict(msgspec.json.decode(written))
        return Visit.from_dict(members, checklist=checklist), members

    def _visit_index(self) -> Journal:
        """The index, checked once per opening: rebuilt when missing, damaged, marked for rebuild or
        not naming exactly the visit files; its last line checked against its visit file."""
        journal = self._journals.get(INDEX_FILE)
        if journal is not None:
            return journal
        journal = Journal(self.root / INDEX_FILE, "index", "uuid", readonly=self.readonly)
        self._journals[INDEX_FILE] = journal
        damaged: UnreadableFile | None = None
        usable = journal.exists() and not (self.root / REBUILD_MARKER).exists()
        if usable:
            try:
                journal.records()
            except JournalDamaged as error:
                damaged, usable = error, False
        if usable and journal.skipped:
            damaged, usable = UnreadableFile(journal.path, f"lines {journal.skipped[:5]} do not parse"), False
        if usable:
            self._check_last_line(journal)
            # the visit files are as the last clean close left them, with the index naming them
            usable = self.closed_cleanly or self._names_match(journal)

        def rebuild() -> None:
            if damaged is not None:
                self._set_aside(journal.path, damaged)
            self.rebuild_index()

        # a reader facing a writer keeps what it could read; with nothing readable it says so
        if not usable and not self.as_writer(rebuild) and (damaged is not None or not journal.loaded):
            raise StoreError("index_unusable", journal.path)
        return self._journals[INDEX_FILE]

    def _names_match(self, journal: Journal) -> bool:
        """Whether the index names exactly the visit files (a folder copied in by hand, a stale index).

        A reader that meets a writer mid-way (the index line written, the visit file not yet) takes
        the index as it is: the writer keeps it."""
        names = {entry.name[:-5] for entry in os.scandir(self.root / "visits") if entry.name.endswith(".json")}
        names = {name for name in names if not name.startswith(".")}
        if names == journal.records().keys():
            return True
        if self.readonly and (self.root / "inspector.lock").exists():
            lock = FileLock(self.root / "inspector.lock", timeout=0)
            try:
                lock.acquire()
            except Timeout:
                return True
            lock.release()
        return False

    def _check_last_line(self, journal: Journal) -> None:
        """A crash between the index line and its visit file leaves the last line ahead: correct it."""
        last = journal.last_record()
        if last is None:
            return
        from inspector.core.visits import Visit, summarize

        uuid = last["uuid"]
        try:
            actual: dict[str, Any] | None = summarize(
                Visit.from_dict(dict(self._read_visit_document(uuid, keep=False)))
            ).to_dict()
        except StoreError:
            actual = None  # missing (the crash came before a new visit was written) or damaged
        except (KeyError, TypeError, ValueError):
            actual = None
        if journal.get(uuid) == actual:
            return
        if self.readonly:
            journal.patch_in_memory(uuid, actual)
        else:
            with self._changing():
                journal.append([actual or {"uuid": uuid, GONE: True}])

    def rebuild_index(self) -> None:
        """Read every visit file and write the index anew (after a crash mid-update or damage).

        The marker goes first and is removed last, and the new index is one atomic write: a
        crash at any point leaves the marker, so the next opening rebuilds again; never a valid
        but empty index.
        """
        self._require_writable()
        with self._changing():
            self._write_index_anew()

    def _write_index_anew(self) -> None:
        from inspector.core.visits import Visit, summarize

        marker = self.root / REBUILD_MARKER
        if not marker.exists():
            atomic_write_bytes(marker, b"{}")
        summaries = []
        for path in sorted((self.root / "visits").glob("*.json")):
            if is_temp_file(path):
                continue
            try:
                summaries.append(
                    summarize(Visit.from_dict(dict(self._read_visit_document(path.stem, keep=False)))).to_dict()
                )
            except UnreadableFile as error:
                self._set_aside(path, error)
            except (KeyError, TypeError, ValueError) as error:
                self._set_aside(path, UnreadableFile(path, f"not a visit record ({type(error).__name__}: {error})"))
        journal = Journal(self.root / INDEX_FILE, "index", "uuid", readonly=False)
        journal.create(summaries)
        journal.readonly = self.readonly
        self._journals[INDEX_FILE] = journal
        self._summaries = None
        marker.unlink(missing_ok=True)

    # -- sealed bytes --------------------------------------------------------------------------

    def _sealed_path(self, uuid: str, version: int) -> Path:
        return self.root / "sealed" / f"{uuid}.v{version}.json"

    def save_sealed(self, uuid: str, version: int, data: bytes) -> None:
        """Freeze a signed-off version's bytes. Writing different bytes for the same version is refused."""
        self._require_writable()
        path = self._sealed_path(uuid, version)
        with self._changing():
            written = write_new_file(path, data)
        if not written and path.read_bytes() != data:
            raise StoreError("sealed_differs", path)

    def has_sealed(self, uuid: str, version: int) -> bool:
        return self._sealed_path(uuid, version).exists()

    def sealed_file(self, uuid: str, version: int) -> Path:
        """The frozen bytes of a signed-off version (named in messages about them)."""
        return self._sealed_path(uuid, version)

    def sealed_size(self, uuid: str, version: int) -> int:
        path = self._sealed_path(uuid, version)
        try:
            return path.stat().st_size
        except FileNotFoundError:
            raise StoreError("unknown_visit", path, uuid=uuid) from None

    def sealed(self, uuid: str, version: int) -> bytes:
        path = self._sealed_path(uuid, version)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise StoreError("unknown_visit", path, uuid=uuid) from None

    # -- register and checklists ---------------------------------------------------------------

    def sites(self) -> list[Site]:
        from inspector.core.sites import Site

        return [Site.from_dict(dict(doc)) for doc in self.db("register.json").table("sites").all()]

    def site(self, site_id: str) -> Site | None:
        from inspector.core.sites import Site

        doc = self.db("register.json").table("sites").get(Query().id == site_id)
        return Site.from_dict(dict(doc)) if doc else None

    def upsert_sites(self, sites: Iterable[Site], *, superseded_at: datetime) -> tuple[int, int]:
        """Add new sites and replace changed ones in one write; a replaced row is kept as superseded.

        Returns (added, changed).
        """
        self._require_writable()
        db = self.db("register.json")
        data = db.storage.read() or {}
        current = {row["id"]: row for row in data.get("sites", {}).values()}
        superseded = list(data.get("superseded", {}).values())
        added = changed = 0
        for site in sites:
            row = site.to_dict()
            before = current.get(site.id)
            if before == row:
                continue
            if before is None:
                added += 1
            else:
                changed += 1
                superseded.append({**before, "superseded_at": superseded_at.isoformat()})
            current[site.id] = row
        if added or changed:
            self._replace_whole(
                "register.json",
                {
                    "sites": {str(n): row for n, row in enumerate(current.values(), start=1)},
                    "superseded": {str(n): row for n, row in enumerate(superseded, start=1)},
                },
            )
        return added, changed

    def stored_checklists(self) -> list[Checklist]:
        from inspector.core.checklists import Checklist

        return [Checklist.from_dict(dict(doc)) for doc in self.db("checklists.json").table("checklists").all()]

    def add_checklist(self, checklist: Checklist) -> bool:
        """Keep a checklist version received from the bureau; False when that version is already here."""
        self._require_writable()
        table = self.db("checklists.json").table("checklists")
        query = (Query().id == checklist.id) & (Query().version == checklist.version)
        if table.contains(query):
            return False
        table.insert(checklist.to_dict())
        return True

    # -- settings ------------------------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        doc = self.db("settings.json").table("settings").get(doc_id=SINGLE)
        return dict(doc) if doc else {}

    def update_settings(self, **values: Any) -> None:
        self._require_writable()
        merged = {**self.settings(), **values}
        self.db("settings.json").table("settings").upsert(Document(merged, doc_id=SINGLE))

    # -- numbers -------------------------------------------------------------------------------

    def next_number(self, series: str, *, issued_for: str, at: datetime, fallback: bool = False) -> int:
        """Hand out the next number of a series (e.g. a year's notices) durably, before it is used.

        Numbers are an append-only log: a number is never given twice nor skipped, even across a
        crash, and asking again for the same ``issued_for`` returns the number it already got.
        Once the laptop has blocks of the series (号段), numbers come from them only; when they are
        used up, only an explicit ``fallback`` gives the next number after them, recorded as such
        (the bureau reconciles it: another laptop's block may hold it).
        """
        self._require_writable()
        table = self.db("counters.json").table("numbers")
        rows = table.search(Query().series == series)
        for row in rows:
            if row["issued_for"] == issued_for:
                return int(row["number"])
        used = {int(row["number"]) for row in rows}
        number = self._next_in_blocks(series, used)
        outside = number is None
        if number is None:
            if not fallback:
                raise StoreError("numbers_exhausted", self.root / "counters.json", series=series)
            number = max(used | {last for _, last in self.number_blocks(series)}) + 1
        table.insert(
            {
                "series": series,
                "number": number,
                "issued_for": issued_for,
                "at": at.isoformat(),
                **({"fallback": True} if outside else {}),
            }
        )
        return number

    def _next_in_blocks(self, series: str, used: set[int]) -> int | None:
        """The lowest number of this laptop's blocks (号段) not used yet, None when they are used up;
        with no block of the series (a laptop that never synced), the next after the highest used."""
        blocks = self.number_blocks(series)
        if not blocks:
            return max(used, default=0) + 1
        free = (number for first, last in blocks for number in range(first, last + 1) if number not in used)
        return next(free, None)

    def number_blocks(self, series: str) -> list[tuple[int, int]]:
        """The blocks of numbers the bureau server granted this laptop for a series, in order."""
        rows = self.db("counters.json").table("blocks").search(Query().series == series)
        return sorted((int(row["first"]), int(row["last"])) for row in rows)

    def free_numbers(self, series: str) -> int:
        """How many numbers of its blocks this laptop has not used (0 without blocks)."""
        used = {int(row["number"]) for row in self.issued_numbers(series)}
        return sum(1 for first, last in self.number_blocks(series) for n in range(first, last + 1) if n not in used)

    def block_request(self, series: str) -> str:
        """The id of this laptop's request for a new block of ``series``, kept until the block is
        stored: asked again after a lost answer or a crash, the server gives the same block."""
        self._require_writable()
        table = self.db("counters.json").table("block_requests")
        found = table.get(Query().series == series)
        if found is not None:
            return str(found["request_id"])
        request_id = str(uuid_module.uuid4())
        table.insert({"series": series, "request_id": request_id})
        return request_id

    def add_number_block(self, series: str, first: int, last: int, request_id: str) -> None:
        """Keep a granted block (once per request), then forget the request."""
        self._require_writable()
        blocks = self.db("counters.json").table("blocks")
        if not blocks.contains(Query().request_id == request_id):
            blocks.insert({"series": series, "first": first, "last": last, "request_id": request_id})
        self.db("counters.json").table("block_requests").remove(Query().request_id == request_id)

    def issued_numbers(self, series: str) -> list[dict[str, Any]]:
        return [dict(row) for row in self.db("counters.json").table("numbers").search(Query().series == series)]

    # -- outbox --------------------------------------------------------------------------------
    # The outbox is a journal keyed by (kind, key): queuing an entry or recording a receipt is one
    # appended line. When it is compacted, the entries the server acknowledged ("state": "sent")
    # move to outbox-sent.jsonl, which is only ever appended to: a receipt is written once and
    # never rewritten, and the live outbox holds what waits (plus the receipts since the last move).

    def _outbox(self) -> Journal:
        journal = self._journals.get(OUTBOX_FILE)
        if journal is None:
            journal = self.journal(OUTBOX_FILE, OUTBOX_KEY, moves_out=_is_sent)
            journal.on_compact = self._archive_sent
        return journal

    def _outbox_archive(self) -> Journal:
        return self.journal(OUTBOX_ARCHIVE, OUTBOX_KEY, compactable=False)

    def _archive_sent(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Append the acknowledged entries to the archive (fsynced) before the outbox is rewritten
        without them: a crash between the two leaves them in both, which reads the same."""
        self._outbox_archive().append(record for record in records if _is_sent(record))
        return [record for record in records if not _is_sent(record)]

    def outbox(self) -> list[dict[str, Any]]:
        """Every outbox entry, sent or not (the archive read too: for checks and tests, not for each sync)."""
        merged = {**self._outbox_archive().records(), **self._outbox().records()}
        return [_without_key(entry) for entry in merged.values()]

    def unsent_outbox(self) -> list[dict[str, Any]]:
        """The entries not yet acknowledged by the server; reads the live outbox only."""
        return [_without_key(entry) for entry in self._outbox().records().values() if not _is_sent(entry)]

    def outbox_entry(self, kind: str, key: str) -> dict[str, Any] | None:
        """One entry, sent or not; the archive is read only when the live outbox lacks it."""
        entry_key = _outbox_key(kind, key)
        found = self._outbox().get(entry_key) or self._outbox_archive().get(entry_key)
        return _without_key(found) if found else None

    def in_outbox(self, kind: str, key: str) -> bool:
        """Whether an entry is queued or was sent, without copying it (asked once per visit at start)."""
        entry_key = _outbox_key(kind, key)
        return self._outbox().get(entry_key) is not None or self._outbox_archive().get(entry_key) is not None

    def put_outbox(self, entry: dict[str, Any]) -> None:
        """Add or update an outbox entry, keyed by (kind, key)."""
        self.put_outbox_many([entry])

    def put_outbox_many(self, entries: Iterable[dict[str, Any]]) -> None:
        """Add or update many outbox entries, keyed by (kind, key), in one appended write.

        Sync records receipts in batches this way: a long upload costs one fsync per batch. An
        outbox not read yet is appended to without reading it (a sign-off queues its version
        without parsing the whole queue); the sync reads it, and compacts it then.
        """
        self._require_writable()
        wanted = {_outbox_key(entry["kind"], entry["key"]): entry for entry in entries}
        self._appendable(OUTBOX_FILE, OUTBOX_KEY).append({**entry, OUTBOX_KEY: key} for key, entry in wanted.items())
        for entry in wanted.values():
            uuid = entry.get("uuid")
            if entry["kind"] == VISIT_KIND and uuid in self._unqueued and self._unqueued[uuid] == entry.get("version"):
                del self._unqueued[uuid]

    @property
    def outbox_complete(self) -> bool:
        """Whether every signed-off version in the index is known to be in the outbox, so that none
        needs looking for (``services.outbox.ensure_outbox``): vouched for by the last clean close
        (``closed_cleanly``, the outbox journals as it left them) or by a look at every one during
        this opening, and each version signed off since seen queued; never with a file found
        damaged (an outbox set aside loses entries)."""
        return self._outbox_vouched and not self._unqueued and not self.problems

    def outbox_found_complete(self) -> None:
        """Every signed-off version in the index was just looked for in the outbox and queued if missing."""
        self._outbox_vouched = True
        self._unqueued.clear()

    # -- evidence ------------------------------------------------------------------------------

    def evidence_path(self, sha256: str) -> Path:
        return self.root / "evidence" / sha256[:2] / sha256

    def add_evidence(self, source: Path) -> Evidence:
        """Copy a file into the store under its SHA-256 (once, however often it is attached)."""
        from inspector.core.visits import Evidence

        self._require_writable()
        source = Path(source)
        if not source.is_file():
            raise StoreError("evidence_missing", source)
        digest = hashlib.sha256()
        staging = temp_path_for(self.root / "evidence" / source.name)
        size = 0
        with self._changing():  # a copy cut short (by an unreadable source too) may leave its staging file
            try:
                with open(source, "rb") as reader, open(staging, "xb") as writer:
                    for chunk in iter(lambda: reader.read(_COPY_CHUNK), b""):
                        digest.update(chunk)
                        writer.write(chunk)
                        size += len(chunk)
                    writer.flush()
                    os.fsync(writer.fileno())
                sha256 = digest.hexdigest()
                target = self.evidence_path(sha256)
                target.parent.mkdir(exist_ok=True)
                if target.exists():
                    staging.unlink()
                else:
                    durable_replace(staging, target)
            except OSError as error:
                staging.unlink(missing_ok=True)
                raise StoreError("evidence_unreadable", source, reason=error.strerror or str(error)) from None
        return Evidence(sha256=sha256, name=source.name, size=size)

    def keep_evidence(self, sha256: str, data: bytes) -> Path:
        """Keep a photo received from the bureau server under its SHA-256 (checked by the caller)."""
        self._require_writable()
        target = self.evidence_path(sha256)
        with self._changing():
            target.parent.mkdir(parents=True, exist_ok=True)
            write_new_file(target, data)
        return target

    def iter_evidence(self) -> Iterator[Path]:
        for shard in (self.root / "evidence").iterdir():
            if shard.is_dir():
                yield from (p for p in shard.iterdir() if not is_temp_file(p))


def _arrival(row: dict[str, Any]) -> str:
    return row["arrived_at"]


OUTBOX_KEY = "_entry"
VISIT_KIND = "visit"
"""The outbox entries of signed-off versions (each names its ``uuid`` and ``version``)."""
PENDING_STATE = "pending"
"""An outbox entry waiting to be sent."""
SENT_STATE = "sent"
"""An outbox entry the server acknowledged (the sync service's word for it, kept by the store)."""


def _is_sent(entry: dict[str, Any]) -> bool:
    return entry.get("state") == SENT_STATE


def _outbox_key(kind: str, key: str) -> str:
    return f"{kind}/{key}"


def _without_key(entry: dict[str, Any]) -> dict[str, Any]:
    copy = dict(entry)  # copied whole, in C, then the key dropped: home lists 10,000 unsent entries after years
    copy.pop(OUTBOX_KEY, None)
    return copy
