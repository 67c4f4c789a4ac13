"""An id with '? # / %', a space and Chinese goes laptop → county → province unchanged: every path
segment the client builds is percent-encoded, and the server reads it back whole."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector.core.rectifications import FeedbackStatus, RectificationState
from inspector.server.db import feed
from inspector.server.forwarding import forward_pending
from inspector.server.records import PhotoFolder
from inspector.services import rectifications as services
from inspector.services import sync as sync_service
from inspector.store.store import Store
from tests.conftest import DEMO_TODAY
from tests.server.harness import Bureau, ThreadServer, make_bureau

ODD_ID = "反馈 a?b#c/d%2Fe%f 中文"


def _event_keys(bureau: Bureau) -> set[str]:
    with bureau.database.reading() as conn:
        return set(conn.execute(select(feed.c.key).where(feed.c.kind == "rect_event")).scalars())


def test_an_odd_event_id_goes_from_laptop_to_county_to_province(
    bureau: Bureau, tmp_path: Path, laptop: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    county = make_bureau(tmp_path / "county")
    county_server = ThreadServer(county.app).start()
    county.url = county_server.url
    root = laptop("a")
    try:
        with Store.open(root) as store:
            view = next(v for v in services.rectification_views(store) if v.state is RectificationState.OPEN)
            monkeypatch.setattr(services, "_new_id", lambda: ODD_ID)
            services.record_feedback(
                store,
                view.id,
                measures="已整改",
                responsible="刘桂兰",
                feedback_date=DEMO_TODAY.date(),
                status=FeedbackStatus.DONE,
                by="张建国",
                at=DEMO_TODAY,
            )
            with county.client() as client:
                report = sync_service.sync(store, client)
        assert report.refused == [] and ODD_ID in _event_keys(county)
        with bureau.client() as client:
            forwarded = forward_pending(county.database, PhotoFolder(county.config.photo_dir), client, bureau.url)
        assert forwarded.parked == 0 and ODD_ID in _event_keys(bureau)
        assert _event_keys(bureau) == _event_keys(county)
    finally:
        county_server.stop()
        county.database.dispose()
