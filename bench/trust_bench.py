"""Trust benchmark (issue 13): what checking every body with one schema per body costs.

1. Server ingest with 8 concurrent clients, single PUTs and batches of 25, for the code before
   the schema library (the base commit, exported with ``git archive``) and after it (this tree),
   in one run, each server a child process on loopback (SQLite, WAL, ``synchronous=FULL``).
2. The laptop's start: ``inspector --version`` and ``inspector visits list`` against a bare
   interpreter, before and after.
3. The schema library's own import: msgspec against pydantic v2 (each with one model of an
   event's shape defined), in a fresh interpreter.

    python bench/trust_bench.py [--visits 800] [--base COMMIT] [--dry]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.results import write_section
from bench.sync_bench import Child, batched_ingest, bodies, concurrent_ingest, fill_signed_off, free_port
from inspector.store.store import Store

ROOT = Path(__file__).resolve().parents[1]
BASE = "8633970"
"""The commit this issue's work started from: the hand-written checks."""
RUNS = 7

MSGSPEC_MODEL = """
import msgspec
class Event(msgspec.Struct, forbid_unknown_fields=True):
    id: str
    rectification_id: str
    kind: str
    at: str
    by: str
    reason: str = ""
    payload: dict[str, str] = {}
msgspec.json.decode(b'{"id":"e","rectification_id":"r","kind":"closed","at":"x","by":"y"}', type=Event)
"""
PYDANTIC_MODEL = """
import pydantic
class Event(pydantic.BaseModel, extra="forbid", strict=True):
    id: str
    rectification_id: str
    kind: str
    at: str
    by: str
    reason: str = ""
    payload: dict[str, str] = {}
Event.model_validate_json(b'{"id":"e","rectification_id":"r","kind":"closed","at":"x","by":"y"}')
"""


def export_base(commit: str, folder: Path) -> Path:
    """The tree at ``commit``, without touching any worktree."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    # compiled like this tree's modules are, so that the start-up times compare code, not compiling
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(folder / "inspector")], check=True)
    return folder


def environment(tree: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}


ENROL = """
import sys
from pathlib import Path
from inspector.core.clock import now
from inspector.server.accounts import Role, add_account
from inspector.server.db import Database, migrate, sqlite_url
database = Database(sqlite_url(Path(sys.argv[1]) / "bureau.sqlite3"))
migrate(database, applied_at=now().isoformat())
print(add_account(database, "组长", Role.LEAD)[1])
database.dispose()
"""


def start_server(tree: Path, folder: Path) -> tuple[Child, str, str]:
    """``inspector serve`` of ``tree`` on a fresh database, with a lead's token made by that tree."""
    folder.mkdir(parents=True)
    env = environment(tree)
    token = subprocess.run(
        [sys.executable, "-c", ENROL, str(folder)], capture_output=True, text=True, check=True, env=env
    ).stdout.strip()
    port = free_port()
    command = [sys.executable, "-m", "inspector", "--data-dir", str(folder), "serve", "--port", str(port)]
    previous = dict(os.environ)
    os.environ.update(env)  # Child starts the process with this process's environment
    try:
        child = Child([*command, "--rate", "100000"], f"http://127.0.0.1:{port}/openapi.json")
    finally:
        os.environ.clear()
        os.environ.update(previous)
    return child, f"http://127.0.0.1:{port}", token


def ingest(tree: Path, uploads: list[tuple[str, int, bytes]], work: Path) -> dict[str, float]:
    server, url, token = start_server(tree, work / "single")
    try:
        single = concurrent_ingest(uploads, url, "/api/v1/visits/{uuid}/{version}", token)
    finally:
        server.stop()
    server, url, token = start_server(tree, work / "batched")
    try:
        single["batched"] = batched_ingest(uploads, url, token)["rate"]
    finally:
        server.stop()
    return single


def wall_ms(command: list[str], env: dict[str, str]) -> float:
    """The median wall time of ``command`` over ``RUNS`` runs, in milliseconds."""
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=True)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def laptop_start(tree: Path, data: Path) -> dict[str, float]:
    env = environment(tree)
    inspector = [sys.executable, "-m", "inspector", "--data-dir", str(data)]
    return {
        "version": wall_ms([*inspector, "--version"], env),
        "visits_list": wall_ms([*inspector, "visits", "list"], env),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=800)
    parser.add_argument("--base", default=BASE)
    parser.add_argument("--dry", action="store_true", help="print, do not write RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        base = export_base(args.base, work / "base")
        template = work / "template"
        with Store.open(template) as store:
            fill_signed_off(store, args.visits)
        (template / "inspector.lock").unlink(missing_ok=True)
        uploads = bodies(template)
        # before and after alternate, twice, so that neither has the quieter machine
        runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
        for round_number in range(2):
            for name, tree in (("before", base), ("after", ROOT)):
                runs[name].append(ingest(tree, uploads, work / f"{name}-{round_number}"))
                print(name, runs[name][-1], flush=True)
        bare = wall_ms([sys.executable, "-c", "pass"], dict(os.environ))
        starts = {name: laptop_start(tree, template) for name, tree in (("before", base), ("after", ROOT))}
        imports = {
            "msgspec": wall_ms([sys.executable, "-c", MSGSPEC_MODEL], dict(os.environ)),
            "pydantic": wall_ms([sys.executable, "-c", PYDANTIC_MODEL], dict(os.environ)),
        }
        print(starts, bare, imports, flush=True)
        shutil.rmtree(base)
    body = report(args, runs, starts, bare, imports)
    print(body)
    if not args.dry:
        write_section("Trust: one schema per body (issue 13)", body)


def _best(runs: list[dict[str, float]], key: str, *, low: bool = False) -> float:
    values = [run[key] for run in runs]
    return min(values) if low else max(values)


def report(
    args: argparse.Namespace,
    runs: dict[str, list[dict[str, float]]],
    starts: dict[str, dict[str, float]],
    bare: float,
    imports: dict[str, float],
) -> str:
    def ratio(key: str, *, low: bool = False) -> str:
        before, after = _best(runs["before"], key, low=low), _best(runs["after"], key, low=low)
        return f"{after / before:.2f}×"

    rows = [
        ("ingest, 8 clients, single PUTs: uploads/s", "rate", "/s", False),
        ("ingest, 8 clients, batches of 25: uploads/s", "batched", "/s", False),
        ("single PUT p50 latency", "p50", " ms", True),
        ("single PUT p95 latency", "p95", " ms", True),
    ]
    table = "\n".join(
        f"| {label} | {_best(runs['before'], key, low=low):.0f}{unit} | {_best(runs['after'], key, low=low):.0f}{unit}"
        f" | {ratio(key, low=low)} |"
        for label, key, unit, low in rows
    )
    return f"""\
{args.visits} signed-off visits (60 answers each), uploaded by 8 concurrent clients to a server child
process on loopback (SQLite, WAL, `synchronous=FULL`); "before" is commit `{args.base}` (hand-written
`isinstance` checks), "after" this tree (every body read through `inspector/wire.py`, msgspec; the
ownership check; events checked by core's rules). Each side ran twice, alternating; the best run of
each is shown (the machine is shared: on it, two runs of the same code differ by up to 1.3×, more
than before and after differ here).

| measure | before | after | after/before |
|---|---:|---:|---:|
{table}

The laptop's start (median of {RUNS} runs; a bare `python -c pass` takes {bare:.0f} ms):

| command | before | after |
|---|---:|---:|
| `inspector --version` | {starts["before"]["version"]:.0f} ms | {starts["after"]["version"]:.0f} ms |
| `inspector visits list` | {starts["before"]["visits_list"]:.0f} ms | {starts["after"]["visits_list"]:.0f} ms |

The schema library itself, imported with one model of an event's shape defined and one body
decoded, in a fresh interpreter (median of {RUNS}): msgspec {imports["msgspec"]:.0f} ms, pydantic v2
{imports["pydantic"]:.0f} ms (a bare interpreter: {bare:.0f} ms). msgspec was chosen: a fraction of
pydantic's import on the laptop's command line (the client imports it when a sync starts), one pass
in C for decoding and checking, and strict JSON by itself (NaN, Infinity, numbers out of range and
lone surrogates refused at decode).
"""


if __name__ == "__main__":
    main()
