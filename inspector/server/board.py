"""The county's rectification board on the server: every failed item of every visit received, its
state folded from every team's events, and the overdue ones found by an index, not by reading visits.

The board is a projection of what the server keeps (sealed visits, the feed's events), brought up
to date before it is read: the visits and events received since its checkpoint are read once,
their rectifications folded with the same rules the laptops use (``core.rectifications.fold``),
and the rows written in the same transaction as the new checkpoint. A board lost or damaged is
made again from the visits and the feed; nothing here is the only copy of anything.
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from inspector.core.rectifications import (
    RectificationEvent,
    RectificationState,
    contribution,
    fold,
    record_from_dict,
    record_to_dict,
)
from inspector.core.visits import Visit
from inspector.server.db import (
    Database,
    accounts,
    board_events,
    board_progress,
    board_rows,
    feed,
    insert_all_once,
    visits,
)
from inspector.server.published import UNREADABLE

log = logging.getLogger("inspector.server.board")

BATCH = 500
RECT_EVENT = "rect_event"
_PROGRESS_ROW = 1


@dataclass(frozen=True)
class BoardRow:
    id: str
    site_name: str
    township: str
    item_text: str
    severity: str
    due: date
    state: str
    source: str

    def days_overdue(self, today: date) -> int:
        return max(0, (today - self.due).days)


def bring_up_to_date(database: Database) -> int:
    """Project what came in since the last time; returns how many visits and events were read.

    Each batch is one transaction with a few statements for all its rows (one per row would cost
    more than folding them).
    """
    done = 0
    while _anything_new(database):
        with database.writing() as conn:
            progress = conn.execute(select(board_progress).where(board_progress.c.id == _PROGRESS_ROW)).one()
            new_visits = conn.execute(
                select(visits.c.seq, visits.c.body, visits.c.uploaded_by)
                .where(visits.c.seq > progress.visits_seq)
                .order_by(visits.c.seq)
                .limit(BATCH)
            ).all()
            new_events = conn.execute(
                select(feed.c.seq, feed.c.body)
                .where(feed.c.seq > progress.events_seq, feed.c.kind == RECT_EVENT)
                .order_by(feed.c.seq)
                .limit(BATCH)
            ).all()
            if not new_visits and not new_events:  # another reader brought it up to date meanwhile
                break
            sources = {row.id: row.name for row in conn.execute(select(accounts.c.id, accounts.c.name))}
            rows: dict[str, dict[str, Any]] = {}  # a later version of a visit replaces the earlier's rows
            events = [json.loads(row.body) for row in new_events]
            for row in new_visits:
                _take_visit(row.body, sources[row.uploaded_by], rows, events)
            if rows:
                conn.execute(_upsert_rows(conn.dialect.name), list(rows.values()))
            if events:
                insert_all_once(conn, board_events, [_event_row(event) for event in events], ("id",))
            _refold(conn, set(rows) | {event["rectification_id"] for event in events})
            conn.execute(
                update(board_progress)
                .where(board_progress.c.id == _PROGRESS_ROW)
                .values(
                    visits_seq=new_visits[-1].seq if new_visits else progress.visits_seq,
                    events_seq=new_events[-1].seq if new_events else progress.events_seq,
                )
            )
            done += len(new_visits) + len(new_events)
    return done


def _anything_new(database: Database) -> bool:
    """A read only: the board's reader takes the writers' turn only when there is work."""
    with database.reading() as conn:
        progress = conn.execute(select(board_progress).where(board_progress.c.id == _PROGRESS_ROW)).one()
        visit = conn.execute(select(visits.c.seq).where(visits.c.seq > progress.visits_seq).limit(1)).first()
        event = conn.execute(
            select(feed.c.seq).where(feed.c.seq > progress.events_seq, feed.c.kind == RECT_EVENT).limit(1)
        ).first()
    return visit is not None or event is not None


def open_rectifications(
    database: Database, today: date, *, overdue_only: bool = False, source: str | None = None, limit: int = 1000
) -> list[BoardRow]:
    """The rectifications not closed yet (only those past their due date with ``overdue_only``),
    the earliest due first; ``source``: those received from one county (at a province)."""
    bring_up_to_date(database)
    query = select(board_rows).where(board_rows.c.open.is_(True))
    if overdue_only:
        query = query.where(board_rows.c.due < today.isoformat())
    if source is not None:
        query = query.where(board_rows.c.source == source)
    with database.reading() as conn:
        rows = conn.execute(query.order_by(board_rows.c.due, board_rows.c.id).limit(limit)).all()
    return [_board_row(row) for row in rows]


def _board_row(row: Any) -> BoardRow:
    return BoardRow(
        id=row.id,
        site_name=row.site_name,
        township=row.township,
        item_text=row.item_text,
        severity=row.severity,
        due=date.fromisoformat(row.due),
        state=row.state,
        source=row.source,
    )


def _take_visit(body: bytes, source: str, rows: dict[str, dict[str, Any]], events: list[dict[str, Any]]) -> None:
    """Add the visit's rectifications to ``rows``, and the events a re-inspection visit stands for."""
    try:
        visit = Visit.from_dict(json.loads(body))
    except UNREADABLE as error:
        log.warning("a stored visit the rules cannot read is left off the board: %s", error)
        return
    made = contribution(visit)  # the laptops' rule: a re-inspection makes events, never records
    for record in made.records:
        rows[record.id] = {
            "id": record.id,
            "source": source,
            "site_id": record.site_id,
            "site_name": record.site_name,
            "township": record.township,
            "item_text": record.item_text,
            "severity": record.severity.value,
            "due": record.due.isoformat(),
            "state": RectificationState.OPEN.value,
            "open": True,
            "record": json.dumps(record_to_dict(record), ensure_ascii=False),
        }
    events.extend(event.to_dict() for event in made.events)


def _event_row(event: dict[str, Any]) -> dict[str, Any]:
    body = json.dumps(event, ensure_ascii=False, sort_keys=True)
    return {"id": event["id"], "rectification_id": event["rectification_id"], "body": body}


@functools.cache
def _upsert_rows(dialect_name: str) -> Any:
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    statement = dialect.insert(board_rows)
    replaced = {column.name: statement.excluded[column.name] for column in board_rows.c if column.name != "id"}
    return statement.on_conflict_do_update(index_elements=["id"], set_=replaced)


_SET_STATE = (
    update(board_rows)
    .where(board_rows.c.id == bindparam("rect_id"))
    .values(state=bindparam("new_state"), due=bindparam("new_due"), open=bindparam("new_open"))
)


def _refold(conn: Connection, ids: set[str]) -> None:
    """Each rectification's state from its record and all its events (from any team, any order)."""
    if not ids:
        return
    query = select(board_rows.c.id, board_rows.c.record).where(board_rows.c.id.in_(ids))
    records = {row.id: row.record for row in conn.execute(query)}
    events: dict[str, list[RectificationEvent]] = {}
    rows = conn.execute(
        select(board_events.c.rectification_id, board_events.c.body).where(board_events.c.rectification_id.in_(records))
    )
    for row in rows:
        try:
            event = RectificationEvent.from_dict(json.loads(row.body))
        except UNREADABLE as error:
            log.warning("an event the rules cannot read is left off the board: %s", error)
            continue
        events.setdefault(row.rectification_id, []).append(event)
    folded = []
    for rect_id, record in records.items():
        view = fold(record_from_dict(json.loads(record)), events.get(rect_id, ()))
        folded.append(
            {
                "rect_id": rect_id,
                "new_state": view.state.value,
                "new_due": view.due.isoformat(),
                "new_open": view.state is not RectificationState.CLOSED,
            }
        )
    if folded:
        conn.execute(_SET_STATE, folded)
