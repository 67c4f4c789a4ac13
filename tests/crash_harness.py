"""kill -9 a process that is saving answers (or recording events and receipts, or rebuilding the
index), then check nothing acknowledged was lost.

The child records answers one after another and prints ``ACK <n> <item> <result>`` only after
``record_answer`` has returned, i.e. after the store said the answer is saved. The parent kills
it with SIGKILL at a random moment, reopens the data dir and checks that every file reads and
that every acknowledged answer (or a later one) is there. Used by tests/test_crash.py (a few
dozen trials) and bench/store_bench.py (a thousand).

The signing child (``sign``) signs visits off and amends them, one after another; after its
death the parent opens the data dir as the app does, amends every signed-off visit once more (a
lead correcting after the crash) and checks that every version ever signed off still has its
frozen bytes and its outbox entry: a version missing there would never reach the server.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

CHILD = Path(__file__).resolve()
RESULTS = ("pass", "fail", "na")


@dataclass(frozen=True)
class TrialResult:
    acknowledged: int
    lost: int
    unreadable: list[str]
    problems: list[str]


def prepare(data_dir: Path) -> str:
    """A data dir with the sample register and one visit started; returns the visit's uuid."""
    from inspector.paths import sample_register
    from inspector.services.register import import_register
    from inspector.services.visits import start_visit
    from inspector.store.store import Store

    with Store.open(data_dir) as store:
        import_register(store, sample_register())
        return start_visit(store, "LS-EC-001", lead="张建国", members=["李娜"]).uuid


def run_trial(data_dir: Path, uuid: str, rng: random.Random) -> TrialResult:
    lines = _run_killed([str(data_dir), uuid, str(rng.randrange(1 << 30))], rng, longest=0.25)
    acknowledged: dict[str, tuple[int, str]] = {}
    for parts in lines:
        if len(parts) == 4 and parts[0] == "ACK":
            acknowledged[parts[2]] = (int(parts[1]), parts[3])
    return check(data_dir, uuid, acknowledged)


def check(data_dir: Path, uuid: str, acknowledged: dict[str, tuple[int, str]]) -> TrialResult:
    from inspector.store.store import Store

    unreadable = _unreadable_json(data_dir)
    with Store.open(data_dir) as store:
        problems = [p.path for p in store.problems]
        answers = store.load_visit(uuid).answers
    lost = 0
    for item_id, (sequence, result) in acknowledged.items():
        answer = answers.get(item_id)
        # the stored answer must be the acknowledged one or a later one (its note carries the sequence)
        if (
            answer is None
            or int(answer.note or 0) < sequence
            or (int(answer.note) == sequence and answer.result.value != result)
        ):
            lost += 1
    return TrialResult(len(acknowledged), lost, unreadable, problems)


def child_main(data_dir: str, uuid: str, seed: str) -> None:
    from inspector.core.vocabulary import Result
    from inspector.services.visits import record_answer
    from inspector.store.store import Store

    rng = random.Random(int(seed))
    store = Store.open(Path(data_dir))
    items = [item.id for item in store.load_visit(uuid).checklist.items]
    sequence = int(max((a.note for a in store.load_visit(uuid).answer_log), key=int, default="0"))
    print("READY", flush=True)
    while True:
        sequence += 1
        item_id = rng.choice(items)
        result = rng.choice(RESULTS)
        record_answer(store, uuid, item_id, result=Result(result), note=str(sequence))
        print(f"ACK {sequence} {item_id} {result}", flush=True)


# -- rectification events and receipts (journals, with the outbox's compaction and archive) ----


def prepare_journals(data_dir: Path) -> None:
    """The demo's data: signed-off visits with open rectifications to record feedback on."""
    from inspector.core.clock import from_iso
    from inspector.services.demo import fill_demo
    from inspector.store.store import Store

    with Store.open(data_dir) as store:
        fill_demo(store, today=from_iso(os.environ.get("INSPECTOR_NOW", "2026-11-28T16:30:00+08:00")))


def run_journal_trial(data_dir: Path, rng: random.Random) -> TrialResult:
    """Kill a child recording feedback and receipts; every acknowledged event and receipt must be there."""
    lines = _run_killed(["journals", str(data_dir), str(rng.randrange(1 << 30))], rng, 0.4)
    events = {parts[1] for parts in lines if len(parts) == 2 and parts[0] == "EVENT"}
    receipts = {parts[1]: parts[2] for parts in lines if len(parts) == 3 and parts[0] == "RECEIPT"}
    from inspector.services.rectifications import stored_events
    from inspector.store.store import Store

    unreadable = _unreadable_json(data_dir)
    with Store.open(data_dir) as store:
        problems = [p.path for p in store.problems]
        stored = {event.id for event in stored_events(store)}
        outbox = {entry["key"]: entry for entry in store.outbox() if entry["kind"] == "rect_event"}
    lost = len(events - stored) + len(events - outbox.keys())
    lost += sum(1 for key, receipt in receipts.items() if str(outbox.get(key, {}).get("receipt")) != receipt)
    return TrialResult(len(events) + len(receipts), lost, unreadable, problems)


def journals_child(data_dir: str, seed: str) -> None:
    from datetime import date

    from inspector.core.rectifications import FeedbackStatus
    from inspector.services.rectifications import record_feedback, rectification_views
    from inspector.store.store import Store

    rng = random.Random(int(seed))
    store = Store.open(Path(data_dir))
    open_ids = [view.id for view in rectification_views(store) if view.is_open]
    print("READY", flush=True)
    while True:
        view = record_feedback(
            store,
            rng.choice(open_ids),
            measures="已整改",
            responsible="刘",
            feedback_date=date(2026, 11, 28),
            status=FeedbackStatus.IN_PROGRESS,
            by="张建国",
        )
        print(f"EVENT {view.history[-1].event.id}", flush=True)
        if rng.random() < 0.3:  # the server's receipts for what waits, as a sync records them
            waiting = [entry for entry in store.unsent_outbox() if entry["kind"] == "rect_event"]
            receipts = [{**entry, "state": "sent", "receipt": rng.randrange(1 << 20)} for entry in waiting]
            store.put_outbox_many(receipts)
            for entry in receipts:
                print(f"RECEIPT {entry['key']} {entry['receipt']}", flush=True)


# -- signing off and amending --------------------------------------------------------------


def run_signing_trial(data_dir: Path, rng: random.Random, *, in_window: bool = False) -> list[str]:
    """One signing child killed at a random moment, or, ``in_window``, by itself right after its
    first sign-off saved the visit file and before the version was queued; returns the versions lost."""
    mode = "window" if in_window else "random"
    arguments = ["sign", str(data_dir), str(rng.randrange(1 << 30)), mode]
    if in_window:
        _start_child(arguments).communicate()
    else:
        _run_killed(arguments, rng, longest=0.4)
    return lost_versions(data_dir)


def lost_versions(data_dir: Path) -> list[str]:
    from inspector.core.vocabulary import VisitStatus
    from inspector.services.outbox import ensure_outbox
    from inspector.services.visits import amend_visit
    from inspector.store.errors import StoreError
    from inspector.store.store import Store

    with Store.open(data_dir) as store:
        signed = [s.uuid for s in store.visit_summaries() if s.status is VisitStatus.SIGNED_OFF]
        for uuid in signed:  # from the command line, say: nothing else ran first
            _amend(store, uuid, amend_visit)
        ensure_outbox(store)  # what the next sync (or opening the app) does
        queued = {entry["key"] for entry in store.outbox() if entry["kind"] == "visit"}
        lost = []
        for uuid in signed:
            for version in range(1, store.load_visit(uuid).version + 1):
                key = f"{uuid}.v{version}"
                try:
                    store.sealed(uuid, version)
                except StoreError:
                    lost.append(f"{key} (no frozen bytes)")
                    continue
                if key not in queued:
                    lost.append(f"{key} (not queued)")
    return lost


def _amend(store: object, uuid: str, amend_visit: object) -> None:
    from dataclasses import replace

    visit = store.load_visit(uuid)  # type: ignore[attr-defined]
    answer = visit.answers[visit.checklist.items[0].id]
    correction = replace(answer, note=f"更正 {visit.version}")
    amend_visit(store, uuid, by=visit.lead, reason="复核后更正", answers=[correction])  # type: ignore[operator]


def signing_child_main(data_dir: str, seed: str, mode: str) -> None:
    from inspector.core.vocabulary import Result
    from inspector.services import visits as visit_services
    from inspector.store.store import Store

    rng = random.Random(int(seed))
    store = Store.open(Path(data_dir))
    if mode == "window":
        # the app dies after the visit file says "signed off", before the version is queued
        visit_services.queue_signed_version = lambda *_: os.kill(os.getpid(), signal.SIGKILL)  # type: ignore[assignment]
    print("READY", flush=True)
    while True:
        visit = visit_services.start_visit(store, "LS-EC-001", lead="张建国", members=["李娜"])
        for item in visit.checklist.items:
            visit_services.record_answer(store, visit.uuid, item.id, result=Result.PASS)
        visit_services.sign_off_visit(store, visit.uuid, by="张建国")
        for _ in range(rng.randrange(3)):
            _amend(store, visit.uuid, visit_services.amend_visit)
        print(f"SIGNED {visit.uuid}", flush=True)


# -- the index rebuild -------------------------------------------------------------------------


def run_rebuild_trial(data_dir: Path, rng: random.Random) -> TrialResult:
    """Kill a child rebuilding a damaged index; afterwards every visit file must be listed."""
    (data_dir / "index.jsonl").write_bytes(b"")
    _run_killed(["rebuild", str(data_dir)], rng, 0.15)
    from inspector.store.store import Store

    unreadable = _unreadable_json(data_dir)
    files = {path.stem for path in (data_dir / "visits").glob("*.json")}
    with Store.open(data_dir, readonly=True) as store:
        listed = set(store.visit_uuids())
        problems = [p.path for p in store.problems if not p.path.endswith("index.jsonl")]
    return TrialResult(len(files), len(files ^ listed), unreadable, problems)


def rebuild_child(data_dir: str) -> None:
    from inspector.store.store import Store

    print("READY", flush=True)
    while True:
        with Store.open(Path(data_dir)) as store:
            store.rebuild_index()


def _start_child(arguments: list[str]) -> subprocess.Popen[str]:
    """This file run as a child with ``arguments``, once it says it is READY."""
    child = subprocess.Popen(
        [sys.executable, str(CHILD), *arguments], stdout=subprocess.PIPE, text=True, encoding="utf-8"
    )
    assert child.stdout is not None
    ready = child.stdout.readline()
    if ready.strip() != "READY":
        child.kill()
        raise RuntimeError(f"child did not start: {ready!r}")
    return child


def _run_killed(arguments: list[str], rng: random.Random, longest: float) -> list[list[str]]:
    """A child killed (SIGKILL, TerminateProcess on Windows) within ``longest`` seconds; its output's lines, split."""
    child = _start_child(arguments)
    time.sleep(rng.uniform(0.0, longest))
    child.kill()
    rest, _ = child.communicate()
    return [line.split() for line in rest.splitlines()]


def _unreadable_json(data_dir: Path) -> list[str]:
    """Whole-file JSON that does not parse, and journal lines that do not parse (a torn tail aside)."""
    import json

    unreadable = []
    for path in data_dir.rglob("*.json"):
        try:
            json.loads(path.read_bytes().decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            unreadable.append(str(path))
    for path in data_dir.glob("*.jsonl"):
        raw = path.read_bytes()
        for line in raw[: raw.rfind(b"\n") + 1].splitlines():
            try:
                json.loads(line)
            except ValueError:
                unreadable.append(f"{path}: {line[:40]!r}")
                break
    return unreadable


if __name__ == "__main__":
    if sys.argv[1] == "journals":
        journals_child(*sys.argv[2:4])
    elif sys.argv[1] == "rebuild":
        rebuild_child(sys.argv[2])
    elif sys.argv[1] == "sign":
        signing_child_main(*sys.argv[2:5])
    else:
        child_main(*sys.argv[1:4])
