"""Home names the team's round (本轮待检 N 家 with its window) and the items due soon or overdue."""

from __future__ import annotations

import msgspec
from textual.pilot import Pilot
from tinydb.table import Document

from inspector import wire
from inspector.services.reminders import set_reminder_days
from inspector.services.rounds import ASSIGNMENTS, HELD, ROUNDS_FILE
from inspector.tui.app import InspectorApp
from inspector.tui.session import Session
from tests.tui.conftest import drive, settle


def test_home_says_how_many_sites_of_the_round_wait_and_what_is_due(session: Session) -> None:
    sites = [site for site in session.store.sites()][:3]
    held = [
        wire.Assignment(
            "r-1",
            "十二月抽查",
            1,
            "2026-12-01",
            "2026-12-20",
            site.id,
            site.name,
            site.township,
            site.kind.value,
            ["张三", "李四"],
        )
        for site in sites
    ]
    session.store.db(ROUNDS_FILE).table(ASSIGNMENTS).upsert(Document({"items": msgspec.to_builtins(held)}, doc_id=HELD))
    set_reminder_days(session.store, 0)

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await settle(pilot)
        title = str(app.screen.query_one("#home-title").render())
        assert "本轮待检 3 家（12月1日～12月20日）" in title
        assert "将到期" in title and "逾期" in title

    drive(session, steps)
