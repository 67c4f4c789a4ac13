"""The laptop's side of inspection rounds (双随机): the team's own assignments, brought by sync, and
visits started from them.

The server sends each account only its own assignments, from shortly before the period; the laptop
keeps the latest answer whole (a redraw or a closed round replaces what it held). A visit started
from an assignment carries the round's id, sealed with it, so the bureau can tell a round's visits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import msgspec
from tinydb.table import Document

from inspector.core.clock import local_date, now
from inspector.core.errors import DomainError
from inspector.core.vocabulary import VisitStatus
from inspector.i18n import t
from inspector.store.store import Store
from inspector.sync.errors import Refused

if TYPE_CHECKING:  # home reads the assignments at start-up: no HTTP library, no visit rules for that
    from inspector import wire
    from inspector.core.visits import Visit
    from inspector.sync.client import BureauClient

ROUNDS_FILE = "rounds.json"
ASSIGNMENTS = "assignments"
HELD = 1
LINKS = "visits"
"""Which visit was started from which assignment (the visit itself carries its round too)."""


@dataclass(frozen=True)
class AssignmentStatus:
    """An assignment and what the team has done of it on this laptop."""

    assignment: wire.Assignment
    visit_uuid: str = ""
    done: bool = False
    """A visit made of it is signed off."""


@dataclass(frozen=True)
class RoundDue:
    """What home says: N sites still to visit in the team's rounds, and the window they fall in."""

    pending: int
    start: date | None
    end: date | None


def pull_assignments(store: Store, client: BureauClient) -> int:
    """Bring this account's assignments; a server without rounds (404) leaves them as they were."""
    try:
        answer = client.assignments()
    except Refused as refused:
        if refused.code == "not_found":
            return 0
        raise
    # one document, written whole at once: a crash leaves the earlier list or the new one
    held = {"items": msgspec.to_builtins(answer.assignments)}
    table = store.db(ROUNDS_FILE).table(ASSIGNMENTS)
    if table.get(doc_id=HELD) != held:
        table.upsert(Document(held, doc_id=HELD))
    return len(answer.assignments)


def assignments(store: Store) -> list[AssignmentStatus]:
    """The held assignments, the earliest period first, each with the visit made of it (if any)."""
    from inspector import wire  # not for home's first frame, drawn from what the last quit kept

    row = store.db(ROUNDS_FILE).table(ASSIGNMENTS).get(doc_id=HELD)
    held = msgspec.convert(row["items"], list[wire.Assignment]) if row else []
    visits_of: dict[tuple[str, str], tuple[str, bool]] = {}
    for link in store.db(ROUNDS_FILE).table(LINKS).all():
        summary = store.visit_summary(link["uuid"])
        if summary is None:
            continue
        signed = summary.status is VisitStatus.SIGNED_OFF
        key = (link["round_id"], link["site_id"])
        if key not in visits_of or signed:  # a signed-off visit answers for its assignment
            visits_of[key] = (link["uuid"], signed)
    found = [AssignmentStatus(item, *visits_of.get((item.round_id, item.site_id), ("", False))) for item in held]
    return sorted(
        found, key=lambda status: (status.assignment.start, status.assignment.township, status.assignment.site_name)
    )


def due(store: Store) -> RoundDue:
    """ "本轮待检 N 家": the assignments not yet signed off, and the window of their periods."""
    pending = [status.assignment for status in assignments(store) if not status.done]
    if not pending:
        return RoundDue(0, None, None)
    return RoundDue(
        len(pending),
        min(date.fromisoformat(item.start) for item in pending),
        max(date.fromisoformat(item.end) for item in pending),
    )


def start_from_assignment(
    store: Store, round_id: str, site_id: str, *, lead: str, members: tuple[str, ...] = ()
) -> Visit:
    """Start the visit an assignment asks for, linked to its round (the round's id is sealed with it)."""
    held = {(status.assignment.round_id, status.assignment.site_id): status for status in assignments(store)}
    status = held.get((round_id, site_id))
    if status is None:
        raise DomainError("round.no_such_assignment", round=round_id[:8], site=site_id)
    if status.done:
        raise DomainError("round.assignment_done", site=status.assignment.site_name)
    today = local_date(now())
    if today < date.fromisoformat(status.assignment.start):
        raise DomainError("round.assignment_not_yet", site=status.assignment.site_name, start=status.assignment.start)
    from inspector.services.visits import start_visit  # with the rules of a visit, not imported for home

    return start_visit(store, site_id, lead=lead, members=members, round_id=round_id)


def round_for_new_visit(store: Store, site_id: str, day: date) -> str:
    """The round whose assignment a visit at ``site_id`` on ``day`` carries out: one not yet done
    whose period has begun (the earliest); "" when there is none."""
    waiting = [
        status.assignment
        for status in assignments(store)
        if status.assignment.site_id == site_id
        and not status.done
        and date.fromisoformat(status.assignment.start) <= day
    ]
    return min(waiting, key=lambda item: item.start).round_id if waiting else ""


def note_round_visit(store: Store, visit_uuid: str, round_id: str, site_id: str) -> None:
    store.db(ROUNDS_FILE).table(LINKS).insert({"uuid": visit_uuid, "round_id": round_id, "site_id": site_id})


def round_due_text(pending: RoundDue) -> str:
    """Home's "本轮待检 N 家（12月1日～12月20日）" after its title (of ``due``); nothing without assignments."""
    if not pending.pending or pending.start is None or pending.end is None:
        return ""
    return t(
        "rounds.home.due",
        count=pending.pending,
        start=t("doc.date_short", month=pending.start.month, day=pending.start.day),
        end=t("doc.date_short", month=pending.end.month, day=pending.end.day),
    )
