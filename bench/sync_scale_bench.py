"""Sync at scale (issue 14): the laptop's cost of a first and of a no-op sync, against raw httpx.

Against the real bureau server (``python -m inspector serve`` on a free loopback port, SQLite,
a fresh database for every run, started by this script as a child process), at each size:

(a) **First sync** of a laptop folder made by ``bench/population.py`` (every signed-off visit
    queued): ``services.sync.sync`` in this process, the store opened inside the timing, as the
    sync screen runs it; against a raw httpx loop that sends exactly the same request bodies
    (built beforehand: the same versions, in the same batches of the service's own planning) from
    the same number of threads to the same server on a fresh database, and then downloads the
    feed the sync pulls (the laptop's own records coming back) with plain GETs. Alternated, real
    and raw taking turns to go first. The server's ingest is in both sides: the ratio is the
    laptop's cost.
(b) **No-op sync** (nothing to send, nothing new to receive) on the folder the first sync left,
    the store opened afresh each time (the sync's own work, the opening timed apart), against
    one raw GET of the same kind (a new connection, the token, ``GET /feed`` answering an empty
    page). Alternated, median of ``--noop-runs``. The command as a user types it
    (``python -m inspector sync``, after ``login``) is timed too, against ``python -c 'import
    httpx'`` plus the same GET in a new process.

The source folders are never changed: each run copies one with ``cp -a`` to its own directory.

    python bench/sync_scale_bench.py --source 1000=/tmp/scale-1000 --source 10000=/tmp/scale-10000
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import msgspec

from bench.sync_bench import start_real
from inspector import wire
from inspector.core.canonical import sha256_hex
from inspector.services import sync as sync_service
from inspector.store.store import Store
from inspector.sync.client import API, BureauClient


def copy_folder(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cp", "-a", str(source), str(target)], check=True)
    (target / "inspector.lock").unlink(missing_ok=True)
    return target


def planned_requests(folder: Path) -> list[bytes]:
    """The request bodies ``sync`` sends for the folder's queue, in its batches (built here, once)."""
    with Store.open(folder) as store:
        queue = sync_service.pending(store)
        batches, events = sync_service._tasks(store, queue)
        assert not events, "the population's outbox holds visits only"
        bodies = []
        for batch in batches:
            items = []
            for entry in batch:
                body = store.sealed(entry["uuid"], entry["version"])
                items.append(wire.VisitItem(entry["uuid"], entry["version"], sha256_hex(body), msgspec.Raw(body)))
            bodies.append(wire.encode(wire.VisitBatch(items)))
    return bodies


def raw_feed(http: httpx.Client) -> int:
    """Download the whole feed in the sync's pages; returns the entries."""
    since, entries = 0, 0
    while True:
        page = http.get(f"{API}/feed", params={"since": since, "limit": sync_service.FEED_PAGE}).json()
        entries += len(page["entries"])
        since = page["next"]
        if not page.get("more") or not page["entries"]:
            return entries


def raw_first(requests: list[bytes], work: Path) -> dict[str, float]:
    server, url, token = start_real(work)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    try:
        with httpx.Client(base_url=url, headers=headers, timeout=120) as http:
            began = time.perf_counter()

            def send(body: bytes) -> None:
                http.post(f"{API}/visits", content=body).raise_for_status()

            with ThreadPoolExecutor(max_workers=sync_service.PUSH_WORKERS) as pool:
                for future in as_completed([pool.submit(send, body) for body in requests]):
                    future.result()
            pushed = time.perf_counter()
            entries = raw_feed(http)
            done = time.perf_counter()
    finally:
        server.stop()
    return {"push": pushed - began, "feed": done - pushed, "entries": entries}


def real_first(source: Path, work: Path) -> tuple[dict[str, float], tuple[Any, str, str], Path]:
    """The first sync, timed; the server is left running for the no-op runs (the caller stops it)."""
    laptop = copy_folder(source, work / "laptop")
    server, url, token = start_real(work / "server")
    seen: dict[str, float] = {}

    def progress(step: sync_service.Progress) -> None:
        seen.setdefault(step.phase, time.perf_counter())
        seen[f"{step.phase} last"] = time.perf_counter()

    began = time.perf_counter()
    with Store.open(laptop) as store:
        opened = time.perf_counter()
        with BureauClient(url, token) as client:
            report = sync_service.sync(store, client, on_progress=progress)
    done = time.perf_counter()
    assert not report.refused and report.visits_sent > 0, report
    phases = {
        "total": done - began,
        "open": opened - began,
        "before push": seen["push"] - opened,  # preflight, the look for what waits, the batches planned
        "push": seen["push last"] - seen["push"],
        "after push": done - seen["push last"],  # the feed, assignments, number blocks
    }
    return {**phases, "sent": report.visits_sent}, (server, url, token), laptop


def noop_pair(laptop: Path, url: str, token: str) -> tuple[float, float, float]:
    """One no-op sync (its opening timed apart) and one raw GET of the feed's empty page."""
    began = time.perf_counter()
    with Store.open(laptop) as store:
        opened = time.perf_counter()
        with BureauClient(url, token) as client:
            report = sync_service.sync(store, client)
        synced = time.perf_counter()
    assert not report.sent_anything and not report.events_received and not report.records_received, report
    since = report.feed_position
    get_began = time.perf_counter()
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as http:
        http.get(f"{API}/feed", params={"since": since, "limit": sync_service.FEED_PAGE}).raise_for_status()
    get = time.perf_counter() - get_began
    return synced - opened, opened - began, get


RAW_GET = """
import sys, httpx
with httpx.Client(base_url=sys.argv[1], headers={"Authorization": "Bearer " + sys.argv[2]}) as http:
    http.get("/api/v1/feed", params={"since": sys.argv[3], "limit": 500}).raise_for_status()
"""


def command_pair(laptop: Path, url: str, token: str) -> tuple[float, float]:
    """``python -m inspector sync`` as typed, against a new process making the raw GET."""
    program = [sys.executable, "-m", "inspector", "--data-dir", str(laptop)]
    began = time.perf_counter()
    subprocess.run([*program, "sync"], check=True, capture_output=True)
    ours = time.perf_counter() - began
    with Store.open(laptop, readonly=True) as store:
        since = sync_service.checkpoint(store, url)
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", RAW_GET, url, token, str(since)], check=True)
    return ours, time.perf_counter() - began


def login(laptop: Path, url: str, token: str) -> None:
    program = [sys.executable, "-m", "inspector", "--data-dir", str(laptop)]
    subprocess.run([*program, "login", url], input=token.encode(), check=True, capture_output=True)


def measure(size: int, source: Path, rounds: int, noop_runs: int, work: Path) -> dict[str, Any]:
    requests_folder = copy_folder(source, work / "plan")
    requests = planned_requests(requests_folder)
    shutil.rmtree(requests_folder)
    firsts, raws, noops, gets, opens, commands, command_gets = [], [], [], [], [], [], []
    for number in range(rounds):
        run = work / f"round-{number}"
        run.mkdir()
        order = ("real", "raw") if number % 2 == 0 else ("raw", "real")
        for side in order:
            if side == "raw":
                raws.append(raw_first(requests, run / "raw"))
                print(f"{size} raw {raws[-1]}", flush=True)
                continue
            first, (server, url, token), laptop = real_first(source, run / "real")
            firsts.append(first)
            print(f"{size} real {first}", flush=True)
            try:
                for _ in range(noop_runs):
                    noop, opened, get = noop_pair(laptop, url, token)
                    noops.append(noop)
                    opens.append(opened)
                    gets.append(get)
                print(f"{size} no-op {noops[-noop_runs:]} get {gets[-noop_runs:]}", flush=True)
                if number == 0:
                    login(laptop, url, token)
                    for _ in range(3):
                        ours, raw = command_pair(laptop, url, token)
                        commands.append(ours)
                        command_gets.append(raw)
            finally:
                server.stop()
        shutil.rmtree(run)
    return {
        "size": size,
        "requests": len(requests),
        "first": firsts,
        "raw": raws,
        "noop": noops,
        "get": gets,
        "open": opens,
        "command": commands,
        "command_get": command_gets,
    }


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def phases(results: list[dict[str, Any]]) -> str:
    """Where the first sync's time went (medians): what the raw loop has no counterpart for."""
    rows = ["| visits | store opened | before the push | push | after the push (feed, assignments, number blocks) |"]
    rows.append("|---:|---:|---:|---:|---:|")
    for result in results:
        median = {
            key: statistics.median(run[key] for run in result["first"])
            for key in ("open", "before push", "push", "after push")
        }
        rows.append(
            f"| {result['size']:,} | {ms(median['open'])} | {ms(median['before push'])} | {ms(median['push'])} | {ms(median['after push'])} |"
        )
    return "\n".join(rows)


def paired(results: list[dict[str, Any]]) -> str:
    """Each round's own ratio (real and raw ran one after the other in it)."""
    return "\n".join(
        f"{result['size']:,}: "
        + ", ".join(
            f"{first['total'] / raw['push']:.2f}×" for first, raw in zip(result["first"], result["raw"], strict=True)
        )
        for result in results
    )


def table(results: list[dict[str, Any]]) -> str:
    rows = [
        "| visits | first sync | raw push | ratio (target ≤ 1.3×) | raw push + feed | ratio | "
        "no-op sync | raw GET | target (1.5× GET + 50 ms) | store opening | `sync` command, no-op | raw GET in a new process |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        first = statistics.median(run["total"] for run in result["first"])
        push = statistics.median(run["push"] for run in result["raw"])
        both = statistics.median(run["push"] + run["feed"] for run in result["raw"])
        noop, get = statistics.median(result["noop"]), statistics.median(result["get"])
        command = statistics.median(result["command"]) if result["command"] else float("nan")
        command_get = statistics.median(result["command_get"]) if result["command_get"] else float("nan")
        rows.append(
            f"| {result['size']:,} | {ms(first)} | {ms(push)} | {first / push:.2f}× | {ms(both)} | {first / both:.2f}× "
            f"| {ms(noop)} | {ms(get)} | {ms(1.5 * get + 0.05)} | {ms(statistics.median(result['open']))} "
            f"| {ms(command)} | {ms(command_get)} |"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", action="append", required=True, metavar="SIZE=FOLDER")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--noop-runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=None, help="where the copies go (default: a temporary dir)")
    args = parser.parse_args()
    load_before = os.getloadavg()
    results = []
    with tempfile.TemporaryDirectory(prefix="sync14-", dir=args.work) as temp:
        for text in args.source:
            size, _, folder = text.partition("=")
            work = Path(temp) / size
            work.mkdir()
            results.append(measure(int(size), Path(folder), args.rounds, args.noop_runs, work))
    print(f"load average before {load_before}, after {os.getloadavg()}")
    for result in results:
        print(result)
    print(table(results))
    print(phases(results))
    print(paired(results))


if __name__ == "__main__":
    main()
