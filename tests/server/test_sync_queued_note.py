"""The sync's note of how far everything was found queued (``services.sync.QUEUED``): a no-op sync
looks at nothing already found queued, yet nothing a crash left out after the note is lost, and a
kill between the queueing and the note loses and doubles nothing."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector.core.rectifications import FeedbackStatus, RectificationState
from inspector.core.visits import Answer
from inspector.core.vocabulary import Result
from inspector.server.db import feed, visits
from inspector.services import rectifications as rectification_services
from inspector.services import sync as sync_service
from inspector.services.visits import amend_visit
from inspector.store.migrations import OUTBOX_FILE
from inspector.store.store import OUTBOX_KEY, SINGLE, Store
from tests.conftest import DEMO_TODAY
from tests.server.harness import Bureau
from tests.server.invariants import check_invariants, local_versions


def run_sync(bureau: Bureau, root: Path) -> sync_service.SyncReport:
    with Store.open(root) as store, bureau.client() as client:
        return sync_service.sync(store, client)


def noted(root: Path) -> dict | None:
    with Store.open(root, readonly=True) as store:
        row = store.db(sync_service.SYNC_FILE).table(sync_service.QUEUED).get(doc_id=SINGLE)
    return dict(row) if row else None


def amend_unqueued(root: Path) -> tuple[str, int]:
    """A new signed-off version whose outbox entry a crash left out (killed between its sign-off
    and its queueing)."""
    with Store.open(root) as store:
        uuid = next(entry["uuid"] for entry in store.outbox() if entry["kind"] == "visit")
        visit = store.load_visit(uuid)
        item = visit.checklist.items[0]
        answer = Answer(item_id=item.id, result=Result.FAIL, by=visit.lead, at=visit.signed_off_at or "", note="更正")
        amended = amend_visit(store, uuid, by=visit.lead, reason="更正", answers=[answer])
        store.journal(OUTBOX_FILE, OUTBOX_KEY).drop([f"visit/{uuid}.v{amended.version}"])
    return uuid, amended.version


def server_versions(bureau: Bureau, uuid: str) -> list[int]:
    with bureau.database.reading() as conn:
        return sorted(conn.execute(select(visits.c.version).where(visits.c.uuid == uuid)).scalars())


def test_a_no_op_sync_looks_again_at_nothing_found_queued(
    bureau: Bureau, laptop: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = laptop("a")
    run_sync(bureau, root)
    assert noted(root) is not None

    def whole_look(store: Store) -> int:
        raise AssertionError("every visit and event looked at again")

    monkeypatch.setattr(sync_service, "ensure_outbox", whole_look)
    monkeypatch.setattr(rectification_services, "queue_unsent_events", whole_look)
    report = run_sync(bureau, root)
    assert not report.sent_anything and report.refused == []


def test_a_version_left_unqueued_after_the_note_is_found_and_sent(bureau: Bureau, laptop: Callable[..., Path]) -> None:
    root = laptop("a")
    run_sync(bureau, root)
    uuid, version = amend_unqueued(root)
    report = run_sync(bureau, root)
    assert report.visits_sent == 1 and report.refused == []
    assert server_versions(bureau, uuid) == list(range(1, version + 1))
    check_invariants(bureau.database, bureau.config.photo_dir, [root])


def test_a_local_event_left_unqueued_after_the_note_is_found_and_sent(
    bureau: Bureau, laptop: Callable[..., Path]
) -> None:
    root = laptop("a")
    run_sync(bureau, root)
    with Store.open(root) as store:
        view = next(v for v in rectification_services.rectification_views(store) if v.state is RectificationState.OPEN)
        after = rectification_services.record_feedback(
            store,
            view.id,
            measures="已整改",
            responsible="刘桂兰",
            feedback_date=DEMO_TODAY.date(),
            status=FeedbackStatus.DONE,
            by="张建国",
            at=DEMO_TODAY,
        )
        event_id = after.history[-1].event.id
        store.journal(OUTBOX_FILE, OUTBOX_KEY).drop([f"rect_event/{event_id}"])
    report = run_sync(bureau, root)
    assert report.events_sent == 1 and report.refused == []
    with bureau.database.reading() as conn:
        assert conn.execute(select(feed.c.key).where(feed.c.key == event_id)).scalars().all() == [event_id]


def test_a_journal_replaced_since_the_note_is_looked_at_whole(bureau: Bureau, laptop: Callable[..., Path]) -> None:
    root = laptop("a")
    run_sync(bureau, root)
    uuid, version = amend_unqueued(root)
    key = f"{uuid}.v{version}"
    with Store.open(root) as store:
        assert [entry["key"] for entry in sync_service.waiting(store).entries] == [key]  # noted past it
        store.journal(OUTBOX_FILE, OUTBOX_KEY).drop([f"visit/{key}"])  # lost again, by no crash
        store.rebuild_index()  # the visit index is a new file: its note no longer holds
    with Store.open(root) as store:
        assert [entry["key"] for entry in sync_service.waiting(store).entries] == [key]


KILL_AT_NOTE = """
import os, signal, sys
from pathlib import Path
from tinydb.table import Table
from inspector.services import sync
from inspector.store.store import Store

upsert = Table.upsert


def upsert_or_die(self, document, cond=None):
    if self.name == sync.QUEUED:  # the queueing is done and fsynced: killed before the note
        os.kill(os.getpid(), signal.SIGKILL)
    return upsert(self, document, cond)


Table.upsert = upsert_or_die
with Store.open(Path(sys.argv[1])) as store:
    sync.waiting(store)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX; Windows uses TerminateProcess")
def test_a_kill_between_queueing_and_the_note_loses_and_doubles_nothing(
    bureau: Bureau, laptop: Callable[..., Path]
) -> None:
    root = laptop("a")
    run_sync(bureau, root)
    before = noted(root)
    uuid, version = amend_unqueued(root)
    child = subprocess.run([sys.executable, "-c", KILL_AT_NOTE, str(root)], capture_output=True, check=False)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    assert noted(root) == before
    assert (uuid, version) in local_versions(root)  # queued by the killed run
    report = run_sync(bureau, root)
    assert report.visits_sent == 1 and report.refused == []
    assert noted(root) != before
    assert server_versions(bureau, uuid) == list(range(1, version + 1))
    check_invariants(bureau.database, bureau.config.photo_dir, [root])
    assert not run_sync(bureau, root).sent_anything
