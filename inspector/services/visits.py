"""Visits: start, answer, attach evidence, complete, sign off, amend, find."""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from inspector.core import visits as rules
from inspector.core.canonical import sha256_hex
from inspector.core.checklists import Checklist
from inspector.core.clock import local_date, now
from inspector.core.errors import DomainError
from inspector.core.evidence import HEAD_BYTES, evidence_format
from inspector.core.visit_summary import VisitSummary
from inspector.core.visits import Answer, Visit
from inspector.core.vocabulary import Result, Severity, VisitStatus
from inspector.services.checklists import checklist_for_kind
from inspector.services.outbox import queue_signed_version
from inspector.store.errors import StoreError
from inspector.store.store import VISIT_KIND, Store


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()
"""Leave this part of the item's current answer as it is."""


def start_visit(
    store: Store,
    site_id: str,
    *,
    lead: str,
    members: Iterable[str] = (),
    arrived_at: datetime | None = None,
    unannounced: bool = True,
    checklist: Checklist | None = None,
    reinspects: Iterable[str] = (),
    round_id: str | None = None,
) -> Visit:
    """The team walks in: stamp the arrival, freeze the site's checklist, remember the team.

    The checklist is the one for the site's kind unless one is given (a re-inspection's, made
    of the site's open rectifications, which ``reinspects`` names). A visit at a site this team
    was drawn for in an inspection round, once its period has begun, carries that round (sealed
    with it), unless ``round_id`` says which (or "" for none).
    """
    site = store.site(site_id)
    if site is None:
        raise DomainError("visit.unknown_site", site_id=site_id)
    members = tuple(members)
    reinspects = tuple(reinspects)
    arrival = arrived_at or now()
    visit = rules.start_visit(
        uuid=str(uuid_module.uuid4()),
        site=site,
        checklist=checklist or checklist_for_kind(store, site.kind),
        lead=lead,
        members=members,
        arrived_at=arrival,
        unannounced=unannounced,
        reinspects=reinspects,
    )
    if round_id is None:
        round_id = "" if reinspects else _round_drawn_for(store, site.id, arrival)
    if round_id:
        from inspector.services.rounds import note_round_visit  # that module builds on this one

        note_round_visit(store, visit.uuid, round_id, site.id)  # first: a note of a visit never saved is skipped
        visit = replace(visit, round_id=round_id)
    store.save_visit(visit)
    store.update_settings(last_lead=visit.lead, last_members=list(visit.members))
    return visit


def _round_drawn_for(store: Store, site_id: str, arrival: datetime) -> str:
    from inspector.services.rounds import round_for_new_visit

    return round_for_new_visit(store, site_id, local_date(arrival))


def change_arrival(store: Store, uuid: str, arrived_at: datetime, reason: str) -> Visit:
    visit = rules.change_arrival(store.load_visit(uuid), arrived_at, reason)
    store.save_visit(visit)
    return visit


def record_answer(
    store: Store,
    uuid: str,
    item_id: str,
    *,
    by: str | None = None,
    result: Result = UNCHANGED,
    note: str = UNCHANGED,
    add_evidence: Iterable[Path] = (),
    remove_evidence: Iterable[str] = (),
    severity: Severity | None = UNCHANGED,
    deadline_days: int | None = UNCHANGED,
    at: datetime | None = None,
) -> Visit:
    """Record or change an item's answer. What is not given is kept from the current answer.

    Evidence files must be photos or scans (known by their first bytes) and are copied into the
    store first, so an answer never names a photo the store does not hold. ``remove_evidence``
    (SHA-256s) takes wrongly attached files off the answer: the new answer supersedes the old one
    in the log and the files stay in the store. Returns the visit as saved: when this returns,
    the answer is on disk.
    """
    visit = store.load_visit(uuid)
    current = visit.answers.get(item_id)
    if result is UNCHANGED and current is None:
        raise DomainError("answer.result_first", item_id=item_id)
    add_evidence = [Path(path) for path in add_evidence]
    for path in add_evidence:
        require_photo_or_scan(path)
    removed = set(remove_evidence)
    evidence = tuple(e for e in current.evidence if e.sha256 not in removed) if current else ()
    evidence += tuple(store.add_evidence(path) for path in add_evidence)
    chosen = current.result if result is UNCHANGED else result
    keep_override = chosen is Result.FAIL
    answer = Answer(
        item_id=item_id,
        result=chosen,
        by=(by or visit.lead).strip(),
        at=(at or now()).isoformat(),
        note=(current.note if current else "") if note is UNCHANGED else note,
        evidence=_unique(evidence),
        severity_override=_pick(severity, current.severity_override if current and keep_override else None),
        deadline_override_days=_pick(
            deadline_days, current.deadline_override_days if current and keep_override else None
        ),
    )
    visit = rules.record_answer(visit, answer)
    store.save_visit(visit)
    return visit


def require_photo_or_scan(path: Path) -> None:
    """Refuse a file that is not an image or a PDF scan, whatever its name says."""
    try:
        with open(path, "rb") as reader:
            head = reader.read(HEAD_BYTES)
    except FileNotFoundError:
        raise StoreError("evidence_missing", path) from None
    except OSError as error:
        raise StoreError("evidence_unreadable", path, reason=error.strerror or str(error)) from None
    if evidence_format(head) is None:
        raise DomainError("evidence.not_photo_or_scan", name=path.name)


def _pick(given: Any, kept: Any) -> Any:
    return kept if given is UNCHANGED else given


def _unique(evidence: tuple[rules.Evidence, ...]) -> tuple[rules.Evidence, ...]:
    seen: dict[str, rules.Evidence] = {}
    for item in evidence:
        seen.setdefault(item.sha256, item)
    return tuple(seen.values())


def move_cursor(store: Store, uuid: str, item_id: str) -> Visit:
    """Remember where the team is, so a restart resumes on the same item."""
    visit = store.load_visit(uuid)
    if visit.cursor == item_id or visit.is_sealed:
        return visit
    visit = rules.move_cursor(visit, item_id)
    store.save_visit(visit)
    return visit


def complete_visit(store: Store, uuid: str, departed_at: datetime | None = None) -> Visit:
    visit = rules.complete(store.load_visit(uuid), departed_at or now())
    store.save_visit(visit)
    return visit


def reopen_visit(store: Store, uuid: str) -> Visit:
    visit = rules.reopen(store.load_visit(uuid))
    store.save_visit(visit)
    return visit


def sign_off_visit(store: Store, uuid: str, *, by: str, at: datetime | None = None) -> Visit:
    """Seal the visit. The visit file is the commit point; the frozen bytes and the outbox entry
    follow from it. After a crash between the two they are made again from the visit file, which
    still holds that version: by ``services.outbox.ensure_outbox`` (at every sync and every start of the app) and
    by ``amend_visit`` before the version is superseded (after that it could not be rebuilt)."""
    visit = store.load_visit(uuid)
    if visit.status is VisitStatus.DRAFT:
        visit = rules.complete(visit, at or now())
    visit = rules.sign_off(visit, by, at or now())
    store.save_visit(visit)
    queue_signed_version(store, visit)
    return visit


def amend_visit(
    store: Store, uuid: str, *, by: str, reason: str, answers: Iterable[Answer], at: datetime | None = None
) -> Visit:
    current = store.load_visit(uuid)
    if current.is_sealed:  # the version amended must reach the server whole: queued now or never
        queue_signed_version(store, current)
    visit = rules.amend(current, by=by, at=at or now(), reason=reason, answers=answers)
    store.save_visit(visit)
    queue_signed_version(store, visit)
    return visit


def resolve_visit(store: Store, text: str) -> str:
    """A visit's uuid from the uuid itself or a unique prefix of it."""
    wanted = text.strip().lower()
    if len(wanted) < 4:
        raise DomainError("visit.prefix_too_short", prefix=text)
    matches = [uuid for uuid in store.visit_uuids() if uuid.startswith(wanted)]
    if not matches:
        raise DomainError("visit.unknown", prefix=text)
    if len(matches) > 1:
        raise DomainError("visit.ambiguous", prefix=text, count=len(matches))
    return matches[0]


def visits_in_progress(store: Store) -> list[VisitSummary]:
    return store.newest_visits(in_progress=True)


def visits_in_progress_at(store: Store, site_id: str) -> list[VisitSummary]:
    """The visits at one site not signed off yet, newest first: a team arriving there resumes one."""
    return [summary for summary in visits_in_progress(store) if summary.site_id == site_id]


def remembered_team(store: Store) -> tuple[str, list[str]]:
    settings = store.settings()
    return settings.get("last_lead", ""), list(settings.get("last_members", []))


def check_seal(store: Store, visit: Visit, members: Mapping[str, Any] | None = None) -> Visit:
    """The visit as loaded, once its seal is found to hold; a signed-off visit whose file or frozen
    bytes were changed after sign-off is refused, naming the file, so that no notice, record,
    export or upload is made from it. A visit not signed off has no seal to hold. ``members``: the
    file's, when the store gave them (``Store.iter_visits``), checked the quicker way first."""
    if not visit.is_sealed or visit.seal is None:
        return visit
    quickly = members is not None and rules.members_hold_seal(members, visit.checklist)
    if not quickly and not rules.verify_seal(visit):
        raise DomainError("seal.broken", file=str(store.visit_file(visit.uuid)), uuid=visit.uuid[:8])
    entry = store.outbox_entry(VISIT_KIND, f"{visit.uuid}.v{visit.version}")
    check_frozen(store, entry or {"uuid": visit.uuid, "version": visit.version}, visit.seal)
    return visit


def check_frozen(store: Store, entry: Mapping[str, Any], seal: str) -> None:
    """Refuse (naming the file) a signed-off version whose frozen bytes changed since they were
    frozen: by the hash its outbox ``entry`` noted then (one SHA-256), or, for an entry queued before
    hashes were noted, by reading them against ``seal``. A version with no frozen bytes on this
    laptop has nothing to check."""
    uuid, version = entry.get("uuid"), entry.get("version")
    if not isinstance(uuid, str) or not isinstance(version, int):
        return
    try:
        body = store.sealed(uuid, version)
    except StoreError:
        return
    noted = entry.get("sha256")
    intact = sha256_hex(body) == noted if isinstance(noted, str) else rules.frozen_bytes_hold(body, seal)
    if not intact:
        raise DomainError("seal.broken", file=str(store.sealed_file(uuid, version)), uuid=uuid[:8])
