"""kill -9 a process that is saving answers (or signing visits off), then check nothing was lost.

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
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(data_dir), uuid, str(rng.randrange(1 << 30))],
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert child.stdout is not None
    ready = child.stdout.readline()
    if ready.strip() != "READY":
        child.kill()
        raise RuntimeError(f"child did not start: {ready!r}")
    time.sleep(rng.uniform(0.0, 0.25))
    os.kill(child.pid, signal.SIGKILL)
    rest = child.stdout.read()
    child.wait()
    acknowledged: dict[str, tuple[int, str]] = {}
    for line in rest.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] == "ACK":
            acknowledged[parts[2]] = (int(parts[1]), parts[3])
    return check(data_dir, uuid, acknowledged)


def check(data_dir: Path, uuid: str, acknowledged: dict[str, tuple[int, str]]) -> TrialResult:
    import json

    from inspector.store.store import Store

    unreadable = []
    for path in data_dir.rglob("*.json"):
        try:
            json.loads(path.read_bytes().decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            unreadable.append(str(path))
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


def run_signing_trial(data_dir: Path, rng: random.Random, *, in_window: bool = False) -> list[str]:
    """One signing child killed at a random moment, or, ``in_window``, by itself right after its
    first sign-off saved the visit file and before the version was queued; returns the versions lost."""
    mode = "window" if in_window else "random"
    child = subprocess.Popen(
        [sys.executable, str(CHILD), "sign", str(data_dir), str(rng.randrange(1 << 30)), mode],
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert child.stdout is not None
    ready = child.stdout.readline()
    if ready.strip() != "READY":
        child.kill()
        raise RuntimeError(f"child did not start: {ready!r}")
    if not in_window:
        time.sleep(rng.uniform(0.0, 0.4))
        os.kill(child.pid, signal.SIGKILL)
    child.stdout.read()
    child.wait()
    return lost_versions(data_dir)


def lost_versions(data_dir: Path) -> list[str]:
    from inspector.core.vocabulary import VisitStatus
    from inspector.services.visits import amend_visit, ensure_outbox
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


if __name__ == "__main__":
    if sys.argv[1] == "sign":
        signing_child_main(*sys.argv[2:5])
    else:
        child_main(*sys.argv[1:4])
