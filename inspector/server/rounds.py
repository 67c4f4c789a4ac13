"""Inspection rounds on the bureau server: drawn from the published register and the county's board,
sealed version by version, and handed to each team's laptops alone.

The draw itself is ``core.rounds`` (pure); here are its inputs (the latest register in the feed,
each site's open and overdue rectifications and last findings from the board), the seed (the
operating system's CSPRNG, ``secrets``), and the tables (``db.rounds``, ``db.round_versions``).
"""

from __future__ import annotations

import csv
import io
import json
import secrets
import uuid as uuid_module
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select, update

from inspector import wire
from inspector.core.canonical import canonical_bytes
from inspector.core.clock import from_iso, local_date, now, to_iso
from inspector.core.errors import DomainError
from inspector.core.rounds import (
    SEED_BYTES,
    Candidate,
    Inspector,
    RoundPlan,
    RoundRecord,
    RoundState,
    Verdict,
    Weighting,
    assignments_of,
    candidates_in_scope,
    count_of,
    make_round,
    verify,
)
from inspector.core.sites import Site
from inspector.core.vocabulary import SiteKind
from inspector.server.accounts import Account, list_accounts
from inspector.server.board import bring_up_to_date
from inspector.server.db import Database, board_rows, feed, round_versions, rounds, visits

ASSIGNMENT_LEAD_DAYS = 3
"""A team's laptop receives its assignments from this many days before the round's period."""
INSPECTOR_COLUMNS = ("account", "name", "township", "conflicts")
CONFLICT_SEPARATORS = ("；", ";", "、", ",", "，")


@dataclass(frozen=True)
class RoundRow:
    round_id: str
    name: str
    start: str
    end: str
    version: int
    state: str
    closed_at: str | None


def parse_inspector_register(text: str) -> list[Inspector]:
    """The inspector register from CSV (UTF-8, header ``account,name,township,conflicts``; the
    conflicts are site ids or township names separated by ';' or '、'). A bad row is a DomainError
    naming its line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if reader.fieldnames is None or not {"account", "township"} <= {name.strip() for name in reader.fieldnames}:
        raise DomainError("round.register_header", columns=",".join(INSPECTOR_COLUMNS))
    inspectors = []
    for line, row in enumerate(reader, start=2):
        cleaned = {key.strip(): (value or "").strip() for key, value in row.items() if key}
        if not cleaned.get("account") or not cleaned.get("township"):
            raise DomainError("round.register_row", line=line)
        conflicts = cleaned.get("conflicts", "")
        for separator in CONFLICT_SEPARATORS:
            conflicts = conflicts.replace(separator, ";")
        inspectors.append(
            Inspector(
                account=cleaned["account"],
                name=cleaned.get("name", ""),
                township=cleaned["township"],
                conflicts=tuple(sorted({item.strip() for item in conflicts.split(";") if item.strip()})),
            )
        )
    return inspectors


def _register_sites(conn: Connection) -> list[Site]:
    body = conn.execute(
        select(feed.c.body).where(feed.c.kind == "register").order_by(feed.c.seq.desc()).limit(1)
    ).scalar()
    if body is None:
        raise DomainError("round.no_register")
    return [Site.from_dict(row) for row in json.loads(body)["sites"]]


def register_townships(database: Database) -> list[str]:
    """The townships in the order of the published register (the order every county list keeps)."""
    with database.reading() as conn:
        try:
            sites = _register_sites(conn)
        except DomainError:
            return []
    return list(dict.fromkeys(site.township for site in sites))


def candidates(
    database: Database, kinds: Sequence[SiteKind], townships: Sequence[str], today: date
) -> tuple[Candidate, ...]:
    """The register's sites in scope, each with its open and overdue rectifications and the
    problems its latest visit on the server found (the risk weighting reads these)."""
    bring_up_to_date(database)
    with database.reading() as conn:
        sites = _register_sites(conn)
        open_items: Counter[str] = Counter()
        overdue: Counter[str] = Counter()
        for site_id, due in conn.execute(
            select(board_rows.c.site_id, board_rows.c.due).where(board_rows.c.open.is_(True))
        ):
            open_items[site_id] += 1
            overdue[site_id] += due < today.isoformat()
        latest_visit: dict[str, str] = {}
        for site_id, visit_uuid in conn.execute(select(visits.c.site_id, visits.c.uuid).order_by(visits.c.seq)):
            latest_visit[site_id] = visit_uuid
        findings: Counter[str] = Counter()
        for site_id, row_id in conn.execute(select(board_rows.c.site_id, board_rows.c.id)):
            if row_id.split("/", 1)[0] == latest_visit.get(site_id):
                findings[site_id] += 1
    in_scope = (
        Candidate(
            id=site.id,
            name=site.name,
            kind=site.kind,
            township=site.township,
            open_items=open_items[site.id],
            overdue_items=overdue[site.id],
            last_findings=findings[site.id],
        )
        for site in sites
    )
    return candidates_in_scope(in_scope, kinds, townships)


def _check_accounts(database: Database, inspectors: Sequence[Inspector]) -> None:
    """Every inspector of the register is an active account: else their assignments reach no one."""
    moment = now()
    active = {account.name for account in list_accounts(database) if account.state(moment) == "active"}
    unknown = sorted(inspector.account for inspector in inspectors if inspector.account not in active)
    if unknown:
        raise DomainError("round.unknown_accounts", accounts="、".join(unknown))


def create_round(
    database: Database,
    *,
    name: str,
    start: date,
    end: date,
    kinds: Sequence[SiteKind],
    townships: Sequence[str],
    count: int | None,
    percent: int | None,
    team_size: int,
    weighting: Weighting,
    inspectors: Sequence[Inspector],
    drawn_by: str,
) -> RoundRecord:
    """Plan and draw a new round with a fresh seed; its version 1 is stored sealed."""
    _check_accounts(database, inspectors)
    in_scope = candidates(database, kinds, townships, local_date(now()))
    plan = RoundPlan(
        name=name.strip(),
        start=start,
        end=end,
        kinds=tuple(kinds),
        townships=tuple(townships),
        count=count_of(len(in_scope), count=count, percent=percent),
        team_size=team_size,
        weighting=weighting,
        candidates=in_scope,
        inspectors=tuple(sorted(inspectors, key=lambda inspector: inspector.account)),
    )
    record = make_round(
        plan,
        secrets.token_bytes(SEED_BYTES),
        round_id=str(uuid_module.uuid4()),
        drawn_at=to_iso(now()),
        drawn_by=drawn_by,
    )
    with database.writing() as conn:
        conn.execute(
            insert(rounds).values(
                round_id=record.round_id,
                name=plan.name,
                start=plan.start.isoformat(),
                end=plan.end.isoformat(),
                version=1,
                state=RoundState.DRAWN.value,
                created_at=record.drawn_at,
            )
        )
        _insert_version(conn, record)
    return record


def _insert_version(conn: Connection, record: RoundRecord) -> None:
    conn.execute(
        insert(round_versions).values(
            round_id=record.round_id,
            version=record.version,
            seal=record.seal,
            body=canonical_bytes(record.to_dict()).decode("utf-8"),
            drawn_at=record.drawn_at,
        )
    )


def find_round(database: Database, prefix: str) -> RoundRow:
    """A round by its id or a unique beginning of it (as ``visits show`` takes a prefix)."""
    cleaned = prefix.strip().lower()
    if not cleaned:
        raise DomainError("round.not_found", round=prefix)
    with database.reading() as conn:
        rows = conn.execute(select(rounds).where(rounds.c.round_id.startswith(cleaned, autoescape=True))).all()
    if not rows:
        raise DomainError("round.not_found", round=prefix)
    if len(rows) > 1:
        raise DomainError("round.ambiguous", round=prefix, count=len(rows))
    return _row(rows[0])


def _row(row: Any) -> RoundRow:
    return RoundRow(row.round_id, row.name, row.start, row.end, row.version, row.state, row.closed_at)


def list_rounds(database: Database) -> list[RoundRow]:
    with database.reading() as conn:
        return [_row(row) for row in conn.execute(select(rounds).order_by(rounds.c.start, rounds.c.created_at))]


def version_bodies(database: Database, round_id: str) -> list[dict[str, Any]]:
    """Every sealed version of a round as stored, the first first."""
    with database.reading() as conn:
        bodies = conn.execute(
            select(round_versions.c.body)
            .where(round_versions.c.round_id == round_id)
            .order_by(round_versions.c.version)
        ).scalars()
        return [json.loads(body) for body in bodies]


def current_record(database: Database, round_id: str) -> RoundRecord:
    return RoundRecord.from_dict(version_bodies(database, round_id)[-1])


def redraw(
    database: Database, prefix: str, *, reason: str, drawn_by: str, inspectors: Sequence[Inspector] | None = None
) -> RoundRecord:
    """A new version of an open round with a fresh seed, saying why; the same plan, or the same
    plan with a new inspector register (someone fell ill). The earlier versions stay as they were."""
    row = find_round(database, prefix)
    if row.state != RoundState.DRAWN.value:
        raise DomainError("round.closed", round=row.name)
    previous = current_record(database, row.round_id)
    plan = previous.plan
    if inspectors is not None:
        _check_accounts(database, inspectors)
        plan = replace(plan, inspectors=tuple(sorted(inspectors, key=lambda inspector: inspector.account)))
    record = make_round(
        plan,
        secrets.token_bytes(SEED_BYTES),
        round_id=row.round_id,
        drawn_at=to_iso(now()),
        drawn_by=drawn_by,
        previous=previous,
        reason=reason,
    )
    with database.writing() as conn:
        changed = conn.execute(
            update(rounds)
            .where(rounds.c.round_id == row.round_id, rounds.c.version == previous.version)
            .values(version=record.version)
        ).rowcount
        if changed != 1:  # another redraw came first: this one would silently replace it
            raise DomainError("round.redrawn_meanwhile", round=row.name)
        _insert_version(conn, record)
    return record


@dataclass(frozen=True)
class VersionCheck:
    version: int
    verdict: Verdict
    chained: bool
    """Names the seal of the version before it (version 1: names none)."""

    @property
    def holds(self) -> bool:
        return self.verdict.holds and self.chained


def verify_versions(bodies: Sequence[dict[str, Any]]) -> list[VersionCheck]:
    """Each version's seal and draw, and the chain of redraws (each names its predecessor's seal)."""
    checks = []
    previous_seal = ""
    for number, body in enumerate(bodies, start=1):
        chained = body.get("supersedes", "") == previous_seal and body.get("version") == number
        checks.append(VersionCheck(number, verify(body), chained))
        previous_seal = str(body.get("seal", ""))
    return checks


def close_round(database: Database, prefix: str) -> RoundRow:
    row = find_round(database, prefix)
    if row.state == RoundState.CLOSED.value:
        return row
    moment = to_iso(now())
    with database.writing() as conn:
        conn.execute(
            update(rounds)
            .where(rounds.c.round_id == row.round_id)
            .values(state=RoundState.CLOSED.value, closed_at=moment)
        )
    return find_round(database, row.round_id)


def assignments_for(database: Database, account: Account, today: date) -> wire.AssignmentList:
    """The caller's own assignments in the open rounds whose period starts within
    ``ASSIGNMENT_LEAD_DAYS`` (or has started): nothing of any other team, nothing earlier."""
    horizon = (today + timedelta(days=ASSIGNMENT_LEAD_DAYS)).isoformat()
    with database.reading() as conn:
        open_rounds = conn.execute(
            select(rounds.c.round_id).where(rounds.c.state == RoundState.DRAWN.value, rounds.c.start <= horizon)
        ).scalars()
        ids = list(open_rounds)
    found = []
    for round_id in ids:
        record = current_record(database, round_id)
        by_account = {inspector.account: inspector for inspector in record.plan.inspectors}
        for assignment in assignments_of(record, account.name):
            site = assignment.site
            found.append(
                wire.Assignment(
                    round_id=record.round_id,
                    round_name=record.plan.name,
                    version=record.version,
                    start=record.plan.start.isoformat(),
                    end=record.plan.end.isoformat(),
                    site_id=site.id,
                    site_name=site.name,
                    township=site.township,
                    kind=site.kind.value,
                    team=[by_account[member].display_name for member in assignment.team],
                )
            )
    return wire.AssignmentList(assignments=found)


@dataclass(frozen=True)
class SiteResult:
    """What became of one drawn site: the visit made of its assignment (the latest version), if any."""

    site_id: str
    site_name: str
    township: str
    kind: str
    team: tuple[str, ...]
    visited_on: date | None
    problems: int | None
    """Failed items the visit found; None when the site was not visited."""
    visit_uuid: str = ""


def round_results(database: Database, record: RoundRecord) -> list[SiteResult]:
    """Each drawn site, in the order drawn, with the visit that carried out its assignment."""
    from inspector.core.visits import Visit, rectifications

    drawn = {assignment.site.id for assignment in record.assignments}
    latest: dict[str, tuple[int, bytes]] = {}
    with database.reading() as conn:
        rows = conn.execute(
            select(visits.c.uuid, visits.c.version, visits.c.body).where(visits.c.site_id.in_(drawn))
        ).all()
    for row in rows:
        if row.uuid not in latest or row.version > latest[row.uuid][0]:
            latest[row.uuid] = (row.version, row.body)
    found: dict[str, Visit] = {}
    for _, body in latest.values():
        visit = Visit.from_dict(json.loads(body))
        if visit.round_id == record.round_id and (
            visit.site.id not in found or visit.arrived_at < found[visit.site.id].arrived_at
        ):
            found[visit.site.id] = visit
    names = {inspector.account: inspector.display_name for inspector in record.plan.inspectors}
    results = []
    for assignment in record.assignments:
        site, visit = assignment.site, found.get(assignment.site.id)
        results.append(
            SiteResult(
                site_id=site.id,
                site_name=site.name,
                township=site.township,
                kind=site.kind.value,
                team=tuple(names.get(account, account) for account in assignment.team),
                visited_on=local_date(from_iso(visit.arrived_at)) if visit else None,
                problems=len(rectifications(visit)) if visit else None,
                visit_uuid=visit.uuid if visit else "",
            )
        )
    return results


ROUND_SERIES = "round"


@dataclass(frozen=True)
class Published:
    number: str
    document: Path
    workbook: Path


def publish_round(database: Database, prefix: str, account: Account, output: Path) -> Published:
    """The closed round's 抽查结果公示 (.docx, numbered from the bureau's series once: made again,
    the same number) and its workbook (.xlsx), written to ``output``."""
    from inspector.core.profile import BureauProfile, document_number
    from inspector.documents.common import in_chinese
    from inspector.documents.render import even_pages
    from inspector.documents.round_results import (
        Publication,
        ResultRow,
        build_publication,
        build_workbook,
        publication_file_name,
        workbook_file_name,
    )
    from inspector.server.numbers import issue_on_server
    from inspector.store.atomic import atomic_write_bytes

    row = find_round(database, prefix)
    if row.state != RoundState.CLOSED.value or row.closed_at is None:
        raise DomainError("round.not_closed", round=row.name)
    record = current_record(database, row.round_id)
    issued = local_date(from_iso(row.closed_at))
    profile = BureauProfile()
    allocated = issue_on_server(database, account.id, f"{ROUND_SERIES}:{issued.year}", row.round_id)
    number = document_number(profile.round_prefix, issued.year, allocated)
    publication = Publication(
        round_name=record.plan.name,
        start=record.plan.start,
        end=record.plan.end,
        kinds=record.plan.kinds,
        candidates=len(record.plan.candidates),
        inspectors=len({account for assignment in record.assignments for account in assignment.team}),
        issued=issued,
        rows=[
            ResultRow(
                result.site_name,
                result.township,
                SiteKind(result.kind),
                result.team,
                result.visited_on,
                result.problems,
            )
            for result in round_results(database, record)
        ],
    )
    with in_chinese():
        settled = even_pages(
            lambda pages: build_publication(publication, profile, number, pages_before_back_matter=pages), output
        )
        workbook = build_workbook(publication)
        document_path = output / publication_file_name(record.plan.name)
        workbook_path = output / workbook_file_name(record.plan.name)
    atomic_write_bytes(document_path, settled.docx)
    atomic_write_bytes(workbook_path, workbook)
    return Published(number, document_path, workbook_path)
