"""Schema versions of a data dir and the steps between them.

``MIGRATIONS[n]`` upgrades a data dir from version n to n + 1 in place, each file rewritten
atomically, so a crash mid-migration leaves every file readable and the migration can run again
(every step must be idempotent). The store writes the new version into meta.json only after
all steps have run.

Version 2 turns the tables that grow with history into journals (``journal.Journal``): the
visit index, the outbox, the rectification events and the rectification index. Each old file is
converted in one atomic write of its journal and removed only after; a step cut short is simply
done again from the old file, which is still there.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from inspector.store.atomic import atomic_write_bytes
from inspector.store.journal import Journal

SCHEMA_VERSION = 2

INDEX_FILE = "index.jsonl"
REBUILD_MARKER = "index.rebuild"
OUTBOX_FILE = "outbox.jsonl"
OUTBOX_ARCHIVE = "outbox-sent.jsonl"
EVENTS_FILE = "rectification-events.jsonl"
RECTIFICATION_INDEX_FILE = "rectification-index.jsonl"


def _old_rows(root: Path, name: str, table: str) -> list[dict[str, Any]] | None:
    """The rows of a version-1 TinyDB file; None when it cannot be read (then set aside)."""
    path = root / name
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
        rows = list(data.get(table, {}).values())
        if not all(isinstance(row, dict) for row in rows):
            raise ValueError("not a table")
        return rows
    except (UnicodeDecodeError, ValueError, AttributeError):
        damaged = root / "damaged"
        damaged.mkdir(exist_ok=True)
        atomic_write_bytes(damaged / f"{name}.upgrade", path.read_bytes())
        return None


def _convert(
    root: Path,
    old_name: str,
    new_name: str,
    table: str,
    key: str,
    records: Callable[[list[dict[str, Any]]], Iterable[dict[str, Any]]],
    *,
    when_unreadable: Callable[[], None] = lambda: None,
) -> None:
    old = root / old_name
    if not old.exists():
        return
    rows = _old_rows(root, old_name, table)
    if rows is None:
        when_unreadable()
    else:
        Journal(root / new_name, new_name.removesuffix(".jsonl"), key, readonly=False).create(records(rows))
    os.unlink(old)


def _to_journals(root: Path) -> None:
    def index_unreadable() -> None:
        atomic_write_bytes(root / REBUILD_MARKER, b"{}")

    # an empty or damaged index (or one a crash left marked) is rebuilt from the visit files
    if (root / REBUILD_MARKER).exists() and (root / "index.json").exists():
        os.unlink(root / "index.json")
    _convert(root, "index.json", INDEX_FILE, "visits", "uuid", list, when_unreadable=index_unreadable)
    _convert(
        root,
        "outbox.json",
        OUTBOX_FILE,
        "outbox",
        "_entry",
        lambda rows: ({**row, "_entry": f"{row['kind']}/{row['key']}"} for row in rows),
    )
    _convert(
        root,
        "rectifications.json",
        EVENTS_FILE,
        "events",
        "id",
        lambda rows: ({"id": row["event"]["id"], **row} for row in rows),
    )
    _convert(root, "rectification-index.json", RECTIFICATION_INDEX_FILE, "visits", "uuid", list)


MIGRATIONS: dict[int, Callable[[Path], None]] = {1: _to_journals}


def migrate(
    root: Path,
    from_version: int,
    to_version: int = SCHEMA_VERSION,
    steps: dict[int, Callable[[Path], None]] = MIGRATIONS,
) -> None:
    for version in range(from_version, to_version):
        steps[version](root)
