"""Building rectification records and events for the tests, without a store."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any

from inspector.core.clock import BUREAU_TZ
from inspector.core.rectifications import EventKind, RectificationEvent, make_event
from inspector.core.visits import Rectification
from inspector.core.vocabulary import Area, Severity

VISIT_UUID = "0b1f5c0e-1111-4222-8333-944455556666"
RECORD_ID = f"{VISIT_UUID}/ec-dis-01"
START = datetime(2026, 11, 2, 9, 0, tzinfo=BUREAU_TZ)

_numbers = itertools.count(1)

PAYLOADS: dict[str, tuple[EventKind, dict[str, Any]]] = {
    "issued": (EventKind.ISSUED, {"notice_number": "鲁民督改〔2026〕1号"}),
    "feedback": (
        EventKind.FEEDBACK,
        {"measures": "已补全消毒记录", "responsible": "刘桂兰", "date": "2026-11-05", "status": "done"},
    ),
    "pass": (EventKind.RE_INSPECTED, {"result": "pass", "visit_uuid": "re-visit"}),
    "fail": (EventKind.RE_INSPECTED, {"result": "fail", "visit_uuid": "re-visit"}),
    "reopened": (EventKind.REOPENED, {"due": "2026-12-31"}),
    "closed": (EventKind.CLOSED, {}),
}


def record(due: date = date(2026, 11, 9), deadline_days: int = 7) -> Rectification:
    return Rectification(
        id=RECORD_ID,
        visit_uuid=VISIT_UUID,
        site_id="LS-EC-002",
        site_name="露峰街道敬老院",
        township="露峰街道",
        item_id="ec-dis-01",
        area=Area.DISINFECTION,
        item_text="查阅消毒记录",
        basis="鲁民字〔2022〕22号",
        note="近7日无消毒记录",
        evidence=(),
        severity=Severity.MAJOR,
        deadline_days=deadline_days,
        due=due,
    )


def event(
    name: str,
    *,
    at: datetime | None = None,
    by: str = "张建国",
    event_id: str | None = None,
    rectification_id: str = RECORD_ID,
    **payload: Any,
) -> RectificationEvent:
    """An event of the named step (see PAYLOADS), each a minute after the one before by default."""
    kind, defaults = PAYLOADS[name]
    number = next(_numbers)
    return make_event(
        id=event_id or f"{number:08d}-0000-4000-8000-000000000000",
        rectification_id=rectification_id,
        kind=kind,
        at=at or START + timedelta(minutes=number),
        by=by,
        payload={**defaults, **payload},
    )
