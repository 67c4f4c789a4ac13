"""The county's rectification board on the server agrees with what each laptop shows of its own."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from inspector.core.clock import add_days, local_date
from inspector.core.rectifications import FeedbackStatus, RectificationState
from inspector.core.vocabulary import Result
from inspector.server.board import bring_up_to_date, open_rectifications
from inspector.services.rectifications import record_feedback, rectification_views
from inspector.store.store import Store
from tests.conftest import DEMO_TODAY
from tests.rectifications.test_services import reinspect
from tests.server.harness import Bureau
from tests.server.test_crashes import _sync

TODAY = local_date(DEMO_TODAY)


def laptop_view(root: Path) -> dict[str, tuple[str, str]]:
    """Each rectification the laptop holds that is not closed: its state and due date."""
    with Store.open(root, readonly=True) as store:
        return {
            view.id: (view.state.value, view.due.isoformat())
            for view in rectification_views(store)
            if view.state is not RectificationState.CLOSED
        }


def test_the_board_shows_every_teams_open_items_as_the_laptops_do(
    bureau: Bureau, laptop: Callable[..., Path], run_cli: Callable
) -> None:
    laptops = [laptop("a"), laptop("b", fresh=True)]
    for root in laptops:
        assert _sync(root, bureau.url, bureau.tokens["lead"]) == "synced"
    expected = {key: value for root in laptops for key, value in laptop_view(root).items()}
    assert expected, "the demo has open rectifications"

    board = open_rectifications(bureau.database, TODAY)
    assert {row.id: (row.state, row.due.isoformat()) for row in board} == expected
    assert all(row.source == "lead-user" for row in board)
    assert [row.due for row in board] == sorted(row.due for row in board)
    overdue = open_rectifications(bureau.database, TODAY, overdue_only=True)
    assert {row.id for row in overdue} == {key for key, (_, due) in expected.items() if due < TODAY.isoformat()}
    assert overdue, "the demo has overdue items"
    assert bring_up_to_date(bureau.database) == 0  # nothing new: nothing read again

    listed = run_cli(*bureau.server_cli("rectifications", "--overdue", "--json"))
    assert listed.code == 0, listed.err
    assert {row["id"] for row in json.loads(listed.out)} == {row.id for row in overdue}


def test_an_event_from_another_team_moves_the_item_on_the_board(bureau: Bureau, laptop: Callable[..., Path]) -> None:
    first, second = laptop("a"), laptop("b")  # the same demo visits: two teams on the same items
    assert _sync(first, bureau.url, bureau.tokens["lead"]) == "synced"
    before = {row.id: row.state for row in open_rectifications(bureau.database, TODAY)}
    with Store.open(second) as store:
        target = next(rid for rid, state in before.items() if state == RectificationState.OPEN.value)
        record_feedback(
            store,
            target,
            by="李娜",
            measures="已修订方案并报备",
            responsible="张院长",
            feedback_date=TODAY,
            status=FeedbackStatus.DONE,
            at=DEMO_TODAY,
        )
    assert _sync(second, bureau.url, bureau.tokens["lead"]) == "synced"
    after = {row.id: row.state for row in open_rectifications(bureau.database, TODAY)}
    assert after[target] == RectificationState.FEEDBACK_RECEIVED.value
    assert {key: value for key, value in after.items() if key != target} == {
        key: value for key, value in before.items() if key != target
    }


def test_a_failed_reinspection_is_one_item_on_the_board_as_on_the_laptop(
    bureau: Bureau, laptop: Callable[..., Path]
) -> None:
    """The re-inspection's failed item is the record it re-opened, not a second one (the board
    once counted ``<reinspection>/<visit>/<item>`` beside ``<visit>/<item>``)."""
    root = laptop("a")
    with Store.open(root) as store:
        site = next(view.record.site_id for view in rectification_views(store) if view.is_open)
        failed = next(view.id for view in rectification_views(store) if view.record.site_id == site and view.is_open)
        reinspect(store, site, {failed: Result.FAIL}, days=0, deadline_days=5)
    assert _sync(root, bureau.url, bureau.tokens["lead"]) == "synced"

    with Store.open(root, readonly=True) as store:
        views = [view for view in rectification_views(store) if view.state is not RectificationState.CLOSED]
    on_laptop = {view.id: (view.state.value, view.due, view.days_overdue(TODAY)) for view in views}
    board = open_rectifications(bureau.database, TODAY)
    assert {row.id: (row.state, row.due, row.days_overdue(TODAY)) for row in board} == on_laptop
    assert len(board) == len({row.id for row in board}) == len(on_laptop)
    assert on_laptop[failed][0] == RectificationState.OPEN.value and on_laptop[failed][1] == add_days(TODAY, 5)
