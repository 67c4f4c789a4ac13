"""What the server keeps: signed-off visits, photos, and the change feed (checklists, register, events).

Every function here is plain blocking code (the app runs it in a worker thread). Each upload is
idempotent: the same bytes again are answered with the first receipt, other bytes under the same
key are refused, and the database's unique keys decide, never a check made beforehand in Python.
"""

from __future__ import annotations

import json
import logging
import re
import uuid as uuid_module
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import msgspec
from sqlalchemy import Connection, select

from inspector import wire
from inspector.core.canonical import canonical_bytes, sha256_hex
from inspector.core.checklists import Checklist, checklist_problems
from inspector.core.clock import now, to_iso
from inspector.core.errors import DomainError
from inspector.core.profile import BureauProfile
from inspector.core.rectifications import (
    EventKind,
    RectificationEvent,
    fold,
    may_record,
    record_from_dict,
    refused_field,
    strict_event,
)
from inspector.core.sites import Site, site_problems
from inspector.core.vocabulary import VisitStatus
from inspector.server.accounts import Account, Role
from inspector.server.board import RECT_EVENT, bring_up_to_date
from inspector.server.db import Database, accounts, board_events, board_rows, feed, insert_once, photos, visits
from inspector.server.errors import ApiError
from inspector.server.published import RECT_RECORDS, UNREADABLE, records_entry
from inspector.store.atomic import durable_replace, is_temp_file, temp_path_for

log = logging.getLogger("inspector.server.records")

SHA256 = re.compile(r"^[0-9a-f]{64}$")
T = TypeVar("T")
MAX_FEED_PAGE = 500


@dataclass(frozen=True)
class Stored:
    """A receipt: the row the database holds for an upload and whether this call made it."""

    receipt: dict[str, Any]
    created: bool


def parse_object(body: bytes) -> dict[str, Any]:
    """Any JSON object, by the door's rules (``wire.read``)."""
    return read_body(body, dict[str, Any])


def read_body(body: bytes, model: type[T]) -> T:
    """A body as its wire model: not strict JSON, or not an object, is 400 ``bad_json``; a field
    breaking its schema 422 ``bad_body``; both name the field."""
    try:
        return wire.read(body, model)
    except wire.WireError as error:
        status = 400 if error.code == "bad_json" or error.field == "$" else 422
        code = "bad_json" if status == 400 else error.code
        raise ApiError(status, code, field=error.field, reason=error.reason) from None


def check_uuid(text: str) -> str:
    try:
        return str(uuid_module.UUID(text))
    except ValueError:
        raise ApiError(400, "bad_request", parameter="uuid") from None


def check_sha256(text: str) -> str:
    if not SHA256.match(text):
        raise ApiError(400, "bad_request", parameter="sha256")
    return text


# -- visits ------------------------------------------------------------------------------------


def evidence_of(payload: dict[str, Any]) -> set[str]:
    return {item["sha256"] for answer in payload.get("answer_log", ()) for item in answer.get("evidence", ())}


def sealed_forms(payload: dict[str, Any]) -> tuple[bytes, bytes]:
    """The canonical bytes of the visit without its seal (what the seal hashes) and with it (what
    the laptop sends), from one pass of encoding.

    Canonical JSON sorts keys, so the "seal" member sits between the keys before it and those
    after it: the two halves are encoded once and joined both ways.
    """
    seal = payload.get("seal")
    before = canonical_bytes({key: value for key, value in payload.items() if key < "seal"})[1:-1]
    after = canonical_bytes({key: value for key, value in payload.items() if key > "seal"})[1:-1]
    unsealed = b"{" + b",".join(part for part in (before, after) if part) + b"}"
    member = b'"seal":' + canonical_bytes(seal)
    sealed = b"{" + b",".join(part for part in (before, member, after) if part) + b"}"
    return unsealed, sealed


@dataclass(frozen=True)
class VisitFacts:
    """What the server itself needs from an uploaded visit; the rest it keeps as sealed, unread."""

    uuid: str
    version: int
    seal: str
    site_id: str
    supersedes_seal: str | None
    evidence: frozenset[str]


def _visit_facts(payload: dict[str, Any]) -> VisitFacts:
    """Read the fields the server relies on (``wire.SealedVisit``; the rest it keeps sealed, unread)."""
    try:
        visit = wire.convert(payload, wire.SealedVisit)
    except wire.WireError as error:
        raise ApiError(422, "bad_visit", field=error.field, reason=error.reason) from None
    if visit.status != VisitStatus.SIGNED_OFF.value:
        raise ApiError(422, "visit_mismatch", status=visit.status)
    amendments = visit.amendments
    evidence = frozenset(item.sha256 for answer in visit.answer_log for item in answer.evidence)
    supersedes = amendments[-1].supersedes_seal if amendments else None
    return VisitFacts(visit.uuid, 1 + len(amendments), visit.seal, visit.site.id, supersedes, evidence)


def _checked_visit(uuid: str, version: int, payload: dict[str, Any], body_sha256: str) -> tuple[VisitFacts, bytes]:
    """The visit's facts and its canonical bytes, which must hash to ``body_sha256`` (the bytes
    the laptop holds): a laptop's sealed file is canonical, so anything else is refused."""
    unsealed, sealed = sealed_forms(payload)
    if sha256_hex(sealed) != body_sha256:
        raise ApiError(422, "not_canonical")
    facts = _visit_facts(payload)
    if (facts.uuid, facts.version) != (uuid, version):
        raise ApiError(422, "visit_mismatch", uuid=facts.uuid, version=facts.version)
    if sha256_hex(unsealed) != facts.seal:
        raise ApiError(422, "seal_mismatch")
    return facts, sealed


def store_visit(database: Database, account: Account, uuid: str, version: int, body: bytes) -> Stored:
    """Keep a signed-off version once. Its photos must be here first; an amendment needs its base."""
    facts, sealed = _checked_visit(uuid, version, parse_object(body), sha256_hex(body))
    missing = _missing_photos(database, facts.evidence)
    if missing:
        raise ApiError(409, "photos_missing", sha256=sorted(missing))
    return database.write_together(lambda conn: _insert_visit(conn, account, facts, sealed))


def store_visits(database: Database, account: Account, body: bytes) -> list[dict[str, Any]]:
    """Keep many versions in one transaction (one fsync); each item is answered on its own, as
    ``store_visit`` would answer it: a status, and the receipt or the refusal.

    Items go in order, so an amendment may follow its base in the same batch.
    """
    batch = read_body(body, wire.VisitBatch)
    results: list[dict[str, Any]] = []
    checked: list[tuple[int, VisitFacts, bytes]] = []
    for index, item in enumerate(batch.visits):
        results.append({})
        try:
            visit = parse_object(bytes(item.visit))
            facts, sealed = _checked_visit(item.uuid, item.version, visit, item.sha256)
            checked.append((index, facts, sealed))
        except ApiError as error:
            results[index] = _refusal(error)
    missing = _missing_photos(database, {sha for _, facts, _ in checked for sha in facts.evidence})
    with database.writing() as conn:
        for index, facts, sealed in checked:
            try:
                lacking = facts.evidence & missing
                if lacking:
                    raise ApiError(409, "photos_missing", sha256=sorted(lacking))
                stored = _insert_visit(conn, account, facts, sealed)
                results[index] = {"status": 201 if stored.created else 200, "receipt": stored.receipt}
            except ApiError as error:
                results[index] = _refusal(error)
    return results


def _refusal(error: ApiError) -> dict[str, Any]:
    return {"status": error.status, **error.body()}


def _owner(conn: Connection, uuid: str) -> str | None:
    """The name of the account that uploaded the visit's version 1 (None when it is not here).

    A visit belongs to a person, not to one enrolment: a lead enrolled again (a new laptop, the
    old token revoked) keeps the visits uploaded with the old token.
    """
    query = (
        select(accounts.c.name)
        .join_from(visits, accounts, visits.c.uploaded_by == accounts.c.id)
        .where(visits.c.uuid == uuid, visits.c.version == 1)
    )
    return conn.execute(query).scalar()


def _check_owner(conn: Connection, account: Account, uuid: str) -> None:
    """Only the visit's owner or an admin may add to it or learn anything of it: a refusal here
    says nothing of the record (no seal, no number), so a stranger cannot use it to forge one."""
    if account.role is Role.ADMIN:
        return
    owner = _owner(conn, uuid)
    if owner is not None and owner != account.name:
        raise ApiError(403, "not_owner")


def _insert_visit(conn: Connection, account: Account, facts: VisitFacts, body: bytes) -> Stored:
    if facts.version > 1:
        _check_owner(conn, account, facts.uuid)
        base = conn.execute(
            select(visits.c.seal).where(visits.c.uuid == facts.uuid, visits.c.version == facts.version - 1)
        ).scalar()
        if base is None:
            raise ApiError(409, "base_missing", version=facts.version - 1)
        if base != facts.supersedes_seal:
            raise ApiError(409, "stale_base", server_seal=base)
    body_sha256 = sha256_hex(body)
    created = insert_once(
        conn,
        visits,
        {
            "uuid": facts.uuid,
            "version": facts.version,
            "seal": facts.seal,
            "body_sha256": body_sha256,
            "body": body,
            "site_id": facts.site_id,
            "uploaded_by": account.id,
            "received_at": to_iso(now()),
        },
        ("uuid", "version"),
    )
    if not created and facts.version == 1:
        _check_owner(conn, account, facts.uuid)
    if created:
        _publish_records(conn, account, facts, body)
    row = conn.execute(
        select(*_RECEIPT_COLUMNS).where(visits.c.uuid == facts.uuid, visits.c.version == facts.version)
    ).one()
    if row.body_sha256 != body_sha256:
        raise ApiError(409, "different_bytes", seq=row.seq, seal=row.seal)
    return Stored(_visit_receipt(row), created)


def _publish_records(conn: Connection, account: Account, facts: VisitFacts, body: bytes) -> None:
    """Hand every lead's laptop the records a new version stands for, in the transaction that keeps it."""
    try:
        made = records_entry(body, _owner(conn, facts.uuid) or account.name)
    except UNREADABLE as error:
        log.warning("a stored visit the rules cannot read publishes no records: %s", error)
        return
    if made is not None:
        _publish(conn, account, RECT_RECORDS, *made)


_RECEIPT_COLUMNS = (
    visits.c.seq,
    visits.c.uuid,
    visits.c.version,
    visits.c.seal,
    visits.c.body_sha256,
    visits.c.site_id,
    visits.c.received_at,
)


def _visit_receipt(row: Any) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "uuid": row.uuid,
        "version": row.version,
        "seal": row.seal,
        "sha256": row.body_sha256,
        "site_id": row.site_id,
        "received_at": row.received_at,
    }


def list_visits(database: Database, since: int, limit: int) -> dict[str, Any]:
    with database.reading() as conn:
        rows = conn.execute(
            select(*_RECEIPT_COLUMNS).where(visits.c.seq > since).order_by(visits.c.seq).limit(limit + 1)
        ).all()
    return _page([_visit_receipt(row) for row in rows], since, limit)


def visit_bytes(database: Database, uuid: str, version: int) -> bytes:
    with database.reading() as conn:
        body = conn.execute(select(visits.c.body).where(visits.c.uuid == uuid, visits.c.version == version)).scalar()
    if body is None:
        raise ApiError(404, "not_found")
    return bytes(body)


def _page(entries: list[dict[str, Any]], since: int, limit: int) -> dict[str, Any]:
    more = len(entries) > limit
    entries = entries[:limit]
    return {"entries": entries, "next": entries[-1]["seq"] if entries else since, "more": more}


# -- photos ------------------------------------------------------------------------------------


class PhotoFolder:
    """Photos as files named by their SHA-256 under ``root/ab/``; the database row is the commit point."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def staging_path(self) -> Path:
        return temp_path_for(self.root / "upload")

    def commit(self, staging: Path, sha256: str) -> None:
        target = self.path(sha256)
        target.parent.mkdir(exist_ok=True)
        durable_replace(staging, target)

    def sweep(self) -> None:
        """Uploads cut short leave staging files: nobody's, removed at start-up."""
        for path in self.root.iterdir():
            if is_temp_file(path):
                path.unlink(missing_ok=True)


def photo_known(database: Database, folder: PhotoFolder, sha256: str) -> bool:
    with database.reading() as conn:
        known = conn.execute(select(photos.c.sha256).where(photos.c.sha256 == sha256)).first() is not None
    return known and folder.path(sha256).is_file()


def record_photo(
    database: Database, folder: PhotoFolder, account: Account, sha256: str, staging: Path, received: str
) -> Stored:
    """Keep the received file under its hash, then record it (once).

    ``received`` is the SHA-256 computed over the bytes as they arrived, never the client's word.
    """
    if received != sha256:
        staging.unlink(missing_ok=True)
        raise ApiError(422, "hash_mismatch", received=received)
    size = staging.stat().st_size
    folder.commit(staging, sha256)
    with database.writing() as conn:
        created = insert_once(
            conn,
            photos,
            {"sha256": sha256, "size": size, "uploaded_by": account.id, "received_at": to_iso(now())},
            ("sha256",),
        )
    return Stored({"sha256": sha256, "size": size}, created)


def _missing_photos(database: Database, wanted: Iterable[str]) -> set[str]:
    wanted = set(wanted)
    if not wanted:
        return set()
    with database.reading() as conn:
        have = set(conn.execute(select(photos.c.sha256).where(photos.c.sha256.in_(wanted))).scalars())
    return wanted - have


# -- the change feed ---------------------------------------------------------------------------


def _publish(conn: Connection, account: Account | None, kind: str, key: str, content: Any) -> Stored:
    body = canonical_bytes(content)
    body_sha256 = sha256_hex(body)
    created = insert_once(
        conn,
        feed,
        {
            "kind": kind,
            "key": key,
            "body_sha256": body_sha256,
            "body": body.decode("utf-8"),
            "published_by": account.id if account else None,
            "published_at": to_iso(now()),
        },
        ("kind", "key"),
    )
    row = conn.execute(select(feed).where(feed.c.kind == kind, feed.c.key == key)).one()
    if row.body_sha256 != body_sha256:
        raise ApiError(409, "different_bytes", seq=row.seq)
    return Stored({"seq": row.seq, "kind": kind, "key": key, "sha256": body_sha256}, created)


def publish_server_event(conn: Connection, account: Account, event: RectificationEvent) -> Stored:
    """An event the server records itself (a reminder, a 催办), in the feed as an uploaded one is."""
    return _publish(conn, account, RECT_EVENT, event.id, event.to_dict())


def store_event(database: Database, account: Account, event_id: str, body: bytes) -> Stored:
    """A rectification event, checked by the laptops' own rules, signed with the uploading account's
    name, kept once under its id and handed to every laptop through the feed.

    Refused: what the rules cannot read (422, naming the field); a step the account may not take
    on this rectification (403 ``event_forbidden``); a rectification or re-inspection visit not on
    the server yet (409, sent again later); a step its state does not allow (409 ``state_forbids``).
    """
    try:
        event = strict_event(msgspec.to_builtins(read_body(body, wire.EventBody)), received_at=now())
    except DomainError as error:
        raise ApiError(422, "bad_event", field=refused_field(error), rule=error.code) from None
    if event.id != event_id:
        raise ApiError(422, "bad_event", field="id", rule="rectification.id_differs_from_path")
    # an event relayed by a county server comes signed there: the relaying account stands before
    # that signature ("county/张三"), so nothing ever speaks in the name of an account but its own
    signed = replace(event, signed_by=f"{account.name}/{event.signed_by}" if event.signed_by else account.name)
    missing = _missing_photos(database, {item.sha256 for item in event.evidence})
    if missing:
        raise ApiError(409, "photos_missing", sha256=sorted(missing))
    # the board holds every rectification and its events: the state the step is checked against
    bring_up_to_date(database)
    with database.writing() as conn:
        stored = conn.execute(select(feed).where(feed.c.kind == RECT_EVENT, feed.c.key == event_id)).first()
        if stored is None:
            _check_step(conn, account, signed)
            return _publish(conn, account, RECT_EVENT, event_id, signed.to_dict())
    # the same event again, whoever relays it (its laptop, a county server): the first receipt
    kept = json.loads(stored.body)
    kept.pop("signed_by", None)
    if kept != replace(event, signed_by="").to_dict():
        raise ApiError(409, "different_bytes", seq=stored.seq)
    return Stored({"seq": stored.seq, "kind": RECT_EVENT, "key": event_id, "sha256": stored.body_sha256}, False)


def _check_step(conn: Connection, account: Account, event: RectificationEvent) -> None:
    """May this account take this step on this rectification now? (A replay of a stored event is
    not asked again: the state has moved on by the event itself.)"""
    record_json = conn.execute(select(board_rows.c.record).where(board_rows.c.id == event.rectification_id)).scalar()
    if record_json is None:
        raise ApiError(409, "rectification_missing", rectification_id=event.rectification_id)
    record = record_from_dict(json.loads(record_json))
    is_admin = account.role is Role.ADMIN
    bodies = conn.execute(
        select(board_events.c.body).where(board_events.c.rectification_id == event.rectification_id)
    ).scalars()
    history = []
    for text in bodies:
        try:
            history.append(RectificationEvent.from_dict(json.loads(text)))
        except UNREADABLE:
            continue  # left off the board too
    view = fold(record, history)
    # the team that found it, or the one whose re-inspection re-opened it (its follow-up notice)
    reopened_by = _owner(conn, view.reinspections[-1]) if view.reinspections else None
    owns = is_admin or account.name in (_owner(conn, record.visit_uuid), reopened_by)
    if not may_record(event.kind, account.role.value, owns_record=owns):
        raise ApiError(403, "event_forbidden", kind=event.kind.value)
    if event.kind is EventKind.RE_INSPECTED:
        # a re-inspection is the sender's own visit: no one reports another team's findings
        inspector = _owner(conn, event.payload["visit_uuid"])
        if inspector is None:
            raise ApiError(409, "visit_missing", visit_uuid=event.payload["visit_uuid"])
        if inspector != account.name and not is_admin:
            raise ApiError(403, "event_forbidden", kind=event.kind.value)
    on_board = conn.execute(select(board_events.c.id).where(board_events.c.id == event.id)).first()
    if on_board is not None:
        return  # the board took it from the re-inspection visit that stands for it
    # checked where the fold puts it among the others (by moment, after the step it saw), not after
    # all of them: a feedback typed before a re-inspection arrives after the re-inspection's visit
    refused = next(step.refused for step in fold(record, [*history, event]).history if step.event.id == event.id)
    if refused is not None:
        raise ApiError(409, "state_forbids", rule=refused.code)


def publish_checklist(
    database: Database, account: Account | None, checklist_id: str, version: int, body: bytes
) -> Stored:
    data = parse_object(body)
    try:
        checklist = Checklist.from_dict(data)
        # the rules read every field, so a field of the wrong type fails here too
        problems = checklist_problems(checklist)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ApiError(422, "bad_checklist", reason=f"{type(error).__name__}: {error}") from None
    if (checklist.id, checklist.version) != (checklist_id, version):
        raise ApiError(422, "bad_checklist", reason="id or version differs from the path")
    if problems:
        raise ApiError(422, "bad_checklist", problems=[p.__dict__ for p in problems[:20]])
    with database.writing() as conn:
        return _publish(conn, account, "checklist", f"{checklist.id}.v{checklist.version}", checklist.to_dict())


def publish_register(database: Database, account: Account | None, body: bytes) -> Stored:
    """The whole register as one feed entry (``_publish_current``)."""
    register = read_body(body, wire.RegisterBody)
    try:
        sites = [Site.from_dict(row) for row in register.sites]
        problems = [
            {"site": site.id, "field": field, "code": code} for site in sites for field, code in site_problems(site)
        ]
        duplicated = len({site.id for site in sites}) != len(sites)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ApiError(422, "bad_register", reason=f"{type(error).__name__}: {error}") from None
    if duplicated:
        problems.append({"site": "", "field": "id", "code": "register.duplicate_id"})
    if problems:
        raise ApiError(422, "bad_register", problems=problems[:20])
    content = {"sites": sorted((site.to_dict() for site in sites), key=lambda row: row["id"])}
    return _publish_current(database, account, "register", content)


def _publish_current(database: Database, account: Account | None, kind: str, content: Any) -> Stored:
    """``content`` as the one current entry of its kind; the same as the current one is not a new entry.

    The key names the previous entry too, so publishing A, then B, then A again reaches the laptops.
    """
    digest = sha256_hex(canonical_bytes(content))
    with database.writing() as conn:
        latest = conn.execute(
            select(feed.c.seq, feed.c.body_sha256).where(feed.c.kind == kind).order_by(feed.c.seq.desc()).limit(1)
        ).first()
        if latest is not None and latest.body_sha256 == digest:
            return Stored({"seq": latest.seq, "kind": kind, "key": "", "sha256": digest}, False)
        return _publish(conn, account, kind, f"{digest}@{latest.seq if latest else 0}", content)


def publish_profile(database: Database, account: Account | None, profile: BureauProfile) -> Stored:
    """The bureau's profile (organ, number prefixes, contact, 抄送) for the server's documents and every laptop's."""
    return _publish_current(database, account, "profile", profile.to_dict())


def bureau_profile(database: Database) -> BureauProfile:
    """The profile last published, or the defaults when none was."""
    with database.reading() as conn:
        body = conn.execute(
            select(feed.c.body).where(feed.c.kind == "profile").order_by(feed.c.seq.desc()).limit(1)
        ).scalar()
    return BureauProfile.from_dict(json.loads(body)) if body else BureauProfile()


PUBLIC_KINDS = ("checklist", "register")
"""What every account reads; the county's findings (records and events) only those who act on them."""
READS_FINDINGS = frozenset({Role.LEAD, Role.ADMIN})


def feed_page(database: Database, since: int, limit: int, *, role: Role | None = None) -> dict[str, Any]:
    """Entries after ``since`` in the server's order, as far as ``role`` may read them (None: all,
    for the server's own relay). An inspector's account receives the checklists and the register,
    never the county's findings: it records no step of a rectification and issues no document.

    With SQLite, writers are serialised, so numbers become visible in order. PostgreSQL hands out
    sequence numbers before commit; moving there needs the feed read to stop below the oldest
    transaction still in flight (noted for that issue).
    """
    with database.reading() as conn:
        query = select(feed).where(feed.c.seq > since)
        if role is not None and role not in READS_FINDINGS:
            query = query.where(feed.c.kind.in_(PUBLIC_KINDS))
        rows = conn.execute(query.order_by(feed.c.seq).limit(limit + 1)).all()
    entries = [
        {
            "seq": row.seq,
            "kind": row.kind,
            "key": row.key,
            "published_at": row.published_at,
            "body": json.loads(row.body),
        }
        for row in rows
    ]
    return _page(entries, since, limit)
