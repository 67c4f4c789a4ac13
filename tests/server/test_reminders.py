"""Reminders and 催办 against a real server: the county's items due soon and overdue per township and
team; a 催办通知 per township, numbered in order, read back; each chase on the rectification's history,
once, and on the laptops after their next sync."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector.core.clock import local_date, now
from inspector.core.errors import DomainError
from inspector.core.rectifications import EventKind, advance, initial_view, make_event
from inspector.core.reminders import Urgency, chase_event_id
from inspector.server.db import feed
from inspector.server.reminders import chased
from inspector.server.rounds import register_townships
from inspector.services.rectifications import find_rectifications
from inspector.services.reminders import chased_on_laptop
from inspector.store.store import Store
from inspector.sync.errors import Refused
from tests.documents.conftest import Docx
from tests.server.harness import Bureau
from tests.server.test_crashes import _sync
from tests.server.test_rounds import REGISTER


@pytest.fixture
def county(run_cli: Callable, bureau: Bureau, laptop: Callable[..., Path]) -> tuple[Bureau, Path]:
    """The demo laptop's visits on the bureau server, with the register published."""
    assert run_cli(*bureau.server_cli("publish-register", REGISTER)).code == 0
    root = laptop("team-a")
    assert _sync(root, bureau.url, bureau.tokens["lead"]) == "synced"
    return bureau, root


def test_due_soon_and_overdue_per_township_and_team(run_cli: Callable, county) -> None:
    bureau, root = county
    today = local_date(now())
    found = chased(bureau.database, today, 3)
    assert {item.urgency for item in found} == {Urgency.OVERDUE, Urgency.DUE_SOON}
    assert all(item.team == "lead-user" for item in found)
    for item in found:
        assert (item.due < today) == (item.urgency is Urgency.OVERDUE)
        assert item.due <= today + timedelta(days=3)
    # the laptop sees the same items from its own rectifications
    with Store.open(root, readonly=True) as store:
        mine = chased_on_laptop(store, today, 3)
    assert {item.rectification_id for item in mine} == {item.rectification_id for item in found}
    listed = run_cli(*bureau.server_cli("reminders", "--json"))
    assert {row["rectification_id"] for row in json.loads(listed.out)} == {item.rectification_id for item in found}
    by_township = run_cli(*bureau.server_cli("reminders"))
    assert by_township.code == 0 and "逾期" in by_township.out
    assert run_cli(*bureau.server_cli("reminders", "--by-team")).out.count("lead-user：") == 1
    assert run_cli("--data-dir", root, "reminders", "--within", "0").code == 0
    with pytest.raises(SystemExit) as refused:
        run_cli("--data-dir", root, "reminders", "--within", "999")
    assert refused.value.code == 2


def test_urge_issues_one_numbered_notice_per_township_and_records_it(run_cli: Callable, county, tmp_path: Path) -> None:
    bureau, root = county
    today = local_date(now())
    overdue = [item for item in chased(bureau.database, today, 0) if item.urgency is Urgency.OVERDUE]
    townships = {item.township for item in overdue}
    out = tmp_path / "urges"
    out.mkdir()
    issued = run_cli(*bureau.server_cli("urge", "--by", "admin-user", "-o", out))
    assert issued.code == 0, issued.err
    files = sorted(out.glob("*.docx"))
    assert len(files) == len(townships)
    numbered = {int(re.search(r"〔2026〕(\d+)号", path.name).group(1)): path.name for path in files}
    assert sorted(numbered) == list(range(1, len(townships) + 1))
    # in the register's order of the townships
    order = register_townships(bureau.database)
    in_order = [next(name for name in townships if name in numbered[number]) for number in sorted(numbered)]
    assert in_order == sorted(townships, key=order.index)
    for path in files:
        document = Docx(path.read_bytes())
        township = next(name for name in townships if name in path.name)
        mine = [item for item in overdue if item.township == township]
        assert re.search(r"鲁民督催〔2026〕\d+号", document.text)
        assert "加快整改逾期问题的通知" in document.text.replace("\n", "")
        assert f"{township}" in document.text and "特此通知" in document.text
        for item in mine:
            assert item.site_name in document.text and item.item_text[:20] in document.text
    with bureau.database.reading() as conn:
        bodies = [
            json.loads(body) for body in conn.execute(select(feed.c.body).where(feed.c.kind == "rect_event")).scalars()
        ]
    urged = [body for body in bodies if body["kind"] == "urged"]
    assert {body["rectification_id"] for body in urged} == {item.rectification_id for item in overdue}
    assert all(body["signed_by"] == "admin-user" for body in urged)
    # again the same day: the same numbers, nothing recorded twice
    again = run_cli(*bureau.server_cli("urge", "--by", "admin-user", "-o", out))
    assert again.code == 0 and sorted(out.glob("*.docx")) == files
    with bureau.database.reading() as conn:
        count = conn.execute(select(feed.c.seq).where(feed.c.kind == "rect_event")).all()
    assert len(count) == len(bodies)
    # the laptop's next sync puts the 催办 on each item's history
    assert _sync(root, bureau.url, bureau.tokens["lead"]) == "synced"
    with Store.open(root, readonly=True) as store:
        views = {view.id: view for view in find_rectifications(store, today=today)}
    for item in overdue:
        assert EventKind.URGED in {step.event.kind for step in views[item.rectification_id].history}


def test_reminders_recorded_once_per_deadline(run_cli: Callable, county) -> None:
    bureau, _ = county
    first = run_cli(*bureau.server_cli("reminders", "--record", "admin-user"))
    recorded = int(re.search(r"新记录提醒 (\d+) 项", first.out).group(1))
    assert recorded == sum(item.urgency is Urgency.DUE_SOON for item in chased(bureau.database, local_date(now()), 3))
    assert recorded > 0
    second = run_cli(*bureau.server_cli("reminders", "--record", "admin-user"))
    assert "新记录提醒 0 项" in second.out
    unknown = run_cli(*bureau.server_cli("urge", "--by", "nobody", "-o", "."))
    assert unknown.code == 1 and "nobody" in unknown.err


def test_the_rules_of_chasing(demo_store: Store) -> None:
    """A 催办 only after the due date, each chasing the due date that stands; no state changes."""
    today = local_date(now())
    view = find_rectifications(demo_store, today=today)[0]
    start = initial_view(view.record)
    due = start.due

    def chase(kind: EventKind, day: date, payload: dict[str, str]):
        at = now().replace(year=day.year, month=day.month, day=day.day)
        return make_event(
            id=chase_event_id(view.id, kind, day.isoformat()),
            rectification_id=view.id,
            kind=kind,
            at=at,
            by="局办公室",
            payload=payload,
        )

    early = chase(EventKind.URGED, due, {"notice_number": "鲁民督催〔2026〕1号", "due": due.isoformat()})
    with pytest.raises(DomainError) as refused:
        advance(start, early)
    assert refused.value.code == "rectification.urged_before_due"
    late = chase(
        EventKind.URGED, due + timedelta(days=2), {"notice_number": "鲁民督催〔2026〕1号", "due": due.isoformat()}
    )
    after = advance(start, late)
    assert after.state is start.state and after.history[-1].event.kind is EventKind.URGED
    stale = chase(EventKind.REMINDED, due, {"due": (due - timedelta(days=9)).isoformat()})
    with pytest.raises(DomainError) as other_due:
        advance(start, stale)
    assert other_due.value.code == "rectification.chasing_other_due"


def test_no_team_may_record_a_reminder_or_a_催办(county) -> None:
    """A hostile lead holding a valid token cannot put a fake 催办 on a rectification's history."""
    bureau, _ = county
    today = local_date(now())
    item = next(item for item in chased(bureau.database, today, 0) if item.urgency is Urgency.OVERDUE)
    number = "鲁民督催〔2026〕99号"
    event = make_event(
        id=chase_event_id(item.rectification_id, EventKind.URGED, number),
        rectification_id=item.rectification_id,
        kind=EventKind.URGED,
        at=now(),
        by="冒充者",
        payload={"notice_number": number, "due": item.due.isoformat()},
    )
    body = json.dumps(event.to_dict(), ensure_ascii=False).encode("utf-8")
    with bureau.client("lead") as client, pytest.raises(Refused) as refused:
        client.put_event(event.id, body)
    assert (refused.value.status, refused.value.code) == (403, "event_forbidden")
    with bureau.database.reading() as conn:
        assert conn.execute(select(feed.c.seq).where(feed.c.key == event.id)).first() is None
