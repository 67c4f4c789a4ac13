"""Which checklists the laptop has: the built-in ones and those received from the bureau."""

from __future__ import annotations

from functools import cache

from inspector.core.checklists import Checklist, checklist_for
from inspector.core.errors import DomainError
from inspector.core.vocabulary import SiteKind
from inspector.paths import builtin_checklists_dir
from inspector.store.store import Store


@cache
def builtin_checklists() -> tuple[Checklist, ...]:
    """The shipped checklists that validate (a broken one is left out; CI keeps them all clean)."""
    from inspector.checklist_files.validate import validate_files  # TOML parsing: only when a checklist is needed

    checklists, _ = validate_files([builtin_checklists_dir()])
    return tuple(checklists)


def available_checklists(store: Store) -> list[Checklist]:
    """Every version the laptop knows, the bureau's after the built-in ones."""
    return [*builtin_checklists(), *store.stored_checklists()]


def checklist_for_kind(store: Store, kind: SiteKind) -> Checklist:
    checklist = checklist_for(kind, available_checklists(store))
    if checklist is None:
        raise DomainError("visit.no_checklist", kind=kind.value)
    return checklist
