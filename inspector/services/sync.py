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

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector.core.checklists import Checklist
from inspector.core.clock import from_iso, now, to_iso
from inspector.core.sites import Site
from inspector.core.visits import Visit
from inspector.services.visits import ensure_outbox
from inspector.store.store import SINGLE, Store
from inspector.sync.errors import Refused, SyncError

if TYPE_CHECKING:
    from inspector.sync.client import BureauClient, ServerInfo

SYNC_FILE = "sync.json"
SENT = "sent"
PENDING = "pending"
VISIT = "visit"
RECT_EVENT = "rect_event"
FEED_PAGE = 200
# what each role may send (the server enforces it too); the rest waits for a lead's laptop
SENDERS = {VISIT: {"lead"}, RECT_EVENT: {"lead", "admin"}}


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
    feed_position: int = 0
    held_for_role: int = 0
    """Items this account's role may not send: they stay queued."""

    @property
    def sent_anything(self) -> bool:
        return bool(self.visits_sent or self.photos_sent or self.events_sent)


@dataclass(frozen=True)
class Progress:
    """Where the run is: ``done`` of ``total`` outbox items pushed, then the feed position."""

    phase: str
    done: int
    total: int


ProgressCallback = Callable[[Progress], None]


# -- the login ---------------------------------------------------------------------------------


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


def _document(data: dict[str, Any]) -> Any:
    from tinydb.table import Document

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


# -- what waits --------------------------------------------------------------------------------


def pending(store: Store) -> list[dict[str, Any]]:
    """Outbox entries not yet acknowledged by the server: versions in order, then events."""
    entries = [entry for entry in store.outbox() if entry.get("state") != SENT]
    order = {VISIT: 0, RECT_EVENT: 1}
    return sorted(entries, key=lambda e: (order.get(e["kind"], 2), e.get("version", 0), e["key"]))


def pending_count(store: Store) -> int:
    return len(pending(store))


def _queue_unsent(store: Store) -> None:
    """Re-make outbox entries a crash may have left out (visits, and events if that service exists)."""
    ensure_outbox(store)
    try:
        from inspector.services.rectifications import queue_unsent_events
    except ImportError:
        return
    queue_unsent_events(store)


# -- the run -----------------------------------------------------------------------------------


def sync(store: Store, client: BureauClient, *, on_progress: ProgressCallback | None = None) -> SyncReport:
    """Push, then pull. Raises ``SyncError`` when the run cannot go on; what was done stays done."""
    notify = on_progress or (lambda _progress: None)
    report = SyncReport()
    role = client.hello().role
    _queue_unsent(store)
    queue = pending(store)
    allowed = [entry for entry in queue if role in SENDERS.get(entry["kind"], set())]
    report.held_for_role = len(queue) - len(allowed)
    queue = allowed
    confirmed_photos: set[str] = set()
    for done, entry in enumerate(queue):
        notify(Progress("push", done, len(queue)))
        try:
            if entry["kind"] == VISIT:
                _push_visit(store, client, entry, confirmed_photos, report)
            else:
                _push_event(store, client, entry, confirmed_photos, report)
        except Refused as refusal:  # the item waits, with the server's reason; the rest goes on
            _record_refusal(store, entry, refusal.code, refusal.detail, report)
    notify(Progress("push", len(queue), len(queue)))
    _pull(store, client, report, notify)
    return report


def _record_refusal(store: Store, entry: dict[str, Any], code: str, detail: dict[str, Any], report: SyncReport) -> None:
    refusal = {"code": code, "detail": detail, "at": to_iso(now())}
    store.put_outbox({**entry, "state": PENDING, "refused": refusal})
    report.refused.append(RefusedItem(entry["kind"], entry["key"], code, detail))


def _mark_sent(store: Store, entry: dict[str, Any], receipt: dict[str, Any]) -> None:
    store.put_outbox({**entry, "state": SENT, "receipt": receipt.get("seq"), "sent_at": to_iso(now()), "refused": None})


def _push_photos(
    store: Store, client: BureauClient, shas: set[str], confirmed: set[str], report: SyncReport
) -> list[str]:
    """Send the photos the server lacks; returns those the laptop itself no longer has."""
    lost = []
    for sha256 in sorted(shas - confirmed):
        if not client.has_photo(sha256):
            try:
                data = store.evidence_path(sha256).read_bytes()
            except OSError:
                lost.append(sha256)
                continue
            client.put_photo(sha256, data)
            report.photos_sent += 1
        confirmed.add(sha256)
    return lost


def _push_visit(
    store: Store, client: BureauClient, entry: dict[str, Any], confirmed: set[str], report: SyncReport
) -> None:
    body = store.sealed(entry["uuid"], entry["version"])
    visit = Visit.from_dict(json.loads(body))
    shas = {item.sha256 for answer in visit.answer_log for item in answer.evidence}
    lost = _push_photos(store, client, shas, confirmed, report)
    if lost:
        _record_refusal(store, entry, "photo_missing_locally", {"sha256": lost}, report)
        return
    receipt = client.upload_visit(entry["uuid"], entry["version"], body)
    _mark_sent(store, entry, receipt.record)
    if receipt.created:
        report.visits_sent += 1
    else:
        report.visits_already += 1


def _push_event(
    store: Store, client: BureauClient, entry: dict[str, Any], confirmed: set[str], report: SyncReport
) -> None:
    from inspector.core.canonical import canonical_bytes

    event = entry["event"]
    shas = {item["sha256"] for item in event.get("evidence") or ()}
    lost = _push_photos(store, client, shas, confirmed, report)
    if lost:
        _record_refusal(store, entry, "photo_missing_locally", {"sha256": lost}, report)
        return
    receipt = client.put_event(event["id"], canonical_bytes(event))
    _mark_sent(store, entry, receipt.record)
    report.events_sent += 1


# -- pulling -----------------------------------------------------------------------------------


def _pull(store: Store, client: BureauClient, report: SyncReport, notify: ProgressCallback) -> None:
    url = client.base_url
    since = checkpoint(store, url)
    while True:
        page = client.feed(since, FEED_PAGE)
        entries = page.get("entries") or []
        _apply_page(store, entries, report)
        since = int(page.get("next", since))
        _save_checkpoint(store, url, since)
        notify(Progress("pull", since, since))
        if not page.get("more") or not entries:
            break
    report.feed_position = since


def _apply_page(store: Store, entries: list[dict[str, Any]], report: SyncReport) -> None:
    events = []
    for entry in entries:
        body = entry["body"]
        if entry["kind"] == "checklist":
            report.checklists_added += store.add_checklist(Checklist.from_dict(body))
        elif entry["kind"] == "register":
            published = _moment(entry.get("published_at"))
            added, changed = store.upsert_sites([Site.from_dict(row) for row in body["sites"]], superseded_at=published)
            report.sites_added += added
            report.sites_changed += changed
        elif entry["kind"] == RECT_EVENT:
            events.append(body)
    if events:
        report.events_received += _apply_events(store, events)


def _apply_events(store: Store, events: list[dict[str, Any]]) -> int:
    try:
        from inspector.services.rectifications import apply_remote_events
    except ImportError:
        # the page stays unapplied and the checkpoint where it was: nothing is skipped
        raise SyncError("events_unsupported") from None
    return apply_remote_events(store, events)


def _moment(text: str | None) -> datetime:
    try:
        return from_iso(text) if text else now()
    except ValueError:
        return now()
