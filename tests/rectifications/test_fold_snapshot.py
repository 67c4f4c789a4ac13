"""The persisted fold (``rectification-views.snapshot``) is a cache: whatever happens to it or to the
journals, every listing is exactly the fold from scratch."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid as uuid_module
from contextlib import suppress
from datetime import date, timedelta
from pathlib import Path

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspector import wire
from inspector.core import rectifications as rules
from inspector.core import visits as visit_rules
from inspector.core.errors import DomainError
from inspector.core.rectifications import FeedbackStatus, RectificationView
from inspector.core.visits import Answer
from inspector.core.vocabulary import Result, VisitStatus
from inspector.services import rectifications as services
from inspector.services.visits import record_answer, sign_off_visit, start_visit
from inspector.store.atomic import TEMP_SUFFIX
from inspector.store.journal import SAMPLE_WINDOW, SAMPLE_WINDOWS, Journal, sample_spans
from inspector.store.migrations import INDEX_FILE as VISIT_INDEX
from inspector.store.snapshot import growth_since
from inspector.store.store import Store
from tests.conftest import DEMO_TODAY
from tests.rectifications.helpers import PAYLOADS, START, event

SNAPSHOT = services.SNAPSHOT_FILE


def encoded(views: list[RectificationView] | dict[str, RectificationView]) -> dict[str, bytes]:
    """Each view's every field (the receipt times and refusals too) as bytes, by id."""
    values = views.values() if isinstance(views, dict) else views
    return {view.id: services._VIEWS_ENCODER.encode(view) for view in values}


FILTERS = (
    services.RectificationFilter(overdue=True),
    services.RectificationFilter(state=services.RectificationState.FEEDBACK_RECEIVED),
    services.RectificationFilter(township="露峰"),
)


def from_scratch(root: Path) -> dict[str, bytes]:
    """The fold from the journals alone, as without any snapshot (read-only: it writes nothing),
    and what each of ``FILTERS`` keeps of it, in order."""
    with Store.open(root, readonly=True) as store:
        views = services._by_due(services._fold_views(store).values())
    kept = {
        f"{n}": b"".join(encoded([v for v in views if f.matches(v, DEMO_TODAY.date())]).values())
        for n, f in enumerate(FILTERS)
    }
    return {**encoded(views), **kept, "streamed": b"".join(encoded(views).values())}


def opened_without_the_visit_index(root: Path, *, readonly: bool = False) -> Store:
    """A store as a start after a clean close opens it: its visit index not read. ``Store.open``
    reads it on opening after anything else (a test's folder may not end with a clean close), so
    this opening forgets it; the first use reads it again."""
    store = Store.open(root, readonly=readonly)
    store._journals.pop(VISIT_INDEX, None)
    return store


def listed(root: Path) -> dict[str, bytes]:
    """What a new process lists (it may read and write the snapshot)."""
    with Store.open(root) as store:
        return listing(store)


def listing(store: Store) -> dict[str, bytes]:
    """Filtered first, as the command line does (from the views' heads when it can), then all as
    the export streams them (decoded one by one), then all as a list."""
    kept = {
        f"{n}": b"".join(encoded(services.find_rectifications(store, f, today=DEMO_TODAY.date())).values())
        for n, f in enumerate(FILTERS)
    }
    streamed = b"".join(encoded(list(services.iter_rectification_views(store))).values())
    return {**encoded(services.rectification_views(store)), **kept, "streamed": streamed}


def _feedback(store: Store, rectification_id: str) -> None:
    services.record_feedback(
        store,
        rectification_id,
        measures="已整改",
        responsible="刘桂兰",
        feedback_date=date(2026, 11, 27),
        status=FeedbackStatus.DONE,
        by="张建国",
    )


def test_a_new_process_uses_the_snapshot_and_lists_the_same(demo_dir: Path) -> None:
    (demo_dir / SNAPSHOT).unlink()
    expected = from_scratch(demo_dir)
    assert listed(demo_dir) == expected
    assert (demo_dir / SNAPSHOT).exists()
    assert listed(demo_dir) == expected


def test_a_new_process_folds_only_the_events_appended_since(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    listed(demo_dir)
    with Store.open(demo_dir) as store:
        some = [view.id for view in services.rectification_views(store) if view.is_open][:2]
        for rectification_id in some:
            _feedback(store, rectification_id)
        start_visit(store, "LS-EC-001", lead="张建国", members=[])  # the visit index grows, no seal changes

    def refold(*_: object) -> None:
        raise AssertionError("folded every rectification again")

    monkeypatch.setattr(services, "_fold_views", refold)
    with Store.open(demo_dir) as store:
        got = listing(store)
        views = services.rectification_views(store)
    monkeypatch.undo()
    assert got == from_scratch(demo_dir)
    assert {view.id: view.state for view in views if view.id in some} == dict.fromkeys(
        some, services.RectificationState.FEEDBACK_RECEIVED
    )


def _no_fold_of_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail a fold of every rectification from the journals (one rectification's is allowed)."""
    fold_views = services._fold_views

    def fold_some(store: Store, wanted: object = None) -> dict[str, RectificationView]:
        if wanted is None:
            raise AssertionError("folded every rectification again")
        return fold_views(store, wanted)

    monkeypatch.setattr(services, "_fold_views", fold_some)


def _sign_off_the_waiting_visit(root: Path) -> str:
    with Store.open(root) as store:
        waiting = next(s.uuid for s in store.visit_summaries() if s.status is VisitStatus.COMPLETED)
        sign_off_visit(store, waiting, by="张建国", at=DEMO_TODAY)
    return waiting


def test_the_first_listing_after_a_sign_off_folds_only_that_visit(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed(demo_dir)
    signed = _sign_off_the_waiting_visit(demo_dir)  # its index row is not written yet
    expected = from_scratch(demo_dir)
    assert any(key.startswith(signed) for key in expected)
    _no_fold_of_everything(monkeypatch)
    with Store.open(demo_dir) as holder:  # a reader while the folder is held: the row made in memory
        with Store.open(demo_dir, readonly=True) as reader:
            assert listing(reader) == expected
        assert listing(holder) == expected  # the holder makes it, appends it, and lists the same
    with Store.open(demo_dir, readonly=True) as reader:  # the row is in the index's tail now
        assert listing(reader) == expected
    monkeypatch.undo()
    assert listed(demo_dir) == expected


def test_a_signed_off_reinspection_is_brought_forward_as_new_events(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(demo_dir) as store:
        site = next(view.record.site_id for view in services.rectification_views(store) if view.is_open)
    before = listed(demo_dir)
    with Store.open(demo_dir) as store:
        at = DEMO_TODAY + timedelta(days=1)
        visit = services.start_reinspection(store, site, lead="张建国", title="复查", arrived_at=at)
        for number, item in enumerate(visit.checklist.items):
            result = Result.FAIL if number == 0 else Result.PASS
            record_answer(store, visit.uuid, item.id, result=result, note="仍未整改" if number == 0 else "", at=at)
        sign_off_visit(store, visit.uuid, by="张建国", at=at)  # decided, not yet stored as events
    expected = from_scratch(demo_dir)
    assert expected != before  # passed items closed, the failed one re-opened
    _no_fold_of_everything(monkeypatch)
    with Store.open(demo_dir) as store:
        assert listing(store) == expected


def test_other_teams_records_of_visits_not_seen_before_are_folded_alone(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed(demo_dir)
    with Store.open(demo_dir) as store:
        model = next(view.id for view in services.rectification_views(store))
        entry = _remote_entry(store, model, 1)
        early = event("feedback", rectification_id=entry.records[0].id)  # its events came before it
        services.store_remote_events(store, [early], {early.id: START.isoformat()})
    listed(demo_dir)  # the snapshot keeps the event that names no rectification yet
    with Store.open(demo_dir) as store:
        services.apply_remote_records(store, [entry])
    expected = from_scratch(demo_dir)
    assert (
        expected[entry.records[0].id]
        != encoded([rules.initial_view(rules.record_from_dict(msgspec.to_builtins(entry.records[0])))])[
            entry.records[0].id
        ]
    )
    _no_fold_of_everything(monkeypatch)
    assert listed(demo_dir) == expected


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "garbage", "foreign", "stale", "other_program"])
def test_a_damaged_foreign_or_stale_snapshot_changes_nothing(
    demo_dir: Path, tmp_path: Path, damage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed(demo_dir)
    snapshot = demo_dir / SNAPSHOT
    old = snapshot.read_bytes()
    with Store.open(demo_dir) as store:
        views = services.rectification_views(store)
        _feedback(store, next(view.id for view in views if view.is_open))
        services._index(store).compact()  # the index rewritten: an old snapshot no longer matches it
    listed(demo_dir)
    data = snapshot.read_bytes()
    if damage == "flip":
        middle = len(data) // 2
        snapshot.write_bytes(data[:middle] + bytes([data[middle] ^ 0x40]) + data[middle + 1 :])
    elif damage == "truncate":
        snapshot.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        snapshot.write_bytes(b"")
    elif damage == "garbage":
        snapshot.write_bytes(b"\x00\xff" * 500)
    elif damage == "foreign":  # another folder's snapshot, copied in
        other = tmp_path / "other"
        shutil.copytree(demo_dir, other)
        with Store.open(other) as store:
            _feedback(store, next(view.id for view in services.rectification_views(store) if view.is_open))
            services._events(store).create(services._events(store).records().values())
        listed(other)
        shutil.copyfile(other / SNAPSHOT, snapshot)
    elif damage == "stale":  # a snapshot from before the compaction (a restored backup)
        snapshot.write_bytes(old)
    else:  # written by another version of the program
        monkeypatch.setattr(services, "_program", lambda: "another program")
    expected = from_scratch(demo_dir)
    assert listed(demo_dir) == expected
    assert listed(demo_dir) == expected  # and again, from the snapshot written meanwhile


def test_a_snapshot_replaced_while_a_reader_reads_it_is_never_mixed_with_the_new(demo_dir: Path) -> None:
    listed(demo_dir)
    with Store.open(demo_dir, readonly=True) as reader:
        state = services._fold_state(reader)  # the header read; the sections not yet
        assert state is not None and isinstance(state.views, services._Views)
        with Store.open(demo_dir) as writer:
            views = services.rectification_views(writer)
            for view in [view for view in views if view.is_open][:2]:
                _feedback(writer, view.id)
            services._write_fold_snapshot(writer, writer.memo[services._FOLD_STATE])
        assert listing(reader) == from_scratch(demo_dir)


def test_a_read_only_command_writes_the_snapshot_only_when_nobody_holds_the_folder(demo_dir: Path) -> None:
    (demo_dir / SNAPSHOT).unlink()  # the demo wrote one when it was filled
    with Store.open(demo_dir):
        with Store.open(demo_dir, readonly=True) as reader:
            held = listing(reader)
        assert not (demo_dir / SNAPSHOT).exists()
    with Store.open(demo_dir, readonly=True) as reader:
        alone = listing(reader)
    assert (demo_dir / SNAPSHOT).exists()
    assert held == alone == from_scratch(demo_dir)


# -- random histories ---------------------------------------------------------------------------

STEPS = st.one_of(
    st.tuples(st.just("feedback"), st.integers(0, 1000)),
    st.tuples(
        st.just("remote"),
        st.sampled_from(sorted(PAYLOADS)),
        st.integers(0, 1000),
        st.integers(0, 40),
        st.booleans(),  # reuse the id of an event stored before (a conflicting content, or the same)
    ),
    st.tuples(st.just("receipts"), st.integers(0, 40)),
    st.tuples(st.just("new process"), st.booleans()),  # the visit index read on opening, or not
    st.tuples(st.just("start a visit")),
    st.tuples(st.just("sign off a visit")),
    st.tuples(st.just("sign off a new visit"), st.integers(0, 6)),
    st.tuples(st.just("edit a journal in place"), st.sampled_from(["events", "index"]), st.booleans()),
    st.tuples(st.just("another team's records"), st.integers(0, 1000), st.integers(1, 3)),
    st.tuples(st.just("compact the index")),
    st.tuples(st.just("snapshot"), st.sampled_from(["delete", "truncate", "restore an old one", "keep"])),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEPS, min_size=1, max_size=10), seed=st.integers(0, 1 << 16))
def test_after_any_history_the_listing_is_the_fold_from_scratch(
    demo_template: Path, steps: list[tuple], seed: int
) -> None:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp) / "data"
        shutil.copytree(demo_template, root)
        store = Store.open(root)
        try:
            ids = sorted(view.id for view in services.rectification_views(store))
            snapshots: list[bytes] = []
            for step in steps:
                if step[0] == "edit a journal in place":  # between two processes: a writer owns its files
                    store.close()
                    _edit_a_journal(root, step[1], set_time_back=step[2], rng=rng)
                    store = Store.open(root)
                _play(store, root, step, ids, snapshots, rng)
                if step[0] == "new process":
                    store.close()
                    store = opened_without_the_visit_index(root) if step[1] else Store.open(root)
                assert listing(store) == from_scratch(root), step
                if (root / SNAPSHOT).exists():
                    snapshots.append((root / SNAPSHOT).read_bytes())
        finally:
            store.close()
        assert listed(root) == from_scratch(root)


def _play(store: Store, root: Path, step: tuple, ids: list[str], snapshots: list[bytes], rng: random.Random) -> None:
    kind = step[0]
    if kind == "feedback":
        with suppress(DomainError):  # refused in this state: nothing recorded
            _feedback(store, ids[step[1] % len(ids)])
    elif kind == "remote":
        _, name, which, days, reuse = step
        stored = [row["id"] for row in services._event_rows(store)]
        event_id = rng.choice(stored) if reuse and stored else None
        received = (START + timedelta(days=days)).isoformat()
        made = event(name, rectification_id=ids[which % len(ids)], at=START + timedelta(days=days), event_id=event_id)
        services.store_remote_events(store, [made], {made.id: received})
    elif kind == "receipts":
        rows = services._event_rows(store)
        chosen = rng.sample(rows, min(len(rows), 3))
        services.store_remote_events(
            store, [], {row["id"]: (START + timedelta(days=step[1])).isoformat() for row in chosen}
        )
    elif kind == "start a visit":
        start_visit(store, "LS-EC-001", lead="张建国", members=[])
    elif kind == "sign off a visit":
        waiting = [s.uuid for s in store.visit_summaries() if s.status is VisitStatus.COMPLETED]
        if waiting:
            sign_off_visit(store, waiting[0], by=store.load_visit(waiting[0]).lead, at=DEMO_TODAY)
    elif kind == "sign off a new visit":
        at = DEMO_TODAY.isoformat()
        visit = start_visit(store, "LS-EC-001", lead="张建国", members=[])
        for number, item in enumerate(visit.checklist.items):
            failed = number < step[1]
            answer = Answer(
                item.id, Result.FAIL if failed else Result.PASS, "张建国", at, note="未整改" if failed else ""
            )
            visit = visit_rules.record_answer(visit, answer)
        store.save_visit(visit)
        sign_off_visit(store, visit.uuid, by="张建国", at=DEMO_TODAY)
    elif kind == "another team's records":
        services.apply_remote_records(store, [_remote_entry(store, ids[step[1] % len(ids)], step[2])])
    elif kind == "compact the index":
        services._index(store).compact()
    elif kind == "snapshot":
        target = root / SNAPSHOT
        if step[1] == "delete":
            target.unlink(missing_ok=True)
        elif step[1] == "truncate" and target.exists():
            target.write_bytes(target.read_bytes()[: rng.randrange(max(1, target.stat().st_size))])
        elif step[1] == "restore an old one" and snapshots:
            target.write_bytes(rng.choice(snapshots))
        # the next listing in this process goes by its memory; the file is for the next process
        store.memo.clear()


_SAME_SIZE_EDITS = (("张建国".encode(), "李建国".encode()), (b'"open"', b'"OPEN"'), (b"2026-", b"2025-"))


def _edit_a_journal(root: Path, which: str, *, set_time_back: bool, rng: random.Random) -> None:
    """Change a journal's bytes where they lie (same file, same size): a same-size edit the checks
    must catch whatever it hits (the demo's journals are small enough to be sampled whole)."""
    path = root / (services.EVENTS_FILE if which == "events" else services.INDEX_FILE)
    data = path.read_bytes()
    if len(data) > SAMPLE_WINDOW * SAMPLE_WINDOWS:
        return  # larger journals are sampled, not read whole: see the tests of ``growth_since`` above
    found = [(at, new) for old, new in _SAME_SIZE_EDITS for at in _occurrences(data, old)]
    if not found:
        return
    at, new = rng.choice(found)
    before = path.stat()
    with path.open("r+b") as handle:
        handle.seek(at)
        handle.write(new)
    if set_time_back:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def _occurrences(data: bytes, part: bytes) -> list[int]:
    found, at = [], data.find(part)
    while at >= 0:
        found.append(at)
        at = data.find(part, at + 1)
    return found


def _remote_entry(store: Store, model_id: str, version: int) -> wire.RectificationRecords:
    """Another team's visit finding what ``model_id`` found (a uuid of its own, from the model's)."""
    record = services.rectification_view(store, model_id).record
    uuid = str(uuid_module.UUID(int=uuid_module.UUID(record.visit_uuid).int ^ 1))
    found = {**rules.record_to_dict(record), "id": f"{uuid}/{record.item_id}", "visit_uuid": uuid, "found_by": "王队"}
    return wire.RectificationRecords(
        visit_uuid=uuid,
        version=version,
        found_by="王队",
        arrived_at=DEMO_TODAY.isoformat(),
        site_id=record.site_id,
        township=record.township,
        site_kind="elderly_care",
        records=[msgspec.convert(found, wire.RectificationRecord)],
        items=[],
    )


# -- kill -9 while the snapshot is written ------------------------------------------------------

_WRITER = """
import sys
from datetime import date
from pathlib import Path
from inspector.core import visits as rules
from inspector.core.rectifications import FeedbackStatus
from inspector.core.vocabulary import Result
from inspector.services import rectifications as services
from inspector.services.visits import sign_off_visit, start_visit
from inspector.store.store import Store

store = Store.open(Path(sys.argv[1]))
ids = [view.id for view in services.rectification_views(store)]
print("READY", flush=True)
n = 0
while True:
    n += 1
    try:
        services.record_feedback(store, ids[n % len(ids)], measures=str(n), responsible="刘", feedback_date=date(2026, 11, 27),
                                 status=FeedbackStatus.DONE, by="张建国")
    except Exception:
        pass
    if n % 3 == 0:  # a visit signed off: its rectifications brought forward, its row appended
        visit = start_visit(store, "LS-EC-001", lead="张建国", members=[])
        for number, item in enumerate(visit.checklist.items):
            result = Result.FAIL if number < n % 5 else Result.PASS
            visit = rules.record_answer(visit, rules.Answer(item.id, result, "张建国", visit.arrived_at, note="未整改"))
        store.save_visit(visit)
        sign_off_visit(store, visit.uuid, by="张建国")
    services.rectification_views(store)
    services._write_fold_snapshot(store, store.memo[services._FOLD_STATE])
"""


def test_a_kill_while_the_snapshot_is_written_leaves_a_usable_store(demo_dir: Path) -> None:
    rng = random.Random(14)
    for _ in range(4):
        child = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(demo_dir)], stdout=subprocess.PIPE, text=True, encoding="utf-8"
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "READY"
        time.sleep(rng.uniform(0.05, 0.6))
        assert child.poll() is None  # still writing: it did not stop on an error of its own
        child.kill()  # SIGKILL; TerminateProcess on Windows
        child.wait()
        child.stdout.close()
        expected = from_scratch(demo_dir)
        with Store.open(demo_dir) as store:
            assert not store.problems
            assert listing(store) == expected
        assert not [path for path in demo_dir.iterdir() if path.name.endswith(TEMP_SUFFIX)]


def test_an_event_stored_under_a_derived_events_id_is_folded_from_the_journals(demo_dir: Path) -> None:
    """Only another program would store it: which of the two a fold keeps depends on both, so the
    snapshot (holding the one kept) is not trusted for it."""
    with Store.open(demo_dir) as store:
        index = services._index(store)
        row = next(row for row in index.records().values() if row["records"])
        derived = event("issued", rectification_id=row["records"][0]["id"]).to_dict()
        index.append([{**row, "derived": [*row["derived"], derived]}])  # as a visit's own decision
    assert listed(demo_dir) == from_scratch(demo_dir)
    with Store.open(demo_dir) as store:
        later = {**derived, "at": "2026-11-28T16:00:00+08:00"}
        services._events(store).append([{"id": derived["id"], "origin": "remote", "event": later}])
    assert listed(demo_dir) == from_scratch(demo_dir)


def test_a_journals_position_is_proven_again_from_its_file_its_size_and_samples(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    journal = Journal(path, "events", "id", readonly=False)
    journal.append([{"id": "a", "n": 1}])
    first = journal.position()
    assert first is not None and first.size == path.stat().st_size
    journal.append([{"id": "b", "n": 2}])
    with path.open("ab") as handle:
        handle.write(b'{"id": "c", "n"')  # a torn append, never acknowledged
    reread = Journal(path, "events", "id", readonly=True)
    assert reread.records().keys() == {"a", "b"}
    assert reread.position() == journal.position()
    grown = growth_since(path, first)
    assert grown is not None and grown.lines() == [b'{"id":"b","n":2}'] and grown.position == journal.position()
    reread.patch_in_memory("a", None)
    assert reread.position() is None  # what it holds is no longer what the file says
    journal.append([{"id": "a", "n": 3}])
    assert growth_since(path, first) is not None
    journal.compact()  # rewritten without the superseded line: another file now
    assert growth_since(path, first) is None


def _big_journal(path: Path, lines: int = 3000) -> Journal:
    journal = Journal(path, "events", "id", readonly=False)
    journal.append({"id": f"{n:05}", "text": "x" * 40} for n in range(lines))
    return journal


@pytest.mark.parametrize("where", ["first window", "last window", "middle window"])
def test_a_change_in_place_in_a_sampled_window_is_caught_even_with_the_time_set_back(
    tmp_path: Path, where: str
) -> None:
    path = tmp_path / "events.jsonl"
    journal = _big_journal(path)
    position = journal.position()
    assert position is not None and position.size > SAMPLE_WINDOW * SAMPLE_WINDOWS
    spans = sample_spans(position.size)
    offset = {"first window": 0, "last window": spans[-1][0] + 10, "middle window": spans[3][0] + 10}[where]
    _edit_in_place(path, offset)
    assert growth_since(path, position) is None


def test_a_same_size_edit_anywhere_is_caught_by_the_modification_time(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    journal = _big_journal(path)
    position = journal.position()
    assert position is not None
    noted = path.stat().st_mtime_ns
    assert growth_since(path, position, noted) is not None  # untouched
    between = next(start + SAMPLE_WINDOW + 100 for start, _ in sample_spans(position.size))  # outside every window
    assert not any(start <= between < start + length for start, length in sample_spans(position.size))
    _edit_in_place(path, between, keep_time=False)
    assert growth_since(path, position, noted) is None


def test_what_is_not_caught_an_edit_in_place_outside_the_windows_with_the_time_set_back(tmp_path: Path) -> None:
    """Documented in ``store.snapshot``: only a deliberate edit in place (this program and editors
    never write a journal so) changes bytes between the windows and sets the time back."""
    path = tmp_path / "events.jsonl"
    journal = _big_journal(path)
    position = journal.position()
    assert position is not None
    noted = path.stat().st_mtime_ns
    between = sample_spans(position.size)[0][1] + 100
    _edit_in_place(path, between)
    assert growth_since(path, position, noted) is not None


def test_a_journal_replaced_by_the_same_bytes_is_another_file(tmp_path: Path) -> None:
    """A restore, a copy, an editor's save: a new file, whatever it holds; it is folded again."""
    path = tmp_path / "events.jsonl"
    journal = _big_journal(path)
    position = journal.position()
    assert position is not None
    data = path.read_bytes()
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(data)
    copy.replace(path)
    assert growth_since(path, position) is None


def _edit_in_place(path: Path, offset: int, *, keep_time: bool = True) -> None:
    """Change one byte of the file where it lies (same file, same size), optionally setting its
    modification time back as it was."""
    before = path.stat()
    with path.open("r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(b"y" if byte != b"y" else b"z")
    if keep_time:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    else:  # a clock too coarse to see the change would hide it: move the time on explicitly
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))
