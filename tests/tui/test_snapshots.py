"""What the main screens look like at 60x20, 80x24 and 120x40, in Chinese and in English (the runner in
the light theme too).

Run ``pytest tests/tui/test_snapshots.py --snapshot-update`` after a deliberate change of the
look, and check the new pictures (tests/tui/__snapshots__/) before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator

import pytest
from textual.pilot import Pilot

from inspector.core.vocabulary import VisitStatus
from inspector.i18n import set_language
from inspector.services.documents import issue_notice, write_record
from inspector.tui.app import InspectorApp
from inspector.tui.session import Session
from tests.tui.conftest import LARGE, SMALL, settle


async def home(pilot: Pilot) -> None:
    await settle(pilot)


async def new_visit(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("f2")
    await settle(pilot)
    await pilot.press("l", "y")
    await settle(pilot)


async def runner(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("f5")
    await settle(pilot)


async def review(pilot: Pilot) -> None:
    await runner(pilot)
    await pilot.press("f9")
    await settle(pilot)


async def runner_light(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("ctrl+t")
    await runner(pilot)


async def sync(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("f7")
    await settle(pilot)


async def board(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("f6")
    await settle(pilot)


async def detail(pilot: Pilot) -> None:
    """The rectification opened from home's section (Shift+Tab, three sections on, down, Enter)."""
    await settle(pilot)
    await pilot.press("shift+tab", "right", "right", "right", "down")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def documents(pilot: Pilot) -> None:
    """The list after a notice and an on-site record were written for the demo's visit with most findings."""
    await settle(pilot)
    store = pilot.app.session.store  # type: ignore[attr-defined]
    visit = max(
        (summary for summary in store.visit_summaries() if summary.status is VisitStatus.SIGNED_OFF),
        key=lambda summary: summary.failed,
    )
    issue_notice(store, visit.uuid)
    write_record(store, visit.uuid)
    await pilot.press("f8")
    await settle(pilot)


SCREENS: dict[str, Callable[[Pilot], Awaitable[None]]] = {
    "home": home,
    "new_visit": new_visit,
    "runner": runner,
    "review": review,
    "runner_light": runner_light,
    "sync": sync,
    "board": board,
    "detail": detail,
    "documents": documents,
}


NARROW = (60, 20)
LOOKS = [(NARROW, "zh"), (SMALL, "zh"), (LARGE, "zh"), (NARROW, "en"), (SMALL, "en"), (LARGE, "en")]


@pytest.fixture
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    chosen = request.param
    set_language(chosen)
    yield chosen
    set_language("zh")


@pytest.mark.parametrize(
    ("size", "language"),
    LOOKS,
    ids=[f"{width}x{height}" + ("" if lang == "zh" else f"-{lang}") for (width, height), lang in LOOKS],
    indirect=["language"],
)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_looks_as_approved(
    snap_compare, session: Session, screen: str, size: tuple[int, int], language: str
) -> None:
    assert snap_compare(InspectorApp(session), terminal_size=size, run_before=SCREENS[screen])
