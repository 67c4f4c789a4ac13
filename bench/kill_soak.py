"""Kill soak over the journals (issue 14): kill -9 while recording rectification events and
receipts (the outbox compacted and its receipts archived along the way), and during an index
rebuild. Every acknowledged event and receipt must be there, every visit file listed, every
file readable. tests/test_crash.py runs the same trials 30 times each.

    python bench/kill_soak.py --kills 300
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import uuid as uuid_module
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.results import write_section
from inspector.store.store import Store
from tests.crash_harness import prepare, prepare_journals, run_journal_trial, run_rebuild_trial


def soak(trial, root: Path, kills: int, seed: int) -> tuple[int, int, int]:
    rng = random.Random(seed)
    acknowledged = lost = unreadable = 0
    for _ in range(kills):
        result = trial(root, rng)
        acknowledged += result.acknowledged
        lost += result.lost
        unreadable += len(result.unreadable) + len(result.problems)
    return acknowledged, lost, unreadable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        journals = Path(temp) / "journals"
        prepare_journals(journals)
        events = soak(run_journal_trial, journals, args.kills, 1)
        archived = (journals / "outbox-sent.jsonl").exists()
        rebuilt = Path(temp) / "rebuild"
        uuid = prepare(rebuilt)
        with Store.open(rebuilt) as store:
            template = store.load_visit(uuid)
            for _ in range(300):
                store.save_visit(replace(template, uuid=str(uuid_module.uuid4())))
        rebuild = soak(run_rebuild_trial, rebuilt, args.kills, 2)
    body = f"""
`python bench/kill_soak.py --kills {args.kills}` (tests/test_crash.py runs 30 of each in CI).

| trial | kills | acknowledged | lost | unreadable files or lines |
|---|---:|---:|---:|---:|
| recording feedback events and receipts (outbox compacted, receipts archived: {"yes" if archived else "no"}) | {args.kills} | {events[0]} events and receipts | **{events[1]}** | **{events[2]}** |
| rebuilding a damaged visit index (301 visit files) | {args.kills} | {rebuild[0]} visits to list | **{rebuild[1]}** unlisted | **{rebuild[2]}** |
"""
    write_section("Kill soak over the journals (issue 14)", body)
    print(body)


if __name__ == "__main__":
    main()
