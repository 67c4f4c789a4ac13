"""The web console at county scale (issue 17), on SQLite and PostgreSQL in the same run.

10,000 signed-off visits (3 failed items each: 30,000 rectifications) over 600 sites in 30
townships and the last 12 months, a third of the rectifications closed by feedback, re-inspection
and closing events, written straight into the server's tables and projected onto the board once.
Then the server's app (API and console) on loopback, signed in as a clerk: the board's first page,
one township's overdue items, the statistics page (the first request reads every visit once; the
later ones only what arrived since), and the county xlsx, timed over HTTP; beside them a bare
Starlette handler returning the same first page of rows as JSON, in the same run.

    python bench/web_bench.py [--visits 10000] [--dry]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid as uuid_module
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.results import write_section  # noqa: E402
from inspector.core import visits as rules  # noqa: E402
from inspector.core.canonical import sha256_hex  # noqa: E402
from inspector.core.clock import now, to_iso  # noqa: E402
from inspector.core.rectifications import EventKind, make_event  # noqa: E402
from inspector.core.sites import Site  # noqa: E402
from inspector.core.visits import Answer  # noqa: E402
from inspector.core.vocabulary import Result, SiteKind  # noqa: E402
from inspector.paths import sample_register  # noqa: E402
from inspector.services.checklists import checklist_for_kind  # noqa: E402
from inspector.services.register import import_register  # noqa: E402
from inspector.store.store import Store  # noqa: E402
from tests.server.harness import ThreadServer  # noqa: E402
from tests.server.postgres import PostgresCluster, binaries  # noqa: E402

TOWNSHIPS = 30
SITES = 600
FAILED_PER_VISIT = 3
ROUNDS = 30
PASSWORD = "bench-password-1"


def make_visits(count: int, work: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Sealed visit rows and rectification events (feed rows), built with the laptops' own rules."""
    with Store.open(work / "laptop") as store:
        import_register(store, sample_register())
        kinds = [kind for kind in SiteKind if kind is not SiteKind.TOWNSHIP]
        checklists = {kind: checklist_for_kind(store, kind) for kind in kinds}
    sites = [
        Site(f"S{n:04d}", kinds[n % len(kinds)], f"乡镇{n % TOWNSHIPS:02d}", f"第{n}号{kinds[n % len(kinds)].zh}")
        for n in range(SITES)
    ]
    moment = now()
    visit_rows, event_rows = [], []
    for number in range(count):
        site = sites[number % SITES]
        arrived = moment - timedelta(days=365 * number / count + 1)
        visit = rules.start_visit(
            uuid=str(uuid_module.UUID(int=number + 1)),
            site=site,
            checklist=checklists[site.kind],
            lead="张建国",
            members=("李娜",),
            arrived_at=arrived,
        )
        items = visit.checklist.items
        failing = {items[(number + k * 5) % len(items)].id for k in range(FAILED_PER_VISIT)}
        answers = [
            Answer(
                item_id=item.id,
                result=Result.FAIL if item.id in failing else Result.PASS,
                by="李娜",
                at=to_iso(arrived + timedelta(minutes=offset)),
                note="台账缺页，记录不全。" if item.id in failing else "",
            )
            for offset, item in enumerate(items)
        ]
        visit = rules.complete(replace(visit, answer_log=tuple(answers)), arrived + timedelta(hours=2))
        visit = rules.sign_off(visit, "张建国", arrived + timedelta(hours=2, minutes=5))
        body = rules.sealed_bytes(visit)
        visit_rows.append(
            {
                "uuid": visit.uuid,
                "version": 1,
                "seal": visit.seal,
                "body_sha256": sha256_hex(body),
                "body": body,
                "site_id": site.id,
                "uploaded_by": 1,
                "received_at": to_iso(moment),
            }
        )
        for index, record in enumerate(rules.rectifications(visit)):
            if (number + index) % 3:
                continue
            closed_at = arrived + timedelta(days=2 + number % 20)
            steps = [
                (
                    EventKind.FEEDBACK,
                    {
                        "measures": "已整改",
                        "responsible": "院长",
                        "date": closed_at.date().isoformat(),
                        "status": "done",
                    },
                ),
                (EventKind.RE_INSPECTED, {"result": "pass", "visit_uuid": visit.uuid}),
                (EventKind.CLOSED, {}),
            ]
            for step, (kind, payload) in enumerate(steps):
                event = make_event(
                    id=f"{record.id}/{kind.value}",
                    rectification_id=record.id,
                    kind=kind,
                    at=closed_at + timedelta(minutes=step),
                    by="张建国",
                    payload=payload,
                )
                text = json.dumps(event.to_dict(), ensure_ascii=False, sort_keys=True)
                event_rows.append(
                    {
                        "kind": "rect_event",
                        "key": event.id,
                        "body_sha256": sha256_hex(text.encode()),
                        "body": text,
                        "published_by": 1,
                        "published_at": to_iso(moment),
                    }
                )
    return visit_rows, event_rows


def load(database_url: str, visit_rows: list[dict[str, Any]], event_rows: list[dict[str, Any]]) -> float:
    """Rows into a migrated database; returns the seconds the board's projection took to catch up."""
    from sqlalchemy import insert

    from inspector.server.accounts import Role, add_account, set_password
    from inspector.server.board import bring_up_to_date
    from inspector.server.db import Database, feed, migrate, visits

    database = Database(database_url)
    migrate(database, applied_at=to_iso(now()))
    add_account(database, "组长", Role.LEAD)
    add_account(database, "局办公室", Role.ADMIN)
    set_password(database, "局办公室", PASSWORD)
    for rows, table in ((visit_rows, visits), (event_rows, feed)):
        for start in range(0, len(rows), 1000):
            with database.writing() as conn:
                conn.execute(insert(table), rows[start : start + 1000])
    began = time.perf_counter()
    bring_up_to_date(database)
    seconds = time.perf_counter() - began
    database.dispose()
    return seconds


def bare_app(database_url: str) -> Any:
    """The baseline: the same first page of rows, straight from the table, as JSON."""
    from sqlalchemy import func, select
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from inspector.server.db import Database, board_rows

    database = Database(database_url)

    def rows() -> dict[str, Any]:
        with database.reading() as conn:
            total = conn.execute(select(func.count()).select_from(board_rows)).scalar_one()
            page = conn.execute(select(board_rows).order_by(board_rows.c.due, board_rows.c.id).limit(50)).all()
        return {"total": total, "rows": [{**row._mapping, "record": json.loads(row.record)} for row in page]}

    async def endpoint(request: Any) -> JSONResponse:
        from starlette.concurrency import run_in_threadpool

        return JSONResponse(await run_in_threadpool(rows))

    return Starlette(routes=[Route("/board", endpoint)])


def timed(client: httpx.Client, path: str, rounds: int = ROUNDS) -> dict[str, float]:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - began) * 1000)
        assert answer.status_code == 200, (path, answer.status_code)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1]}


def measure(database_url: str, work: Path) -> dict[str, Any]:
    from inspector.server.app import ServerConfig, create_app

    app = create_app(ServerConfig(database_url=database_url, photo_dir=work / "photos"))
    server = ThreadServer(app).start()
    bare = ThreadServer(bare_app(database_url)).start()
    try:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            form = client.get("/web/signin").text
            csrf = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            client.post("/web/signin", data={"csrf": csrf, "name": "局办公室", "password": PASSWORD})
            began = time.perf_counter()
            client.get("/web/stats")
            stats_first = (time.perf_counter() - began) * 1000
            result = {
                "board": timed(client, "/web/board"),
                "township": timed(client, "/web/board?township=乡镇07&window=overdue"),
                "kind": timed(client, "/web/board?kind=elderly_care&area=disinfection"),
                "stats": timed(client, "/web/stats"),
                "stats_first": stats_first,
            }
            began = time.perf_counter()
            xlsx = client.get("/web/exports/county.xlsx")
            result["xlsx"] = time.perf_counter() - began
            result["xlsx_mb"] = len(xlsx.content) / 1e6
        with httpx.Client(base_url=bare.url, timeout=120) as client:
            result["bare"] = timed(client, "/board")
    finally:
        server.stop()
        bare.stop()
        app.state.inspector.database.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--dry", action="store_true", help="print, do not write RESULTS.md")
    args = parser.parse_args()
    from inspector.server.db import sqlite_url

    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        began = time.perf_counter()
        visit_rows, event_rows = make_visits(args.visits, work)
        print(f"built {len(visit_rows)} visits, {len(event_rows)} events in {time.perf_counter() - began:.0f} s")
        engines: dict[str, dict[str, Any]] = {}
        url = sqlite_url(work / "bureau.sqlite3")
        projection = load(url, visit_rows, event_rows)
        engines["SQLite"] = {**measure(url, work / "sqlite"), "projection": projection}
        bin_dir = binaries()
        if bin_dir is not None:
            cluster = PostgresCluster(bin_dir, durable=True).start()
            try:
                url = cluster.new_database()
                projection = load(url, visit_rows, event_rows)
                engines["PostgreSQL"] = {**measure(url, work / "postgres"), "projection": projection}
            finally:
                cluster.stop()
    rectifications = len(visit_rows) * FAILED_PER_VISIT
    names = list(engines)
    header = "| " + " | ".join(["", *names, "target"]) + " |"
    lines = [header, "|---" + "|---:" * (len(names) + 1) + "|"]

    def row(label: str, cell: Any, target: str = "") -> None:
        lines.append("| " + " | ".join([label, *(cell(engines[name]) for name in names), target]) + " |")

    row(
        "board, first page: p50 / p95",
        lambda e: f"{e['board']['p50']:.0f} / {e['board']['p95']:.0f} ms",
        "p95 ≤ 300 ms",
    )
    row("bare Starlette, same rows as JSON: p50 / p95", lambda e: f"{e['bare']['p50']:.0f} / {e['bare']['p95']:.0f} ms")
    row(
        "board, one township's overdue: p50 / p95",
        lambda e: f"{e['township']['p50']:.0f} / {e['township']['p95']:.0f} ms",
    )
    row("board, one kind × one area: p50 / p95", lambda e: f"{e['kind']['p50']:.0f} / {e['kind']['p95']:.0f} ms")
    row("statistics: p50 / p95", lambda e: f"{e['stats']['p50']:.0f} / {e['stats']['p95']:.0f} ms", "p95 ≤ 300 ms")
    row("statistics, first after start (reads every visit)", lambda e: f"{e['stats_first'] / 1000:.1f} s")
    row("county xlsx (every rectification)", lambda e: f"{e['xlsx']:.1f} s ({e['xlsx_mb']:.1f} MB)", "≤ 10 s")
    row("board projection catching up (once)", lambda e: f"{e['projection']:.0f} s")
    body = (
        f"{len(visit_rows):,} signed-off visits, {rectifications:,} rectifications ({len(event_rows) // 3:,} closed "
        f"through feedback, re-inspection and closing events), 600 sites in 30 townships over 12 months; the server's "
        f"app (API and console) on loopback in this process, {ROUNDS} requests each, signed in as a clerk.\n\n"
        + "\n".join(lines)
    )
    print(body)
    if not args.dry:
        write_section("Web console (issue 17)", body)


if __name__ == "__main__":
    main()
