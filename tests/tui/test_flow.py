"""The whole visit through the app, as a team does it: find the site, answer, note, evidence, sign off."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from inspector.core.visits import verify_seal
from inspector.core.vocabulary import Result, Severity, VisitStatus
from inspector.services.visits import visits_in_progress
from inspector.tui.app import InspectorApp
from inspector.tui.screens.choice_dialog import ChoiceDialog
from inspector.tui.screens.evidence_dialog import EvidenceDialog
from inspector.tui.screens.home import HomeScreen
from inspector.tui.screens.new_visit import NewVisitScreen
from inspector.tui.screens.reason_dialog import ReasonDialog
from inspector.tui.screens.review import ReviewScreen
from inspector.tui.screens.runner import RunnerScreen
from inspector.tui.screens.sign_off_dialog import SignOffDialog
from inspector.tui.session import Session
from tests.tui.conftest import drive, settle

NOTE = "消毒记录只记到11月20日，近7日无记录，无经手人签字。"


async def type_text(pilot: Pilot, text: str) -> None:
    for character in text:
        await pilot.press(character)


async def resume_latest(pilot: Pilot) -> RunnerScreen:
    """F5 on home: the runner on the latest visit in progress."""
    await pilot.press("f5")
    await settle(pilot)
    runner = pilot.app.screen
    assert isinstance(runner, RunnerScreen)
    return runner


async def start_visit_at_township_office(pilot: Pilot, app: InspectorApp) -> RunnerScreen:
    await pilot.press("f2")
    await settle(pilot)
    assert isinstance(app.screen, NewVisitScreen)
    await type_text(pilot, "lyjdmzs")  # the initials of 鲁阳街道民政所
    await pilot.press("enter")
    await pilot.press("f9")
    await settle(pilot)
    assert isinstance(app.screen, RunnerScreen)
    return app.screen


def test_a_whole_visit_from_the_door_to_the_seal(session: Session, tmp_path: Path) -> None:
    photo = tmp_path / "照片 1.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 a photo taken on site")
    uuids: list[str] = []

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        runner = await start_visit_at_township_office(pilot, app)
        uuids.append(runner.uuid)
        assert runner.visit.site.name == "鲁阳街道民政所"
        items = runner.visit.checklist.items
        for number, item in enumerate(items):
            assert runner.item_id == item.id
            if number % 6 == 1:
                await pilot.press("2")
                assert runner.focused is runner.query_one("#note", TextArea)
                await type_text(pilot, "未见")
                app.post_message(events.Paste(NOTE))  # as a terminal delivers a paste: to the app
                await pilot.pause()
                await pilot.press("escape")
                if number == 1:
                    await pilot.press("f3")
                    await settle(pilot)
                    assert isinstance(app.screen, EvidenceDialog)
                    app.screen.query_one("#evidence-path", Input).value = f'"{photo}"'
                    await pilot.press("enter")
                    await settle(pilot)
                    assert app.screen is runner
                await pilot.press("down")
            elif number == 4:
                await pilot.press("4")
                assert isinstance(app.screen, ReasonDialog)
                app.screen.query_one("#reason", Input).value = "档案室上锁，负责人不在"
                await pilot.press("enter")
            else:
                await pilot.press("3" if number % 6 == 3 else "1")
            await pilot.pause()
        await pilot.press("f9")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, SignOffDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is review and review.visit.is_sealed
        assert review.visit.seal in str(review.query_one("#seal").render())
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is runner
        before = runner.visit
        await pilot.press("1", "2", "f2")
        await pilot.pause()
        assert runner.visit == before and runner.query_one("#note", TextArea).read_only
        await pilot.press("escape")

    drive(session, steps)

    visit = session.store.load_visit(uuids[0])
    answers = visit.answers
    assert visit.status is VisitStatus.SIGNED_OFF and verify_seal(visit)
    assert len(answers) == len(visit.checklist.items)
    failed = [a for a in answers.values() if a.result is Result.FAIL]
    assert failed and all(a.note == "未见" + NOTE for a in failed)
    assert [e.name for e in failed[0].evidence] == ["照片 1.jpg"]
    assert session.store.evidence_path(failed[0].evidence[0].sha256).read_bytes() == photo.read_bytes()
    assert {a.result for a in answers.values()} == set(Result)

    async def reopen(pilot: Pilot, app: InspectorApp) -> None:
        home = app.screen
        assert isinstance(home, HomeScreen)
        home.open_visit(uuids[0])
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and app.screen.visit.is_sealed
        assert app.screen.check_action("sign_off", ()) is False and app.screen.check_action("amend", ()) is True

    drive(session, reopen)


def test_resume_opens_the_visit_in_progress_on_its_item(session: Session) -> None:
    draft = visits_in_progress(session.store)[0]
    cursor = session.store.load_visit(draft.uuid).cursor

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, RunnerScreen)
        assert app.screen.uuid == draft.uuid and app.screen.item_id == cursor

    drive(session, steps)


def test_moving_is_remembered_and_a_note_saves_when_typing_pauses(session: Session) -> None:
    draft = visits_in_progress(session.store)[0]

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        runner = await resume_latest(pilot)
        await pilot.press("up", "up")
        moved_to = runner.item_id
        assert session.store.load_visit(draft.uuid).cursor == moved_to
        await pilot.press("f2")
        await type_text(pilot, "补充")
        await pilot.pause(1.5)  # longer than the typing pause after which a note is saved
        assert session.store.load_visit(draft.uuid).answers[moved_to].note.endswith("补充")
        assert "已保存" in str(runner.query_one("#save-status").render())

    drive(session, steps)


def test_a_note_before_the_result_is_kept_and_saved_with_it(session: Session) -> None:
    draft = visits_in_progress(session.store)[0]

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        runner = await resume_latest(pilot)
        await pilot.press("f5")  # the next unanswered item
        item_id = runner.item_id
        assert item_id not in runner.visit.answers
        await pilot.press("f2")
        await type_text(pilot, "无台账")
        await pilot.press("escape")
        assert "请先" in str(runner.query_one("#save-status").render())
        await pilot.press("2")
        await pilot.pause()
        answer = session.store.load_visit(draft.uuid).answers[item_id]
        assert (answer.result, answer.note) == (Result.FAIL, "无台账")

    drive(session, steps)


def test_a_failed_item_gets_its_own_severity_and_deadline(session: Session) -> None:
    draft = visits_in_progress(session.store)[0]

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        runner = await resume_latest(pilot)
        await pilot.press("f4")
        assert app.screen is runner  # not a failed item: refused with a message
        await pilot.press("2", "escape", "f4")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#severity").value = Severity.SERIOUS
        dialog.query_one("#deadline", Input).value = "0"
        await pilot.press("f9")
        await pilot.pause()
        answer = session.store.load_visit(draft.uuid).answers[runner.item_id]
        assert (answer.severity_override, answer.deadline_override_days) == (Severity.SERIOUS, 0)
        assert "立行立改" in str(runner.query_one("#detail").render())

    drive(session, steps)


def test_only_failed_items_and_areas(session: Session) -> None:
    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        runner = await resume_latest(pilot)
        items = runner.query_one("#items")
        await pilot.press("f6")
        shown = items.shown_item_ids()
        assert shown and all(runner.visit.answers[i].result is Result.FAIL for i in shown)
        await pilot.press("f6")
        assert len(items.shown_item_ids()) == len(runner.visit.checklist.items)
        areas = list(dict.fromkeys(item.area for item in runner.visit.checklist.items))
        items.select_item(runner.visit.checklist.items[0].id)
        await pilot.press("right")
        assert runner.visit.checklist.item(runner.item_id).area is areas[1]
        await pilot.press("left", "left")
        assert runner.visit.checklist.item(runner.item_id).area is areas[0]

    drive(session, steps)


def test_sign_off_is_blocked_until_every_item_is_settled(session: Session) -> None:
    draft = visits_in_progress(session.store)[0]

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        blockers = len(review._blockers())
        assert blockers > 0
        await pilot.press("f9")
        assert app.screen is review  # refused: no sign-off dialog
        await pilot.press("f4")
        app.screen.query_one("#reason", Input).value = "暴雨停电，余下项目下次检查"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is review and review._blockers() == []
        await pilot.press("f9")
        await settle(pilot)
        app.screen.query_one("#signer", Input).value = "李娜"  # not the lead
        await pilot.press("enter")
        await settle(pilot)
        assert not review.visit.is_sealed
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert review.visit.is_sealed

    drive(session, steps)
    visit = session.store.load_visit(draft.uuid)
    assert visit.is_sealed
    assert sum(a.result is Result.NOT_CHECKED for a in visit.answers.values()) > 0


def test_an_amendment_makes_a_new_sealed_version(session: Session) -> None:
    signed = next(s for s in session.store.visit_summaries() if s.status is VisitStatus.SIGNED_OFF and s.failed)

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        app.screen.open_visit(signed.uuid)
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        old_seal = review.visit.seal
        await pilot.press("f7")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#amend-result").value = Result.PASS
        await pilot.press("f9")
        assert app.screen is dialog  # no reason given yet
        dialog.query_one("#amend-reason", Input).value = "复核现场照片，此项实为合格"
        await pilot.press("f9")
        await settle(pilot)
        assert app.screen is review and review.visit.version == 2
        assert review.visit.amendments[0].supersedes_seal == old_seal

    drive(session, steps)


def test_the_notice_is_written_in_a_worker(session: Session) -> None:
    signed = next(s for s in session.store.visit_summaries() if s.status is VisitStatus.SIGNED_OFF and s.failed)
    notified: list[str] = []

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        app.screen.open_visit(signed.uuid)
        await settle(pilot)
        review = app.screen
        review.notify = lambda message, **_: notified.append(message)  # type: ignore[method-assign]
        await pilot.press("f8")
        await settle(pilot)
        await settle(pilot)
        assert app.screen is review

    drive(session, steps)
    assert notified and "整改通知书" in notified[0]
    assert list((session.store.root).rglob("*.docx"))


def test_a_new_visit_needs_a_site_and_a_reason_for_a_changed_arrival(session: Session) -> None:
    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NewVisitScreen)
        await pilot.press("f9")
        assert app.screen is screen  # no site chosen
        await type_text(pilot, "luyang")
        await pilot.press("enter")
        screen.query_one("#arrival", Input).value = "2026-11-28 15:40"
        await pilot.press("f9")
        assert app.screen is screen  # changed without a reason
        screen.query_one("#arrival-reason", Input).value = "到达时忘记开机，按门卫登记补记"
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)  # the demo has a visit in progress there
        await pilot.press("down", "enter")  # start a new one anyway
        await settle(pilot)
        runner = app.screen
        assert isinstance(runner, RunnerScreen)
        assert runner.visit.arrived_at == "2026-11-28T15:40:00+08:00"
        assert runner.visit.arrival_change_reason.startswith("到达时忘记开机")
        assert runner.visit.site.name == "鲁阳街道敬老院"

    drive(session, steps)
