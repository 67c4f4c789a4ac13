"""Back up a live server, write more, restore: the server serves the backed-up state (both engines)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from inspector.server.db import visits
from inspector.services import sync as sync_service
from inspector.store.store import Store
from tests.server.harness import Bureau
from tests.server.invariants import check_invariants
from tests.server.test_crashes import _sync


def visit_keys(bureau: Bureau) -> set[tuple[str, int]]:
    with bureau.database.reading() as conn:
        return {(row.uuid, row.version) for row in conn.execute(select(visits.c.uuid, visits.c.version))}


def test_a_restore_brings_back_the_state_of_the_backup(
    bureau: Bureau, laptop: Callable[..., Path], run_cli: Callable, tmp_path: Path
) -> None:
    first, second = laptop("a"), laptop("b", fresh=True)
    assert _sync(first, bureau.url, bureau.tokens["lead"]) == "synced"
    backed_up = visit_keys(bureau)
    backup_file = tmp_path / "bureau.backup"
    made = run_cli(*bureau.server_cli("backup", "-o", backup_file))  # while the server runs
    assert made.code == 0, made.err
    assert backup_file.stat().st_size > 0

    assert _sync(second, bureau.url, bureau.tokens["lead"]) == "synced"
    assert visit_keys(bureau) > backed_up

    refused = run_cli(*bureau.server_cli("restore", backup_file))
    assert refused.code == 1 and "--replace" in refused.err
    bureau.database.dispose()
    restored = run_cli(*bureau.server_cli("restore", backup_file, "--replace"))
    assert restored.code == 0, restored.err
    assert visit_keys(bureau) == backed_up
    # the restore started a new epoch: both laptops send everything again; nothing is doubled
    with Store.open(second) as store, bureau.client() as client:
        report = sync_service.sync(store, client)
    assert report.server_restored and report.visits_sent == 3
    with Store.open(first) as store, bureau.client() as client:
        report = sync_service.sync(store, client)
    assert report.server_restored and report.visits_sent == 0 and report.visits_already == 3
    check_invariants(bureau.database, bureau.config.photo_dir, [first, second])
    with Store.open(first) as store, bureau.client() as client:
        assert not sync_service.sync(store, client).server_restored


def test_a_file_that_is_not_a_backup_is_refused_and_the_database_is_untouched(
    bureau: Bureau, laptop: Callable[..., Path], run_cli: Callable, tmp_path: Path
) -> None:
    assert _sync(laptop("a"), bureau.url, bureau.tokens["lead"]) == "synced"
    before = visit_keys(bureau)
    foreign = tmp_path / "photo.jpg"
    foreign.write_bytes(b"\xff\xd8\xff\xe0 not a database")
    refused = run_cli("--lang", "en", *bureau.server_cli("restore", foreign, "--replace"))
    assert refused.code == 1
    assert "is not a backup" in refused.err and "Traceback" not in refused.err
    assert visit_keys(bureau) == before
