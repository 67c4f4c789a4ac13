"""A laptop's data folder after years of work, made with the project's own rules, fast.

``generate(root, count)`` writes ``count`` signed-off visits (60 answers each, 0–6 failed items,
arrivals spread over two years before the demo's day, every site of the sample register), their
sealed bytes and outbox entries, the unit's feedback on a third of the rectifications, and a
few completed visits waiting for sign-off. Each visit is made by ``core.visits`` (start, answer,
complete, sign off: the real seal), but the files are written directly, without fsync, instead
of through the services one action at a time (which would take hours at 100,000).

    python bench/population.py DIR --visits 10000
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid as uuid_module
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inspector.core import visits as rules
from inspector.core.canonical import sha256_hex
from inspector.core.clock import BUREAU_TZ, local_date, to_iso
from inspector.core.visits import Answer, summarize
from inspector.core.vocabulary import Result
from inspector.paths import sample_register
from inspector.services import rectifications as rectification_services
from inspector.services.checklists import checklist_for_kind
from inspector.services.register import import_register
from inspector.store.journal import Journal
from inspector.store.migrations import EVENTS_FILE, INDEX_FILE, OUTBOX_FILE, RECTIFICATION_INDEX_FILE
from inspector.store.store import Store
from inspector.store.tinydb_storage import encode

TODAY = datetime(2026, 11, 28, 16, 30, tzinfo=BUREAU_TZ)
SPAN_DAYS = 730
DRAFTS = 20
CLOSED_SHARE = 0.9
CLOSED_BEFORE = timedelta(days=60)
NOTES = ("消防器材过期未更换", "值班记录缺页", "消毒台账不全", "应急预案未修订", "食品留样不规范", "培训记录缺失")


def make_visit(site, checklist, number: int, answers: int, *, sign: bool = True) -> rules.Visit:
    arrived = TODAY - timedelta(days=(number * 7919) % SPAN_DAYS + 1, hours=number % 5)
    visit = rules.start_visit(
        uuid=str(uuid_module.uuid4()),
        site=site,
        checklist=checklist,
        lead="张建国",
        members=("李娜", "王强"),
        arrived_at=arrived,
    )
    items = visit.checklist.items
    failures = number % 7
    for offset in range(max(answers, len(items))):  # fewer would leave the visit unsignable
        item = items[offset % len(items)]
        failed = offset % len(items) < failures  # the items answered twice keep their result
        visit = rules.record_answer(
            visit,
            Answer(
                item_id=item.id,
                result=Result.FAIL if failed else Result.PASS,
                by="李娜",
                at=to_iso(arrived + timedelta(minutes=offset)),
                note=f"{NOTES[(number + offset) % len(NOTES)]}（第{number}次）" if failed else "",
            ),
        )
    visit = rules.complete(visit, arrived + timedelta(hours=2))
    return rules.sign_off(visit, "张建国", arrived + timedelta(hours=2, minutes=5)) if sign else visit


def event(rectification_id: str, kind: str, at: datetime, payload: dict) -> dict:
    return {
        "id": str(uuid_module.uuid4()),
        "rectification_id": rectification_id,
        "kind": kind,
        "at": to_iso(at),
        "by": "张建国",
        "reason": "",
        "evidence": [],
        "payload": payload,
    }


def life_of(record: rules.Rectification, signed_off: datetime, number: int, closed_share: float) -> list[dict]:
    """The events of one rectification: closed, with feedback, or none."""
    feedback_at = signed_off + timedelta(days=3)
    feedback = {
        "measures": "已整改",
        "responsible": "刘",
        "date": local_date(feedback_at).isoformat(),
        "status": "done",
    }
    if record.due < (TODAY - CLOSED_BEFORE).date() and (number % 100) < closed_share * 100:
        checked_at = signed_off + timedelta(days=20)
        return [
            event(record.id, "feedback", feedback_at, feedback),
            event(record.id, "re_inspected", checked_at, {"result": "pass", "visit_uuid": str(uuid_module.uuid4())}),
            event(record.id, "closed", checked_at + timedelta(minutes=1), {}),
        ]
    return [event(record.id, "feedback", feedback_at, feedback)] if number % 3 == 0 else []


def generate(root: Path, count: int, answers: int = 60, closed_share: float = CLOSED_SHARE) -> None:
    with Store.open(root) as store:
        import_register(store, sample_register())
        sites = store.sites()
        checklists = {kind: checklist_for_kind(store, kind) for kind in {site.kind for site in sites}}
    summaries, outbox, events, index_rows = [], [], [], []
    for number in range(count + DRAFTS):
        site = sites[number % len(sites)]
        visit = make_visit(site, checklists[site.kind], number, answers, sign=number < count)
        (root / "visits" / f"{visit.uuid}.json").write_bytes(encode({"visit": {"1": visit.to_dict()}}))
        summaries.append(summarize(visit).to_dict())
        if not visit.is_sealed:
            continue
        frozen = rules.sealed_bytes(visit)
        (root / "sealed" / f"{visit.uuid}.v1.json").write_bytes(frozen)
        key = f"{visit.uuid}.v1"
        outbox.append(  # as a sign-off queues it (services.visits), the frozen bytes' hash with it
            {"_entry": f"visit/{key}", "kind": "visit", "key": key, "uuid": visit.uuid, "version": 1}
            | {"seal": visit.seal, "sha256": sha256_hex(frozen), "state": "pending"}
        )
        index_rows.append(rectification_services._index_row(visit))
        signed_off = rules.from_iso(visit.signed_off_at or "")
        for index, record in enumerate(rules.rectifications(visit)):
            for made in life_of(record, signed_off, number + index, closed_share):
                events.append({"id": made["id"], "origin": "remote", "event": made})
    for name, key, records in (
        (INDEX_FILE, "uuid", summaries),
        (OUTBOX_FILE, "_entry", outbox),
        (EVENTS_FILE, "id", events),
        (RECTIFICATION_INDEX_FILE, "uuid", index_rows),
    ):
        Journal(root / name, name.removesuffix(".jsonl"), key, readonly=False).create(records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", type=Path)
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--answers", type=int, default=60, help="answers per visit (at least one per item)")
    parser.add_argument("--closed", type=float, default=CLOSED_SHARE, help="share of old items closed")
    args = parser.parse_args()
    began = time.perf_counter()
    generate(args.root, args.visits, args.answers, args.closed)
    print(f"{args.visits} visits in {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()


def as_version_1(source: Path, target: Path) -> None:
    """A copy of ``source`` in the layout of schema version 1 (whole-file TinyDB tables), for
    measuring the code before the journals on the same data."""
    import json
    import shutil

    shutil.copytree(source, target)
    for journal_name, key, old_name, table in (
        (INDEX_FILE, "uuid", "index.json", "visits"),
        (OUTBOX_FILE, "_entry", "outbox.json", "outbox"),
        (EVENTS_FILE, "id", "rectifications.json", "events"),
        (RECTIFICATION_INDEX_FILE, "uuid", "rectification-index.json", "visits"),
    ):
        journal = Journal(target / journal_name, journal_name.removesuffix(".jsonl"), key, readonly=True)
        rows = [{k: v for k, v in row.items() if k != "_entry"} for row in journal.records().values()]
        if old_name == "rectifications.json":
            rows = [{"origin": row["origin"], "event": row["event"]} for row in rows]
        tables = {table: {str(n): row for n, row in enumerate(rows, start=1)}}
        (target / old_name).write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")
        (target / journal_name).unlink()
    (target / "meta.json").write_text('{"app": "inspector", "schema_version": 1}', encoding="utf-8")
