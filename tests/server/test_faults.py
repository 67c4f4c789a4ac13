"""Seeded fault trials through the loopback fault proxy: whatever breaks, nothing is lost or doubled.

CI runs ``INSPECTOR_FAULT_TRIALS`` trials (50 by default); bench/sync_bench.py runs 500.
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import httpx
import pytest

from inspector.services import sync as sync_service
from inspector.store.store import Store
from inspector.sync.errors import SyncError
from tests.server.fault_proxy import CUT_REQUEST, CUT_RESPONSE, STALL_RESPONSE, Fault, FaultProxy
from tests.server.harness import FAST_RETRY, SwappableApp, ThreadServer, make_bureau
from tests.server.invariants import check_invariants, local_versions
from tests.server.postgres import PostgresCluster

TRIALS = int(os.environ.get("INSPECTOR_FAULT_TRIALS", "50"))
POSTGRES_TRIALS = int(os.environ.get("INSPECTOR_POSTGRES_FAULT_TRIALS", "20"))
TRIAL_TIMEOUT = httpx.Timeout(connect=2.0, read=0.3, write=2.0, pool=2.0)
STALL_SECONDS = 0.5
RESPONSE_BYTES = 2_000
"""About what the server answers in a demo sync, so a response cut mostly lands inside it."""


def choose_fault(rng: random.Random, upload_bytes: int) -> Fault:
    kind = rng.choice((CUT_REQUEST, CUT_RESPONSE, STALL_RESPONSE))
    after = rng.randrange(upload_bytes) if kind == CUT_REQUEST else rng.randrange(RESPONSE_BYTES)
    return Fault(kind, after, STALL_SECONDS)


def run_trial(
    seed: int,
    listening: tuple[SwappableApp, ThreadServer],
    template: Path,
    workdir: Path,
    *,
    database_url: str | None = None,
) -> tuple[str, bool]:
    """One seeded trial; returns how the faulted sync ended and whether the fault struck at all."""
    rng = random.Random(seed)
    app, server = listening
    bureau = make_bureau(workdir / "bureau", database_url=database_url)
    app.app = bureau.app
    root = workdir / "laptop"
    shutil.copytree(template, root)
    upload_bytes = sum(len(data) for data in local_versions(root).values()) + 4_000
    fault = choose_fault(rng, upload_bytes)
    outcome = "synced"
    try:
        with (
            FaultProxy(server.port, fault) as proxy,
            Store.open(root) as store,
            bureau.client(url=proxy.url, timeout=TRIAL_TIMEOUT) as client,
        ):
            try:
                sync_service.sync(store, client)
            except SyncError as error:
                outcome = error.code
            struck = proxy.struck
        bureau.url = server.url
        with Store.open(root) as store, bureau.client(retry=FAST_RETRY) as client:
            sync_service.sync(store, client)
        check_invariants(bureau.database, bureau.config.photo_dir, [root])
    finally:
        bureau.database.dispose()
    return outcome, struck


@pytest.mark.parametrize("seed", range(TRIALS))
def test_a_broken_connection_loses_and_doubles_nothing(
    seed: int, listening: tuple[SwappableApp, ThreadServer], demo_template: Path, tmp_path: Path
) -> None:
    outcome, _ = run_trial(seed, listening, demo_template, tmp_path)
    assert outcome in {"synced", "offline", "timeout"}


@pytest.mark.parametrize("seed", range(POSTGRES_TRIALS))
def test_a_broken_connection_loses_and_doubles_nothing_on_postgresql(
    seed: int,
    listening: tuple[SwappableApp, ThreadServer],
    demo_template: Path,
    tmp_path: Path,
    postgres_cluster: PostgresCluster,
) -> None:
    database_url = postgres_cluster.new_database()
    outcome, _ = run_trial(seed, listening, demo_template, tmp_path, database_url=database_url)
    assert outcome in {"synced", "offline", "timeout"}
