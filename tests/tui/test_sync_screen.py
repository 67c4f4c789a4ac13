"""The sync screen against a real bureau server on loopback: log in, push with a progress bar, say why not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, ProgressBar, RichLog, Static

from inspector.core.vocabulary import Result
from inspector.i18n import t
from inspector.server.accounts import Role
from inspector.services import rectifications, visits
from inspector.services.sync import pending_count, saved_login
from inspector.store.store import Store
from inspector.tui.app import InspectorApp
from inspector.tui.screens.home import HomeScreen
from inspector.tui.screens.sync import SyncScreen
from inspector.tui.session import Session
from tests.server.harness import Bureau, listening_bureau
from tests.tui.conftest import LARGE, SMALL, drive, settle


@pytest.fixture
def bureau(tmp_path: Path) -> Iterator[Bureau]:
    """On SQLite only: the screen is the client; the server's engines are tested in tests/server."""
    with listening_bureau(tmp_path / "bureau") as made:
        yield made


def log_text(app: InspectorApp) -> str:
    return "\n".join(line.text for line in app.screen.query_one("#sync-log", RichLog).lines)


async def open_sync(pilot: Pilot) -> SyncScreen:
    await pilot.press("f7")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SyncScreen)
    return pilot.app.screen


async def run_with(pilot: Pilot, url: str, token: str) -> None:
    screen = pilot.app.screen
    screen.query_one("#sync-url", Input).value = url
    screen.query_one("#sync-token", Input).value = token
    await pilot.press("f5")
    await settle(pilot)


def test_first_sync_logs_in_sends_everything_and_the_second_sends_nothing(session: Session, bureau: Bureau) -> None:
    waiting = pending_count(session.store)
    assert waiting > 0

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        screen = await open_sync(pilot)
        assert "尚未登录" in str(screen.query_one("#sync-login", Static).render())
        await run_with(pilot, bureau.url, bureau.tokens[Role.LEAD.value])
        text = log_text(app)
        assert "已登录" in text and "已上传：检查 3 份" in text, text
        bar = screen.query_one("#sync-progress", ProgressBar)
        assert bar.percentage == 1
        assert "同步完成" in str(screen.query_one("#sync-phase", Static).render())
        assert screen.query_one("#sync-token", Input).value == ""  # the token is not left on screen
        assert "检查记录 0 份，整改记录 0 条" in str(screen.query_one("#sync-pending", Static).render())

        await pilot.press("f5")  # again, with the saved login
        await settle(pilot)
        assert "已上传：检查 0 份" in log_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)

    drive(session, steps)
    assert pending_count(session.store) == 0
    login = saved_login(session.store)
    assert login is not None and login.url == bureau.url and login.role == "lead"


def test_a_bad_token_is_said_in_words_and_nothing_is_marked_sent(session: Session, bureau: Bureau) -> None:
    waiting = pending_count(session.store)

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        screen = await open_sync(pilot)
        await run_with(pilot, bureau.url, "not-a-token")
        assert "令牌" in log_text(app) and "Traceback" not in log_text(app)
        assert not screen.query_one("#sync-progress-row").display

    drive(session, steps)
    assert pending_count(session.store) == waiting
    assert saved_login(session.store) is None


def test_plain_http_to_another_machine_is_refused_before_anything_is_sent(session: Session) -> None:
    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await open_sync(pilot)
        await run_with(pilot, "http://192.0.2.1:8000", "some-token")
        assert "http" in log_text(app) and "192.0.2.1" in log_text(app)

    drive(session, steps)
    assert saved_login(session.store) is None


@pytest.mark.parametrize("size", [(60, 20), SMALL, LARGE], ids=["60x20", "80x24", "120x40"])
def test_the_log_wraps_within_its_width_and_loses_no_character(
    session: Session, bureau: Bureau, size: tuple[int, int]
) -> None:
    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await open_sync(pilot)
        await run_with(pilot, bureau.url, "not-a-token")
        log = app.screen.query_one("#sync-log", RichLog)
        width = log.scrollable_content_region.width
        assert max(line.cell_length for line in log.lines) <= width
        assert "".join(line.text.strip() for line in log.lines) == t("sync.auth.token_unknown")

    drive(session, steps, size=size)


def sign_off_a_reinspection_as_the_review_screen_does(store: Store) -> None:
    """Every open item of one site found put right, then signed off like any visit (not through
    ``complete_reinspection``): what it decided is then only in the rectification index."""
    site_id = rectifications.rectification_views(store)[0].record.site_id
    visit = rectifications.start_reinspection(store, site_id, lead="王组长", title="复查")
    for item in visit.checklist.items:
        visits.record_answer(store, visit.uuid, item.id, by="王组长", result=Result.PASS)
    visits.sign_off_visit(store, visit.uuid, by="王组长")


def test_what_waits_is_counted_once_before_during_and_after_the_run(session: Session, bureau: Bureau) -> None:
    sign_off_a_reinspection_as_the_review_screen_does(session.store)
    phases: list[str] = []

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        screen = await open_sync(pilot)
        before = str(screen.query_one("#sync-pending", Static).render())
        visits_waiting, events_waiting = (int(number) for number in re.findall(r"\d+", before))
        assert events_waiting > 0
        original = screen._show_progress
        screen._show_progress = lambda progress: (phases.append(progress), original(progress))  # type: ignore[method-assign]
        await run_with(pilot, bureau.url, bureau.tokens[Role.LEAD.value])
        first_push = next(progress for progress in phases if progress.phase == "push")
        assert first_push.total == visits_waiting + events_waiting
        assert f"整改记录 {events_waiting} 条" in log_text(app), log_text(app)
        assert "检查记录 0 份，整改记录 0 条" in str(screen.query_one("#sync-pending", Static).render())

    drive(session, steps)
