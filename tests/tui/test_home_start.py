"""Home after a clean quit: its first frame drawn from what the quit kept, the visit index unread."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest
from textual.pilot import Pilot

from inspector.services import rectifications as services
from inspector.services.home import home_summary, keep_for_next_start, summary_at_start
from inspector.services.rectifications import not_closed
from inspector.store import store as store_module
from inspector.store.store import Store
from inspector.tui.app import InspectorApp
from inspector.tui.session import Session
from inspector.tui.widgets.section_bar import SectionBar
from inspector.tui.widgets.visit_table import VisitTable
from tests.conftest import DEMO_TODAY

from .conftest import drive, show_section


def quit_cleanly(root: Path) -> None:
    """As the app ends after Ctrl+Q: home's summary given to the store as it closes."""
    with Store.open(root) as store:
        keep_for_next_start(store)


def test_after_a_clean_quit_home_is_drawn_from_what_was_kept_without_reading_the_index(demo_root: Path) -> None:
    quit_cleanly(demo_root)
    with Store.open(demo_root) as store:
        expected = home_summary(store)
        found = not_closed(store, whole=0)
    quit_cleanly(demo_root)

    with Store.open(demo_root) as store:
        kept = summary_at_start(store)
        assert kept.rectifications is not None and msgspec.structs.replace(kept, rectifications=None) == expected
        session = Session(store, clock=lambda: DEMO_TODAY, cursor_blink=False)

        async def steps(pilot: Pilot, app: InspectorApp) -> None:
            screen = app.screen
            assert store.loaded_journal(store_module.INDEX_FILE) is None
            assert services._FOLD_STATE not in store.memo, "the rectifications counted from what was kept"
            bar = screen.query_one(SectionBar)
            overdue = found.overdue_on(DEMO_TODAY.date())
            assert bar.label("tab-rectifications") == f"整改 {found.count} 逾期 {overdue}" and overdue > 0
            assert bar.label("tab-in-progress") == f"检查中 {len(expected.in_progress)}"
            assert bar.label("tab-outbox") == f"待同步 {expected.pending_uploads}"
            assert screen.query_one("#in-progress", VisitTable).row_count == len(expected.in_progress) > 0
            await show_section(pilot, "tab-outbox")  # a list not in the summary: read from the files
            assert screen.query_one("#outbox", VisitTable).row_count == expected.pending_uploads > 0
            await show_section(pilot, "tab-rectifications")
            assert screen.query_one("#rectifications", VisitTable).row_count == found.count

        drive(session, steps)


@pytest.mark.parametrize(
    "kept",
    [
        b'{"visit_count": "many"}',
        b'{"visit_count": 1, "in_progress": [{"uuid": "x"}], "pending_uploads": 0,'
        b' "round_due": {"pending": 0, "start": null, "end": null}}',
    ],
    ids=["another-shape", "rows-of-another-shape"],
)
def test_what_another_version_kept_is_not_trusted(demo_root: Path, kept: bytes) -> None:
    with Store.open(demo_root) as store:
        store.keep_at_close(kept)
    with Store.open(demo_root) as store:
        assert store.kept_at_open is not None
        assert summary_at_start(store) == home_summary(store)
