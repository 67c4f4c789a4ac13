"""Blocks of document numbers (号段): fetched from the bureau server at each sync, used offline.

Each laptop issues the numbers of its own blocks only, so two laptops never give the same
number; a block is asked for when fewer than ``LOW_WATER`` numbers are left of a series (in
December, next year's series too, so that 1 January does not find the laptop without numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from inspector.store.store import Store
from inspector.sync.errors import Refused

if TYPE_CHECKING:
    from inspector.sync.client import BureauClient

BLOCK_SIZE = 20
LOW_WATER = 5
NUMBERED_KINDS = ("notice", "bulletin")
"""The series of ``services.documents`` (NOTICE_SERIES, BULLETIN_SERIES)."""


@dataclass
class Refill:
    granted: int = 0
    low: list[str] = field(default_factory=list)
    """Series still short of numbers (the server did not grant a block): issuing may stop there."""


def series_due(today: date) -> list[str]:
    years = [today.year, today.year + 1] if today.month == 12 else [today.year]
    return [f"{kind}:{year}" for kind in NUMBERED_KINDS for year in years]


def refill(store: Store, client: BureauClient, today: date) -> Refill:
    """Ask for a block of every series running low; a request lost on the way is asked again as is."""
    result = Refill()
    for series in series_due(today):
        if store.free_numbers(series) >= LOW_WATER:
            continue
        request_id = store.block_request(series)
        try:
            block = client.number_block(request_id, series, BLOCK_SIZE)
        except Refused:  # a server without blocks yet, or a refusal: said in the report
            result.low.append(series)
            continue
        store.add_number_block(series, int(block["first"]), int(block["last"]), request_id)
        result.granted += 1
    return result
