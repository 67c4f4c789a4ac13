"""A site (被检查单位): a township office or a service institution in the register."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from inspector.core.vocabulary import SITE_FEATURES, SiteKind

_SITE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
_PHONE = re.compile(r"^(0\d{2,3}-?\d{7,8}(-\d{1,6})?|1\d{10})$")


@dataclass(frozen=True)
class Site:
    id: str
    kind: SiteKind
    township: str
    name: str
    address: str = ""
    person_in_charge: str = ""
    phone: str = ""
    features: frozenset[str] = field(default_factory=frozenset)
    added_on_laptop: bool = False
    """Added by a team on site, not (yet) in the bureau's register: its id is the laptop's own."""

    def to_dict(self) -> dict[str, Any]:
        data = {
            "id": self.id,
            "kind": self.kind.value,
            "township": self.township,
            "name": self.name,
            "address": self.address,
            "person_in_charge": self.person_in_charge,
            "phone": self.phone,
            "features": sorted(self.features),
        }
        # only a site added on a laptop carries the key, so the seals of all other visits stay as they were
        if self.added_on_laptop:
            data["added_on_laptop"] = True
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Site:
        return cls(
            id=data["id"],
            kind=SiteKind(data["kind"]),
            township=data["township"],
            name=data["name"],
            address=data.get("address", ""),
            person_in_charge=data.get("person_in_charge", ""),
            phone=data.get("phone", ""),
            features=frozenset(data.get("features", ())),
            added_on_laptop=bool(data.get("added_on_laptop", False)),
        )


def site_problems(site: Site) -> list[tuple[str, str]]:
    """Every rule a register row breaks, as (field, message code) pairs; empty when valid."""
    problems: list[tuple[str, str]] = []
    if not _SITE_ID.match(site.id):
        problems.append(("id", "site.bad_id"))
    if not site.name.strip():
        problems.append(("name", "site.empty_name"))
    if not site.township.strip():
        problems.append(("township", "site.empty_township"))
    if site.phone and not _PHONE.match(site.phone):
        problems.append(("phone", "site.bad_phone"))
    unknown = site.features - SITE_FEATURES
    if unknown:
        problems.append(("features", "site.unknown_feature"))
    return problems
