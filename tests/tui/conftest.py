"""The app on a demo data dir with a fixed clock, driven by Textual's Pilot."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from inspector.services import visits as visit_services
from inspector.services.demo import fill_demo
from inspector.store.store import Store
from inspector.tui.app import InspectorApp
from inspector.tui.session import Session
from tests.conftest import DEMO_TODAY

SMALL = (80, 24)
LARGE = (120, 40)


@pytest.fixture
def fixed_uuids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Visits get the uuids 00000000-…-000000000001, 2, 3 …: seals and orders stay the same every run."""
    counter = itertools.count(1)
    monkeypatch.setattr(visit_services.uuid_module, "uuid4", lambda: uuid.UUID(int=next(counter)))


@pytest.fixture
def demo_root(tmp_path: Path, fixed_uuids: None) -> Path:
    root = tmp_path / "demo"
    with Store.open(root) as store:
        fill_demo(store, today=DEMO_TODAY)
    return root


@pytest.fixture
def session(demo_root: Path) -> Iterator[Session]:
    with Store.open(demo_root) as store:
        yield Session(store, clock=lambda: DEMO_TODAY, cursor_blink=False)


def make_app(session: Session) -> InspectorApp:
    return InspectorApp(session)


def drive(
    session: Session, steps: Callable[[Pilot, InspectorApp], Awaitable[None]], size: tuple[int, int] = SMALL
) -> None:
    """Run the app headless at ``size`` and play ``steps`` against it."""

    async def run() -> None:
        app = make_app(session)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await steps(pilot, app)

    asyncio.run(run())


async def settle(pilot: Pilot) -> None:
    """Let layout happen and every worker (rectifications, site index) finish."""
    await pilot.pause()
    # DirectoryTree's "_loader" worker (the evidence file picker) runs as long as the tree is shown
    for worker in [w for w in pilot.app.workers if w.group != "_loader"]:
        # a worker of a screen that was left is cancelled: that is not a failure of the test
        with contextlib.suppress(WorkerCancelled):
            await worker.wait()
    await pilot.pause()


async def show_section(pilot: Pilot, section: str) -> None:
    """Show one of home's sections (its list is made and filled when first shown), as a click on its name does."""
    from inspector.tui.widgets.section_bar import SectionBar

    pilot.app.screen.query_one(SectionBar).active = section
    await settle(pilot)
