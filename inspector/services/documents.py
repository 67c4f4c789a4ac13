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
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector.core.clock import from_iso, local_date, now, to_iso
from inspector.core.errors import DomainError
from inspector.core.profile import BureauProfile, document_number
from inspector.core.rectifications import EventKind
from inspector.core.visits import Visit, rectifications
from inspector.core.vocabulary import SiteKind, VisitStatus
from inspector.i18n import t
from inspector.services.number_blocks import LOW_WATER
from inspector.services.profile import load_profile
from inspector.services.rectifications import (
    RectificationFilter,
    find_rectifications,
    findings_of,
    record_notice,
    rectification_views,
    remote_visits,
)
from inspector.services.visits import check_seal, resolve_visit
from inspector.store.atomic import atomic_write_bytes
from inspector.store.journal import many_new_objects
from inspector.store.store import Store

if TYPE_CHECKING:
    from inspector.documents.bulletin import BulletinVisit, Overdue
    from inspector.documents.notice import FollowUpSource
    from inspector.documents.render import Settled

# the document modules (python-docx) are imported inside the functions: the app and the other
# commands import this module without paying for python-docx

NOTICE_SERIES = "notice"
BULLETIN_SERIES = "bulletin"
FIRST_YEAR = 2020
"""The first year whose numbers are looked through when a notice is made again."""


LIBREOFFICE_DIR = ".libreoffice"
"""LibreOffice's own profile, inside the data dir: made once, reused by every layout and PDF."""
RECORD_KIND = "record"
ISSUED_FILE = "documents.json"
"""The documents written, one row per document (made again: its row is updated), for the list of them."""


@dataclass(frozen=True)
class WrittenDocument:
    path: Path
    number: str = ""
    numbers_left: int | None = None
    """Numbers left in this laptop's blocks of the series (None: it has none, or no number was used)."""
    fallback: bool = False
    """The number is outside the laptop's blocks, given on request: the bureau reconciles it."""
    pdf: Path | None = None
    replaces: str = ""
    """The number of the notice this one replaces (a re-issue after the visit was amended)."""

    @property
    def numbers_low(self) -> bool:
        return self.numbers_left is not None and self.numbers_left < LOW_WATER


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
                "site": sites.get(row["issued_for"].split(":")[1], ""),  # notice:<uuid>[:v<version>]
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


def issue_notice(
    store: Store, visit_ref: str, output: Path | None = None, *, pdf: bool = False, fallback_number: bool = False
) -> WrittenDocument:
    """The 整改通知书 of a signed-off visit with failed items, with its feedback form attached.

    Numbered and dated when it is issued (the rule that keeps numbers and dates in the same
    order): the first time a visit's notice is made it takes the next number of the year and
    today's date; making it again gives the same number and date. A visit amended after its
    notice went out gets a new notice, with a new number and date, that says which it replaces.

    ``fallback_number``: when this laptop's block of numbers is used up and no sync is possible,
    take the next number after it, recorded as a fallback (see ``Store.next_number``).
    """
    from inspector.documents.common import in_chinese, safe_file_name
    from inspector.documents.notice import Issue, build_notice, notice_words

    with in_chinese():
        visit = _visit(store, visit_ref)
        if not visit.is_sealed:
            raise DomainError("document.not_signed_off", site=visit.site.name, uuid=visit.uuid[:8])
        if not rectifications(visit):
            raise DomainError("document.no_failed_items", site=visit.site.name, uuid=visit.uuid[:8])
        profile = load_profile(store)
        if pdf:
            _require_libreoffice()
        key = _notice_key(visit)
        allocations = _notice_allocations(store, visit.uuid)
        existing = next((entry for entry in allocations if entry.issued_for == key), None)
        earlier = [entry for entry in allocations if entry.issued_for != key]
        issued = existing.day if existing else local_date(now())
        name = t(f"{notice_words(visit)}.file", date=issued.isoformat(), site=visit.site.name)
        if earlier:
            name = t("doc.notice.file_version", name=name.removesuffix(".docx"), version=visit.version)
        # checked before a number is spent on it
        target = _target(store, profile, output, safe_file_name(name))
        if existing:
            allocated = WrittenDocument(Path(), existing.number(profile.notice_prefix))
        else:
            allocated = _allocate(store, profile.notice_prefix, NOTICE_SERIES, issued, key, fallback=fallback_number)
        number = allocated.number
        replaced = max(earlier, key=lambda entry: entry.at) if earlier else None
        issue = Issue(
            number,
            issued,
            replaces_number=replaced.number(profile.notice_prefix) if replaced else "",
            replaces_date=replaced.day if replaced else None,
        )
        follow_up = _follow_up_source(store, visit) if visit.reinspects else None
        settled = _settle(
            store,
            lambda pages: build_notice(visit, profile, issue, follow_up=follow_up, pages_before_back_matter=pages),
            laid_out=True,
            pdf=pdf,
        )
        written = _write_with_pdf(target, settled, pdf)
        _remember(store, key, NOTICE_SERIES, number, visit.site.name, issued, target)
        record_notice(store, visit.uuid, number, by=visit.signed_off_by or visit.lead)
        return replace(allocated, path=written.path, pdf=written.pdf, replaces=issue.replaces_number)


def unissued_notices(store: Store) -> list[str]:
    """Signed-off visits with failed items whose notice has not been made, oldest sign-off first."""
    issued = {entry.issued_for for entry in _all_allocations(store, NOTICE_SERIES)}
    waiting = []
    for summary in store.visit_summaries():
        if summary.status is not VisitStatus.SIGNED_OFF:
            continue
        visit = store.load_visit(summary.uuid)
        if rectifications(visit) and _notice_key(visit) not in issued:
            waiting.append(visit)
    waiting.sort(key=lambda visit: (visit.signed_off_at or "", visit.uuid))
    return [visit.uuid for visit in waiting]


def write_record(store: Store, visit_ref: str, output: Path | None = None, *, pdf: bool = False) -> WrittenDocument:
    """The 现场检查记录 of a visit the team has finished (it is signed on site, before or after sign-off)."""
    from inspector.documents.common import in_chinese, safe_file_name, visit_day
    from inspector.documents.record import build_record

    with in_chinese():
        visit = _visit(store, visit_ref)
        if visit.status is VisitStatus.DRAFT:
            raise DomainError("document.not_completed", site=visit.site.name, uuid=visit.uuid[:8])
        if pdf:
            _require_libreoffice()
        profile = load_profile(store)
        name = t("doc.record.file", date=visit_day(visit).isoformat(), site=visit.site.name)
        target = _target(store, profile, output, safe_file_name(name))
        settled = _settle(store, lambda _: build_record(visit, profile), laid_out=False, pdf=pdf)
        written = _write_with_pdf(target, settled, pdf)
        _remember(store, f"record:{visit.uuid}", RECORD_KIND, "", visit.site.name, visit_day(visit), target)
        return written


def issue_bulletin(
    store: Store,
    *,
    start: date,
    end: date,
    visit_refs: Sequence[str] = (),
    issued: date | None = None,
    output: Path | None = None,
    fallback_number: bool = False,
    pdf: bool = False,
) -> WrittenDocument:
    """The 督导检查情况通报 over the signed-off visits that arrived from ``start`` to ``end``
    (or over the visits named), with the rectifications overdue on ``end``; ``fallback_number``
    as for ``issue_notice``."""
    from inspector.documents.bulletin import BulletinScope, build_bulletin
    from inspector.documents.common import in_chinese, safe_file_name

    with in_chinese():
        if start > end:
            raise DomainError("document.bad_range", start=start.isoformat(), end=end.isoformat())
        visits = _chosen_visits(store, visit_refs) if visit_refs else _visits_between(store, start, end)
        if not visits:
            raise DomainError("document.no_visits", start=start.isoformat(), end=end.isoformat())
        if pdf:
            _require_libreoffice()
        profile = load_profile(store)
        day = issued or end
        name = t("doc.bulletin.file", start=start.isoformat(), end=end.isoformat())
        target = _target(store, profile, output, safe_file_name(name))
        scope_key = ",".join(sorted(v.uuid for v in visits)) if visit_refs else f"{start}:{end}"
        issued_for = f"bulletin:{hashlib.sha256(scope_key.encode('utf-8')).hexdigest()[:16]}"
        allocated = _allocate(
            store, profile.bulletin_prefix, BULLETIN_SERIES, day, issued_for, fallback=fallback_number
        )
        number = allocated.number
        township_order = list(dict.fromkeys(site.township for site in store.sites()))
        # the export's sheet of every rectification, filtered on its overdue column
        full_list = t(
            "doc.bulletin.overdue_sheet", sheet=t("export.sheet.rectifications"), column=t("export.col.overdue")
        )
        scope = BulletinScope(start, end, day, visits, _overdue(store, end), township_order, full_list)
        settled = _settle(
            store, lambda pages: build_bulletin(scope, profile, number, pages_before_back_matter=pages), True, pdf
        )
        written = _write_with_pdf(target, settled, pdf)
        _remember(store, issued_for, BULLETIN_SERIES, number, "", day, target)
        return replace(allocated, path=written.path, pdf=written.pdf)


# -- helpers -----------------------------------------------------------------------------------


def _visit(store: Store, visit_ref: str) -> Visit:
    """The visit named, refused when altered after sign-off: no document is made from it."""
    return check_seal(store, store.load_visit(resolve_visit(store, visit_ref)))


def _arrival_day(arrived_at: str) -> date:
    return local_date(from_iso(arrived_at))


def _visits_between(store: Store, start: date, end: date) -> list[BulletinVisit]:
    """Signed-off visits (not re-inspections) that arrived in the range, oldest first: this laptop's
    and the other teams' whose records came through the bureau server.

    The visit index says which, and the rectification index what each found: no visit file is
    read, and a bulletin over years holds each visit's site and findings, not its answers."""
    from inspector.documents.bulletin import BulletinVisit

    chosen = [
        summary
        for summary in store.visit_summaries()
        if summary.status is VisitStatus.SIGNED_OFF and start <= _arrival_day(summary.arrived_at) <= end
    ]
    found = findings_of(store, [summary.uuid for summary in chosen])
    covered = [
        (
            summary.arrived_at,
            BulletinVisit(
                summary.uuid, summary.township, summary.site_id, SiteKind(summary.kind), tuple(found[summary.uuid])
            ),
        )
        for summary in chosen
        if summary.uuid in found
    ]
    covered += [
        (
            visit.arrived_at,
            BulletinVisit(visit.uuid, visit.township, visit.site_id, SiteKind(visit.site_kind), visit.found),
        )
        for visit in remote_visits(store)
        if start <= _arrival_day(visit.arrived_at) <= end
    ]
    covered.sort(key=lambda pair: (pair[0], pair[1].uuid))
    return [visit for _, visit in covered]


def _chosen_visits(store: Store, visit_refs: Sequence[str]) -> list[BulletinVisit]:
    from inspector.documents.bulletin import BulletinVisit

    visits = {visit.uuid: visit for visit in (_visit(store, ref) for ref in visit_refs)}
    for visit in visits.values():
        if not visit.is_sealed:
            raise DomainError("document.not_signed_off", site=visit.site.name, uuid=visit.uuid[:8])
    return [BulletinVisit.of(visit) for visit in sorted(visits.values(), key=lambda v: (v.arrived_at, v.uuid))]


def _overdue(store: Store, day: date) -> list[Overdue]:
    """Every rectification not closed by ``day`` among visits that arrived by then (this laptop's and
    other teams'), most overdue first.

    Their state is the one every screen shows (the persisted fold's), so an item a re-inspection
    closed counts as closed even before that re-inspection's events are synced; the listing
    decodes only the overdue items' views, not every one of years of rectifications.
    """
    from inspector.documents.bulletin import Overdue

    arrived = {summary.uuid: _arrival_day(summary.arrived_at) for summary in store.visit_summaries()}
    arrived.update((visit.uuid, _arrival_day(visit.arrived_at)) for visit in remote_visits(store))
    with many_new_objects():  # thousands of views decoded, no cycles among them
        found = [
            Overdue(view.record, view.days_overdue(day), view.notice_number)
            for view in find_rectifications(store, RectificationFilter(overdue=True), today=day)
            if arrived.get(view.record.visit_uuid, date.max) <= day
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


@dataclass(frozen=True)
class _Allocation:
    """A number handed out: its series' year, the number, what it was for and when."""

    year: int
    value: int
    issued_for: str
    at: str

    @property
    def day(self) -> date:
        return local_date(from_iso(self.at))

    def number(self, prefix: str) -> str:
        return document_number(prefix, self.year, self.value)


def _all_allocations(store: Store, series: str) -> list[_Allocation]:
    """Every number of a series, all years (the series is named ``<series>:<year>``)."""
    found = []
    for year in range(FIRST_YEAR, local_date(now()).year + 1):
        for row in store.issued_numbers(f"{series}:{year}"):
            found.append(_Allocation(year, int(row["number"]), str(row["issued_for"]), str(row["at"])))
    return found


def _notice_key(visit: Visit) -> str:
    """What a notice's number is for: the visit, and its version once it has been amended."""
    return f"notice:{visit.uuid}" if visit.version == 1 else f"notice:{visit.uuid}:v{visit.version}"


def _notice_allocations(store: Store, visit_uuid: str) -> list[_Allocation]:
    plain = f"notice:{visit_uuid}"
    return [
        entry
        for entry in _all_allocations(store, NOTICE_SERIES)
        if entry.issued_for == plain or entry.issued_for.startswith(f"{plain}:v")
    ]


def _follow_up_source(store: Store, visit: Visit) -> FollowUpSource:
    """The original notices (number, date) and findings behind a re-inspection's items, as far as
    this laptop knows them (another team's visit may not be here; its notice number may be)."""
    from inspector.documents.notice import FollowUpSource

    profile = load_profile(store)
    notes: dict[str, str] = {}
    notices: dict[str, date] = {}
    known = {summary.uuid for summary in store.visit_summaries()}
    allocations = {entry.issued_for: entry for entry in _all_allocations(store, NOTICE_SERIES)}
    views = {view.id: view for view in rectification_views(store)}
    for rectification_id in visit.reinspects:
        original_uuid, _, item_id = rectification_id.partition("/")
        view = views.get(rectification_id)
        if original_uuid in known:
            answer = store.load_visit(original_uuid).answers.get(item_id)
            if answer is not None and answer.note:
                notes[rectification_id] = answer.note
        elif view is not None and view.record.note:  # found by another team: its record came with the feed
            notes[rectification_id] = view.record.note
        for entry in allocations.values():
            if entry.issued_for.split(":")[1] == original_uuid:
                notices.setdefault(entry.number(profile.notice_prefix), entry.day)
        if view is not None and view.notice_number and view.notice_number not in notices:
            # another team's notice: its number and the day it was noted as issued came with the events
            issued = [
                step.event.moment
                for step in view.history
                if step.event.kind is EventKind.ISSUED and step.event.payload.get("notice_number") == view.notice_number
            ]
            if issued:
                notices[view.notice_number] = local_date(min(issued))
    ordered = sorted(notices.items(), key=lambda pair: pair[1])
    return FollowUpSource(notices=ordered, original_notes=notes)


def _require_libreoffice() -> None:
    from inspector.documents.render import soffice

    if soffice() is None:
        raise DomainError("document.no_libreoffice")


def _settle(store: Store, build: Callable[[int], bytes], laid_out: bool, pdf: bool) -> Settled:
    """The document, with its 版记 put on an even page where LibreOffice can measure it, and its PDF."""
    from inspector.documents.render import RenderFailed, Settled, even_pages, soffice, to_pdf

    work_dir = store.root / LIBREOFFICE_DIR
    if laid_out:
        # without LibreOffice, even_pages gives the 版记 a section that starts on an even page
        if soffice() is not None:
            _guard(work_dir, lambda: work_dir.mkdir(parents=True, exist_ok=True))
        settled = even_pages(build, work_dir)
        if pdf and settled.pdf is None:  # LibreOffice failed or hung: its own layout was given up
            raise DomainError("document.pdf_failed", reason="LibreOffice")
        return settled
    data = build(0)
    if not pdf:
        return Settled(data, None, None)
    _guard(work_dir, lambda: work_dir.mkdir(parents=True, exist_ok=True))
    with tempfile.TemporaryDirectory(dir=work_dir) as folder:
        source = Path(folder) / "document.docx"
        source.write_bytes(data)
        try:
            return Settled(data, to_pdf(source, Path(folder) / "pdf", work_dir=work_dir).read_bytes(), None)
        except RenderFailed as error:
            raise DomainError("document.pdf_failed", reason=str(error)) from None


def _write_with_pdf(target: Path, settled: Settled, pdf: bool) -> WrittenDocument:
    _write(target, settled.docx)
    if not pdf or settled.pdf is None:
        return WrittenDocument(target)
    pdf_path = target.with_suffix(".pdf")
    _guard(pdf_path, lambda: atomic_write_bytes(pdf_path, settled.pdf))
    return WrittenDocument(target, pdf=pdf_path)


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
