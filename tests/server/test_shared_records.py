"""Every team sees the county's open findings: team A finds three problems, team B re-inspects them
(回头看), and A, B and the server's board show the same thing, item for item, nothing twice."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import docx
import pytest
from sqlalchemy import delete, select

from inspector.core.clock import local_date
from inspector.core.rectifications import EventKind, FeedbackStatus, RectificationState
from inspector.core.vocabulary import Result
from inspector.paths import sample_register
from inspector.server.accounts import Role
from inspector.server.board import open_rectifications
from inspector.server.db import _publish_stored_records, feed
from inspector.server.forwarding import forward_pending
from inspector.server.records import PhotoFolder
from inspector.services import documents
from inspector.services import rectifications as services
from inspector.services import sync as sync_service
from inspector.services import visits as visit_services
from inspector.services.export import write_export
from inspector.services.register import import_register
from inspector.store.store import Store
from inspector.sync.client import BureauClient
from tests.conftest import DEMO_TODAY, CliResult
from tests.rectifications.test_services import reinspect
from tests.server.harness import FAST_RETRY, FAST_TIMEOUT, Bureau, listening_bureau

TODAY = local_date(DEMO_TODAY)
SITE = "LS-EC-002"
NOTES = ("应急预案未修订", "消毒记录缺少经手人签字", "防护物资台账未登记有效期")


class Team:
    """A team's laptop (its own data dir, the sample register) and its lead's account on the server."""

    def __init__(self, root: Path, bureau: Bureau, name: str) -> None:
        self.root = root
        self.bureau = bureau
        self.name = name
        self.token = bureau.enrol(name, Role.LEAD)
        with Store.open(root) as store:
            assert not import_register(store, sample_register()).problems

    def store(self, *, readonly: bool = False) -> Store:
        return Store.open(self.root, readonly=readonly)

    def sync(self) -> sync_service.SyncReport:
        with (
            self.store() as store,
            BureauClient(self.bureau.url, self.token, retry=FAST_RETRY, timeout=FAST_TIMEOUT) as client,
        ):
            report = sync_service.sync(store, client)
        assert report.refused == [], report.refused
        return report

    def views(self) -> dict[str, tuple[str, date, int]]:
        """Each rectification this laptop holds: state, due date, days overdue today."""
        with self.store(readonly=True) as store:
            return {
                view.id: (view.state.value, view.due, view.days_overdue(TODAY))
                for view in services.rectification_views(store)
            }


def finds_three_problems(store: Store, photo: Path) -> str:
    """A visit five days ago at SITE with three failed items (the first with a photo), signed off;
    returns its uuid."""
    arrived = DEMO_TODAY - timedelta(days=5)
    visit = visit_services.start_visit(store, SITE, lead="张建国", members=["李娜"], arrived_at=arrived)
    failing = {item.id: note for item, note in zip(visit.checklist.items[1::5], NOTES, strict=False)}
    for offset, item in enumerate(visit.checklist.items):
        at = arrived + timedelta(minutes=offset + 1)
        note = failing.get(item.id, "")
        result = Result.FAIL if note else Result.PASS
        evidence = [photo] if note == NOTES[0] else []
        visit_services.record_answer(
            store, visit.uuid, item.id, by="李娜", result=result, note=note, add_evidence=evidence, at=at
        )
    visit_services.complete_visit(store, visit.uuid, arrived + timedelta(hours=2))
    visit_services.sign_off_visit(store, visit.uuid, by="张建国", at=arrived + timedelta(hours=2, minutes=5))
    return visit.uuid


def text_of(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


@pytest.fixture
def teams(bureau: Bureau, tmp_path: Path) -> Iterator[tuple[Team, Team]]:
    yield Team(tmp_path / "a", bureau, "甲组组长"), Team(tmp_path / "b", bureau, "乙组组长")


def test_a_finding_of_one_team_is_reinspected_and_closed_by_another(
    teams: tuple[Team, Team], bureau: Bureau, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    a, b = teams
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 a photo taken on site")
    with a.store() as store:
        found = finds_three_problems(store, photo)
    a.sync()  # the visit, and a block of document numbers
    with a.store() as store:
        notice = documents.issue_notice(store, found[:8], tmp_path / "a-notice.docx")
    a.sync()  # the notice's events

    report = b.sync()
    assert report.records_received == 1
    on_b = b.views()
    assert len(on_b) == 3 and {state for state, _, _ in on_b.values()} == {RectificationState.OPEN.value}
    with b.store(readonly=True) as store:
        views = services.rectification_views(store)
        assert {view.record.found_by for view in views} == {"甲组组长"}
        assert {view.notice_number for view in views} == {notice.number}
        assert {view.record.note for view in views} == set(NOTES)
        ordered = sorted(views, key=lambda view: view.id)
    listed = run_cli("--data-dir", b.root, "rectifications", "list")
    assert listed.code == 0 and listed.out.count("〔甲组组长发现〕") == 3, listed.out
    # the photos are not downloaded with the records: one is fetched when it is looked at
    assert not any(path.is_file() for path in (b.root / "evidence").rglob("*"))
    [(with_photo, evidence)] = [(view.id, item) for view in views for item in view.record.evidence]
    with b.store() as store, BureauClient(bureau.url, b.token, retry=FAST_RETRY, timeout=FAST_TIMEOUT) as client:
        sync_service.login(store, client, bureau.url, b.token, None)
    fetched = run_cli("--data-dir", b.root, "rectifications", "photos", with_photo)
    assert fetched.code == 0, fetched.err
    assert Path(fetched.out.strip()).read_bytes() == photo.read_bytes()
    assert Path(fetched.out.strip()).name == evidence.sha256
    feedback, kept, failed = (view.id for view in ordered)

    with b.store() as store:
        services.record_feedback(
            store,
            feedback,
            measures="已修订应急预案并组织演练",
            responsible="王院长",
            feedback_date=TODAY - timedelta(days=1),
            status=FeedbackStatus.DONE,
            by="刘洋",
            at=DEMO_TODAY - timedelta(days=1),
        )
        reinspection = reinspect(store, SITE, {failed: Result.FAIL}, days=0, deadline_days=7)
        follow_up = documents.issue_notice(store, reinspection[:8], tmp_path / "b-follow-up.docx")
    b.sync()
    # B's follow-up notice cites A's original notice, its number and date
    cited = text_of(follow_up.path)
    assert notice.number in cited
    issued = TODAY
    assert f"{issued.year}年{issued.month}月{issued.day}日" in cited

    a.sync()
    on_a = a.views()
    assert sorted(state for state, _, _ in on_a.values()) == ["closed", "closed", "open"]
    assert on_a[failed][:2] == (RectificationState.OPEN.value, TODAY + timedelta(days=7))
    with a.store(readonly=True) as store:
        reopened = services.rectification_view(store, failed)
        assert reopened.notice_number == follow_up.number  # B's follow-up notice, on A's record
        closed = services.rectification_view(store, kept)
        assert closed.closed_by == "乙组组长"
        assert any(
            step.event.kind is EventKind.FEEDBACK for step in services.rectification_view(store, feedback).history
        )

    # the server's board and both laptops agree, item for item; nothing is counted twice
    assert b.views() == on_a
    board = open_rectifications(bureau.database, TODAY)
    still_open = {key: value for key, value in on_a.items() if value[0] != RectificationState.CLOSED.value}
    assert {row.id: (row.state, row.due, row.days_overdue(TODAY)) for row in board} == still_open
    assert [row.id for row in board] == [failed] and board[0].source == "甲组组长"

    # and through the county → province chain: the province's board shows the same, once
    with listening_bureau(tmp_path / "province") as province:
        upstream = BureauClient(province.url, province.enrol("鲁山县民政局", Role.LEAD), retry=FAST_RETRY)
        with upstream:
            report = forward_pending(bureau.database, PhotoFolder(bureau.root / "photos"), upstream, province.url)
        assert report.parked == 0 and report.visits_sent == 2
        at_province = open_rectifications(province.database, TODAY)
        assert {row.id: (row.state, row.due) for row in at_province} == {row.id: (row.state, row.due) for row in board}
        assert [row.source for row in at_province] == ["鲁山县民政局"]


def test_visits_stored_before_records_were_published_are_published_by_the_migration(
    teams: tuple[Team, Team], bureau: Bureau, tmp_path: Path
) -> None:
    a, b = teams
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 a photo taken on site")
    with a.store() as store:
        finds_three_problems(store, photo)
    a.sync()
    with bureau.database.writing() as conn:  # as a server upgraded from before holds them
        published = conn.execute(select(feed.c.key, feed.c.body).where(feed.c.kind == "rect_records")).all()
        conn.execute(delete(feed).where(feed.c.kind == "rect_records"))
        _publish_stored_records(conn)
        again = conn.execute(select(feed.c.key, feed.c.body).where(feed.c.kind == "rect_records")).all()
    assert [tuple(row) for row in again] == [tuple(row) for row in published] and len(published) == 1
    assert b.sync().records_received == 1 and len(b.views()) == 3


def test_the_bulletin_and_the_export_cover_the_other_teams_findings(teams: tuple[Team, Team], tmp_path: Path) -> None:
    a, b = teams
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 a photo taken on site")
    with a.store() as store:
        finds_three_problems(store, photo)
    a.sync()
    b.sync()
    with b.store() as store:
        bulletin = documents.issue_bulletin(
            store, start=TODAY - timedelta(days=7), end=TODAY, output=tmp_path / "通报.docx", fallback_number=True
        )
        written = write_export(store, tmp_path / "导出.csv", "csv", today=TODAY)
    text = text_of(bulletin.path)
    assert "共发现问题3个" in text
    # A's visit was five days ago: those of its items past their due date are listed as overdue
    with b.store(readonly=True) as store:
        overdue = [view for view in services.rectification_views(store) if view.overdue_on(TODAY)]
    assert overdue and f"仍有{len(overdue)}个问题逾期未整改销号" in text
    assert all(view.record.note in text for view in overdue)
    rows = list(csv.DictReader(io.StringIO(written[2].read_text(encoding="utf-8-sig"))))
    assert [row["发现问题的检查组"] for row in rows] == ["甲组组长"] * 3
