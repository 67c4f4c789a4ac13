"""PostgreSQL benchmark (issue 7): server ingest on PostgreSQL against SQLite, in the same run.

The same 800 signed-off visits (60 answers each) are uploaded by 8 concurrent clients to
``inspector serve`` on SQLite (WAL, synchronous=FULL) and on a throwaway PostgreSQL cluster
with fsync on (as a server runs), each server a child process on loopback: one PUT per visit,
then the same visits in batches of 25 as ``inspector sync`` sends them.

    python bench/postgres_bench.py [--concurrent 800]

Needs PostgreSQL installed (Debian: apt-get install postgresql); POSIX only (the cluster runs
as the ``postgres`` account when started by root).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import write_section  # noqa: E402
from bench.sync_bench import Child, batched_ingest, bodies, concurrent_ingest, fill_signed_off, free_port  # noqa: E402
from inspector.core.clock import now  # noqa: E402
from inspector.store.store import Store  # noqa: E402
from tests.server.postgres import PostgresCluster, binaries  # noqa: E402

SINGLE_PATH = "/api/v1/visits/{uuid}/{version}"


def start_server(folder: Path, database_url: str) -> tuple[Child, str, str]:
    """``inspector serve`` on ``database_url`` with one enrolled lead; its URL and the lead's token."""
    from inspector.server.accounts import Role, add_account
    from inspector.server.db import Database, migrate

    folder.mkdir(parents=True)
    database = Database(database_url)
    migrate(database, applied_at=now().isoformat())
    _, token = add_account(database, "组长", Role.LEAD)
    database.dispose()
    port = free_port()
    command = [sys.executable, "-m", "inspector", "--data-dir", str(folder), "serve", "--port", str(port)]
    child = Child([*command, "--db", database_url, "--rate", "100000"], f"http://127.0.0.1:{port}/openapi.json")
    return child, f"http://127.0.0.1:{port}", token


def ingest_on(folder: Path, database_url: str, uploads: list[tuple[str, int, bytes]], batched_url: str) -> dict:
    server, url, token = start_server(folder / "single", database_url)
    try:
        single = concurrent_ingest(uploads, url, SINGLE_PATH, token)
    finally:
        server.stop()
    server, url, token = start_server(folder / "batched", batched_url)
    try:
        single["batched_rate"] = batched_ingest(uploads, url, token)["rate"]
    finally:
        server.stop()
    return single


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrent", type=int, default=800)
    parser.add_argument("--dry", action="store_true", help="print, do not write RESULTS.md")
    args = parser.parse_args()
    bin_dir = binaries()
    if bin_dir is None:
        sys.exit("PostgreSQL is not installed (apt-get install postgresql)")
    from inspector.server.db import sqlite_url

    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        template = work / "template"
        with Store.open(template) as store:
            fill_signed_off(store, args.concurrent)
        (template / "inspector.lock").unlink(missing_ok=True)
        uploads = bodies(template)[: args.concurrent]
        sqlite = ingest_on(
            work / "sqlite", sqlite_url(work / "single.sqlite3"), uploads, sqlite_url(work / "batched.sqlite3")
        )
        cluster = PostgresCluster(bin_dir, durable=True).start()
        try:
            postgres = ingest_on(work / "postgres", cluster.new_database(), uploads, cluster.new_database())
        finally:
            cluster.stop()

    rows = [
        f"| 8 concurrent clients, {len(uploads)} visits | SQLite (WAL, synchronous=FULL) | PostgreSQL (fsync on) | PostgreSQL / SQLite |",
        "|---|---:|---:|---:|",
        f"| one PUT per visit: uploads/s | {sqlite['rate']:.0f}/s | {postgres['rate']:.0f}/s "
        f"| {postgres['rate'] / sqlite['rate']:.2f}× |",
        f"| one PUT per visit: p95 latency | {sqlite['p95']:.1f} ms | {postgres['p95']:.1f} ms | |",
        f"| batches of 25 (what `sync` sends): uploads/s | {sqlite['batched_rate']:.0f}/s "
        f"| {postgres['batched_rate']:.0f}/s | {postgres['batched_rate'] / sqlite['batched_rate']:.2f}× |",
    ]
    body = (
        "The same server (`inspector serve --db …`) as a child process on loopback, on each engine in turn; "
        "the clients share this 2-core machine with the server and the database. On PostgreSQL every "
        "writing transaction takes one advisory lock, so the change feed never skips a late commit; "
        "single uploads arriving together share one transaction (group commit) on both engines.\n\n"
        + "\n".join(rows)
        + "\n\nNot measured yet: the county-wide overdue list at 1,000,000 visits and 3,000,000 rectification "
        "events, which needs the server to keep rectifications as rows (it keeps them as sealed visits and "
        "feed entries today)."
    )
    print(body)
    if not args.dry:
        write_section("PostgreSQL (issue 7)", body)


if __name__ == "__main__":
    main()
