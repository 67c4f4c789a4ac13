"""The laptop's store: one data dir, one writer, nothing lost on kill -9 or a power cut.

Layout of a data dir::

    meta.json               which program and schema version wrote it
    inspector.lock          held by the one program writing here
    index.json              a summary of every visit (rebuilt from visits/ when in doubt)
    visits/<uuid>.json      one file per visit, so saving an answer costs the same at 10 or 10,000 visits
    sealed/<uuid>.v<N>.json the canonical bytes of each signed-off version, frozen, what sync uploads
    register.json           the site register (and superseded rows)
    checklists.json         checklists received from the bureau
    outbox.json             what waits to be uploaded, and the receipts
    rectifications.json     rectification events (feedback, re-inspection, closing): append-only
    rectification-index.json  each signed-off visit's rectifications, kept up to date from the seals
    sync.json               the server login and the change feed's checkpoint
    counters.json           numbers handed out (document numbers): append-only
    settings.json           remembered team, language, server
    evidence/ab/<sha256>    photos and scans under their hash
    damaged/                files that could not be read, moved aside, never overwritten

Every file is UTF-8 JSON written with ``atomic_write_bytes``.
"""

from __future__ import annotations

import hashlib
import os
import uuid as uuid_module
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from tinydb import Query, TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document, Table

from inspector.core.checklists import Checklist
from inspector.core.clock import now
from inspector.core.sites import Site
from inspector.core.visits import Evidence, Visit, VisitSummary
from inspector.store.atomic import (
    atomic_write_bytes,
    durable_replace,
    is_temp_file,
    temp_path_for,
    write_new_file,
)
from inspector.store.errors import DataDirLocked, StoreError, UnreadableFile
from inspector.store.migrations import SCHEMA_VERSION, migrate
from inspector.store.tinydb_storage import AtomicJSONStorage, decode, encode

APP_NAME = "inspector"
SINGLE = 1
"""The doc id of tables that hold one document (a visit's file, the settings)."""

_SMALL_FILES = (
    "index.json",
    "register.json",
    "checklists.json",
    "outbox.json",
    "counters.json",
    "settings.json",
)
_FOLDERS = ("visits", "sealed", "evidence", "damaged")
_REBUILD_MARKER = "index.rebuild"
_COPY_CHUNK = 1024 * 1024


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
        self._visit_dbs: dict[str, TinyDB] = {}
        self._index_ids: dict[str, int] | None = None
        self.problems: list[StoreProblem] = []

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
            store._check_meta()
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

    def close(self) -> None:
        for db in (*self._dbs.values(), *self._visit_dbs.values()):
            db.close()
        self._dbs.clear()
        self._visit_dbs.clear()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _prepare(self) -> None:
        meta_path = self.root / "meta.json"
        if not meta_path.exists():
            strangers = [p.name for p in self.root.iterdir() if p.name != "inspector.lock"]
            if strangers:
                raise StoreError("foreign_dir", self.root, example=sorted(strangers)[0])
            for folder in _FOLDERS:
                (self.root / folder).mkdir(exist_ok=True)
            self._write_meta(SCHEMA_VERSION)
        version = self._check_meta()
        for folder in _FOLDERS:
            (self.root / folder).mkdir(exist_ok=True)
        self._sweep_temp_files()
        if version < SCHEMA_VERSION:
            migrate(self.root, version)
            self._write_meta(SCHEMA_VERSION)
        for name in _SMALL_FILES:
            self.db(name)
        if (self.root / _REBUILD_MARKER).exists():
            self.rebuild_index()

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

    def _sweep_temp_files(self) -> None:
        folders = [self.root, *(self.root / name for name in _FOLDERS)]
        folders += [p for p in (self.root / "evidence").iterdir() if p.is_dir()]
        for folder in folders:
            for entry in os.scandir(folder):
                if entry.is_file() and is_temp_file(Path(entry.path)):
                    Path(entry.path).unlink(missing_ok=True)

    def _set_aside(self, path: Path, error: UnreadableFile) -> StoreProblem:
        """Move a damaged file into damaged/ under a new name; it is never overwritten or deleted."""
        stamp = now().strftime("%Y%m%dT%H%M%S")
        moved_to = self.root / "damaged" / f"{path.name}.{stamp}"
        counter = 1
        while moved_to.exists():
            counter += 1
            moved_to = self.root / "damaged" / f"{path.name}.{stamp}.{counter}"
        if self.readonly:
            problem = StoreProblem("unreadable", str(path), "", error.reason)
        else:
            os.replace(path, moved_to)
            problem = StoreProblem("unreadable", str(path), str(moved_to), error.reason)
        self.problems.append(problem)
        return problem

    def db(self, name: str) -> TinyDB:
        """A small TinyDB file of this data dir (e.g. "outbox.json"), written atomically.

        Adapters keep their own small files this way (one file per concern). A file that does
        not parse is moved aside and replaced by an empty one, and the problem is recorded.
        """
        db = self._dbs.get(name)
        if db is None:
            path = self.root / name
            db = TinyDB(path, storage=AtomicJSONStorage, readonly=self.readonly)
            try:
                db.storage.read()
            except UnreadableFile as error:
                self._set_aside(path, error)
                if self.readonly:
                    db = TinyDB(storage=MemoryStorage)
                else:
                    db = TinyDB(path, storage=AtomicJSONStorage)
                    if name == "index.json":
                        self._dbs[name] = db
                        self.rebuild_index()
            self._dbs[name] = db
        return db

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

    def _visit_db(self, uuid: str) -> TinyDB:
        db = self._visit_dbs.get(uuid)
        if db is None:
            db = TinyDB(
                self._visit_path(uuid),
                storage=AtomicJSONStorage,
                readonly=self.readonly,
            )
            self._visit_dbs[uuid] = db
        return db

    def save_visit(self, visit: Visit) -> None:
        """Write the visit's own file atomically; touch the index only when its summary changes.

        When the index must change too, a marker is written first, so that a crash between the
        two writes is found at the next start and the index rebuilt from the visit files.
        """
        self._require_writable()
        summary = VisitSummary.of(visit).to_dict()
        index = self._index()
        doc_id = self._index_doc_ids().get(visit.uuid)
        if doc_id is not None and index.get(doc_id=doc_id) == summary:
            self._write_visit(visit)
            return
        marker = self.root / _REBUILD_MARKER
        atomic_write_bytes(marker, b"{}")
        self._write_visit(visit)
        if doc_id is None:
            self._index_doc_ids()[visit.uuid] = index.insert(summary)
        else:
            index.update(summary, doc_ids=[doc_id])
        marker.unlink()

    def _index(self) -> Table:
        return self.db("index.json").table("visits")

    def _index_doc_ids(self) -> dict[str, int]:
        """uuid → the index's doc id, so that finding a visit's summary does not scan the index."""
        if self._index_ids is None:
            self._index_ids = {doc["uuid"]: doc.doc_id for doc in self._index().all()}
        return self._index_ids

    def _write_visit(self, visit: Visit) -> None:
        self._visit_db(visit.uuid).table("visit").upsert(Document(visit.to_dict(), doc_id=SINGLE))

    def load_visit(self, uuid: str) -> Visit:
        """The stored visit. A file that does not parse is moved aside and dropped from the index."""
        path = self._visit_path(uuid)
        if not path.exists():
            raise StoreError("unknown_visit", path, uuid=uuid)
        try:
            document = self._visit_db(uuid).table("visit").get(doc_id=SINGLE)
            if document is None:
                raise UnreadableFile(path, "no visit record in the file")
            return Visit.from_dict(dict(document))
        except UnreadableFile as error:
            self._forget_damaged_visit(uuid, path, error)
            raise
        except (KeyError, TypeError, ValueError) as error:
            damaged = UnreadableFile(path, f"not a visit record ({type(error).__name__}: {error})")
            self._forget_damaged_visit(uuid, path, damaged)
            raise damaged from None

    def _forget_damaged_visit(self, uuid: str, path: Path, error: UnreadableFile) -> None:
        self._visit_dbs.pop(uuid, None)
        problem = self._set_aside(path, error)
        error.moved_to = Path(problem.moved_to) if problem.moved_to else None
        error.params["moved_to"] = problem.moved_to
        if not self.readonly:
            doc_id = self._index_doc_ids().pop(uuid, None)
            if doc_id is not None:
                self._index().remove(doc_ids=[doc_id])

    def visit_summaries(self) -> list[VisitSummary]:
        """Every visit in the index, newest arrival first."""
        rows = [VisitSummary.from_dict(dict(doc)) for doc in self._index().all()]
        return sorted(rows, key=lambda row: row.arrived_at, reverse=True)

    def visit_uuids(self) -> list[str]:
        return [doc["uuid"] for doc in self._index().all()]

    def rebuild_index(self) -> None:
        """Read every visit file and write the index anew (after a crash mid-update or damage)."""
        self._require_writable()
        summaries = []
        for path in sorted((self.root / "visits").glob("*.json")):
            try:
                summaries.append(VisitSummary.of(self.load_visit(path.stem)).to_dict())
            except StoreError:
                continue
        table = self._index()
        table.truncate()
        table.insert_multiple(summaries)
        self._index_ids = None
        (self.root / _REBUILD_MARKER).unlink(missing_ok=True)

    # -- sealed bytes --------------------------------------------------------------------------

    def _sealed_path(self, uuid: str, version: int) -> Path:
        return self.root / "sealed" / f"{uuid}.v{version}.json"

    def save_sealed(self, uuid: str, version: int, data: bytes) -> None:
        """Freeze a signed-off version's bytes. Writing different bytes for the same version is refused."""
        self._require_writable()
        path = self._sealed_path(uuid, version)
        if not write_new_file(path, data) and path.read_bytes() != data:
            raise StoreError("sealed_differs", path)

    def sealed(self, uuid: str, version: int) -> bytes:
        path = self._sealed_path(uuid, version)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise StoreError("unknown_visit", path, uuid=uuid) from None

    # -- register and checklists ---------------------------------------------------------------

    def sites(self) -> list[Site]:
        return [Site.from_dict(dict(doc)) for doc in self.db("register.json").table("sites").all()]

    def site(self, site_id: str) -> Site | None:
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

    def outbox(self) -> list[dict[str, Any]]:
        return [dict(doc) for doc in self.db("outbox.json").table("outbox").all()]

    def put_outbox(self, entry: dict[str, Any]) -> None:
        """Add or update an outbox entry, keyed by (kind, key)."""
        self._require_writable()
        query = (Query().kind == entry["kind"]) & (Query().key == entry["key"])
        self.db("outbox.json").table("outbox").upsert(entry, query)

    def put_outbox_many(self, entries: Iterable[dict[str, Any]]) -> None:
        """Add or update many outbox entries, keyed by (kind, key): one write for those already there.

        Sync records receipts in batches this way, so a long upload does not rewrite the outbox per item.
        """
        self._require_writable()
        wanted = {(entry["kind"], entry["key"]): entry for entry in entries}
        if not wanted:
            return
        table = self.db("outbox.json").table("outbox")
        present = {(doc["kind"], doc["key"]) for doc in table.all()}

        def is_wanted(doc: Any) -> bool:
            return (doc["kind"], doc["key"]) in wanted

        def refresh(doc: Any) -> None:
            doc.update(wanted[(doc["kind"], doc["key"])])

        if present & wanted.keys():
            table.update(refresh, is_wanted)  # type: ignore[arg-type]
        fresh = [entry for key, entry in wanted.items() if key not in present]
        if fresh:
            table.insert_multiple(fresh)

    # -- evidence ------------------------------------------------------------------------------

    def evidence_path(self, sha256: str) -> Path:
        return self.root / "evidence" / sha256[:2] / sha256

    def add_evidence(self, source: Path) -> Evidence:
        """Copy a file into the store under its SHA-256 (once, however often it is attached)."""
        self._require_writable()
        source = Path(source)
        if not source.is_file():
            raise StoreError("evidence_missing", source)
        digest = hashlib.sha256()
        staging = temp_path_for(self.root / "evidence" / source.name)
        size = 0
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

    def iter_evidence(self) -> Iterator[Path]:
        for shard in (self.root / "evidence").iterdir():
            if shard.is_dir():
                yield from (p for p in shard.iterdir() if not is_temp_file(p))
