"""Store benchmark (issue 2, and issue 14's "at every size"): the cost of saving one answer.

1. Answer-save latency (p50, p95) with 0, 1,000, 10,000 (and, with ``--large``, 100,000) signed-off
   visits stored, made by ``bench/population.py`` with the project's rules, through
   ``services.record_answer``, against its floor measured in the same loop, save by save: an
   atomic write + fsync (``store.atomic``) of the same visit's bytes. The floor is what any
   durable save of that visit costs; the ratio is what the store adds, and it must not grow with
   history.
2. A footnote: stock TinyDB ``JSONStorage`` holding the same number of visits in one file (the
   answer saved as an update of that visit's document), the store's design before issue 2. It
   never fsyncs, so it is no floor; it only shows why the visits are one file each.
3. A kill -9 soak: a child saving answers is killed at random moments; every file must read and
   every acknowledged answer must be there.

    python bench/store_bench.py                  # full run (about 10 minutes)
    python bench/store_bench.py --large          # and the 100,000 row (7 GB of disk, ~10 minutes more)
    python bench/store_bench.py --quick          # small numbers, to try the script
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
import uuid as uuid_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tinydb import TinyDB
from tinydb.storages import JSONStorage

from bench.population import generate
from bench.results import write_section
from inspector.core.vocabulary import Result
from inspector.services.visits import record_answer, start_visit
from inspector.store.atomic import atomic_write_bytes
from inspector.store.store import Store
from tests.crash_harness import prepare, run_trial

ANSWERS_PER_VISIT = 60
STOCK_LARGEST = 10_000
"""Stock TinyDB rewrites every visit on each save: beyond this it would take hours."""


def load_average() -> str:
    return ", ".join(f"{load:.1f}" for load in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def stored_visits(base: Path, stored: int, cache: Path | None) -> Path:
    """A data folder with ``stored`` signed-off visits: a copy of a cached one when there is one."""
    root = base / f"store-{stored}"
    cached = cache / f"scale-{stored}" if cache else None
    if cached and (cached / "meta.json").exists():
        shutil.copytree(cached, root)
    else:
        generate(root, stored, answers=ANSWERS_PER_VISIT if stored <= 10_000 else 1)
    return root


def measure_store(root: Path, samples: int) -> tuple[list[float], list[float]]:
    """Each save's time and, right after it, its floor's: the same visit's bytes written durably."""
    timings, floor = [], []
    scratch = root / "visits" / "floor.bench"  # the same directory: a rename costs more in a fuller one
    with Store.open(root) as store:
        target = start_visit(store, "LS-EC-002", lead="张建国", members=["李娜"])
        items = [item.id for item in target.checklist.items]
        visit_file = root / "visits" / f"{target.uuid}.json"
        for n in range(samples):
            began = time.perf_counter()
            record_answer(store, target.uuid, items[n % len(items)], result=Result.PASS, note=f"第{n}次")
            timings.append(time.perf_counter() - began)
            data = visit_file.read_bytes()
            began = time.perf_counter()
            atomic_write_bytes(scratch, data)
            floor.append(time.perf_counter() - began)
    return timings, floor


def any_visit(root: Path) -> dict:
    visit_file = next((root / "visits").glob("*.json"))
    return json.loads(visit_file.read_bytes())["visit"]["1"]


def measure_stock_tinydb(base: Path, template: dict, stored: int, samples: int) -> list[float]:
    path = base / f"stock-{stored}.json"
    db = TinyDB(path, storage=JSONStorage, ensure_ascii=False)
    table = db.table("visits")
    table.insert_multiple({**template, "uuid": str(uuid_module.UUID(int=n + 1))} for n in range(stored))
    target = table.insert({**template, "uuid": "target", "answer_log": []})
    timings = []
    for n in range(samples):
        answer = {
            "item_id": f"i{n}",
            "result": "pass",
            "by": "李娜",
            "at": "2026-11-28T10:00:00+08:00",
            "note": f"第{n}次",
        }
        began = time.perf_counter()
        document = table.get(doc_id=target)
        table.update({"answer_log": [*document["answer_log"], answer]}, doc_ids=[target])
        timings.append(time.perf_counter() - began)
    db.close()
    path.unlink()
    return timings


def kill_soak(base: Path, trials: int) -> tuple[int, int, int, int]:
    root = base / "soak"
    uuid = prepare(root)
    rng = random.Random(1)
    acknowledged = lost = unreadable = 0
    for n in range(trials):
        result = run_trial(root, uuid, rng)
        acknowledged += result.acknowledged
        lost += result.lost
        unreadable += len(result.unreadable) + len(result.problems)
        if (n + 1) % 100 == 0:
            print(
                f"  kills {n + 1}/{trials}: acknowledged {acknowledged}, lost {lost}, unreadable {unreadable}",
                flush=True,
            )
    return trials, acknowledged, lost, unreadable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--large", action="store_true", help="also 100,000 visits (one answer per item)")
    parser.add_argument("--cache", type=Path, help="a folder of scale-N data folders to copy instead of generating")
    parser.add_argument("--kills", type=int)
    args = parser.parse_args()
    populations = (0, 100, 300) if args.quick else (0, 1_000, 10_000, *((100_000,) if args.large else ()))
    samples = 30 if args.quick else 200
    kills = args.kills if args.kills is not None else (20 if args.quick else 1_000)
    rows, stock_rows = [], []
    with tempfile.TemporaryDirectory(prefix="inspector-bench-") as temp:
        base = Path(temp)
        for stored in populations:
            root = stored_visits(base, stored, args.cache)
            ours, floor = measure_store(root, samples)
            rows.append((stored, percentile(ours, 0.5), percentile(ours, 0.95), percentile(floor, 0.95)))
            print(
                f"{stored:>7} visits: p50 {rows[-1][1] * 1000:.2f} ms p95 {rows[-1][2] * 1000:.2f} ms, "
                f"floor p95 {rows[-1][3] * 1000:.2f} ms",
                flush=True,
            )
            if stored <= STOCK_LARGEST:
                stock = measure_stock_tinydb(base, any_visit(root), stored, samples if stored <= 1_000 else 5)
                stock_rows.append((stored, percentile(stock, 0.5)))
            shutil.rmtree(root)
        soak = kill_soak(base, kills)
    table = [
        "| visits stored | p50 | p95 | floor p95 | p95 / floor p95 | growth of p95 from the smallest |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for stored, p50, p95, floor95 in rows:
        table.append(
            f"| {stored:,} | {p50 * 1000:.2f} ms | {p95 * 1000:.2f} ms | {floor95 * 1000:.2f} ms "
            f"| {p95 / floor95:.1f}× | {p95 / rows[0][2]:.1f}× |"
        )
    stock_text = "; ".join(f"{stored:,} visits {p50 * 1000:,.1f} ms" for stored, p50 in stock_rows)
    trials, acknowledged, lost, unreadable = soak
    body = "\n".join(
        [
            f"Answer save through `services.record_answer`, {samples} saves per row on a visit started among "
            "signed-off visits made by `bench/population.py` (60 answers each; at 100,000 one per item), "
            "each save followed by its floor: an atomic write + fsync of the same visit's bytes.",
            "",
            *table,
            "",
            "Targets: p95 ≤ 3× its floor at every size (issue 14); p95 ≤ 10 ms with 10,000 visits (issue 2). "
            f"Load average at the end: {load_average()} on {os.cpu_count()} CPUs (the floor moves with the "
            "machine's other work; the ratio is measured save by save).",
            "",
            f"Footnote: stock TinyDB `JSONStorage` holding the same visits in one file, median save: {stock_text} "
            "(no fsync; at 10,000 visits 5 saves).",
            "",
            f"kill -9 soak: {trials} kills of a process saving answers, {acknowledged} answers acknowledged before "
            f"the kills, **{lost} lost**, **{unreadable} unreadable files** (target 0 and 0).",
        ]
    )
    write_section("Store (issue 2)", body if not args.quick else body + "\n\n(quick run: small numbers)")
    print(body)


if __name__ == "__main__":
    main()
