"""Documents: issue a rectification notice, print the on-site record, issue the round's bulletin.

Each takes core data from the store and the bureau profile, allocates the document number
durably first (so numbers never repeat or skip, and the same visit keeps its number when its
notice is made again), builds the .docx and writes it atomically: into the exports folder under
a name a clerk understands, or where ``output`` says.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from inspector.core.clock import from_iso, local_date, now
from inspector.core.errors import DomainError
from inspector.core.profile import BureauProfile, document_number
from inspector.core.visits import Visit, rectifications
from inspector.core.vocabulary import SiteKind, VisitStatus
from inspector.i18n import t
from inspector.services.number_blocks import LOW_WATER
from inspector.services.profile import load_profile
from inspector.services.rectifications import findings_of, record_notice, rectification_views
from inspector.services.visits import resolve_visit
from inspector.store.atomic import atomic_write_bytes
from inspector.store.store import Store

if TYPE_CHECKING:
    from inspector.documents.bulletin import BulletinVisit, Overdue

# the document modules (python-docx) are imported inside the functions: the app and the other
# commands import this module without paying for python-docx

NOTICE_SERIES = "notice"
BULLETIN_SERIES = "bulletin"


@dataclass(frozen=True)
class WrittenDocument:
    path: Path
    number: str = ""
    numbers_left: int | None = None
    """Numbers left in this laptop's blocks of the series (None: it has none, or no number was used)."""
    fallback: bool = False
    """The number is outside the laptop's blocks, given on request: the bureau reconciles it."""

    @property
    def numbers_low(self) -> bool:
        return self.numbers_left is not None and self.numbers_left < LOW_WATER


def exports_dir(store: Store, profile: BureauProfile) -> Path:
    """The profile's exports folder; a relative one lies inside the data dir."""
    folder = Path(profile.exports_dir).expanduser()
    return folder if folder.is_absolute() else store.root / folder


def issue_notice(
    store: Store, visit_ref: str, output: Path | None = None, *, fallback_number: bool = False
) -> WrittenDocument:
    """The 整改通知书 of a signed-off visit with failed items, with its feedback form attached.

    ``fallback_number``: when this laptop's block of numbers is used up and no sync is possible,
    take the next number after it, recorded as a fallback (see ``Store.next_number``)."""
    from inspector.documents.common import issue_day, safe_file_name
    from inspector.documents.notice import build_notice, notice_words

    visit = _visit(store, visit_ref)
    if not visit.is_sealed:
        raise DomainError("document.not_signed_off", site=visit.site.name, uuid=visit.uuid[:8])
    if not rectifications(visit):
        raise DomainError("document.no_failed_items", site=visit.site.name, uuid=visit.uuid[:8])
    profile = load_profile(store)
    issued = issue_day(visit)
    name = t(f"{notice_words(visit)}.file", date=issued.isoformat(), site=visit.site.name)
    target = _target(store, profile, output, safe_file_name(name))
    allocated = _allocate(
        store, profile.notice_prefix, NOTICE_SERIES, issued, f"notice:{visit.uuid}", fallback=fallback_number
    )
    _write(target, build_notice(visit, profile, allocated.number))
    record_notice(store, visit.uuid, allocated.number, by=visit.signed_off_by or visit.lead)
    return replace(allocated, path=target)


def write_record(store: Store, visit_ref: str, output: Path | None = None) -> WrittenDocument:
    """The 现场检查记录 of a visit the team has finished (it is signed on site, before or after sign-off)."""
    from inspector.documents.common import safe_file_name, visit_day
    from inspector.documents.record import build_record

    visit = _visit(store, visit_ref)
    if visit.status is VisitStatus.DRAFT:
        raise DomainError("document.not_completed", site=visit.site.name, uuid=visit.uuid[:8])
    profile = load_profile(store)
    name = t("doc.record.file", date=visit_day(visit).isoformat(), site=visit.site.name)
    target = _target(store, profile, output, safe_file_name(name))
    _write(target, build_record(visit, profile))
    return WrittenDocument(target)


def issue_bulletin(
    store: Store,
    *,
    start: date,
    end: date,
    visit_refs: Sequence[str] = (),
    issued: date | None = None,
    output: Path | None = None,
    fallback_number: bool = False,
) -> WrittenDocument:
    """The 督导检查情况通报 over the signed-off visits that arrived from ``start`` to ``end``
    (or over the visits named), with the rectifications overdue on ``end``; ``fallback_number``
    as for ``issue_notice``."""
    from inspector.documents.bulletin import BulletinScope, build_bulletin
    from inspector.documents.common import safe_file_name

    if start > end:
        raise DomainError("document.bad_range", start=start.isoformat(), end=end.isoformat())
    visits = _chosen_visits(store, visit_refs) if visit_refs else _visits_between(store, start, end)
    if not visits:
        raise DomainError("document.no_visits", start=start.isoformat(), end=end.isoformat())
    profile = load_profile(store)
    day = issued or end
    name = t("doc.bulletin.file", start=start.isoformat(), end=end.isoformat())
    target = _target(store, profile, output, safe_file_name(name))
    scope_key = ",".join(sorted(v.uuid for v in visits)) if visit_refs else f"{start}:{end}"
    issued_for = f"bulletin:{hashlib.sha256(scope_key.encode('utf-8')).hexdigest()[:16]}"
    allocated = _allocate(store, profile.bulletin_prefix, BULLETIN_SERIES, day, issued_for, fallback=fallback_number)
    scope = BulletinScope(start, end, day, visits, _overdue(store, end))
    _write(target, build_bulletin(scope, profile, allocated.number))
    return replace(allocated, path=target)


# -- helpers -----------------------------------------------------------------------------------


def _visit(store: Store, visit_ref: str) -> Visit:
    return store.load_visit(resolve_visit(store, visit_ref))


def _arrival_day(arrived_at: str) -> date:
    return local_date(from_iso(arrived_at))


def _visits_between(store: Store, start: date, end: date) -> list[BulletinVisit]:
    """Signed-off visits (not re-inspections) that arrived in the range, oldest first.

    The visit index says which, and the rectification index what each found: no visit file is
    read, and a bulletin over years holds each visit's site and findings, not its answers."""
    from inspector.documents.bulletin import BulletinVisit

    chosen = [
        summary
        for summary in store.visit_summaries()
        if summary.status is VisitStatus.SIGNED_OFF and start <= _arrival_day(summary.arrived_at) <= end
    ]
    chosen.sort(key=lambda summary: (summary.arrived_at, summary.uuid))
    found = findings_of(store, [summary.uuid for summary in chosen])
    return [
        BulletinVisit(
            summary.uuid, summary.township, summary.site_id, SiteKind(summary.kind), tuple(found[summary.uuid])
        )
        for summary in chosen
        if summary.uuid in found
    ]


def _chosen_visits(store: Store, visit_refs: Sequence[str]) -> list[BulletinVisit]:
    from inspector.documents.bulletin import BulletinVisit

    visits = {visit.uuid: visit for visit in (_visit(store, ref) for ref in visit_refs)}
    for visit in visits.values():
        if not visit.is_sealed:
            raise DomainError("document.not_signed_off", site=visit.site.name, uuid=visit.uuid[:8])
    return [BulletinVisit.of(visit) for visit in sorted(visits.values(), key=lambda v: (v.arrived_at, v.uuid))]


def _overdue(store: Store, day: date) -> list[Overdue]:
    """Every rectification not closed by ``day`` among visits that arrived by then, most overdue first.

    Their state is the one every screen shows (``rectification_views``), so an item a re-inspection
    closed counts as closed even before that re-inspection's events are synced.
    """
    from inspector.documents.bulletin import Overdue

    arrived = {summary.uuid: _arrival_day(summary.arrived_at) for summary in store.visit_summaries()}
    found = [
        Overdue(view.record, view.days_overdue(day), view.notice_number)
        for view in rectification_views(store)
        if arrived.get(view.record.visit_uuid, date.max) <= day and view.overdue_on(day)
    ]
    return sorted(found, key=lambda item: (-item.days, item.record.site_name, item.record.id))


def _allocate(
    store: Store, prefix: str, series: str, day: date, issued_for: str, *, fallback: bool = False
) -> WrittenDocument:
    """The document's number (its path is filled in by the caller), with how many are left."""
    key = f"{series}:{day.year}"
    number = store.next_number(key, issued_for=issued_for, at=now(), fallback=fallback)
    blocks = store.number_blocks(key)
    inside = any(first <= number <= last for first, last in blocks)
    return WrittenDocument(
        Path(),
        document_number(prefix, day.year, number),
        numbers_left=store.free_numbers(key) if blocks else None,
        fallback=bool(blocks) and not inside,
    )


def _target(store: Store, profile: BureauProfile, output: Path | None, default_name: str) -> Path:
    """Where the document goes; checked for writing before a number is spent on it."""
    if output is None:
        folder = exports_dir(store, profile)
        _guard(folder, lambda: folder.mkdir(parents=True, exist_ok=True))
        target = folder / default_name
    else:
        output = Path(output).expanduser()
        target = output / default_name if output.is_dir() else output
        folder = target.parent
        if not folder.is_dir():
            raise DomainError("document.no_folder", path=str(folder))
    _guard(folder, lambda: tempfile.TemporaryFile(dir=folder).close())
    return target


def _guard(path: Path, action: Callable[[], object]) -> None:
    try:
        action()
    except OSError as error:
        raise DomainError("document.cannot_write", path=str(path), reason=error.strerror or str(error)) from None


def _write(target: Path, data: bytes) -> None:
    _guard(target, lambda: atomic_write_bytes(target, data))
