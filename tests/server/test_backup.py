"""Back up a live server, write more, restore: the server serves the backed-up state (both engines)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import delete, insert, select

from inspector.server.db import SCHEMA_VERSION, current_epoch, schema_version, visits
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


def schema_versions(bureau: Bureau) -> list[int]:
    with bureau.database.reading() as conn:
        return sorted(conn.execute(select(schema_version.c.version)).scalars())


def test_a_backup_from_a_newer_server_is_refused_before_the_live_database_is_touched(
    bureau: Bureau, laptop: Callable[..., Path], run_cli: Callable, tmp_path: Path
) -> None:
    assert _sync(laptop("a"), bureau.url, bureau.tokens["lead"]) == "synced"
    newer = SCHEMA_VERSION + 1
    with bureau.database.writing() as conn:  # as a newer server would have left it
        conn.execute(insert(schema_version).values(version=newer, applied_at="later"))
    backup_file = tmp_path / "newer.backup"
    assert run_cli(*bureau.server_cli("backup", "-o", backup_file)).code == 0
    with bureau.database.writing() as conn:
        conn.execute(delete(schema_version).where(schema_version.c.version == newer))
    before_visits, before_versions = visit_keys(bureau), schema_versions(bureau)
    bureau.database.dispose()

    refused = run_cli("--lang", "en", *bureau.server_cli("restore", backup_file, "--replace"))

    assert refused.code == 1 and "Traceback" not in refused.err
    assert f"schema version {newer}" in refused.err and "Nothing in the database was changed" in refused.err
    assert visit_keys(bureau) == before_visits
    assert schema_versions(bureau) == before_versions


def test_a_damaged_backup_is_refused_and_the_database_is_exactly_as_before(
    bureau: Bureau, laptop: Callable[..., Path], run_cli: Callable, tmp_path: Path
) -> None:
    assert _sync(laptop("a"), bureau.url, bureau.tokens["lead"]) == "synced"
    backup_file = tmp_path / "whole.backup"
    assert run_cli(*bureau.server_cli("backup", "-o", backup_file)).code == 0
    whole = backup_file.read_bytes()
    cut = tmp_path / "cut.backup"  # a copy that stopped half-way (a full disk, a broken USB stick)
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    assert _sync(laptop("b", fresh=True), bureau.url, bureau.tokens["lead"]) == "synced"
    before = visit_keys(bureau)
    with bureau.database.reading() as conn:
        epoch = current_epoch(conn)
    bureau.database.dispose()

    refused = run_cli("--lang", "en", *bureau.server_cli("restore", cut, "--replace"))

    assert refused.code == 1 and "Traceback" not in refused.err
    assert "Nothing in the database was changed" in refused.err
    assert visit_keys(bureau) == before
    with bureau.database.reading() as conn:
        assert current_epoch(conn) == epoch
