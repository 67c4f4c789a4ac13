"""Reminders and 催办 on the bureau server: the board's rectifications near or past their due date,
per township and per team (the account that uploaded the visit), and the 催办通知 issued township
by township, numbered in order, each chase recorded on the rectification's history as an event
checked by the laptops' own rules (``core.rectifications``) and handed to every laptop by the feed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from inspector.core.clock import now
from inspector.core.errors import DomainError
from inspector.core.profile import BureauProfile, document_number
from inspector.core.rectifications import (
    EventKind,
    RectificationEvent,
    RectificationView,
    fold,
    make_event,
    record_from_dict,
    refusal,
)
from inspector.core.reminders import Chased, Urgency, chase, chase_event_id
from inspector.server.accounts import Account, Role, list_accounts
from inspector.server.board import UNREADABLE, bring_up_to_date
from inspector.server.db import Database, board_events, board_rows, feed
from inspector.server.numbers import issue_on_server
from inspector.server.records import publish_server_event
from inspector.store.atomic import atomic_write_bytes

URGE_SERIES = "urge"


@dataclass(frozen=True)
class IssuedUrge:
    township: str
    number: str
    path: Path
    items: int
    recorded: int
    """Events newly recorded on the rectifications' histories (0 when issued again the same day)."""


def _views(database: Database) -> list[tuple[RectificationView, str]]:
    """Every open rectification on the board as its events leave it, with the team that found it."""
    bring_up_to_date(database)
    with database.reading() as conn:
        rows = conn.execute(
            select(board_rows.c.id, board_rows.c.record, board_rows.c.source).where(board_rows.c.open.is_(True))
        ).all()
        events: dict[str, list[RectificationEvent]] = {}
        for rectification_id, body in conn.execute(select(board_events.c.rectification_id, board_events.c.body)):
            try:
                events.setdefault(rectification_id, []).append(RectificationEvent.from_dict(json.loads(body)))
            except UNREADABLE:
                continue  # left off the board too
    return [(fold(record_from_dict(json.loads(row.record)), events.get(row.id, ())), row.source) for row in rows]


def chased(database: Database, today: date, within: int) -> list[Chased]:
    """The open rectifications due within ``within`` days or overdue, as of ``today``."""
    owed = (chase(view, team, today, within) for view, team in _views(database))
    return [item for item in owed if item is not None]


def issuing_account(database: Database, name: str) -> Account:
    """The active admin account in whose name the server issues and records (``--by``)."""
    moment = now()
    for account in list_accounts(database):
        if account.name == name and account.state(moment) == "active" and account.role is Role.ADMIN:
            return account
    raise DomainError("urge.no_such_account", name=name)


def _record(
    database: Database, account: Account, kind: EventKind, item: Chased, occasion: str, payload: dict[str, str]
) -> bool:
    """The chase as an event on the rectification's history, unless its rules refuse it now or it
    is recorded already; True when this call recorded it."""
    event = make_event(
        id=chase_event_id(item.rectification_id, kind, occasion),
        rectification_id=item.rectification_id,
        kind=kind,
        at=now(),
        by=account.name,
        payload={**payload, "due": item.due.isoformat()},
    )
    with database.writing() as conn:
        if conn.execute(select(feed.c.seq).where(feed.c.kind == "rect_event", feed.c.key == event.id)).first():
            return False
        record_json = conn.execute(
            select(board_rows.c.record).where(board_rows.c.id == event.rectification_id)
        ).scalar()
        bodies = conn.execute(
            select(board_events.c.body).where(board_events.c.rectification_id == event.rectification_id)
        ).scalars()
        history = [RectificationEvent.from_dict(json.loads(body)) for body in bodies]
        if record_json is None or refusal(fold(record_from_dict(json.loads(record_json)), history), event) is not None:
            return False
        return publish_server_event(conn, account, replace(event, signed_by=account.name)).created


def record_reminders(database: Database, account: Account, today: date, within: int) -> int:
    """Remind every rectification due within ``within`` days, once per due date; how many were new."""
    recorded = sum(
        _record(database, account, EventKind.REMINDED, item, item.due.isoformat(), {})
        for item in chased(database, today, within)
        if item.urgency is Urgency.DUE_SOON
    )
    bring_up_to_date(database)
    return recorded


def issue_urges(
    database: Database,
    account: Account,
    today: date,
    output: Path,
    *,
    township_order: Sequence[str] = (),
    townships: Sequence[str] = (),
    profile: BureauProfile | None = None,
) -> list[IssuedUrge]:
    """A 催办通知 for each township with overdue items (those named, or all), in the register's order,
    numbered one after another from the bureau's 催办 series; written to ``output`` and recorded on
    each item's history. Issued again the same day, a township's notice keeps its number."""
    from inspector.documents.common import in_chinese
    from inspector.documents.render import even_pages_many
    from inspector.documents.urge import REPLY_DAYS, UrgeItem, UrgeScope, build_urge_notice, urge_file_name

    profile = profile or BureauProfile()
    overdue = [item for item in chased(database, today, 0) if item.urgency is Urgency.OVERDUE]
    by_township: dict[str, list[Chased]] = {}
    for item in overdue:
        if not townships or item.township in townships:
            by_township.setdefault(item.township, []).append(item)
    place = {name: index for index, name in enumerate(township_order)}
    ordered = sorted(by_township, key=lambda name: (place.get(name, len(place)), name))
    # numbered first, one after another in the townships' order; issued again the same day, the same numbers
    numbers = {
        township: document_number(
            profile.urge_prefix,
            today.year,
            issue_on_server(database, account.id, f"{URGE_SERIES}:{today.year}", f"{township}\n{today.isoformat()}"),
        )
        for township in ordered
    }
    items_of = {
        township: sorted(by_township[township], key=lambda item: (-item.days, item.site_name, item.rectification_id))
        for township in ordered
    }

    def builder(township: str) -> Callable[[int], bytes]:
        scope = UrgeScope(
            township=township,
            issued=today,
            reply_by=today + timedelta(days=REPLY_DAYS),
            items=[
                UrgeItem(item.site_name, item.item_text, item.notice_number, item.due, item.days)
                for item in items_of[township]
            ],
        )
        return lambda pages: build_urge_notice(scope, profile, numbers[township], pages_before_back_matter=pages)

    with in_chinese():
        # where LibreOffice is installed, each 版记 is put on an even page (the notices' own way)
        settled = even_pages_many({f"urge{index}": builder(township) for index, township in enumerate(ordered)}, output)
        names = {township: urge_file_name(numbers[township], township) for township in ordered}
    issued = []
    for index, township in enumerate(ordered):
        path = output / names[township]
        atomic_write_bytes(path, settled[f"urge{index}"].docx)
        number = numbers[township]
        recorded = sum(
            _record(database, account, EventKind.URGED, item, number, {"notice_number": number})
            for item in items_of[township]
        )
        issued.append(IssuedUrge(township, number, path, len(items_of[township]), recorded))
    bring_up_to_date(database)
    return issued
