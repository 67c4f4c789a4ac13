"""The demo: a sample register and visits in every state, so the app can be tried at once."""

from __future__ import annotations

import struct
import zlib
from datetime import datetime, timedelta
from pathlib import Path

from inspector.core.clock import BUREAU_TZ, from_iso, local_date, now
from inspector.core.rectifications import FeedbackStatus
from inspector.core.vocabulary import Area, Result, VisitStatus
from inspector.paths import sample_register
from inspector.services import rectifications as rectification_services
from inspector.services import visits as visit_services
from inspector.services.register import import_register
from inspector.store.store import Store

LEAD = "张建国"
MEMBERS = ("李娜", "王强")

# What a team would write for a failed item in each area.
FAILURE_NOTES = {
    Area.MECHANISM: "应急预案仍为2021年版本，未结合本单位实际修订，未见印发文件。",
    Area.DISINFECTION: "消毒记录台账只记到11月20日，近7日无消毒记录，无经手人签字。",
    Area.DUTY: "值班表未张贴上墙，现场值班人员与排班表不一致，带班领导不在岗。",
    Area.STOCKPILES: "防护物资台账未登记有效期，库存医用口罩约200只，不足7日用量。",
    Area.EDUCATION: "本年度仅开展1次培训，无签到表和培训记录，工作人员对四早要求不熟悉。",
}

# (site id, days before today, arrival hour, how far the visit has gone, how many items fail)
DEMO_VISITS = (
    ("LS-EC-001", 0, 9, VisitStatus.DRAFT, 3),
    ("LS-TW-002", 1, 14, VisitStatus.COMPLETED, 2),
    ("LS-EC-002", 12, 10, VisitStatus.SIGNED_OFF, 5),
    ("LS-MR-001", 40, 9, VisitStatus.SIGNED_OFF, 2),
    ("LS-FU-001", 25, 15, VisitStatus.SIGNED_OFF, 0),
)


# The unit's feedback on some failed items of a signed-off visit: (site id, area of the item,
# measures taken, person responsible, status, days after sign-off). The rest stay open, and
# the oldest visit's items are overdue, so the rectification loop shows every state but closed.
DEMO_FEEDBACK = (
    (
        "LS-EC-002",
        Area.MECHANISM,
        "已修订应急预案并印发，明确各环节责任人和联系电话。",
        "刘桂兰",
        FeedbackStatus.DONE,
        5,
    ),
    ("LS-EC-002", Area.STOCKPILES, "已补购医用口罩2000只，台账补登有效期。", "王志刚", FeedbackStatus.IN_PROGRESS, 6),
)


def demo_is_empty(store: Store) -> bool:
    return not store.sites() and not store.visit_uuids()


def fill_demo(store: Store, *, today: datetime | None = None, photo_dir: Path | None = None) -> int:
    """Fill an empty data dir with the sample register and demo visits; returns the visits made."""
    today = (today or now()).astimezone(BUREAU_TZ)
    report = import_register(store, sample_register())
    if report.problems:
        raise ValueError(f"the sample register does not import: {report.problems[:3]}")
    photo = _demo_photo(photo_dir or store.root / "damaged")
    made = 0
    for site_id, days_ago, hour, status, failures in DEMO_VISITS:
        if store.site(site_id) is None:
            continue
        arrived = (today - timedelta(days=days_ago)).replace(hour=hour, minute=10, second=0, microsecond=0)
        # early in the morning "today at nine" is still to come: a demo visit never starts in the future
        arrived = min(arrived, today - timedelta(days=days_ago, hours=2))
        _demo_visit(store, site_id, arrived, status, failures, photo)
        made += 1
    _demo_feedback(store, photo)
    photo.unlink(missing_ok=True)
    return made


def _demo_visit(store: Store, site_id: str, arrived: datetime, status: VisitStatus, failures: int, photo: Path) -> None:
    visit = visit_services.start_visit(store, site_id, lead=LEAD, members=MEMBERS, arrived_at=arrived)
    items = visit.checklist.items
    # a draft stops half way; the others answer everything
    answered = items[: len(items) // 2] if status is VisitStatus.DRAFT else items
    step = max(1, len(answered) // max(failures, 1))
    failing = {item.id for item in answered[1::step][:failures]}
    for offset, item in enumerate(answered):
        at = arrived + timedelta(minutes=2 + offset)
        by = MEMBERS[offset % len(MEMBERS)]
        if item.id in failing:
            visit_services.record_answer(
                store,
                visit.uuid,
                item.id,
                by=by,
                at=at,
                result=Result.FAIL,
                note=FAILURE_NOTES[item.area],
                add_evidence=[photo],
            )
        else:
            result = Result.NOT_APPLICABLE if offset % 17 == 16 else Result.PASS
            visit_services.record_answer(store, visit.uuid, item.id, by=by, at=at, result=result)
    if status is VisitStatus.DRAFT:
        return
    departed = arrived + timedelta(minutes=len(items) + 20)
    visit_services.complete_visit(store, visit.uuid, departed)
    if status is VisitStatus.SIGNED_OFF:
        visit_services.sign_off_visit(store, visit.uuid, by=LEAD, at=departed + timedelta(minutes=5))


def _demo_feedback(store: Store, photo: Path) -> None:
    views = rectification_services.rectification_views(store)
    for site_id, area, measures, responsible, status, days_after in DEMO_FEEDBACK:
        view = next((v for v in views if v.record.site_id == site_id and v.record.area is area), None)
        if view is None:
            continue
        signed_off_at = store.load_visit(view.record.visit_uuid).signed_off_at or ""
        at = from_iso(signed_off_at) + timedelta(days=days_after)
        rectification_services.record_feedback(
            store,
            view.id,
            measures=measures,
            responsible=responsible,
            feedback_date=local_date(at),
            status=status,
            by=LEAD,
            evidence_files=[photo] if status is FeedbackStatus.DONE else [],
            at=at,
        )


def _demo_photo(folder: Path) -> Path:
    """A small grey PNG standing for a photo taken on site."""
    width, height = 64, 48
    rows = b"".join(b"\x00" + bytes([200, 200, 200]) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "现场照片.png"
    path.write_bytes(png)
    return path
