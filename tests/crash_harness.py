"""kill -9 a process that is saving answers, then check nothing acknowledged was lost.

The child records answers one after another and prints ``ACK <n> <item> <result>`` only after
``record_answer`` has returned, i.e. after the store said the answer is saved. The parent kills
it with SIGKILL at a random moment, reopens the data dir and checks that every file reads and
that every acknowledged answer (or a later one) is there. Used by tests/test_crash.py (a few
dozen trials) and bench/store_bench.py (a thousand).
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


if __name__ == "__main__":
    child_main(*sys.argv[1:4])
