"""What must hold after any sync, however it was interrupted: nothing lost, nothing twice."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import select

from inspector.server.db import Database, feed, photos, visits
from inspector.server.records import PhotoFolder
from inspector.store.store import Store


def local_versions(root: Path) -> dict[tuple[str, int], bytes]:
    """Every signed-off version a laptop holds, with its frozen bytes."""
    with Store.open(root, readonly=True) as store:
        return {
            (entry["uuid"], entry["version"]): store.sealed(entry["uuid"], entry["version"])
            for entry in store.outbox()
            if entry["kind"] == "visit"
        }


def local_events(root: Path) -> set[str]:
    with Store.open(root, readonly=True) as store:
        return {entry["key"] for entry in store.outbox() if entry["kind"] == "rect_event"}


def pending_entries(root: Path) -> list[dict]:
    with Store.open(root, readonly=True) as store:
        return [entry for entry in store.outbox() if entry.get("state") != "sent"]


def check_invariants(database: Database, photo_dir: Path, laptops: list[Path]) -> None:
    wanted: dict[tuple[str, int], bytes] = {}
    for root in laptops:
        wanted.update(local_versions(root))
    with database.reading() as conn:
        rows = conn.execute(select(visits.c.uuid, visits.c.version, visits.c.body_sha256, visits.c.body)).all()
        photo_rows = set(conn.execute(select(photos.c.sha256)).scalars())
        event_keys = set(conn.execute(select(feed.c.key).where(feed.c.kind == "rect_event")).scalars())
    held = {(row.uuid, row.version): row for row in rows}
    assert len(held) == len(rows)
    assert set(held) == set(wanted), "server rows differ from the laptops' signed-off versions"
    assert len({uuid for uuid, _ in held}) == len({uuid for uuid, _ in wanted})
    folder = PhotoFolder(photo_dir)
    for key, data in wanted.items():
        row = held[key]
        assert bytes(row.body) == data
        assert row.body_sha256 == hashlib.sha256(data).hexdigest()
        for answer in json.loads(data)["answer_log"]:
            for item in answer["evidence"]:
                assert item["sha256"] in photo_rows
                assert hashlib.sha256(folder.path(item["sha256"]).read_bytes()).hexdigest() == item["sha256"]
    for root in laptops:
        assert local_events(root) <= event_keys
        assert pending_entries(root) == []
