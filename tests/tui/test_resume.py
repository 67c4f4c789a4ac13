"""Kill the app mid-visit (a real process, killed without warning), restart: same item, nothing lost."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from textual.pilot import Pilot

from inspector.core.vocabulary import Result
from inspector.services.visits import visits_in_progress
from inspector.store.store import Store
from inspector.tui.app import InspectorApp
from inspector.tui.screens.runner import RunnerScreen
from inspector.tui.session import Session
from tests.conftest import DEMO_TODAY
from tests.tui.conftest import drive, settle

REPO = Path(__file__).resolve().parents[2]
TRIALS = 3


def work_until_killed(root: Path, steps: int) -> list[dict[str, str]]:
    """Run the child until it has acknowledged ``steps`` saved answers, then kill it at once."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.tui.resume_child", str(root)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    acknowledged: list[dict[str, str]] = []
    try:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("{"):
                acknowledged.append(json.loads(line))
                if len(acknowledged) == steps:
                    child.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no clean-up runs
                    break
                assert child.stdin is not None
                child.stdin.write("next\n")
                child.stdin.flush()
    finally:
        child.kill()
        _, errors = child.communicate(timeout=30)
    assert len(acknowledged) == steps, errors[-2000:]
    return acknowledged


@pytest.mark.parametrize("trial", range(TRIALS))
def test_killed_mid_visit_the_app_reopens_on_the_same_item_with_every_answer(demo_root: Path, trial: int) -> None:
    steps = random.Random(trial).randint(3, 9)
    acknowledged = work_until_killed(demo_root, steps)

    with Store.open(demo_root) as store:  # the dead child's lock is gone with it
        uuid = visits_in_progress(store)[0].uuid
        visit = store.load_visit(uuid)
        final = {ack["item"]: ack for ack in acknowledged}
        for item_id, ack in final.items():
            answer = visit.answers[item_id]
            assert (answer.result.value, answer.note) == (ack["result"], ack["note"])
        assert any(ack["result"] == Result.FAIL.value for ack in acknowledged)
        last_cursor = acknowledged[-1]["cursor"]
        assert visit.cursor == last_cursor

        async def reopen(pilot: Pilot, app: InspectorApp) -> None:
            await pilot.press("f5")
            await settle(pilot)
            assert isinstance(app.screen, RunnerScreen) and app.screen.item_id == last_cursor

        drive(Session(store, clock=lambda: DEMO_TODAY, cursor_blink=False), reopen)
