"""Sync with the bureau server: push the outbox, then pull the change feed.

Push: every signed-off version (its frozen bytes, exactly as stored; its photos first, HEAD then
PUT) and every local rectification event. A receipt (the server's number) is written into the
outbox entry as soon as it comes; a refusal leaves the entry queued with the server's reason.
Pull: the feed from the stored checkpoint, page by page; the checkpoint is saved only after the
page has been applied, so a cut between the two means the page is applied again (harmlessly:
every apply is idempotent), never skipped.

The client is passed in (``inspector.sync.client.BureauClient``), so this module imports no HTTP
library; an authentication, certificate or connection failure ends the run as ``SyncError``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import msgspec
from tinydb.table import Document

from inspector import wire
from inspector.core import rectifications as rules
from inspector.core.canonical import canonical_bytes
from inspector.core.checklists import Checklist, Item
from inspector.core.clock import from_iso, local_date, now, to_iso
from inspector.core.errors import DomainError
from inspector.core.profile import BureauProfile
from inspector.core.rectifications import EVENT_ROLES, RectificationEvent
from inspector.core.sites import Site
from inspector.core.vocabulary import VisitStatus
from inspector.services import number_blocks
from inspector.services import visits as visit_services
from inspector.services.outbox import ensure_outbox
from inspector.services.profile import save_profile
from inspector.store.errors import StoreError
from inspector.store.journal import NO_FILE, JournalPosition
from inspector.store.migrations import EVENTS_FILE, INDEX_FILE
from inspector.store.snapshot import growth_since
from inspector.store.store import PENDING_STATE, SENT_STATE, SINGLE, VISIT_KIND, Store
from inspector.sync.errors import Refused, SyncError

if TYPE_CHECKING:
    from inspector.sync.client import BureauClient, Receipt, ServerInfo

SYNC_FILE = "sync.json"
LOOPBACK = {"localhost", "127.0.0.1", "::1"}
SENT, PENDING, VISIT = SENT_STATE, PENDING_STATE, VISIT_KIND  # the outbox's words, kept by the store
RECT_EVENT = "rect_event"
RECT_RECORDS = "rect_records"
SEAL_BROKEN = "seal_broken"
"""Why a visit waits unsent: its frozen bytes were changed after sign-off."""
FEED_PAGE = 500
"""The server's largest page: a first sync over a county's history makes fewer round trips and writes."""
PUSH_WORKERS = 4
RECEIPT_BATCH = 500
"""Receipts are appended to the outbox this many at a time (one fsync each time): a crash loses at
most a batch of receipts, which costs a replay the server answers with the same receipts."""
# visits go to the server in batches: one request and one transaction for many (round trips are
# what a township's network is slow at); a visit's versions stay together and in order
BATCH_VISITS = 25
BATCH_BYTES = 4 * 1024 * 1024
# what each role may send (the server enforces it too); the rest waits for a lead's laptop
SENDERS = {VISIT: {"lead"}, RECT_EVENT: set(EVENT_ROLES)}
CLOCK_TOLERANCE = timedelta(minutes=5)
"""A laptop clock further than this from the server's is reported at every sync: every step
recorded here carries this clock's time."""


@dataclass(frozen=True)
class Login:
    url: str
    token: str
    ca_file: str | None
    name: str
    role: str


@dataclass(frozen=True)
class RefusedItem:
    kind: str
    key: str
    code: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class SetAside:
    """A feed entry this laptop could not apply: skipped, kept in ``sync.json``, never blocking."""

    seq: int
    kind: str
    key: str
    reason: str


@dataclass
class SyncReport:
    visits_sent: int = 0
    visits_already: int = 0
    photos_sent: int = 0
    events_sent: int = 0
    refused: list[RefusedItem] = field(default_factory=list)
    checklists_added: int = 0
    sites_added: int = 0
    sites_changed: int = 0
    events_received: int = 0
    records_received: int = 0
    """Visits of other teams whose findings (rectification records) came in."""
    feed_position: int = 0
    held_for_role: int = 0
    """Items this account's role may not send: they stay queued."""
    set_aside: list[SetAside] = field(default_factory=list)
    """Feed entries this laptop cannot apply (see ``_apply_page``)."""
    server_restored: bool = False
    """The server's database was restored from a backup since the last sync: everything was sent again."""
    number_blocks_granted: int = 0
    """Blocks of document numbers (号段) the server granted this run."""
    numbers_low: list[str] = field(default_factory=list)
    """Series of document numbers still running low: the server granted no block."""
    clock_offset_seconds: float | None = None
    """The server's clock minus this laptop's at the preflight (None when the server did not say)."""
    profile_received: bool = False
    """The bureau published its profile: this laptop's documents now carry it."""
    assignments_held: int = 0
    """This account's assignments in the inspection rounds, as the server sent them this run."""

    @property
    def sent_anything(self) -> bool:
        return bool(self.visits_sent or self.photos_sent or self.events_sent)

    @property
    def clock_off(self) -> bool:
        """This laptop's clock differs from the server's by more than ``CLOCK_TOLERANCE``."""
        return (
            self.clock_offset_seconds is not None and abs(self.clock_offset_seconds) > CLOCK_TOLERANCE.total_seconds()
        )


@dataclass(frozen=True)
class Progress:
    """Where the run is: ``done`` of ``total`` outbox items pushed, then the feed position."""

    phase: str
    done: int
    total: int


ProgressCallback = Callable[[Progress], None]


# -- the login ---------------------------------------------------------------------------------


def server_url(text: str) -> str:
    """The bureau server's address as typed, checked: http(s) with a host; plain http only to this machine.

    The token crosses the network, so it travels in the clear only over loopback.
    """
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SyncError("bad_url", url=text)
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        raise SyncError("plain_http", url=text)
    return text.strip().rstrip("/")


def check_ca_file(ca_file: Path | str | None) -> Path | None:
    if ca_file is None or str(ca_file).strip() == "":
        return None
    if not Path(ca_file).is_file():
        raise SyncError("ca_file_missing", path=ca_file)
    return Path(ca_file)


def open_client(url: str, token: str, ca_file: Path | str | None) -> BureauClient:
    """The HTTP client for one run; httpx is imported here, when a sync starts, not with the app."""
    from inspector.sync.client import BureauClient

    return BureauClient(url, token, ca_file=check_ca_file(ca_file))


@contextmanager
def retries_announced(announce: Callable[[int, float], None]) -> Iterator[None]:
    """While the block runs, ``announce(retry_number, wait_seconds)`` before each retry of a call.

    It says so in the user's words instead of stamina's log line. stamina keeps its hooks for the
    whole process: the ones there before are put back after, so that nothing calls into a screen
    that is gone.
    """
    from stamina.instrumentation import RetryDetails, get_on_retry_hooks, set_on_retry_hooks

    def hook(details: RetryDetails) -> None:
        announce(details.retry_num, details.wait_for)

    before = get_on_retry_hooks()
    set_on_retry_hooks([hook])
    try:
        yield
    finally:
        set_on_retry_hooks(before)


def save_login(store: Store, url: str, token: str, ca_file: Path | None, info: ServerInfo) -> Login:
    login = Login(
        url=url.rstrip("/"),
        token=token,
        ca_file=str(Path(ca_file).resolve()) if ca_file else None,
        name=info.name,
        role=info.role,
    )
    store.db(SYNC_FILE).table("login").upsert(_document(login.__dict__))
    return login


def saved_login(store: Store) -> Login | None:
    row = store.db(SYNC_FILE).table("login").get(doc_id=SINGLE)
    return Login(**{key: row[key] for key in Login.__dataclass_fields__}) if row else None


def _document(data: dict[str, Any]) -> Document:
    return Document(data, doc_id=SINGLE)


def login(store: Store, client: BureauClient, url: str, token: str, ca_file: Path | None) -> Login:
    """Check the server and the token (the preflight), then remember them for ``sync``."""
    return save_login(store, url, token, ca_file, client.hello())


def checkpoint(store: Store, url: str) -> int:
    """The feed position applied from this server (a different server starts from 0)."""
    row = store.db(SYNC_FILE).table("checkpoint").get(doc_id=SINGLE)
    return int(row["since"]) if row and row.get("url") == url else 0


def _save_checkpoint(store: Store, url: str, since: int) -> None:
    store.db(SYNC_FILE).table("checkpoint").upsert(_document({"url": url, "since": since, "at": to_iso(now())}))


def _notice_restore(store: Store, url: str, epoch: str) -> bool:
    """When the server's database was restored from a backup since the last sync, send all again.

    The server may have forgotten anything it acknowledged after its backup; uploads are
    idempotent, so sending again what it still holds costs a receipt each. The earlier receipt is
    kept beside the entry. The new epoch is saved last: a crash before that repeats this, harmlessly.
    """
    table = store.db(SYNC_FILE).table("server")
    known = table.get(doc_id=SINGLE)
    restored = bool(known and known.get("url") == url and known.get("epoch") and epoch and known["epoch"] != epoch)
    if restored:
        store.put_outbox_many(
            {**entry, "state": PENDING, "earlier_receipt": {"seq": entry.get("receipt"), "epoch": known["epoch"]}}
            for entry in store.outbox()
            if entry.get("state") == SENT
        )
        _save_checkpoint(store, url, 0)
    if not known or (known.get("url"), known.get("epoch")) != (url, epoch):
        table.upsert(_document({"url": url, "epoch": epoch}))
    return restored


# -- what waits --------------------------------------------------------------------------------


def pending(store: Store) -> list[dict[str, Any]]:
    """Outbox entries not yet acknowledged by the server: versions in order, then events."""
    entries = store.unsent_outbox()
    order = {VISIT: 0, RECT_EVENT: 1}
    return sorted(entries, key=lambda e: (order.get(e["kind"], 2), e.get("version", 0), e["key"]))


@dataclass(frozen=True)
class Waiting:
    """What the next sync sends: the one count shown before a run, after it, and as its bar's total."""

    entries: tuple[dict[str, Any], ...]

    @property
    def visits(self) -> int:
        return sum(1 for entry in self.entries if entry["kind"] == VISIT)

    @property
    def events(self) -> int:
        return len(self.entries) - self.visits

    def sendable_by(self, role: str) -> list[dict[str, Any]]:
        """The entries this role may send; the others wait for a lead's laptop."""
        return [entry for entry in self.entries if role in SENDERS.get(entry["kind"], set())]


def waiting(store: Store) -> Waiting:
    """The outbox entries the next sync sends, once what belongs in the outbox is in it.

    A re-inspection signed off on the review screen decides its rectifications' events only in
    the rectification index; they (and whatever a crash left out) are queued here first, so the
    count before a sync is the count it sends. A read-only store counts what is queued.
    """
    if not store.readonly:
        _queue_unsent(store)
    return Waiting(tuple(pending(store)))


def pending_count(store: Store) -> int:
    return len(pending(store))


QUEUED = "queued"
"""``sync.json``'s note of how far the visit index and the events journal were last found queued."""
WATCHED = {"index": INDEX_FILE, "events": EVENTS_FILE}
"""The journals whose every signed-off version and local event belongs in the outbox."""


def _queue_unsent(store: Store) -> None:
    """Re-make outbox entries a crash may have left out: signed-off versions and rectification events.

    Looking at every visit and event is the cost of years of history (at 10,000 visits: reading
    the visit index, the rectification index, the events and the outbox archive, over a second),
    and all but the latest were found queued at an earlier sync. So each look ends by noting where
    the two journals ended (``QUEUED``: a ``JournalPosition`` each, proven again by
    ``store.snapshot.growth_since`` as the persisted fold proves its own), and the next reads only
    the lines appended after that (all of them, once, when nothing was noted): when none is a
    signed-off version or a local event without its outbox entry, nor a re-inspection whose
    decisions are not all queued, there is nothing to queue, and a sync with nothing new reads
    no line at all. Otherwise (a crash left something out), or when a journal was replaced since
    (a compaction, a rebuild), or a file of this folder was found damaged and set aside (an
    outbox among them), everything is looked at and queued as before.

    The note is written after the queueing it vouches for (each queueing fsynced first): a crash
    between the two leaves the earlier note, and the next sync looks again and finds the entries
    there (nothing is queued twice). The marks of a whole look are taken before it, so that a line
    appended while it ran is looked at the next time.
    """
    from inspector.services.rectifications import queue_unsent_events

    table = store.db(SYNC_FILE).table(QUEUED)
    noted = dict(table.get(doc_id=SINGLE) or {})
    store.unsent_outbox()  # read first: a damaged outbox is set aside as it is read, and said
    ends = None if store.problems else _queued_since(store, noted)
    if ends is None:
        ends = {name: _end_of(store.root / file) for name, file in WATCHED.items()}
        ensure_outbox(store, whole=True)  # in doubt here, which outweighs the store's word (a clean close's)
        queue_unsent_events(store)
    marks = {name: position._asdict() if position else None for name, position in ends.items()}
    if marks != noted:
        table.upsert(_document(marks))


def _end_of(path: Path) -> JournalPosition | None:
    growth = growth_since(path, NO_FILE)
    return growth.position if growth else None


def _noted_position(noted: Any) -> JournalPosition:
    """A position as noted; nothing known (all lines new) when there is none or it is not one."""
    try:
        return JournalPosition(int(noted["size"]), str(noted["file_id"]), str(noted["sample"]))
    except (KeyError, TypeError, ValueError):
        return NO_FILE


def _queued_since(store: Store, noted: dict[str, Any]) -> dict[str, JournalPosition] | None:
    """The journals' new ends when all appended since ``noted`` is queued (all of them when nothing
    was noted: a first sync reads the two journals once); None when something may not be."""
    ends: dict[str, JournalPosition] = {}
    for name, file in WATCHED.items():
        growth = growth_since(store.root / file, _noted_position(noted.get(name)))
        if growth is None:
            return None
        try:  # as one array: several times faster than line by line (a first look reads them all)
            records = json.loads(b"[" + b",".join(growth.lines()) + b"]")
        except ValueError:
            return None
        if not all(isinstance(record, dict) for record in records) or not _all_queued(store, name, records):
            return None
        ends[name] = growth.position
    return ends


def _all_queued(store: Store, name: str, records: list[dict[str, Any]]) -> bool:
    """Whether the new lines of the visit index or of the events journal are all in the outbox."""
    if name == "events":
        # a local event's line again with the server's receipt time came back in the feed: the
        # server holds it (every sync that sent events appends these; their entries are archived)
        return all(
            store.outbox_entry(RECT_EVENT, record["id"]) is not None
            for record in records
            if record.get("origin") == "local" and isinstance(record.get("id"), str) and not record.get("received_at")
        )
    latest = {record["uuid"]: record for record in records if isinstance(record.get("uuid"), str)}
    for uuid, record in latest.items():
        if record.get("status") != VisitStatus.SIGNED_OFF.value:
            continue
        if store.outbox_entry(VISIT, f"{uuid}.v{record.get('version')}") is None:
            return False
        # a re-inspection's decisions are events made from it; a line written before the flag was
        # kept lacks it (then everything is looked at, once: not each visit file read)
        if "reinspection" not in record or (record["reinspection"] and not _decisions_queued(store, uuid)):
            return False
    return True


def _decisions_queued(store: Store, uuid: str) -> bool:
    try:
        visit = store.load_visit(uuid)
    except StoreError:
        return False
    return all(store.outbox_entry(RECT_EVENT, event.id) is not None for event in rules.contribution(visit).events)


# -- the run -----------------------------------------------------------------------------------


def sync(store: Store, client: BureauClient, *, on_progress: ProgressCallback | None = None) -> SyncReport:
    """Push, then pull. Raises ``SyncError`` when the run cannot go on; what was done stays done."""
    notify = on_progress or (lambda _progress: None)
    report = SyncReport()
    info = client.hello()
    report.clock_offset_seconds = clock_offset(info.server_time, now())
    role = info.role
    report.server_restored = _notice_restore(store, client.base_url, info.epoch)
    queue = waiting(store)
    allowed = queue.sendable_by(role)
    report.held_for_role = len(queue.entries) - len(allowed)
    _push(store, client, allowed, report, notify)
    _pull(store, client, report, notify)
    from inspector.services.rounds import pull_assignments

    report.assignments_held = pull_assignments(store, client)
    if role == "lead":  # who issues documents
        refilled = number_blocks.refill(store, client, local_date(now()))
        report.number_blocks_granted, report.numbers_low = refilled.granted, refilled.low
    return report


@dataclass
class _Outcome:
    entry: dict[str, Any]
    record: dict[str, Any] = field(default_factory=dict)
    created: bool = False
    refusal: tuple[str, dict[str, Any]] | None = None
    photos_sent: int = 0


def _tasks(store: Store, queue: list[dict[str, Any]]) -> tuple[list[list[dict[str, Any]]], list[list[dict[str, Any]]]]:
    """Work that may run side by side, in two rounds: batches of visits (each visit's versions
    together, in order: an amendment needs its base on the server first), then each event alone
    (the server checks an event against the rectification its visit brought)."""
    chains: dict[str, list[dict[str, Any]]] = {}
    events = []
    for entry in queue:
        if entry["kind"] == VISIT:
            chains.setdefault(entry["uuid"], []).append(entry)
        else:
            events.append([entry])
    batches: list[list[dict[str, Any]]] = []
    size = 0
    for chain in chains.values():
        chain_size = sum(_sealed_size(store, entry) for entry in chain)
        if not batches or len(batches[-1]) + len(chain) > BATCH_VISITS or size + chain_size > BATCH_BYTES:
            batches.append([])
            size = 0
        batches[-1].extend(chain)
        size += chain_size
    return batches, events


def _sealed_size(store: Store, entry: dict[str, Any]) -> int:
    return store.sealed_size(entry["uuid"], entry["version"])


def _push(
    store: Store, client: BureauClient, queue: list[dict[str, Any]], report: SyncReport, notify: ProgressCallback
) -> None:
    """Send the queue from a few worker threads (the server's latency, not the laptop, is the limit).

    Only this thread writes to the store: receipts are written in batches; a receipt lost to a crash
    costs a replay, which the server answers with the same receipt.
    """
    pusher = _Pusher(store, client)
    sent: list[dict[str, Any]] = []
    notify(Progress("push", 0, len(queue)))
    done = 0
    pool = ThreadPoolExecutor(max_workers=PUSH_WORKERS, thread_name_prefix="sync-push")
    try:
        for tasks in _tasks(store, queue):
            futures = [pool.submit(pusher.send, task) for task in tasks]
            for future in as_completed(futures):
                for outcome in future.result():
                    _record(store, outcome, sent, report)
                    done += 1
                if len(sent) >= RECEIPT_BATCH:
                    store.put_outbox_many(sent)
                    sent.clear()
                notify(Progress("push", done, len(queue)))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        store.put_outbox_many(sent)


def _broken_seal(store: Store, entry: dict[str, Any]) -> str | None:
    """The frozen file whose bytes changed since they were frozen, or None. Checked by the hash
    noted when they were frozen: one SHA-256 a version (the server checks the seal itself again).
    The visit's own file is checked where documents and exports are made from it."""
    try:
        visit_services.check_frozen(store, entry, entry["seal"])
    except DomainError as error:
        return str(error.params["file"])
    return None


def _record(store: Store, outcome: _Outcome, sent: list[dict[str, Any]], report: SyncReport) -> None:
    entry = outcome.entry
    report.photos_sent += outcome.photos_sent
    if outcome.refusal is not None:
        code, detail = outcome.refusal
        refusal = {"code": code, "detail": detail, "at": to_iso(now())}
        store.put_outbox({**entry, "state": PENDING, "refused": refusal})
        report.refused.append(RefusedItem(entry["kind"], entry["key"], code, detail))
        return
    sent.append(
        {**entry, "state": SENT, "receipt": outcome.record.get("seq"), "sent_at": to_iso(now()), "refused": None}
    )
    if entry["kind"] == RECT_EVENT:
        report.events_sent += 1
    elif outcome.created:
        report.visits_sent += 1
    else:
        report.visits_already += 1


class _Pusher:
    """Sends outbox entries from worker threads; it only reads from the store (frozen files)."""

    def __init__(self, store: Store, client: BureauClient) -> None:
        self.store = store
        self.client = client
        self._confirmed: set[str] = set()
        self._lock = threading.Lock()
        self._photo_locks: dict[str, threading.Lock] = {}

    def send(self, task: list[dict[str, Any]]) -> list[_Outcome]:
        if task[0]["kind"] == VISIT:
            return self._send_visits(task)
        return [self._send_event(entry) for entry in task]

    def _send_visits(self, entries: list[dict[str, Any]]) -> list[_Outcome]:
        outcomes = {entry["key"]: _Outcome(entry) for entry in entries}
        ready = []
        for entry in entries:
            outcome = outcomes[entry["key"]]
            # checked here, in the workers, while the server works on other batches (a version
            # queued before its bytes' hash was noted costs a parse to check)
            broken = _broken_seal(self.store, entry)
            if broken is not None:  # nothing altered is uploaded: the item waits, the file named
                outcome.refusal = (SEAL_BROKEN, {"file": broken})
                continue
            body = self.store.sealed(entry["uuid"], entry["version"])
            lost = self._photos(_photos_of_version(body), outcome)
            if lost:
                outcome.refusal = ("photo_missing_locally", {"sha256": lost})
            else:
                ready.append((entry, body))
        if ready:
            items = [(entry["uuid"], entry["version"], body) for entry, body in ready]
            try:
                answers: list[Receipt | Refused] = self.client.upload_visits(items)
            except Refused as refusal:  # the whole request was refused (too large, malformed): each item waits
                answers = [refusal] * len(ready)
            for (entry, _), answer in zip(ready, answers, strict=True):
                outcome = outcomes[entry["key"]]
                if isinstance(answer, Refused):
                    outcome.refusal = (answer.code, answer.detail)
                else:
                    outcome.record, outcome.created = answer.record, answer.created
        return list(outcomes.values())

    def _send_event(self, entry: dict[str, Any]) -> _Outcome:
        outcome = _Outcome(entry)
        event = entry["event"]
        lost = self._photos(_evidence([event]), outcome)
        if lost:
            outcome.refusal = ("photo_missing_locally", {"sha256": lost})
            return outcome
        try:
            receipt = self.client.put_event(event["id"], canonical_bytes(event))
        except Refused as refusal:  # the item waits, with the server's reason; the rest goes on
            outcome.refusal = (refusal.code, refusal.detail)
            return outcome
        outcome.record, outcome.created = receipt.record, receipt.created
        return outcome

    def _photos(self, shas: set[str], outcome: _Outcome) -> list[str]:
        """Send the photos the server lacks; returns those the laptop itself no longer has.

        One lock per photo: visits sharing a photo, sent side by side, send it once.
        """
        lost = []
        for sha256 in sorted(shas):
            with self._lock:
                photo_lock = self._photo_locks.setdefault(sha256, threading.Lock())
            with photo_lock:
                if sha256 in self._confirmed:
                    continue
                if not self.client.has_photo(sha256):
                    try:
                        data = self.store.evidence_path(sha256).read_bytes()
                    except OSError:
                        lost.append(sha256)
                        continue
                    self.client.put_photo(sha256, data)
                    outcome.photos_sent += 1
                self._confirmed.add(sha256)
        return lost


def _photos_of_version(body: bytes) -> set[str]:
    """The photos a signed-off version's answers name. Its frozen bytes are canonical JSON (no
    white space; checked before it is sent), where a list of evidence holding anything can only
    begin as ``"evidence":[{`` (inside a string the quotes would be escaped): most versions hold
    none and are not parsed for it (at 10,000 visits, a second and a half of the laptop's CPU)."""
    if b'"evidence":[{' not in body:
        return set()
    return _evidence(json.loads(body).get("answer_log", ()))


def _evidence(holders: Iterable[dict[str, Any]]) -> set[str]:
    """The photos named by answers or events (each holder's "evidence" list)."""
    return {item["sha256"] for holder in holders for item in holder.get("evidence") or ()}


# -- pulling -----------------------------------------------------------------------------------


def _pull(store: Store, client: BureauClient, report: SyncReport, notify: ProgressCallback) -> None:
    url = client.base_url
    since = checkpoint(store, url)
    while True:
        page = client.feed(since, FEED_PAGE)
        entries = page.get("entries") or []
        _apply_page(store, entries, report)
        after = int(page.get("next", since))
        if after != since:  # nothing new (a no-op sync) writes nothing
            since = after
            _save_checkpoint(store, url, since)
        notify(Progress("pull", since, since))
        if not page.get("more") or not entries:
            break
    report.feed_position = since


UNAPPLIABLE = (DomainError, wire.WireError, KeyError, TypeError, ValueError, AttributeError)
"""What an entry this laptop cannot apply raises (an older program, a future kind, a damaged entry)."""


def _apply_page(store: Store, entries: list[dict[str, Any]], report: SyncReport) -> None:
    """Apply each entry; one that cannot be applied is set aside (noted in ``sync.json`` with why,
    counted in the report) and the rest goes on: nothing the server holds stalls this laptop."""
    from inspector.services.rectifications import apply_remote_records, store_remote_events

    events: list[RectificationEvent] = []
    received: dict[str, str] = {}
    found: list[wire.RectificationRecords] = []
    for entry in entries:
        try:
            if isinstance(entry, dict) and entry.get("kind") == RECT_RECORDS:
                if _held_here(store, entry["body"]):
                    continue  # this laptop's own visit, come back: it adds nothing (apply_remote_records)
                found.append(_records_of(entry["body"]))
            else:
                _apply_entry(store, entry, report, events, received)
        except UNAPPLIABLE as error:
            _set_aside(store, entry, error, report)
    # the records before the events: an event of this page may move a record of this page
    if found:
        report.records_received += apply_remote_records(store, found)
    if events:
        report.events_received += store_remote_events(store, events, received)


def _held_here(store: Store, body: Any) -> bool:
    """Whether a ``rect_records`` entry is of a visit this laptop holds (a first sync gets its own
    visits' records back: at 10,000 visits, reading them through the rules would cost a second)."""
    uuid = body.get("visit_uuid") if isinstance(body, dict) else None
    return isinstance(uuid, str) and store.visit_summary(uuid) is not None


def _records_of(body: Any) -> wire.RectificationRecords:
    """A ``rect_records`` entry, read whole by the rules here (so that one unreadable visit's
    records are set aside alone, never half kept)."""
    entry = wire.convert(body, wire.RectificationRecords)
    for record in entry.records:
        rules.record_from_dict(msgspec.to_builtins(record))
    for item in entry.items:
        Item.from_dict(msgspec.to_builtins(item))
    if not {record.item_id for record in entry.records} <= {item.id for item in entry.items}:
        raise ValueError("a record without its item")
    return entry


def fetch_evidence(store: Store, client: BureauClient, sha256: str) -> Path:
    """A finding's photo on this laptop: kept here already, or fetched from the bureau server now
    (the records of other teams come without their photos; a laptop takes only those looked at)."""
    path = store.evidence_path(sha256)
    if path.is_file():
        return path
    data = client.photo(sha256)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise DomainError("evidence.damaged_download", sha256=sha256[:12])
    return store.keep_evidence(sha256, data)


def fetch_rectification_photos(store: Store, client: BureauClient, rectification_id: str) -> list[Path]:
    """The photos of a rectification (its finding's, and each step's), here already or fetched now."""
    from inspector.services.rectifications import rectification_view

    view = rectification_view(store, rectification_id)
    evidence = [*view.record.evidence, *(item for step in view.history for item in step.event.evidence)]
    return [fetch_evidence(store, client, sha256) for sha256 in dict.fromkeys(item.sha256 for item in evidence)]


def clock_offset(server_time: str, here: datetime) -> float | None:
    """Seconds the server's clock is ahead of ``here`` (negative: behind); None if it sent no time."""
    try:
        return (from_iso(server_time) - here).total_seconds()
    except (TypeError, ValueError):
        return None


def _apply_entry(
    store: Store, entry: Any, report: SyncReport, events: list[RectificationEvent], received: dict[str, str]
) -> None:
    kind, body = entry["kind"], entry["body"]
    if kind == "checklist":
        report.checklists_added += store.add_checklist(Checklist.from_dict(body))
    elif kind == "register":
        published = _moment(entry.get("published_at"))
        added, changed = store.upsert_sites([Site.from_dict(row) for row in body["sites"]], superseded_at=published)
        report.sites_added += added
        report.sites_changed += changed
    elif kind == "profile":
        save_profile(store, BureauProfile.from_dict(body))
        report.profile_received = True
    elif kind == RECT_EVENT:
        events.append(RectificationEvent.from_dict(body))  # read here: one unreadable event is set aside alone
        if isinstance(entry.get("published_at"), str):  # the server's receipt time, by its clock
            received[entry["key"]] = entry["published_at"]
    else:
        raise ValueError(f"unknown kind {kind!r}")


def _set_aside(store: Store, entry: Any, error: Exception, report: SyncReport) -> None:
    seq = entry.get("seq") if isinstance(entry, dict) else None
    kind = str(entry.get("kind", "?")) if isinstance(entry, dict) else "?"
    key = str(entry.get("key", "?")) if isinstance(entry, dict) else "?"
    reason = error.code if isinstance(error, DomainError) else f"{type(error).__name__}: {error}"
    item = SetAside(seq if isinstance(seq, int) else 0, kind, key, reason)
    report.set_aside.append(item)
    # what and why, not the entry itself (a register may be megabytes; the server still holds it)
    store.db(SYNC_FILE).table("set_aside").insert({**item.__dict__, "at": to_iso(now())})


def _moment(text: str | None) -> datetime:
    try:
        return from_iso(text) if text else now()
    except ValueError:
        return now()
