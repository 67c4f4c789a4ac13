"""Rectification benchmark (issue 6): listing every rectification with its state, and recording one feedback.

The records come from the signed-off visits through the rectification index
(``rectification-index.json``), so neither path reads the visit files once the index is made;
recording a feedback parses only its own rectification's record and events. Measured
in-process at growing numbers of signed-off visits, each with 3 failed items and one feedback
event per item, against reading the visit index alone (``visit_summaries``, what ``visits
list`` does, and what the rectification index is checked against) in the same run. Before the
index (commit ada31be) one feedback took 403 ms and the listing 432 ms at 1,000 visits: both
read every visit file.

    python bench/rectification_bench.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.results import write_section
from inspector.core import visits as rules
from inspector.core.clock import local_date, to_iso
from inspector.core.rectifications import FeedbackStatus
from inspector.core.vocabulary import Result, VisitStatus
from inspector.paths import sample_register
from inspector.services import rectifications as rectification_services
from inspector.services import visits as visit_services
from inspector.services.register import import_register
from inspector.store.store import Store

SIZES = (10, 100, 300, 1000)
RUNS = 5
FAILED_PER_VISIT = 3


def signed_off_template(store: Store) -> rules.Visit:
    visit = visit_services.start_visit(store, "LS-EC-001", lead="张建国")
    for number, item in enumerate(visit.checklist.items):
        failed = number < FAILED_PER_VISIT
        visit_services.record_answer(
            store, visit.uuid, item.id, result=Result.FAIL if failed else Result.PASS, note="问题" if failed else ""
        )
    return visit_services.sign_off_visit(store, visit.uuid, by="张建国")


def grow(store: Store, template: rules.Visit, count: int) -> None:
    """Copies of the template under new ids, resealed, each with feedback on its failed items."""
    events = []
    for _ in range(count):
        copy = replace(template, uuid=str(uuid.uuid4()), seal=None)
        copy = replace(copy, seal=rules.compute_seal(copy))
        store.save_visit(copy)
        at = rules.from_iso(copy.signed_off_at or "") + timedelta(days=1)
        events += [feedback_event(record.id, at) for record in rules.rectifications(copy)]
    rectification_services.apply_remote_events(store, events)


def feedback_event(rectification_id: str, at: datetime) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "rectification_id": rectification_id,
        "kind": "feedback",
        "at": to_iso(at),
        "by": "张建国",
        "payload": {"measures": "已整改", "responsible": "刘", "date": local_date(at).isoformat(), "status": "done"},
    }


def record_one_feedback(store: Store, rectification_id: str) -> None:
    """The user action: one feedback recorded (checked against the state, stored, queued)."""
    rectification_services.record_feedback(
        store,
        rectification_id,
        measures="已整改",
        responsible="刘",
        feedback_date=date(2026, 11, 28),
        status=FeedbackStatus.DONE,
        by="张建国",
    )


def timed(job) -> float:
    samples = []
    for _ in range(RUNS):
        began = time.perf_counter()
        job()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as temp, Store.open(Path(temp) / "data") as store:
        import_register(store, sample_register())
        template = signed_off_template(store)
        stored = 1
        for size in SIZES:
            grow(store, template, size - stored)
            stored = size
            signed = sum(1 for s in store.visit_summaries() if s.status is VisitStatus.SIGNED_OFF)
            index = timed(store.visit_summaries)
            listing = timed(lambda: rectification_services.rectification_views(store))
            count = len(rectification_services.rectification_views(store))
            first = rectification_services.rectification_views(store)[0].id
            feedback = timed(lambda first=first: record_one_feedback(store, first))
            rows.append((signed, count, index, listing, feedback))
    lines = [
        "| signed-off visits | rectifications | index only (baseline) | all rectifications with state "
        "| record one feedback |",
        "|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {visits} | {count} | {index * 1000:.1f} ms | {listing * 1000:.0f} ms | {feedback * 1000:.0f} ms |"
        for visits, count, index, listing, feedback in rows
    ]
    body = (
        f"`services.rectifications.rectification_views` and `record_feedback`, median of {RUNS} runs, "
        f"in-process; each visit has {FAILED_PER_VISIT} failed items with one feedback event each. Both go "
        "through the rectification index and read no visit file; what still grows is checking the index "
        "against the visit index (the baseline column), parsing the events, and rewriting the events file "
        "on each feedback (TinyDB keeps a table in one JSON file). Before the index, at 1,000 visits: "
        "432 ms to list, 403 ms to record one feedback. The home screen and the board list in a worker "
        "thread.\n\n" + "\n".join(lines)
    )
    write_section("Rectifications (issue 6)", body)
    print(body)


if __name__ == "__main__":
    main()
