"""An amended re-inspection flows through: the corrected outcome replaces the first on every laptop
and on the server's board, whichever way it went (fail → pass closes the item, pass → fail re-opens it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from inspector.core.clock import fixed_clock, set_clock
from inspector.core.rectifications import RectificationState
from inspector.core.vocabulary import Result
from inspector.server.board import open_rectifications
from inspector.services import rectifications as services
from inspector.services import visits as visit_services
from inspector.store.store import Store
from tests.conftest import DEMO_TODAY
from tests.rectifications.test_services import reinspect
from tests.server.harness import Bureau
from tests.server.test_board import TODAY
from tests.server.test_crashes import _sync

SITE = "LS-MR-001"


def state_of(root: Path, rectification_id: str) -> tuple[str, str, str | None]:
    with Store.open(root, readonly=True) as store:
        view = services.rectification_view(store, rectification_id)
    return view.state.value, view.due.isoformat(), view.last_result.value if view.last_result else None


def board_state(bureau: Bureau, rectification_id: str) -> tuple[str, str] | None:
    """The board's state and due date of an item, None once it is closed (off the open list)."""
    rows = {row.id: row for row in open_rectifications(bureau.database, TODAY)}
    row = rows.get(rectification_id)
    return None if row is None else (row.state, row.due.isoformat())


@pytest.mark.parametrize(("first", "corrected"), [(Result.FAIL, Result.PASS), (Result.PASS, Result.FAIL)])
def test_an_amended_reinspection_moves_every_laptop_and_the_board_alike(
    first: Result, corrected: Result, bureau: Bureau, laptop: Callable[..., Path]
) -> None:
    # the re-inspection is a day after the demo, its amendment two: the server's clock is past both
    # (it refuses a step dated more than a day ahead of it)
    set_clock(fixed_clock(DEMO_TODAY + timedelta(days=3)))
    team, other = laptop("a"), laptop("b")  # the same demo visits on two laptops
    token = bureau.tokens["lead"]
    with Store.open(team) as store:
        target = next(view for view in services.rectification_views(store) if view.record.site_id == SITE).id
        uuid = reinspect(store, SITE, {target: first}, deadline_days=10)
    for root in (team, other):
        assert _sync(root, bureau.url, token) == "synced"
    assert state_of(other, target)[2] == first.value

    with Store.open(team) as store:
        answer = store.load_visit(uuid).answers[target]
        failed = corrected is Result.FAIL
        note, deadline = ("复核后确认仍未整改", 10) if failed else ("", None)
        visit_services.amend_visit(
            store,
            uuid,
            by="张建国",
            reason="复核现场照片后更正",
            answers=[replace(answer, result=corrected, note=note, deadline_override_days=deadline)],
            at=DEMO_TODAY + timedelta(days=2),
        )
    for root in (team, other, team):
        assert _sync(root, bureau.url, token) == "synced"

    expected_state = RectificationState.CLOSED if corrected is Result.PASS else RectificationState.OPEN
    seen = {root.name: state_of(root, target) for root in (team, other)}
    assert seen["a"] == seen["b"], seen
    assert seen["a"][0] == expected_state.value and seen["a"][2] == corrected.value
    on_board = board_state(bureau, target)
    if corrected is Result.PASS:
        assert on_board is None
    else:
        assert on_board == seen["a"][:2]
