"""Home's F8 lists the documents issued; Enter opens one, F3 its folder, or the path is said."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from inspector.tui.app import InspectorApp
from inspector.tui.screens import documents as documents_screen
from inspector.tui.screens.documents import DocumentsScreen
from inspector.tui.session import Session
from inspector.tui.widgets.visit_table import VisitTable
from tests.tui.conftest import drive
from tests.tui.test_snapshots import documents


@pytest.mark.parametrize("desktop_opens", [True, False], ids=["opened", "no-desktop"])
def test_the_documents_issued_are_listed_and_opened(
    session: Session, monkeypatch: pytest.MonkeyPatch, desktop_opens: bool
) -> None:
    opened: list[Path] = []

    def open_with_desktop(path: Path) -> bool:
        opened.append(path)
        return desktop_opens

    monkeypatch.setattr(documents_screen, "open_with_desktop", open_with_desktop)

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await documents(pilot)
        screen = app.screen
        assert isinstance(screen, DocumentsScreen)
        table = screen.query_one(VisitTable)
        kinds = [str(table.get_row_at(row)[0]) for row in range(table.row_count)]
        assert kinds == ["现场检查记录", "整改通知书"]
        notice = screen.documents[1]
        assert notice.number.startswith("鲁民督改") and notice.path is not None and notice.path.exists()
        await pilot.press("down", "enter", "f3")
        assert opened == [notice.path, notice.path.parent]
        said = [notification.message for notification in app._notifications]
        if not desktop_opens:
            assert all(str(path) in message for path, message in zip(opened, said, strict=True)), said

    drive(session, steps)
