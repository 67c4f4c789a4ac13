"""What the server publishes of a stored visit for every lead's laptop: its rectification records
(``wire.RectificationRecords``), under the laptops' own rule (``core.rectifications.contribution``).

Apart from the tables, so that a migration can publish the visits stored before records were.
"""

from __future__ import annotations

import json
from typing import Any

from inspector.core.errors import DomainError
from inspector.core.rectifications import contribution, record_to_dict
from inspector.core.visits import Visit

RECT_RECORDS = "rect_records"
UNREADABLE = (DomainError, ValueError, KeyError, TypeError, AttributeError)
"""What a visit or an event the rules cannot read raises: left off the board and the feed, and logged."""


def records_entry(body: bytes, found_by: str) -> tuple[str, dict[str, Any]] | None:
    """The feed key and body of a stored visit version's records, marked with the team that found
    them; None for a re-inspection (its events move the records it checked). A visit that found
    nothing says so too (a bulletin counts it); an amendment's entry replaces its base's.
    Raises one of ``UNREADABLE`` when the rules cannot read the visit."""
    visit = Visit.from_dict(json.loads(body))
    if visit.reinspects:
        return None
    found = contribution(visit).records
    entry = {
        "visit_uuid": visit.uuid,
        "version": visit.version,
        "found_by": found_by,
        "arrived_at": visit.arrived_at,
        "site_id": visit.site.id,
        "township": visit.site.township,
        "site_kind": visit.site.kind.value,
        "records": [{**record_to_dict(record), "found_by": found_by} for record in found],
        "items": [visit.checklist.item(record.item_id).to_dict() for record in found],
    }
    return f"{visit.uuid}.v{visit.version}", entry
