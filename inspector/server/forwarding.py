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
its first receipt: nothing lost, nothing twice. An item the province refuses is parked with its
reason (``db.forwarding_parked``) and the rest flows on past it: ``inspector server forwarding
status`` lists what is parked, and an admin asks for a retry (sent at the next round) or drops it.
A failure of the whole call (offline, a 5xx, a refused token) stops the round; it is kept for the
status command and the forwarder tries again later.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import random
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, and_, delete, func, insert, select, update
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inspector.core.canonical import canonical_bytes
from inspector.core.clock import now, to_iso
from inspector.server import records
from inspector.server.db import Database, feed, forwarding, forwarding_parked, insert_once, visits

log = logging.getLogger("inspector.server.forwarding")
T = TypeVar("T")

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
    parked: int = 0
    """Items the province refused this round: set aside, the rest went on."""
    unparked: int = 0
    """Parked items an admin asked to retry that the province took this time."""

    @property
    def sent_anything(self) -> bool:
        return bool(self.visits_sent or self.photos_sent or self.events_sent or self.parked or self.unparked)


def _is_refusal(answer: Any) -> bool:
    return isinstance(getattr(answer, "status", None), int) and isinstance(getattr(answer, "code", None), str)


VISIT, EVENT = "visit", "event"


def _park(database: Database, target: str, kind: str, seq: int, key: str, refusal: Any) -> None:
    """Set an item the province refused aside, with why (again: the latest reason replaces the earlier)."""
    reason = {"code": refusal.code, "status": refusal.status, "detail": getattr(refusal, "detail", {}) or {}}
    log.warning("%s refused %s %s: %s %s; parked, the rest goes on", target, kind, key, refusal.status, refusal.code)
    with database.writing() as conn:
        conn.execute(
            delete(forwarding_parked).where(
                forwarding_parked.c.target == target, forwarding_parked.c.kind == kind, forwarding_parked.c.seq == seq
            )
        )
        conn.execute(
            insert(forwarding_parked).values(
                target=target,
                kind=kind,
                seq=seq,
                key=key,
                refusal=json.dumps(reason, ensure_ascii=False),
                parked_at=to_iso(now()),
                retry=False,
            )
        )


def _parked_rows(conn: Connection, target: str, *, retry_only: bool = False) -> list[Any]:
    query = select(forwarding_parked).where(forwarding_parked.c.target == target)
    if retry_only:
        query = query.where(forwarding_parked.c.retry.is_(True))
    return list(conn.execute(query.order_by(forwarding_parked.c.kind.desc(), forwarding_parked.c.seq)))


def _parked_where(kind: str, seq: int, target: str | None) -> Any:
    condition = and_(forwarding_parked.c.kind == kind, forwarding_parked.c.seq == seq)
    return condition if target is None else and_(condition, forwarding_parked.c.target == target)


def retry_parked(database: Database, kind: str, seq: int, target: str | None = None) -> int:
    """Ask for a parked item to be sent again at the next round (for every target, unless one is
    named); returns how many parked rows were marked."""
    with database.writing() as conn:
        return conn.execute(
            update(forwarding_parked).where(_parked_where(kind, seq, target)).values(retry=True)
        ).rowcount


def drop_parked(database: Database, kind: str, seq: int, target: str | None = None) -> int:
    """Forget a parked item: it is not forwarded (the county keeps it); returns how many rows went."""
    with database.writing() as conn:
        return conn.execute(delete(forwarding_parked).where(_parked_where(kind, seq, target))).rowcount


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
            parked = [
                {
                    "kind": item.kind,
                    "seq": item.seq,
                    "key": item.key,
                    "refusal": json.loads(item.refusal),
                    "parked_at": item.parked_at,
                    "retry": item.retry,
                }
                for item in _parked_rows(conn, row.target)
            ]
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
                    "parked": parked,
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
        if _pending_counts(conn, position) == (0, 0) and not _parked_rows(conn, target, retry_only=True):
            return report
    # the preflight: this is the province that enrolled our token, not a portal
    if _restored_since(database, target, getattr(upstream.hello(), "epoch", "")):
        position = Position(0, 0)
    photos = _PhotoSender(folder, upstream, report)
    _forward_retries(database, upstream, target, photos, report)
    _forward_visits(database, upstream, target, position.visits_seq, photos, report)
    _forward_events(database, upstream, target, position.events_seq, photos, report)
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
        for row, answer in zip(batch, answers, strict=True):
            _count_visit(database, target, row, answer, report)
        since = batch[-1].seq
        _save(database, target, visits_seq=since)


def _count_visit(database: Database, target: str, row: _Version, answer: Any, report: ForwardReport) -> bool:
    """Count the province's answer to one version, parking it when refused; True when it took it."""
    if _is_refusal(answer):
        _park(database, target, VISIT, row.seq, f"{row.uuid} v{row.version}", answer)
        report.parked += 1
        return False
    report.visits_sent += answer.created
    report.visits_already += not answer.created
    return True


def _send_event(
    database: Database,
    upstream: Upstream,
    target: str,
    entry: dict[str, Any],
    photos: _PhotoSender,
    report: ForwardReport,
) -> bool:
    """Forward one event of the feed, parking it when refused; True when the province took it."""
    event = entry["body"]
    photos.send(item["sha256"] for item in event.get("evidence") or ())
    try:
        receipt = upstream.put_event(entry["key"], canonical_bytes(event))
    except Exception as error:
        if not _is_refusal(error):
            raise
        _park(database, target, EVENT, entry["seq"], entry["key"], error)
        report.parked += 1
        return False
    report.events_sent += receipt.created
    return True


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
                    _send_event(database, upstream, target, entry, photos, report)
                acknowledged = entry["seq"]
            if not page["more"] or not page["entries"]:
                return
    finally:
        # what the province acknowledged (or refused, now parked) stays behind, however this round ends
        if acknowledged != since:
            _save(database, target, events_seq=acknowledged)


def _forward_retries(
    database: Database, upstream: Upstream, target: str, photos: _PhotoSender, report: ForwardReport
) -> None:
    """Send again the parked items an admin asked to retry: taken, they leave the list; refused
    again, they stay parked with the new reason."""
    with database.reading() as conn:
        wanted = _parked_rows(conn, target, retry_only=True)
    for parked in wanted:
        if parked.kind == VISIT:
            [row] = _versions_by_seq(database, [parked.seq]) or [None]
            if row is None:
                taken = True  # no longer in the county (a restore): nothing to forward
            else:
                photos.send(records.evidence_of(json.loads(row.body)))
                [answer] = upstream.upload_visits([(row.uuid, row.version, row.body)])
                taken = _count_visit(database, target, row, answer, report)
        else:
            entry = _feed_entry(database, parked.seq)
            taken = entry is None or _send_event(database, upstream, target, entry, photos, report)
        if taken:
            drop_parked(database, parked.kind, parked.seq, target)
            report.unparked += 1


def _versions_by_seq(database: Database, seqs: list[int]) -> list[_Version]:
    with database.reading() as conn:
        rows = conn.execute(
            select(visits.c.seq, visits.c.uuid, visits.c.version, visits.c.body).where(visits.c.seq.in_(seqs))
        ).all()
    return [_Version(row.seq, row.uuid, row.version, bytes(row.body)) for row in rows]


def _feed_entry(database: Database, seq: int) -> dict[str, Any] | None:
    with database.reading() as conn:
        row = conn.execute(select(feed.c.seq, feed.c.key, feed.c.body).where(feed.c.seq == seq)).first()
    return None if row is None else {"seq": row.seq, "key": row.key, "body": json.loads(row.body)}


# -- the forwarder in the server ---------------------------------------------------------------


class Forwarder:
    """Rounds run by the server: on each new upload, at least every ``every`` seconds, and after a
    failure with growing waits (jittered, at most ``every``) — forever: a province outage only
    delays.

    The schedule is an asyncio task of the server's event loop, started and stopped by
    ``lifespan``; each round, which blocks on the database and the network, runs in a thread of
    its own. The waits are the event loop's (``asyncio.wait_for`` on an ``asyncio.Event``): its
    timeouts are relative to the loop's monotonic clock, where a ``threading.Event.wait(timeout)``
    is a timed lock wait that may never return when the wall clock is shifted (libfaketime; it
    hung the retry after an outage). A ``socketpair`` waker polled with ``selectors`` would wait
    as well, but it would be a second loop with a thread and sockets of its own, beside the one
    the server already runs and where an upload is seen (``WakeOnUpload``).

    The round's thread is a daemon of its own rather than one of anyio's or asyncio's workers:
    those are joined at exit, so a round hanging on the network would hold a stopped server up
    until its timeouts ran out. A stop waits ``STOP_WAIT_SECONDS`` for the round, then leaves it.
    """

    def __init__(self, database: Database, folder: records.PhotoFolder, settings: ForwardSettings) -> None:
        self.database = database
        self.folder = folder
        self.settings = settings
        self._upstream: Upstream | None = None
        self._woken = asyncio.Event()
        self._stopping = asyncio.Event()

    def wake(self) -> None:
        """Ask for a round now; from the event loop's thread (asyncio's events are not thread-safe)."""
        self._woken.set()

    @asynccontextmanager
    async def lifespan(self, _app: Any) -> AsyncIterator[None]:
        running = asyncio.create_task(self._run(), name="forwarder")
        try:
            yield
        finally:
            self._stopping.set()
            self._woken.set()
            done, _ = await asyncio.wait({running}, timeout=STOP_WAIT_SECONDS)
            if not done:
                log.warning("a round forwarding to %s still runs: left behind", self.settings.target)
                running.cancel()
                await asyncio.wait({running})

    def _backoff(self, failures: int) -> float:
        ceiling = min(self.settings.every, self.settings.first_retry * 2 ** min(failures - 1, 16))
        return random.uniform(ceiling / 2, ceiling)

    async def _run(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            self._woken.clear()
            if await _in_own_thread(self._round):
                failures = 0
                await _wait(self._woken, self.settings.every)
            else:
                failures += 1
                await _wait(self._stopping, self._backoff(failures))
        # not reached when a hanging round was left behind: it still uses the connection
        if self._upstream is not None:
            await _in_own_thread(self._upstream.close)

    def _round(self) -> bool:
        """One round (in its thread); False when it failed, which only delays: kept, logged, retried."""
        try:
            self._upstream = self._upstream or self.settings.connect()
            report = forward_pending(self.database, self.folder, self._upstream, self.settings.target)
        except Exception as error:  # whatever it was
            self._note_failure(error)
            return False
        if report.sent_anything:
            log.info("forwarded to %s: %s", self.settings.target, report)
        return True

    def _note_failure(self, error: Exception) -> None:
        failure = _failure(error)
        log.warning("forwarding to %s stopped: %s %s", self.settings.target, failure["code"], failure["params"])
        try:
            record_failure(self.database, self.settings.target, error)
        except Exception:  # the database itself failing: the log line above is what is left
            log.exception("could not record the forwarding failure")


async def _wait(event: asyncio.Event, seconds: float) -> None:
    """Until ``event`` is set or ``seconds`` have passed."""
    with suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)


def _in_own_thread(work: Callable[[], T]) -> asyncio.Future[T]:
    """``work()`` in a daemon thread of its own, as a future of the running event loop; cancelling
    the future leaves the thread to finish alone (the process may exit meanwhile)."""
    done: concurrent.futures.Future[T] = concurrent.futures.Future()

    def run() -> None:
        if not done.set_running_or_notify_cancel():
            return
        try:
            result = work()
        except BaseException as error:  # handed to the awaiting task, which raises it
            done.set_exception(error)
        else:
            done.set_result(result)

    threading.Thread(target=run, name="forwarder", daemon=True).start()
    return asyncio.wrap_future(done)


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
