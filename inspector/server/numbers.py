"""Document numbers across the bureau: blocks (号段) granted to the laptops, and numbers issued twice.

A laptop asks for a block of a series (a kind of document and a year, ``notice:2026``) when it
syncs, and issues numbers from its blocks offline; the server grants each block after the last
one of the series, so no number is ever in two blocks. A request names itself (a uuid the laptop
keeps until the block is stored): asked again, the server answers with the block it granted.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select

from inspector import wire
from inspector.core.clock import local_date, now, to_iso
from inspector.server.accounts import Account
from inspector.server.board import bring_up_to_date
from inspector.server.db import Database, board_events, board_rows, number_blocks
from inspector.server.errors import ApiError


def grant_block(
    database: Database, account: Account, request_id: str, body: wire.NumberBlockRequest
) -> wire.NumberBlock:
    """The block for this request: granted now after the series' last, or the one granted before."""
    series = body.series
    if abs(int(series[-4:]) - local_date(now()).year) > 1:
        raise ApiError(422, "bad_number_request", year=series[-4:])
    granted = _grant(database, account.id, request_id, series, body.size)
    if granted.account_id != account.id or granted.series != series:
        raise ApiError(409, "request_reused")
    return wire.NumberBlock(granted.series, granted.first, granted.last)


SERVER_ISSUES = uuid.UUID("5f0c8a6e-2d7b-4c1e-9a53-7b1f0e4d2c90")
"""Namespace of the request ids of the numbers the server issues itself (the county bulletin)."""


def issue_on_server(database: Database, account_id: int, series: str, issued_for: str) -> int:
    """A number of ``series`` (``bulletin:2026``) for a document the bureau's server issues, taken
    as a one-number block of the same series the laptops draw from, so the two never collide; the
    same ``issued_for`` asked again keeps its number."""
    request_id = str(uuid.uuid5(SERVER_ISSUES, f"{series}\n{issued_for}"))
    return int(_grant(database, account_id, request_id, series, 1).first)


def _grant(database: Database, account_id: int, request_id: str, series: str, size: int) -> Any:
    with database.writing() as conn:  # one writer at a time: two grants never overlap
        granted = conn.execute(select(number_blocks).where(number_blocks.c.request_id == request_id)).first()
        if granted is None:
            last = conn.execute(select(func.max(number_blocks.c.last)).where(number_blocks.c.series == series)).scalar()
            values = {
                "request_id": request_id,
                "series": series,
                "first": (last or 0) + 1,
                "last": (last or 0) + size,
                "account_id": account_id,
                "granted_at": to_iso(now()),
            }
            conn.execute(insert(number_blocks).values(values))
            granted = conn.execute(select(number_blocks).where(number_blocks.c.request_id == request_id)).one()
    return granted


@dataclass(frozen=True)
class DuplicateNumber:
    """A notice number found on the rectifications of more than one site."""

    number: str
    sites: tuple[str, ...]
    sources: tuple[str, ...]


def duplicate_numbers(database: Database) -> list[DuplicateNumber]:
    """Notice numbers issued for more than one site: two laptops gave the same number (before blocks,
    or by a fallback), for the bureau to reconcile. Reads every notice event: a report, not a page."""
    bring_up_to_date(database)
    sites: dict[str, set[str]] = defaultdict(set)
    sources: dict[str, set[str]] = defaultdict(set)
    with database.reading() as conn:
        rows = {
            row.id: row for row in conn.execute(select(board_rows.c.id, board_rows.c.site_name, board_rows.c.source))
        }
        for event in conn.execute(select(board_events.c.rectification_id, board_events.c.body)):
            body = json.loads(event.body)
            number = (body.get("payload") or {}).get("notice_number")
            row = rows.get(event.rectification_id)
            if body.get("kind") == "issued" and isinstance(number, str) and row is not None:
                sites[number].add(row.site_name)
                sources[number].add(row.source)
    return [
        DuplicateNumber(number, tuple(sorted(sites[number])), tuple(sorted(sources[number])))
        for number in sorted(sites)
        if len(sites[number]) > 1
    ]
