"""The visit flow as a newcomer meets it: no finding lost by a slip, lists that take the keys on
arrival, a disk that refuses a write, a second visit at the same site, keys that say why they do
nothing, the evidence dialog, an empty register, and re-inspections labelled."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import DirectoryTree, Input, OptionList, Select, TextArea

from inspector.core import visits as rules
from inspector.core.vocabulary import Result, SiteKind, VisitStatus
from inspector.services.outbox import ensure_outbox
from inspector.services.rectifications import start_reinspection
from inspector.services.visits import visits_in_progress
from inspector.store import atomic, tinydb_storage
from inspector.store import store as store_module
from inspector.store.store import Store
from inspector.tui.app import InspectorApp
from inspector.tui.screens.choice_dialog import ChoiceDialog
from inspector.tui.screens.evidence_dialog import EvidenceDialog
from inspector.tui.screens.local_site_dialog import LocalSiteDialog
from inspector.tui.screens.new_visit import NewVisitScreen
from inspector.tui.screens.review import ReviewScreen
from inspector.tui.screens.runner import RunnerScreen
from inspector.tui.session import Session
from inspector.tui.widgets.key_bar import KeyBar
from tests.conftest import DEMO_TODAY
from tests.tui.conftest import drive, settle
from tests.tui.test_flow import resume_latest, type_text

FINDING = "值班记录只记到11月20日"


@pytest.fixture
def notices(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every toast the app shows, in order."""
    shown: list[str] = []
    original = InspectorApp.notify

    def record(self: InspectorApp, message: str, **kwargs: Any) -> None:
        shown.append(message)
        original(self, message, **kwargs)

    monkeypatch.setattr(InspectorApp, "notify", record)
    return shown


class FullDisk:
    """The store's file writes fail with 'No space left on device' while ``full`` is set."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.full = False
        write = atomic.atomic_write_bytes

        def refuse(target: Path, data: bytes) -> None:
            if self.full:
                raise OSError(errno.ENOSPC, "No space left on device", str(target))
            write(target, data)

        # every module that writes whole files through it (visits, small tables)
        for module in (store_module, tinydb_storage):
            monkeypatch.setattr(module, "atomic_write_bytes", refuse)


@pytest.fixture
def disk(monkeypatch: pytest.MonkeyPatch) -> FullDisk:
    return FullDisk(monkeypatch)


async def first_unanswered(pilot: Pilot) -> RunnerScreen:
    runner = await resume_latest(pilot)
    await pilot.press("f5")
    assert runner.item_id not in runner.visit.answers
    return runner


# -- 1. a finding does not silently become a pass -------------------------------------------------


def test_one_key_does_not_turn_a_described_failure_into_a_pass(session: Session, notices: list[str]) -> None:
    draft = visits_in_progress(session.store)[0]

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        runner = await first_unanswered(pilot)
        failed_item = runner.item_id
        await pilot.press("2")
        await type_text(pilot, FINDING)
        await pilot.press("escape", "1")  # "1" meant for the next item
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")  # the first choice: keep the failure, go on
        await settle(pilot)
        assert app.screen is runner and runner.item_id != failed_item
        kept = session.store.load_visit(draft.uuid).answers[failed_item]
        assert (kept.result, kept.note) == (Result.FAIL, FINDING)
        # asked again, and this time meant: it becomes a pass, and review points it out
        runner.select(failed_item)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert session.store.load_visit(draft.uuid).answers[failed_item].result is Result.PASS
        await pilot.press("f9")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        flagged = review.query_one("#blockers", OptionList).get_option_at_index(0)
        assert flagged.id == failed_item and "仍留着问题说明" in str(flagged.prompt)
        assert "请核对" in str(review.query_one("#blockers-title").render())

    drive(session, steps)


# -- 2. review's list takes Enter and the arrows on arrival ---------------------------------------


def test_review_goes_to_a_listed_item_with_enter_at_once(session: Session) -> None:
    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        runner = await resume_latest(pilot)
        await pilot.press("f9")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        listed = review.query_one("#blockers", OptionList)
        assert review.focused is listed
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen is runner and runner.item_id == review._blockers()[1].item_id

    drive(session, steps)


# -- 3. a full disk is said, and the change stays on screen ---------------------------------------


def test_a_full_disk_while_answering_is_said_and_the_note_stays_to_retry(
    session: Session, disk: FullDisk, notices: list[str]
) -> None:
    draft = visits_in_progress(session.store)[0]

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        runner = await first_unanswered(pilot)
        item_id = runner.item_id
        disk.full = True
        await pilot.press("2")
        await pilot.pause()
        assert app.is_running and app.screen is runner
        assert "磁盘空间已满" in notices[-1] and "此前显示已保存的内容都完好" in notices[-1]
        assert "未保存" in str(runner.query_one("#save-status").render())
        assert item_id not in session.store.load_visit(draft.uuid).answers
        disk.full = False
        await pilot.press("2")  # retried once there is room
        await settle(pilot)
        assert session.store.load_visit(draft.uuid).answers[item_id].note == ""
        # the disk fills before the note is written, so neither its timed save nor leaving saves it
        disk.full = True
        await type_text(pilot, FINDING)
        await pilot.press("escape", "down")
        await settle(pilot)
        # the note could not be saved: the runner stays on its item with the note as typed
        assert runner.item_id == item_id and runner.query_one("#note", TextArea).text == FINDING
        assert session.store.load_visit(draft.uuid).answers[item_id].note == ""
        disk.full = False
        await pilot.press("down")
        await settle(pilot)
        assert session.store.load_visit(draft.uuid).answers[item_id].note == FINDING
        assert runner.item_id != item_id

    drive(session, steps)


def test_a_full_disk_while_attaching_evidence_or_signing_off_is_said(
    session: Session, disk: FullDisk, notices: list[str], tmp_path: Path
) -> None:
    draft = visits_in_progress(session.store)[0]
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 photo")

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        runner = await resume_latest(pilot)
        item_id = runner.item_id
        before = session.store.load_visit(draft.uuid).answers[item_id].evidence
        await pilot.press("f3")
        await settle(pilot)
        disk.full = True
        app.screen.query_one("#evidence-path", Input).value = str(photo)
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running and app.screen is runner
        assert "磁盘空间已满" in notices[-1]
        assert session.store.load_visit(draft.uuid).answers[item_id].evidence == before
        disk.full = False
        await pilot.press("f9")
        await settle(pilot)
        review = app.screen
        await pilot.press("f4")
        await settle(pilot)
        app.screen.query_one("#reason", Input).value = "暴雨停电，余下项目下次检查"
        await pilot.press("enter")
        await settle(pilot)
        disk.full = True
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running and app.screen is review
        assert "磁盘空间已满" in notices[-1] and not review.visit.is_sealed
        disk.full = False
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert review.visit.is_sealed

    drive(session, steps)
    assert session.store.load_visit(draft.uuid).status is VisitStatus.SIGNED_OFF


def test_sealed_though_its_frozen_copy_could_not_be_written_says_so_and_the_next_start_writes_it(
    session: Session, monkeypatch: pytest.MonkeyPatch, notices: list[str]
) -> None:
    draft = visits_in_progress(session.store)[0]
    write = atomic.atomic_write_bytes
    full = [True]

    def refuse(target: Path, data: bytes) -> None:
        if full[0]:
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        write(target, data)

    monkeypatch.setattr(atomic, "atomic_write_bytes", refuse)  # the frozen copies' writer, not the visit's

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await resume_latest(pilot)
        await pilot.press("f9")
        await settle(pilot)
        review = app.screen
        await pilot.press("f4")
        await settle(pilot)
        app.screen.query_one("#reason", Input).value = "暴雨停电，余下项目下次检查"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is review and review.visit.is_sealed
        assert "已签发封存" in notices[-1] and "磁盘空间已满" in notices[-1]

    drive(session, steps)
    full[0] = False
    assert ensure_outbox(session.store) == 1
    assert session.store.sealed(draft.uuid, 1)


# -- 4. a visit already in progress at the site ---------------------------------------------------


def test_starting_where_a_visit_is_in_progress_offers_to_resume_it(session: Session) -> None:
    draft = next(s for s in visits_in_progress(session.store) if s.site_name == "鲁阳街道敬老院")
    count = len(session.store.visit_uuids())

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await pilot.press("f2")
        await settle(pilot)
        await type_text(pilot, "luyang")
        await pilot.press("enter", "f9")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog) and "1" in dialog.message
        await pilot.press("enter")  # the first choice: resume
        await settle(pilot)
        assert isinstance(app.screen, RunnerScreen) and app.screen.uuid == draft.uuid

    drive(session, steps)
    assert len(session.store.visit_uuids()) == count


# -- 5. the runner's footer, and keys on a sealed visit -------------------------------------------


def test_the_runner_footer_offers_f4_and_f6(session: Session) -> None:
    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        runner = await resume_latest(pilot)
        shown = {key.display for key in runner.query_one(KeyBar).fitted().keys}
        assert {"F2", "F3", "F4", "F5", "F6", "F9"} <= shown

    drive(session, steps)


def test_keys_that_would_change_a_sealed_visit_say_why_they_do_nothing(session: Session, notices: list[str]) -> None:
    signed = next(s for s in session.store.visit_summaries() if s.status is VisitStatus.SIGNED_OFF)

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        runner = RunnerScreen(session, signed.uuid)
        await app.push_screen(runner)
        await settle(pilot)
        for key in ("1", "2", "3", "4", "f2", "f3"):
            notices.clear()
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is runner and notices and "已签发封存" in notices[-1], key
        assert runner.visit == session.store.load_visit(signed.uuid)

    drive(session, steps)


# -- 6. the evidence dialog -----------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "相机"
    (folder / "十一月").mkdir(parents=True)
    (folder / "说明.txt").write_text("不是照片", encoding="utf-8")
    (folder / "现场.png").write_bytes(b"\x89PNG\r\n\x1a\n a photo")
    (folder / "另一张.jpg").write_bytes(b"\xff\xd8\xff\xe1 another")
    yield folder


def test_the_evidence_dialog_opens_folders_refuses_non_photos_and_replaces_a_wrong_one(
    session: Session, files: Path, notices: list[str]
) -> None:
    draft = visits_in_progress(session.store)[0]

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        runner = await resume_latest(pilot)
        item_id = runner.item_id
        await pilot.press("f3")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, EvidenceDialog)
        assert "上方" in str(dialog.query_one(".dialog-hint").render())
        path = dialog.query_one("#evidence-path", Input)
        path.value = str(files / "十一月")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog and dialog.query_one(DirectoryTree).path == files / "十一月"
        path.value = str(files / "说明.txt")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog and "说明.txt" in notices[-1] and "不是照片或扫描件" in notices[-1]
        path.value = str(files / "现场.png")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is runner
        attached = session.store.load_visit(draft.uuid).answers[item_id].evidence
        assert [e.name for e in attached] == ["现场.png"]
        # attached to the wrong item: taken off again, the stored copy kept
        await pilot.press("f3")
        await settle(pilot)
        app.screen.query_one("#evidence-attached", OptionList).focus()
        await pilot.press("delete")
        await settle(pilot)
        assert session.store.load_visit(draft.uuid).answers[item_id].evidence == ()
        assert session.store.evidence_path(attached[0].sha256).exists()
        # and replaced: the dialog is open again for the right file, with nothing attached now
        replacing = app.screen
        assert isinstance(replacing, EvidenceDialog) and replacing is not dialog and not replacing.attached
        replacing.query_one("#evidence-path", Input).value = str(files / "另一张.jpg")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is runner
        assert [e.name for e in session.store.load_visit(draft.uuid).answers[item_id].evidence] == ["另一张.jpg"]

    drive(session, steps)


def test_a_note_too_long_for_the_notice_is_warned_of_and_kept_whole(session: Session, notices: list[str]) -> None:
    draft = visits_in_progress(session.store)[0]
    pasted = "现场发现的问题。" * 50

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        runner = await first_unanswered(pilot)
        item_id = runner.item_id
        await pilot.press("2")
        app.post_message(events.Paste(pasted))
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert any(f"超过 {rules.NOTE_CELL_LIMIT} 字" in notice for notice in notices)
        assert session.store.load_visit(draft.uuid).answers[item_id].note == pasted

    drive(session, steps)


# -- 7. a fresh install without the demo ----------------------------------------------------------


@pytest.fixture
def empty_session(tmp_path: Path) -> Iterator[Session]:
    with Store.open(tmp_path / "fresh") as store:
        yield Session(store, clock=lambda: DEMO_TODAY, cursor_blink=False)


def test_an_empty_register_says_how_to_load_it_and_a_site_can_be_added_on_the_spot(
    empty_session: Session,
) -> None:
    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NewVisitScreen)
        said = str(screen.query_one("#site-results", OptionList).get_option_at_index(0).prompt)
        assert "名册是空的" in said and "F7" in said and "inspector sites import" in said and "F4" in said
        await type_text(pilot, "新华社区养老服务中心")
        await pilot.press("f4")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LocalSiteDialog)
        assert dialog.query_one("#local-name", Input).value == "新华社区养老服务中心"
        dialog.query_one("#local-kind", Select).value = SiteKind.ELDERLY_CARE
        dialog.query_one("#local-township", Input).value = "新华街道"
        await pilot.press("f9")
        await settle(pilot)
        assert app.screen is screen and screen.site is not None and screen.site.added_on_laptop
        screen.query_one("#lead", Input).value = "张建国"
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, RunnerScreen)
        assert app.screen.visit.site.name == "新华社区养老服务中心"

    drive(empty_session, steps)
    (site,) = empty_session.store.sites()
    assert site.added_on_laptop and site.id.startswith("LOCAL-") and site.township == "新华街道"


# -- 8. a re-inspection says so -------------------------------------------------------------------


def test_a_reinspection_is_labelled_on_the_runner_and_review(session: Session) -> None:
    visit = start_reinspection(session.store, "LS-MR-001", lead="张建国", title="复查", arrived_at=DEMO_TODAY)

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        runner = RunnerScreen(session, visit.uuid)
        await app.push_screen(runner)
        await settle(pilot)
        assert str(runner.query_one("#runner-title").render()).startswith("复查")
        await pilot.press("f9")
        await settle(pilot)
        assert str(app.screen.query_one("#review-title").render()).startswith("复查")

    drive(session, steps)
