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
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector.core.clock import from_iso, local_date, now, to_iso
from inspector.core.errors import DomainError
from inspector.core.profile import BureauProfile, document_number
from inspector.core.visits import Visit, rectifications
from inspector.core.vocabulary import VisitStatus
from inspector.i18n import t
from inspector.services.profile import load_profile
from inspector.services.rectifications import record_notice, rectification_views
from inspector.services.visits import resolve_visit
from inspector.store.atomic import atomic_write_bytes
from inspector.store.store import Store

if TYPE_CHECKING:
    from inspector.documents.bulletin import Overdue

# the document modules (python-docx) are imported inside the functions: the app and the other
# commands import this module without paying for python-docx

NOTICE_SERIES = "notice"
BULLETIN_SERIES = "bulletin"
RECORD_KIND = "record"
ISSUED_FILE = "documents.json"
"""The documents written, one row per document (made again: its row is updated), for the list of them."""


@dataclass(frozen=True)
class WrittenDocument:
    path: Path
    number: str = ""


@dataclass(frozen=True)
class IssuedDocument:
    """One document written: a notice, an on-site record or a bulletin; ``path`` is None when the
    number was given before documents were listed (where it was written is not known)."""

    kind: str
    number: str
    site: str
    day: date
    path: Path | None


def _remember(store: Store, issued_for: str, kind: str, number: str, site: str, day: date, path: Path) -> None:
    """Note the document written, after it is on disk: a crash between the two loses a row of
    the list, never the document or its number."""
    row = {
        "issued_for": issued_for,
        "kind": kind,
        "number": number,
        "site": site,
        "day": day.isoformat(),
        "path": str(path.resolve()),
        "at": to_iso(now()),
    }
    table = store.db(ISSUED_FILE).table("issued")
    table.upsert(row, lambda stored: stored["issued_for"] == issued_for)


def issued_documents(store: Store) -> list[IssuedDocument]:
    """Every document issued, newest first: those noted as written, then the numbers the store
    gave before documents were noted (their file is not known)."""
    rows: list[dict[str, Any]] = [dict(row) for row in store.db(ISSUED_FILE).table("issued").all()]
    noted = {row["issued_for"] for row in rows}
    sites = {summary.uuid: summary.site_name for summary in store.visit_summaries()}
    profile = load_profile(store)
    prefixes = {NOTICE_SERIES: profile.notice_prefix, BULLETIN_SERIES: profile.bulletin_prefix}
    for row in store.db("counters.json").table("numbers").all():
        kind, _, year = str(row["series"]).partition(":")
        if kind not in prefixes or row["issued_for"] in noted:
            continue
        rows.append(
            {
                "issued_for": row["issued_for"],
                "kind": kind,
                "number": document_number(prefixes[kind], int(year), int(row["number"])),
                "site": sites.get(row["issued_for"].partition(":")[2], ""),
                "day": local_date(datetime.fromisoformat(row["at"])).isoformat(),
                "path": None,
                "at": row["at"],
            }
        )
    # newest first; of the same moment, the one noted last first
    order = {id(row): position for position, row in enumerate(rows)}
    rows.sort(key=lambda row: (row["at"], order[id(row)]), reverse=True)
    return [
        IssuedDocument(
            kind=row["kind"],
            number=row["number"],
            site=row["site"],
            day=date.fromisoformat(row["day"]),
            path=Path(row["path"]) if row["path"] else None,
        )
        for row in rows
    ]


def exports_dir(store: Store, profile: BureauProfile) -> Path:
    """The profile's exports folder; a relative one lies inside the data dir."""
    folder = Path(profile.exports_dir).expanduser()
    return folder if folder.is_absolute() else store.root / folder


def issue_notice(store: Store, visit_ref: str, output: Path | None = None) -> WrittenDocument:
    """The 整改通知书 of a signed-off visit with failed items, with its feedback form attached."""
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
    number = _allocate(store, profile.notice_prefix, NOTICE_SERIES, issued, f"notice:{visit.uuid}")
    _write(target, build_notice(visit, profile, number))
    _remember(store, f"notice:{visit.uuid}", NOTICE_SERIES, number, visit.site.name, issued, target)
    record_notice(store, visit.uuid, number, by=visit.signed_off_by or visit.lead)
    return WrittenDocument(target, number)


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
    _remember(store, f"record:{visit.uuid}", RECORD_KIND, "", visit.site.name, visit_day(visit), target)
    return WrittenDocument(target)


def issue_bulletin(
    store: Store,
    *,
    start: date,
    end: date,
    visit_refs: Sequence[str] = (),
    issued: date | None = None,
    output: Path | None = None,
) -> WrittenDocument:
    """The 督导检查情况通报 over the signed-off visits that arrived from ``start`` to ``end``
    (or over the visits named), with the rectifications overdue on ``end``."""
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
    number = _allocate(store, profile.bulletin_prefix, BULLETIN_SERIES, day, issued_for)
    scope = BulletinScope(start, end, day, visits, _overdue(store, end))
    _write(target, build_bulletin(scope, profile, number))
    _remember(store, issued_for, BULLETIN_SERIES, number, "", day, target)
    return WrittenDocument(target, number)


# -- helpers -----------------------------------------------------------------------------------


def _visit(store: Store, visit_ref: str) -> Visit:
    return store.load_visit(resolve_visit(store, visit_ref))


def _arrival_day(arrived_at: str) -> date:
    return local_date(from_iso(arrived_at))


def _visits_between(store: Store, start: date, end: date) -> list[Visit]:
    """Signed-off visits (not re-inspections) that arrived in the range, oldest first; the index
    says which, so only those files are read."""
    chosen = [
        summary
        for summary in store.visit_summaries()
        if summary.status is VisitStatus.SIGNED_OFF and start <= _arrival_day(summary.arrived_at) <= end
    ]
    chosen.sort(key=lambda summary: (summary.arrived_at, summary.uuid))
    visits = [store.load_visit(summary.uuid) for summary in chosen]
    return [visit for visit in visits if not visit.reinspects]


def _chosen_visits(store: Store, visit_refs: Sequence[str]) -> list[Visit]:
    visits = {visit.uuid: visit for visit in (_visit(store, ref) for ref in visit_refs)}
    for visit in visits.values():
        if not visit.is_sealed:
            raise DomainError("document.not_signed_off", site=visit.site.name, uuid=visit.uuid[:8])
    return sorted(visits.values(), key=lambda visit: (visit.arrived_at, visit.uuid))


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


def _allocate(store: Store, prefix: str, series: str, day: date, issued_for: str) -> str:
    number = store.next_number(f"{series}:{day.year}", issued_for=issued_for, at=now())
    return document_number(prefix, day.year, number)


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
