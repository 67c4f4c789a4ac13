"""What the server holds can never stall a laptop: an entry it cannot apply (stored by an older
server, or of a kind from the future) is set aside with a reason and a count, the checkpoint moves
on, and what was published after it arrives."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from inspector.core.canonical import canonical_bytes, sha256_hex
from inspector.core.clock import now, to_iso
from inspector.i18n.sync_text import report_lines
from inspector.server.db import feed, insert_once
from inspector.server.records import publish_register
from inspector.services import sync as sync_service
from inspector.store.store import Store
from tests.server.harness import Bureau

SITE = {
    "id": "ZZ-NEW-01",
    "kind": "township",
    "township": "让河乡",
    "name": "让河乡新设服务站",
    "phone": "",
    "features": [],
}


def _store_raw(bureau: Bureau, kind: str, key: str, content: object) -> None:
    """A feed entry as an older, unchecking server stored it."""
    body = canonical_bytes(content)
    values = {
        "kind": kind,
        "key": key,
        "body_sha256": sha256_hex(body),
        "body": body.decode("utf-8"),
        "published_by": None,
        "published_at": to_iso(now()),
    }
    with bureau.database.writing() as conn:
        insert_once(conn, feed, values, ("kind", "key"))


def test_an_entry_the_laptop_cannot_apply_is_set_aside_and_sync_goes_on(
    bureau: Bureau, laptop: Callable[..., Path]
) -> None:
    root = laptop("a")
    _store_raw(bureau, "rect_event", "poison", {"id": "poison", "rectification_id": "x", "at": "yesterday"})
    _store_raw(bureau, "survey", "from-the-future", {"questions": []})
    register = {"sites": [SITE]}
    publish_register(bureau.database, None, json.dumps(register, ensure_ascii=False).encode("utf-8"))
    with Store.open(root) as store, bureau.client() as client:
        report = sync_service.sync(store, client)
        assert {(item.kind, item.key) for item in report.set_aside} == {
            ("rect_event", "poison"),
            ("survey", "from-the-future"),
        }
        assert report.sites_added == 1 and store.site(SITE["id"]) is not None, "what came after arrived"
        assert sync_service.checkpoint(store, client.base_url) == report.feed_position > 0
        assert len(store.db(sync_service.SYNC_FILE).table("set_aside").all()) == 2
        lines = [line.text for line in report_lines(report) if line.problem]
        assert any("poison" in line for line in lines) and any("2" in line for line in lines)
        again = sync_service.sync(store, client)
    assert again.set_aside == [] and again.refused == []
