"""Checklists (检查表) and their items, and the rules that make one valid.

A checklist is versioned; an item's id is stable across versions and never reused for
another meaning. A visit freezes the checklist it started with (see ``visits``), so a newer
version never changes a past visit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from inspector.core.canonical import content_hash
from inspector.core.sites import Site
from inspector.core.vocabulary import SITE_FEATURES, Area, Method, Severity, SiteKind

ITEM_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
CHECKLIST_ID = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")
MAX_DEADLINE_DAYS = 365
IMMEDIATE = 0
"""A deadline of 0 days is 立行立改: rectify on the spot, due the day of the visit."""

# Below this similarity two texts under one id are taken to mean different things.
SAME_MEANING_RATIO = 0.5


@dataclass(frozen=True)
class Item:
    id: str
    area: Area
    text: str
    method: Method
    severity: Severity
    deadline_days: int
    basis: str
    applies_when_features: frozenset[str] = field(default_factory=frozenset)
    requirement: str = ""
    """整改要求: what the unit must do when the item fails, as the notice words it."""

    def applies_to(self, site: Site) -> bool:
        return self.applies_when_features <= site.features

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "area": self.area.value,
            "text": self.text,
            "method": self.method.value,
            "severity": self.severity.value,
            "deadline_days": self.deadline_days,
            "basis": self.basis,
            "applies_when_features": sorted(self.applies_when_features),
            # written only when present, so a visit sealed before the field existed keeps its seal
            **({"requirement": self.requirement} if self.requirement else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Item:
        return cls(
            id=data["id"],
            area=Area(data["area"]),
            text=data["text"],
            method=Method(data["method"]),
            severity=Severity(data["severity"]),
            deadline_days=int(data["deadline_days"]),
            basis=data["basis"],
            applies_when_features=frozenset(data.get("applies_when_features", ())),
            requirement=data.get("requirement", ""),
        )


@dataclass(frozen=True)
class Checklist:
    id: str
    version: int
    title: str
    site_kinds: tuple[SiteKind, ...]
    items: tuple[Item, ...]
    basis_document: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "site_kinds": [kind.value for kind in self.site_kinds],
            "basis_document": self.basis_document,
            "items": [item.to_dict() for item in self.items],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Checklist:
        return cls(
            id=data["id"],
            version=int(data["version"]),
            title=data["title"],
            site_kinds=tuple(SiteKind(kind) for kind in data["site_kinds"]),
            basis_document=data.get("basis_document", ""),
            items=tuple(Item.from_dict(item) for item in data["items"]),
        )

    @property
    def content_hash(self) -> str:
        return content_hash(self.to_dict())

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def items_for(self, site: Site) -> tuple[Item, ...]:
        """The items that apply at this site, in checklist order, grouped by area."""
        applicable = [item for item in self.items if item.applies_to(site)]
        return tuple(sorted(applicable, key=lambda item: list(Area).index(item.area)))


@dataclass(frozen=True)
class ChecklistProblem:
    """One thing wrong with a checklist: where (item id, field) and what (a message code)."""

    code: str
    item_id: str = ""
    field: str = ""
    detail: str = ""


def checklist_problems(checklist: Checklist) -> list[ChecklistProblem]:
    """The meaning rules a checklist must keep (the file's own syntax is checked on reading)."""
    problems: list[ChecklistProblem] = []
    if not CHECKLIST_ID.match(checklist.id):
        problems.append(ChecklistProblem("checklist.bad_id", field="id", detail=checklist.id))
    if checklist.version < 1:
        problems.append(ChecklistProblem("checklist.bad_version", field="version", detail=str(checklist.version)))
    if not checklist.title.strip():
        problems.append(ChecklistProblem("checklist.empty_title", field="title"))
    if not checklist.site_kinds:
        problems.append(ChecklistProblem("checklist.no_site_kinds", field="site_kinds"))
    if not checklist.items:
        problems.append(ChecklistProblem("checklist.no_items", field="items"))
    seen: set[str] = set()
    for item in checklist.items:
        if item.id in seen:
            problems.append(ChecklistProblem("checklist.duplicate_item", item.id, "id"))
        seen.add(item.id)
        problems.extend(_item_problems(item))
    covered = {item.area for item in checklist.items}
    for area in Area:
        if checklist.items and area not in covered:
            problems.append(ChecklistProblem("checklist.area_missing", field="items", detail=area.value))
    return problems


def _item_problems(item: Item) -> Iterable[ChecklistProblem]:
    if not ITEM_ID.match(item.id):
        yield ChecklistProblem("checklist.bad_item_id", item.id, "id")
    if not item.text.strip():
        yield ChecklistProblem("checklist.empty_text", item.id, "text")
    if not item.basis.strip():
        yield ChecklistProblem("checklist.empty_basis", item.id, "basis")
    if not IMMEDIATE <= item.deadline_days <= MAX_DEADLINE_DAYS:
        yield ChecklistProblem("checklist.bad_deadline", item.id, "deadline", str(item.deadline_days))
    unknown = item.applies_when_features - SITE_FEATURES
    if unknown:
        yield ChecklistProblem(
            "checklist.unknown_feature",
            item.id,
            "applies_when",
            ", ".join(sorted(unknown)),
        )


def reused_id_problems(older: Checklist, newer: Checklist) -> list[ChecklistProblem]:
    """Items whose id a newer version gives another meaning: another area, or a text unlike the old."""
    problems: list[ChecklistProblem] = []
    old_items = {item.id: item for item in older.items}
    for item in newer.items:
        before = old_items.get(item.id)
        if before is None:
            continue
        if before.area != item.area:
            problems.append(
                ChecklistProblem(
                    "checklist.id_reused",
                    item.id,
                    "area",
                    f"v{older.version}: {before.area.value}",
                )
            )
        elif SequenceMatcher(None, before.text, item.text).ratio() < SAME_MEANING_RATIO:
            problems.append(ChecklistProblem("checklist.id_reused", item.id, "text", f"v{older.version}"))
    return problems


def checklist_for(kind: SiteKind, checklists: Iterable[Checklist]) -> Checklist | None:
    """The newest version of the checklists that apply to a kind of site."""
    candidates = [checklist for checklist in checklists if kind in checklist.site_kinds]
    return max(candidates, key=lambda c: (c.version, c.id), default=None)
