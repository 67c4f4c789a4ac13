"""County → province forwarding: the county's own database is the outbox.

A county server started with ``--forward-to`` sends the province everything it keeps: every
visit version (its stored bytes, under its own uuid and version, so the province's unique key
collapses any replay), the photos those name (HEAD, then PUT by sha256), and the rectification
events of its feed. It talks to the province with the laptops' client (injected by the command
line: the server does not import the client), so the preflight, the timeouts and the retries
are the same.

Progress is a checkpoint row per target (``db.forwarding``): the last visit ``seq`` and the last
feed ``seq`` the province has acknowledged. It moves only after the province's receipt, so a
cut, a crash of either side or a province outage means a replay, which the province answers with
its first receipt: nothing lost, nothing twice. An item the province refuses stops forwarding at
that item (nothing after it is skipped past); the reason is kept for ``inspector server
forwarding status`` and the forwarder tries again later.
"""

from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Connection, func, select, update
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inspector.core.canonical import canonical_bytes
from inspector.core.clock import now, to_iso
from inspector.server import records
from inspector.server.db import Database, feed, forwarding, insert_once, visits

log = logging.getLogger("inspector.server.forwarding")

BATCH_VISITS = 50
BATCH_BYTES = 8 * 1024 * 1024
EVENT_PAGE = 200
RECT_EVENT = "rect_event"
STOP_WAIT_SECONDS = 10.0


class Upstream(Protocol):
    """The province, as ``inspector.sync.client.BureauClient`` offers it.

    A failure of the whole call is an exception with a ``code``; the province's refusal of one
    item is an exception or an answer with ``code``, an HTTP ``status`` and ``detail``.
    """

    def hello(self) -> Any: ...

    def upload_visits(self, items: list[tuple[str, int, bytes]]) -> Sequence[Any]: ...

    def has_photo(self, sha256: str) -> bool: ...

    def put_photo(self, sha256: str, data: bytes) -> Any: ...

    def put_event(self, event_id: str, body: bytes) -> Any: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class ForwardSettings:
    target: str
    """The province's URL; the checkpoint is kept per target, so a new province starts from 0."""
    connect: Callable[[], Upstream]
    every: float = 30.0
    """A round at least this often (besides each new upload), and the longest wait after a failure."""
    first_retry: float = 1.0


@dataclass
class ForwardReport:
    visits_sent: int = 0
    visits_already: int = 0
    photos_sent: int = 0
    events_sent: int = 0

    @property
    def sent_anything(self) -> bool:
        return bool(self.visits_sent or self.photos_sent or self.events_sent)


class ForwardingRefused(Exception):
    """The province refused an item the county holds: forwarding waits at that item."""

    def __init__(self, kind: str, key: str, refusal: Any) -> None:
        super().__init__(f"{kind} {key}: {refusal.status} {refusal.code}")
        self.kind = kind
        self.key = key
        self.refusal = refusal


def _is_refusal(answer: Any) -> bool:
    return isinstance(getattr(answer, "status", None), int) and isinstance(getattr(answer, "code", None), str)


# -- the checkpoint ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Position:
    visits_seq: int
    events_seq: int


def _position(database: Database, target: str) -> Position:
    """The target's checkpoint, made at 0 the first time (a read only, afterwards)."""
    query = select(forwarding).where(forwarding.c.target == target)
    with database.reading() as conn:
        row = conn.execute(query).first()
    if row is None:
        with database.writing() as conn:
            insert_once(conn, forwarding, {"target": target, "visits_seq": 0, "events_seq": 0}, ("target",))
            row = conn.execute(query).one()
    return Position(row.visits_seq, row.events_seq)


def _restored_since(database: Database, target: str, epoch: str) -> bool:
    """Whether the province's database was restored from a backup since the last round.

    It may then have forgotten what it acknowledged after its backup: forwarding starts again
    from the beginning (the province answers what it still holds with its first receipt). The
    checkpoint goes back first and the new epoch is saved with it, in one transaction.
    """
    with database.reading() as conn:
        known = conn.execute(select(forwarding.c.upstream_epoch).where(forwarding.c.target == target)).scalar()
    if known == epoch:
        return False
    restored = bool(known and epoch)
    values: dict[str, Any] = {"upstream_epoch": epoch}
    if restored:
        values.update(visits_seq=0, events_seq=0)
        log.warning("%s was restored from a backup: forwarding everything again", target)
    _save(database, target, **values)
    return restored


def _save(database: Database, target: str, **values: Any) -> None:
    with database.writing() as conn:
        conn.execute(update(forwarding).where(forwarding.c.target == target).values(**values))


def _pending_counts(conn: Connection, position: Position) -> tuple[int, int]:
    waiting_visits = conn.execute(
        select(func.count()).select_from(visits).where(visits.c.seq > position.visits_seq)
    ).scalar_one()
    waiting_events = conn.execute(
        select(func.count()).select_from(feed).where(feed.c.seq > position.events_seq, feed.c.kind == RECT_EVENT)
    ).scalar_one()
    return waiting_visits, waiting_events


def record_failure(database: Database, target: str, error: Exception) -> None:
    """Keep why the last round stopped, for the status command (never the token: errors carry none)."""
    _save(database, target, last_error=json.dumps(_failure(error), ensure_ascii=False), last_error_at=to_iso(now()))


def _failure(error: Exception) -> dict[str, Any]:
    if isinstance(error, ForwardingRefused):
        refusal = error.refusal
        params = {"kind": error.kind, "key": error.key, "reason": refusal.code, "status": refusal.status}
        return {"code": "refused", "params": {**params, "detail": json.dumps(refusal.detail, ensure_ascii=False)}}
    code = getattr(error, "code", None)
    if isinstance(code, str):
        return {"code": code, "params": {key: str(value) for key, value in getattr(error, "params", {}).items()}}
    return {"code": "internal", "params": {"reason": f"{type(error).__name__}: {error}"}}


def forwarding_status(database: Database) -> list[dict[str, Any]]:
    """Each target's checkpoint, what still waits for it, and why the last round stopped (if it did)."""
    with database.reading() as conn:
        rows = conn.execute(select(forwarding).order_by(forwarding.c.target)).all()
        states = []
        for row in rows:
            waiting_visits, waiting_events = _pending_counts(conn, Position(row.visits_seq, row.events_seq))
            states.append(
                {
                    "target": row.target,
                    "visits_seq": row.visits_seq,
                    "events_seq": row.events_seq,
                    "pending_visits": waiting_visits,
                    "pending_events": waiting_events,
                    "last_forwarded_at": row.last_forwarded_at,
                    "last_error": json.loads(row.last_error) if row.last_error else None,
                    "last_error_at": row.last_error_at,
                }
            )
    return states


# -- one round ---------------------------------------------------------------------------------


def forward_pending(database: Database, folder: records.PhotoFolder, upstream: Upstream, target: str) -> ForwardReport:
    """Send the province what it has not acknowledged yet: visits in ``seq`` order, then events.

    With nothing waiting, the province is not called at all.
    """
    report = ForwardReport()
    position = _position(database, target)
    with database.reading() as conn:
        if _pending_counts(conn, position) == (0, 0):
            return report
    # the preflight: this is the province that enrolled our token, not a portal
    if _restored_since(database, target, getattr(upstream.hello(), "epoch", "")):
        position = Position(0, 0)
    photos = _PhotoSender(folder, upstream, report)
    refusals = []
    # a refused visit holds the visits after it, not the events (and the other way round)
    for forward, since in ((_forward_visits, position.visits_seq), (_forward_events, position.events_seq)):
        try:
            forward(database, upstream, target, since, photos, report)
        except ForwardingRefused as refusal:
            refusals.append(refusal)
    if refusals:
        raise refusals[0]
    _save(database, target, last_forwarded_at=to_iso(now()), last_error=None, last_error_at=None)
    return report


class _PhotoSender:
    """HEAD, then PUT the county's copy if the province lacks it; each photo once per round."""

    def __init__(self, folder: records.PhotoFolder, upstream: Upstream, report: ForwardReport) -> None:
        self.folder = folder
        self.upstream = upstream
        self.report = report
        self._confirmed: set[str] = set()

    def send(self, shas: Iterable[str]) -> None:
        for sha256 in sorted(set(shas) - self._confirmed):
            if not self.upstream.has_photo(sha256):
                self.upstream.put_photo(sha256, self.folder.path(sha256).read_bytes())
                self.report.photos_sent += 1
            self._confirmed.add(sha256)


@dataclass(frozen=True)
class _Version:
    seq: int
    uuid: str
    version: int
    body: bytes


def _visit_batch(database: Database, since: int) -> list[_Version]:
    """The next versions after ``since``, read through the API's own listing, so that whatever
    keeps that listing from skipping a late commit keeps forwarding from skipping it too."""
    receipts = records.list_visits(database, since, BATCH_VISITS)["entries"]
    if not receipts:
        return []
    with database.reading() as conn:
        query = select(visits.c.seq, visits.c.body).where(visits.c.seq.in_([receipt["seq"] for receipt in receipts]))
        bodies = {row.seq: bytes(row.body) for row in conn.execute(query)}
    batch: list[_Version] = []
    size = 0
    for receipt in receipts:
        body = bodies[receipt["seq"]]
        if batch and size + len(body) > BATCH_BYTES:
            break
        batch.append(_Version(receipt["seq"], receipt["uuid"], receipt["version"], body))
        size += len(body)
    return batch


def _forward_visits(
    database: Database, upstream: Upstream, target: str, since: int, photos: _PhotoSender, report: ForwardReport
) -> None:
    while batch := _visit_batch(database, since):
        for row in batch:
            photos.send(records.evidence_of(json.loads(row.body)))
        answers = upstream.upload_visits([(row.uuid, row.version, row.body) for row in batch])
        refused: tuple[_Version, Any] | None = None
        acknowledged = since
        for row, answer in zip(batch, answers, strict=True):
            if _is_refusal(answer):
                refused = (row, answer)
                break
            acknowledged = row.seq
            report.visits_sent += answer.created
            report.visits_already += not answer.created
        if acknowledged != since:
            _save(database, target, visits_seq=acknowledged)
            since = acknowledged
        if refused is not None:
            row, answer = refused
            raise ForwardingRefused("visit", f"{row.uuid} v{row.version}", answer)


def _forward_events(
    database: Database, upstream: Upstream, target: str, since: int, photos: _PhotoSender, report: ForwardReport
) -> None:
    """Rectification events from the feed (checklists and the register are the county's own)."""
    acknowledged = since
    try:
        while True:
            page = records.feed_page(database, acknowledged, EVENT_PAGE)
            for entry in page["entries"]:
                if entry["kind"] == RECT_EVENT:
                    event = entry["body"]
                    photos.send(item["sha256"] for item in event.get("evidence") or ())
                    try:
                        receipt = upstream.put_event(entry["key"], canonical_bytes(event))
                    except Exception as error:
                        if _is_refusal(error):
                            raise ForwardingRefused("event", entry["key"], error) from None
                        raise
                    report.events_sent += receipt.created
                acknowledged = entry["seq"]
            if not page["more"] or not page["entries"]:
                return
    finally:
        # what the province acknowledged stays acknowledged, however this round ends
        if acknowledged != since:
            _save(database, target, events_seq=acknowledged)


# -- the forwarder in the server ---------------------------------------------------------------


class Forwarder:
    """A background thread running rounds: on each new upload, at least every ``every`` seconds,
    and after a failure with growing waits (jittered, at most ``every``) — forever: a province
    outage only delays."""

    def __init__(self, database: Database, folder: records.PhotoFolder, settings: ForwardSettings) -> None:
        self.database = database
        self.folder = folder
        self.settings = settings
        self._woken = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="forwarder", daemon=True)

    def wake(self) -> None:
        self._woken.set()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._woken.set()
        self._thread.join(STOP_WAIT_SECONDS)

    @asynccontextmanager
    async def lifespan(self, _app: Any) -> AsyncIterator[None]:
        self.start()
        try:
            yield
        finally:
            await run_in_threadpool(self.stop)

    def _backoff(self, failures: int) -> float:
        ceiling = min(self.settings.every, self.settings.first_retry * 2 ** min(failures - 1, 16))
        return random.uniform(ceiling / 2, ceiling)

    def _run(self) -> None:
        target = self.settings.target
        upstream: Upstream | None = None
        failures = 0
        try:
            while not self._stopping.is_set():
                self._woken.clear()
                try:
                    upstream = upstream or self.settings.connect()
                    report = forward_pending(self.database, self.folder, upstream, target)
                except Exception as error:  # whatever it was, it only delays: kept, logged, retried
                    failures += 1
                    self._note_failure(error)
                    self._stopping.wait(self._backoff(failures))
                    continue
                failures = 0
                if report.sent_anything:
                    log.info("forwarded to %s: %s", target, report)
                self._woken.wait(self.settings.every)
        finally:
            if upstream is not None:
                upstream.close()

    def _note_failure(self, error: Exception) -> None:
        failure = _failure(error)
        log.warning("forwarding to %s stopped: %s %s", self.settings.target, failure["code"], failure["params"])
        try:
            record_failure(self.database, self.settings.target, error)
        except Exception:  # the database itself failing: the log line above is what is left
            log.exception("could not record the forwarding failure")


class WakeOnUpload:
    """Wake the forwarder when an upload was stored: a 2xx answer to a PUT or POST under ``paths``."""

    def __init__(self, app: ASGIApp, forwarder: Forwarder, paths: tuple[str, ...]) -> None:
        self.app = app
        self.forwarder = forwarder
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("PUT", "POST")
            or not scope["path"].startswith(self.paths)
        ):
            await self.app(scope, receive, send)
            return

        async def watching(message: Message) -> None:
            if message["type"] == "http.response.start" and 200 <= message["status"] < 300:
                self.forwarder.wake()
            await send(message)

        await self.app(scope, receive, watching)
