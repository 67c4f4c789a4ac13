"""The persisted fold proves the signed-off visits' seals from where the visit index ended when they
were taken (``services.rectifications._seals_now``): a reading of a current snapshot leaves the
visit index unread (home's start at 10,000 visits), lines appended since are applied as the index
applies them, and anything else gathers the seals from the whole index as before."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from inspector.core.vocabulary import Result, VisitStatus
from inspector.services import rectifications as services
from inspector.services.visits import amend_visit, sign_off_visit, start_visit
from inspector.store.journal import JournalPosition
from inspector.store.migrations import INDEX_FILE as VISIT_INDEX
from inspector.store.store import Store
from tests.conftest import DEMO_TODAY
from tests.rectifications.test_fold_snapshot import (
    _feedback,
    _no_fold_of_everything,
    _sign_off_the_waiting_visit,
    encoded,
    from_scratch,
    listed,
    listing,
    opened_without_the_visit_index,
)

HOME_ROWS = 3


def home_of(store: Store) -> tuple[dict[services.Standing, int], dict[str, bytes]]:
    found = services.not_closed(store, whole=HOME_ROWS)
    return found.tally, encoded(found.first)


def home_from_the_journals(root: Path) -> tuple[dict[services.Standing, int], dict[str, bytes]]:
    """What home shows, folded from the journals alone (read-only: nothing written)."""
    with Store.open(root, readonly=True) as store:
        views = services._by_due(services._fold_views(store).values())
    found = [view for view in views if view.state is not services.RectificationState.CLOSED]
    return dict(Counter(services.Standing(view.state, view.due) for view in found)), encoded(found[:HOME_ROWS])


def seals_in_the_index(root: Path) -> tuple[dict[str, str], JournalPosition | None]:
    """The seals as the store reads them from the whole index, and where it ends."""
    with Store.open(root, readonly=True) as store:
        seals = store.signed_off_seals()
        index = store.loaded_journal(VISIT_INDEX)
        assert index is not None
        return seals, index.position()


def a_signed_off_visit(root: Path) -> str:
    with Store.open(root, readonly=True) as store:
        return next(s.uuid for s in store.visit_summaries() if s.status is VisitStatus.SIGNED_OFF and s.failed)


def written_where_every_journal_ends(root: Path) -> None:
    """The snapshot written where every journal ends now (as after ``_REWRITE_AFTER`` lines)."""
    with Store.open(root) as store:
        services.rectification_views(store)
        services._write_fold_snapshot(store, store.memo[services._FOLD_STATE])


def test_a_home_reading_of_a_current_snapshot_leaves_the_visit_index_unread(demo_dir: Path) -> None:
    written_where_every_journal_ends(demo_dir)
    expected = home_from_the_journals(demo_dir)
    store = opened_without_the_visit_index(demo_dir)
    with store:
        assert home_of(store) == expected
        assert store.loaded_journal(VISIT_INDEX) is None
        assert callable(store.memo[services._FOLD_STATE].seals_given)  # nor the seals read from the snapshot
    with Store.open(demo_dir) as store:  # a store that read the index: the seals not gathered either
        store.visit_count()
        assert store.loaded_journal(VISIT_INDEX) is not None
        assert home_of(store) == expected


def test_the_seals_of_a_state_at_the_index_loaded_here_are_not_gathered(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed(demo_dir)
    expected = home_from_the_journals(demo_dir)

    def gathered(_: Store) -> dict[str, str]:
        raise AssertionError("every seal gathered from the visit index")

    with Store.open(demo_dir) as store:
        monkeypatch.setattr(Store, "signed_off_seals", gathered)
        assert home_of(store) == expected


def _start(root: Path) -> str:
    with Store.open(root) as store:
        return start_visit(store, "LS-EC-001", lead="张建国", members=[]).uuid


def _amend(root: Path) -> str:
    uuid = a_signed_off_visit(root)
    with Store.open(root) as store:
        visit = store.load_visit(uuid)
        item = next(item for item in visit.checklist.items if visit.answers[item.id].result is Result.FAIL)
        answer = visit.answers[item.id]
        corrected = type(answer)(item.id, Result.PASS, visit.lead, visit.signed_off_at or "", note="已当场整改")
        amend_visit(store, uuid, by=visit.lead, reason="更正", answers=[corrected])
    return uuid


def _drop(root: Path) -> str:
    """A signed-off visit whose file is found damaged: set aside, and dropped from the index."""
    uuid = a_signed_off_visit(root)
    (root / "visits" / f"{uuid}.json").write_bytes(b"{not json")
    with Store.open(root) as store, pytest.raises(services.StoreError):
        store.load_visit(uuid)
    return uuid


CHANGES = {
    "a visit started": _start,
    "a visit signed off": _sign_off_the_waiting_visit,
    "a visit amended": _amend,
    "a visit dropped": _drop,
}
UNREAD = {"a visit started", "a visit signed off"}
"""The changes brought forward without a fold from the journals: the visit index stays unread."""


@pytest.mark.parametrize("change", list(CHANGES))
def test_visit_index_lines_appended_since_the_snapshot_are_applied_as_the_index_applies_them(
    demo_dir: Path, change: str
) -> None:
    listed(demo_dir)
    CHANGES[change](demo_dir)
    expected_seals, expected_end = seals_in_the_index(demo_dir)
    expected = home_from_the_journals(demo_dir)
    with opened_without_the_visit_index(demo_dir) as store:
        state = services._read_fold_snapshot(store)
        assert state is not None and state.seals_at is not None
        fresh, at, _ = services._seals_now(store, state)
        assert store.loaded_journal(VISIT_INDEX) is None  # proven from the appended lines alone
        assert at == expected_end
        if change == "a visit started":
            assert fresh is None  # no seal changed: the same seals, not even copied
        else:
            assert fresh == expected_seals != state.sealed
        assert home_of(store) == expected
        assert (store.loaded_journal(VISIT_INDEX) is None) == (change in UNREAD)
    assert listed(demo_dir) == from_scratch(demo_dir)  # and the next process, from the snapshot kept
    with opened_without_the_visit_index(demo_dir) as store:
        assert home_of(store) == expected
        assert store.loaded_journal(VISIT_INDEX) is None


@pytest.mark.parametrize("how", ["rebuilt", "compacted", "restored"])
def test_a_visit_index_replaced_since_the_snapshot_gathers_every_seal(demo_dir: Path, how: str) -> None:
    listed(demo_dir)
    _sign_off_the_waiting_visit(demo_dir)
    path = demo_dir / VISIT_INDEX
    if how == "rebuilt":
        with Store.open(demo_dir) as store:
            store.rebuild_index()
    elif how == "compacted":
        with Store.open(demo_dir) as store:
            store._visit_index().compact()
    else:  # the same bytes, from a backup: another file
        copy = demo_dir / "index-backup.jsonl"
        copy.write_bytes(path.read_bytes())
        copy.replace(path)
    expected_seals, expected_end = seals_in_the_index(demo_dir)
    expected = home_from_the_journals(demo_dir)
    with opened_without_the_visit_index(demo_dir) as store:
        state = services._read_fold_snapshot(store)
        assert state is not None
        fresh, at, _ = services._seals_now(store, state)
        assert store.loaded_journal(VISIT_INDEX) is not None  # read whole, with the store's checks
        assert (fresh, at) == (expected_seals, expected_end)
    with opened_without_the_visit_index(demo_dir) as store:
        assert home_of(store) == expected  # the snapshot written again: the index was read whole
    assert listed(demo_dir) == from_scratch(demo_dir)
    with opened_without_the_visit_index(demo_dir) as store:
        state = services._read_fold_snapshot(store)
        assert state is not None
        assert services._seals_now(store, state) == (None, expected_end, 0)
        assert home_of(store) == expected
        assert store.loaded_journal(VISIT_INDEX) is None


def test_a_torn_last_line_of_the_visit_index_is_ignored_as_the_index_ignores_it(demo_dir: Path) -> None:
    listed(demo_dir)
    signed = _sign_off_the_waiting_visit(demo_dir)
    with (demo_dir / VISIT_INDEX).open("ab") as handle:  # a crash mid-append: never acknowledged
        handle.write(f'{{"uuid":"{signed}","status":"draft","se'.encode())
    expected_seals, expected_end = seals_in_the_index(demo_dir)
    assert signed in expected_seals
    expected = home_from_the_journals(demo_dir)
    with opened_without_the_visit_index(demo_dir, readonly=True) as store:
        state = services._read_fold_snapshot(store)
        assert state is not None
        assert services._seals_now(store, state)[:2] == (expected_seals, expected_end)
        assert home_of(store) == expected
        assert store.loaded_journal(VISIT_INDEX) is None
    written_where_every_journal_ends(demo_dir)  # where the index's whole lines end, the torn one after them
    with opened_without_the_visit_index(demo_dir) as store:
        state = services._read_fold_snapshot(store)
        assert state is not None and state.seals_at == expected_end
        assert services._seals_now(store, state) == (None, expected_end, 0)
        assert home_of(store) == expected
        assert store.loaded_journal(VISIT_INDEX) is None


def test_a_feedback_then_a_sign_off_in_one_process_fold_only_what_they_add(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The events journal's time noted by the snapshot belongs to its position then: checked at the
    position a feedback moved it to, it failed, and everything was folded again."""
    written_where_every_journal_ends(demo_dir)
    with Store.open(demo_dir) as store:
        views = services.rectification_views(store)
        _feedback(store, next(view.id for view in views if view.is_open))
        waiting = next(s.uuid for s in store.visit_summaries() if s.status is VisitStatus.COMPLETED)
        sign_off_visit(store, waiting, by="张建国", at=DEMO_TODAY)
        _no_fold_of_everything(monkeypatch)
        got = listing(store)
    monkeypatch.undo()
    assert got == from_scratch(demo_dir)
