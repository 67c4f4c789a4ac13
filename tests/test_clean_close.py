"""The clean-close stamp (``store.stamp``): after a clean close the next writer skips the checks
for what a crash leaves (the temp-file sweep of the folders that grow, the index's names check, the
look for signed-off versions missing from the outbox); anything a crash, a kill or a hand can
leave since gives the full checks, as before."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

from inspector.core.visit_summary import VisitSummary
from inspector.core.vocabulary import Result, VisitStatus
from inspector.paths import sample_register
from inspector.services import visits as services
from inspector.services.outbox import ensure_outbox
from inspector.services.register import import_register
from inspector.store import store as store_module
from inspector.store.atomic import atomic_write_bytes, temp_path_for
from inspector.store.stamp import STAMP_FILE
from inspector.store.store import Store
from tests.conftest import DEMO_TODAY


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A data dir closed cleanly: two visits (the first signed off), a photo, and its stamp."""
    photo = tmp_path / "照片.jpg"
    photo.write_bytes(b"\xff\xd8 a photo")
    with Store.open(tmp_path / "data") as store:
        ensure_outbox(store)  # as the app does when it starts
        import_register(store, sample_register())
        first = start(store)
        for item in store.load_visit(first).checklist.items:
            services.record_answer(store, first, item.id, result=Result.PASS)
        services.sign_off_visit(store, first, by="张建国", at=DEMO_TODAY)
        start(store)
        store.add_evidence(photo)
    assert (tmp_path / "data" / STAMP_FILE).exists()
    return tmp_path / "data"


def start(store: Store) -> str:
    return services.start_visit(store, "LS-EC-001", lead="张建国", members=["李娜"], arrived_at=DEMO_TODAY).uuid


@pytest.fixture
def scanned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The folders the store lists while it opens (the sweep and the names check list them whole)."""
    seen: list[str] = []
    scandir = os.scandir

    def recording(path: str | os.PathLike[str]) -> Iterator[os.DirEntry[str]]:
        seen.append(Path(path).name)
        return scandir(path)

    monkeypatch.setattr(store_module.os, "scandir", recording)
    return seen


def test_a_reopening_after_a_clean_close_skips_the_checks(
    root: Path, scanned: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_look(*args: object) -> bool:
        raise AssertionError("the outbox was searched")

    with Store.open(root) as store:
        assert store.closed_cleanly and store.outbox_complete
        assert not (root / STAMP_FILE).exists()  # removed at once: a kill from here on leaves none
        assert set(scanned) == {"data"}  # the data dir's own few entries only
        assert store.loaded_journal(store_module.INDEX_FILE) is None, "the index is read when first needed"
        monkeypatch.setattr(Store, "in_outbox", no_look)
        assert ensure_outbox(store) == 0
        assert len(store.visit_summaries()) == 2
    with Store.open(root) as store:  # and again: the stamp is written at every clean close
        assert store.closed_cleanly


def test_the_first_opening_and_a_fresh_folder_do_every_check(tmp_path: Path, scanned: list[str]) -> None:
    with Store.open(tmp_path / "data") as store:
        assert not store.closed_cleanly and not store.outbox_complete
    assert {"visits", "sealed", "evidence"} <= set(scanned)


@pytest.mark.parametrize("folder", ["visits", "sealed", "evidence", "evidence/shard"])
def test_a_temp_file_made_by_hand_after_a_clean_close_is_swept(root: Path, folder: str) -> None:
    if folder == "evidence/shard":
        folder = next(p for p in (root / "evidence").iterdir() if p.is_dir()).relative_to(root).as_posix()
    stray = temp_path_for(root / folder / "x.json")
    stray.write_bytes(b'{"half":')
    with Store.open(root) as store:
        assert not store.closed_cleanly
    assert not stray.exists()


def test_a_visit_file_removed_or_added_by_hand_has_the_index_rebuilt(root: Path, tmp_path: Path) -> None:
    with Store.open(root, readonly=True) as reader:
        first, second = (summary.uuid for summary in sorted(reader.visit_summaries(), key=signed_off_first))
    moved = tmp_path / f"{first}.json"
    os.replace(root / "visits" / f"{first}.json", moved)
    with Store.open(root) as store:
        assert not store.closed_cleanly
        assert store.visit_uuids() == [second]
    os.replace(moved, root / "visits" / f"{first}.json")  # copied back in by hand
    with Store.open(root) as store:
        assert not store.closed_cleanly
        assert sorted(store.visit_uuids()) == sorted([first, second])


def signed_off_first(summary: VisitSummary) -> bool:
    return summary.status is not VisitStatus.SIGNED_OFF


def _appended(index: Path) -> None:
    with open(index, "ab") as handle:
        handle.write(index.read_bytes().splitlines(keepends=True)[-1])


def _replaced_with_the_same_bytes(index: Path) -> None:
    atomic_write_bytes(index, index.read_bytes())


def _written_in_place_at_the_same_size(index: Path) -> None:
    data = index.read_bytes()
    with open(index, "r+b") as handle:
        handle.write(data[:10])


def _appended_a_torn_line(index: Path) -> None:
    with open(index, "ab") as handle:
        handle.write(b'{"uuid": "half')


@pytest.mark.parametrize(
    "change", [_appended, _replaced_with_the_same_bytes, _written_in_place_at_the_same_size, _appended_a_torn_line]
)
def test_an_index_changed_after_the_stamp_gives_the_full_checks(root: Path, scanned: list[str], change: object) -> None:
    change(root / "index.jsonl")  # type: ignore[operator]
    with Store.open(root) as store:
        assert not store.closed_cleanly and not store.outbox_complete
        assert len(store.visit_uuids()) == 2
    assert "visits" in scanned


def test_an_outbox_changed_after_the_stamp_has_it_looked_through(root: Path) -> None:
    _appended(root / "outbox.jsonl")  # its last entry again
    with Store.open(root) as store:
        assert store.closed_cleanly and not store.outbox_complete
        assert ensure_outbox(store) == 0
        assert store.outbox_complete


KILLED_AFTER_OPENING = """
import os, sys
from inspector.store.store import Store
store = Store.open(sys.argv[1])
print(store.closed_cleanly, flush=True)
os._exit(9)
"""


def test_a_writer_killed_after_opening_leaves_no_stamp(root: Path) -> None:
    child = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_OPENING, str(root)], capture_output=True, text=True, timeout=60
    )
    assert child.returncode == 9 and child.stdout.strip() == "True"
    assert not (root / STAMP_FILE).exists()
    with Store.open(root) as store:
        assert not store.closed_cleanly and not store.outbox_complete


def _another_schema(stamp: bytes) -> bytes:
    decoded = msgspec.json.decode(stamp)
    return msgspec.json.encode({**decoded, "schema_version": decoded["schema_version"] + 1})


def _another_kind(stamp: bytes) -> bytes:
    return msgspec.json.encode({**msgspec.json.decode(stamp), "kind": "inspector clean close 0"})


def _a_field_of_the_wrong_type(stamp: bytes) -> bytes:
    return msgspec.json.encode({**msgspec.json.decode(stamp), "folders": {"visits": "yes"}})


@pytest.mark.parametrize(
    "damage",
    [
        lambda stamp: b"",
        lambda stamp: stamp[: len(stamp) // 2],
        lambda stamp: "乱码".encode("gb18030"),
        lambda stamp: b"[1, 2, 3]",
        lambda stamp: b"x" * (2 << 20),
        _another_schema,
        _another_kind,
        _a_field_of_the_wrong_type,
    ],
)
def test_a_damaged_or_foreign_stamp_gives_the_full_checks_and_touches_nothing(root: Path, damage: object) -> None:
    stamp = root / STAMP_FILE
    stamp.write_bytes(damage(stamp.read_bytes()))  # type: ignore[operator]
    before = files_of(root)
    with Store.open(root) as store:
        assert not store.closed_cleanly and not store.outbox_complete and store.problems == []
        assert files_of(root) == before
        assert len(store.visit_uuids()) == 2
    with Store.open(root) as store:  # the clean close wrote a good one again
        assert store.closed_cleanly


def test_a_folder_in_the_stamp_s_place_is_left_alone(root: Path) -> None:
    (root / STAMP_FILE).unlink()
    (root / STAMP_FILE).mkdir()
    (root / STAMP_FILE / "mine.txt").write_bytes(b"mine")
    with Store.open(root) as store:
        assert not store.closed_cleanly
    with Store.open(root) as store:  # closing could write no stamp over it, and said nothing
        assert not store.closed_cleanly
    assert (root / STAMP_FILE / "mine.txt").read_bytes() == b"mine"


def files_of(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name not in (STAMP_FILE, "inspector.lock")
    }


def test_a_copy_with_its_times_kept_is_checked_once_then_trusted(root: Path, tmp_path: Path) -> None:
    """What the benchmarks do (``cp -a``, ``shutil.copytree``): new files and folders, new ids."""
    copy = tmp_path / "copy"
    shutil.copytree(root, copy, copy_function=shutil.copy2)
    assert (copy / STAMP_FILE).exists()
    with Store.open(copy) as store:
        assert not store.closed_cleanly
    with Store.open(copy) as store:
        assert store.closed_cleanly


def test_readers_leave_the_stamp_to_the_writer(root: Path) -> None:
    with Store.open(root, readonly=True) as reader:
        assert not reader.closed_cleanly and len(reader.visit_uuids()) == 2
    assert (root / STAMP_FILE).exists()
    with Store.open(root) as store:
        assert store.closed_cleanly


def test_an_exception_out_of_the_with_is_no_clean_close(root: Path) -> None:
    with pytest.raises(RuntimeError), Store.open(root):
        raise RuntimeError("the app fell over")
    assert not (root / STAMP_FILE).exists()


def test_a_sign_off_whose_queueing_failed_is_queued_at_the_next_start(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app shows the error and goes on; the session then ends normally: the stamp must not
    say the outbox is complete."""
    with Store.open(root) as store:
        uuid = next(summary.uuid for summary in store.visit_summaries() if signed_off_first(summary))
        for item in store.load_visit(uuid).checklist.items:
            services.record_answer(store, uuid, item.id, result=Result.PASS)

        def disk_full(*args: object) -> None:
            raise OSError(28, "No space left on device")

        with monkeypatch.context() as patched:
            patched.setattr(Store, "save_sealed", disk_full)
            with pytest.raises(OSError):
                services.sign_off_visit(store, uuid, by="张建国", at=DEMO_TODAY)
        assert not store.outbox_complete
    with Store.open(root) as store:
        assert store.closed_cleanly and not store.outbox_complete
        assert ensure_outbox(store) == 1
        assert store.outbox_complete


def test_a_change_that_failed_half_way_leaves_no_stamp(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(root) as store:
        uuid = store.visit_uuids()[0]

        def cut_short(*args: object) -> None:
            raise KeyboardInterrupt

        with monkeypatch.context() as patched:
            patched.setattr(store_module, "write_new_file", cut_short)
            with pytest.raises(KeyboardInterrupt):
                store.save_sealed(uuid, 99, b"{}")
    assert not (root / STAMP_FILE).exists()


# -- what a service keeps for the next start (home's first frame) --------------------------------


def test_what_was_kept_at_a_clean_close_is_given_to_the_next_opening_only(root: Path) -> None:
    with Store.open(root) as store:
        assert store.kept_at_open is None
        store.keep_at_close(b'{"visit_count": 2}')
    with Store.open(root) as store:
        assert store.kept_at_open == b'{"visit_count": 2}'
    with Store.open(root) as store:  # kept by the one closing before, not by every one
        assert store.closed_cleanly and store.kept_at_open is None


@pytest.mark.parametrize(
    "change",
    [
        lambda root: atomic_write_bytes(root / "settings.json", (root / "settings.json").read_bytes()),
        lambda root: (root / "notes.txt").write_bytes(b"mine"),
        lambda root: (root / "register.json").unlink(),
        lambda root: _appended(root / "outbox.jsonl"),
    ],
    ids=["a small file replaced", "a file added", "a file removed", "a journal appended to"],
)
def test_nothing_kept_is_given_when_a_file_of_the_data_dir_changed(root: Path, change: object) -> None:
    with Store.open(root) as store:
        store.keep_at_close(b"kept")
    change(root)  # type: ignore[operator]
    with Store.open(root) as store:
        assert store.kept_at_open is None


def test_what_was_kept_is_dropped_when_the_data_dir_changed_before_the_close(root: Path) -> None:
    with Store.open(root) as store:
        store.keep_at_close(b"kept")
        store.update_settings(language="en")
    with Store.open(root) as store:
        assert store.closed_cleanly and store.kept_at_open is None


def test_too_much_kept_is_left_out_of_the_stamp_not_the_stamp_lost(root: Path) -> None:
    with Store.open(root) as store:
        store.keep_at_close(b"x" * (9 << 20))
    with Store.open(root) as store:
        assert store.closed_cleanly and store.outbox_complete and store.kept_at_open is None
