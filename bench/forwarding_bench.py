"""Forwarding benchmark (issue 7): a county forwarding N visits to its province, against the
laptop's sync of the same N visits to the county, measured in the same run.

Both servers run as child processes (``inspector serve``, SQLite WAL, ``synchronous=FULL``) on
loopback; the forwarding round runs in this process on the county's database, as the county
server's forwarder thread would.

    python bench/forwarding_bench.py [--visits 1000] [--dry]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.results import write_section
from bench.sync_bench import fill_signed_off, start_real
from inspector.server.db import Database, sqlite_url
from inspector.server.forwarding import ForwardReport, forward_pending
from inspector.server.records import PhotoFolder
from inspector.services import sync as sync_service
from inspector.store.store import Store
from inspector.sync.client import BureauClient


def measure(visits: int, work: Path) -> dict[str, float | ForwardReport]:
    laptop = work / "laptop"
    with Store.open(laptop) as store:
        fill_signed_off(store, visits)
    county, county_url, county_token = start_real(work / "county")
    try:
        began = time.perf_counter()
        with Store.open(laptop) as store, BureauClient(county_url, county_token) as client:
            sync_service.sync(store, client)
        sync_seconds = time.perf_counter() - began
    finally:
        county.stop()
    province, province_url, province_token = start_real(work / "province")
    database = Database(sqlite_url(work / "county" / "bureau.sqlite3"))
    photos = PhotoFolder(work / "county" / "photos")
    try:
        with BureauClient(province_url, province_token) as client:
            began = time.perf_counter()
            report = forward_pending(database, photos, client, province_url)
            forward_seconds = time.perf_counter() - began
            began = time.perf_counter()
            again = forward_pending(database, photos, client, province_url)
            again_seconds = time.perf_counter() - began
    finally:
        province.stop()
        database.dispose()
    return {"sync": sync_seconds, "forward": forward_seconds, "again": again_seconds, "report": report, "second": again}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=1000)
    parser.add_argument("--dry", action="store_true", help="print, do not write RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        run = measure(args.visits, Path(temp))
    sync_seconds, forward_seconds = float(run["sync"]), float(run["forward"])  # type: ignore[arg-type]
    report, second = run["report"], run["second"]
    assert isinstance(report, ForwardReport) and isinstance(second, ForwardReport)
    assert report.visits_sent == args.visits and not second.sent_anything
    n = args.visits
    body = f"""
`python bench/forwarding_bench.py --visits {n}`: {n:,} signed-off visits (60 answers each), synced
by a laptop to a county server, then forwarded by the county to a province server (both
`inspector serve` child processes on loopback, SQLite WAL with `synchronous=FULL`; the forwarding
round runs on the county's database as its forwarder thread would).

| | time | visits/s |
|---|---|---|
| baseline: laptop → county, `inspector sync` | {sync_seconds:.2f} s | {n / sync_seconds:,.0f}/s |
| county → province, one forwarding round | {forward_seconds:.2f} s | {n / forward_seconds:,.0f}/s |
| ratio forwarding / sync | {forward_seconds / sync_seconds:.2f}× | |
| a second round (nothing waits: no request at all) | {float(run["again"]) * 1000:.1f} ms | |

The forwarding round sends batches of up to 50 versions (one request, one province transaction
each) and moves the county's checkpoint after each receipt.
"""
    if args.dry:
        print(body)
    else:
        write_section("Forwarding county → province (issue 7)", body)
        print(body)


if __name__ == "__main__":
    main()
