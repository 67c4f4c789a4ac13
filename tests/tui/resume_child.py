"""A team at work, in a process of its own, until it is killed: the child side of test_resume.

Run as ``python -m tests.tui.resume_child DATA_DIR``. It opens the app headless on the data
dir, resumes the visit in progress and answers item after item (some failed, with a Chinese
note). After each step, once the screen says 已保存, it prints one line of JSON: the item, its
answer and the item the runner is on, then waits for a line on stdin before the next step, so
the parent knows exactly what the app had saved when it kills it. It never stops by itself.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
from pathlib import Path

from inspector.store.store import Store
from inspector.tui.app import InspectorApp
from inspector.tui.screens.runner import RunnerScreen
from inspector.tui.session import Session

NOTE = "现场未见消毒记录"


def tell_parent(text: str) -> None:
    """One line to the parent at once. Straight to the process's stdout: while an app runs, Textual
    captures ``print`` and passes it on without a flush, so without PYTHONUNBUFFERED it never arrives."""
    assert sys.__stdout__ is not None
    sys.__stdout__.write(text + "\n")
    sys.__stdout__.flush()


def acknowledge(runner: RunnerScreen, item_id: str) -> None:
    answer = runner.visit.answers[item_id]
    line = {"item": item_id, "result": answer.result.value, "note": answer.note, "cursor": runner.visit.cursor}
    tell_parent(json.dumps(line, ensure_ascii=False))


async def work(root: Path) -> None:
    with Store.open(root) as store:
        app = InspectorApp(Session(store, cursor_blink=False))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("f5")
            await pilot.pause()
            runner = app.screen
            assert isinstance(runner, RunnerScreen)
            tell_parent("READY")
            for step in itertools.count():
                item_id = runner.item_id
                if step % 3 == 1:
                    await pilot.press("2", *NOTE, "escape", "down")
                else:
                    await pilot.press("1")
                await pilot.pause()
                assert "已保存" in str(runner.query_one("#save-status").render())
                acknowledge(runner, item_id)
                await asyncio.to_thread(sys.stdin.readline)
                if runner.item_id == item_id:  # the last item: start again from the top
                    await pilot.press("home")
                    await pilot.pause()


if __name__ == "__main__":
    asyncio.run(work(Path(sys.argv[1])))
