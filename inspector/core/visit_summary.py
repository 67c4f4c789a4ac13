"""What a list of visits shows of each one (``VisitSummary``), apart from the visit's rules.

Home's first frame lists the visits in progress from these rows, and the rules of a whole visit
(``core.visits``, with the checklists and sites it holds) took a tenth of the app's start to
import: so the rows need only the vocabulary. ``core.visits.summarize`` makes one from a visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from inspector.core.vocabulary import VisitStatus


@dataclass(frozen=True)
class VisitSummary:
    """What a list of visits shows, kept in the store's index so listing reads no visit file.

    Only fields that change with the visit's status are here, so saving an answer never has to
    touch the index.
    """

    uuid: str
    site_id: str
    site_name: str
    township: str
    kind: str
    lead: str
    status: VisitStatus
    arrived_at: str
    signed_off_at: str | None
    version: int
    failed: int
    seal: str | None
    reinspection: bool = False
    """A re-inspection (复查) of a site's open rectifications; rows written before it was kept say False
    until their visit is next saved."""

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "status": self.status.value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VisitSummary:
        return cls(**{**data, "status": VisitStatus(data["status"])})

    @property
    def in_progress(self) -> bool:
        """Not signed off yet: being recorded, or waiting for the team lead."""
        return self.status is not VisitStatus.SIGNED_OFF
