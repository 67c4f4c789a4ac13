"""The Windows paths of the store, exercised here with the Windows calls faked: a replace that a
reader blocks for a moment is tried again, a lasting or other failure reports its own error code,
and a data folder whose file system cannot lock is refused with a clear message."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from inspector.paths import sample_register
from inspector.store import atomic
from inspector.store import store as store_module
from inspector.store.errors import StoreError
from inspector.store.store import Store

SHARING_VIOLATION, PATH_NOT_FOUND = 32, 3


class FakeKernel32:
    """MoveFileExW answering the given error codes first (0 = success, which then renames for real)."""

    def __init__(self, codes: list[int]) -> None:
        self.codes = codes
        self.calls = 0
        self.last_error = 0

    def MoveFileExW(self, source: str, target: str, flags: int) -> int:
        self.calls += 1
        assert flags & 0x8, "the rename must be written through"
        code = self.codes.pop(0) if self.codes else 0
        if code:
            self.last_error = code
            return 0
        os.replace(source, target)
        return 1


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> Callable[[list[int]], FakeKernel32]:
    """This process as Windows for ``atomic``: kernel32 faked, the waits recorded instead of slept."""

    def fake(codes: list[int]) -> FakeKernel32:
        kernel32 = FakeKernel32(codes)
        monkeypatch.setattr(atomic.sys, "platform", "win32")
        monkeypatch.setattr(atomic, "_kernel32", lambda: kernel32)
        monkeypatch.setattr(atomic, "_last_error", lambda: kernel32.last_error)
        monkeypatch.setattr(atomic.time, "sleep", lambda seconds: None)
        return kernel32

    return fake


def test_a_replace_blocked_for_a_moment_by_a_reader_is_tried_again(
    windows: Callable[[list[int]], FakeKernel32], tmp_path: Path
) -> None:
    kernel32 = windows([SHARING_VIOLATION, SHARING_VIOLATION])
    target = tmp_path / "visit.json"
    target.write_bytes(b"old")
    atomic.atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new" and kernel32.calls == 3
    assert [path.name for path in tmp_path.iterdir()] == ["visit.json"]  # no temporary file left


def test_a_lasting_sharing_violation_fails_with_its_code_and_leaves_the_old_bytes(
    windows: Callable[[list[int]], FakeKernel32], tmp_path: Path
) -> None:
    kernel32 = windows([SHARING_VIOLATION] * 100)
    target = tmp_path / "visit.json"
    target.write_bytes(b"old")
    with pytest.raises(OSError) as failed:
        atomic.atomic_write_bytes(target, b"new")
    assert "Windows error 32" in str(failed.value) and failed.value.filename2 == str(target)
    assert kernel32.calls == len(atomic.REPLACE_RETRY_DELAYS) + 1
    assert target.read_bytes() == b"old" and [path.name for path in tmp_path.iterdir()] == ["visit.json"]


def test_another_failure_is_not_tried_again_and_reports_the_code_of_this_call(
    windows: Callable[[list[int]], FakeKernel32], tmp_path: Path
) -> None:
    kernel32 = windows([PATH_NOT_FOUND])
    with pytest.raises(OSError) as failed:
        atomic.atomic_write_bytes(tmp_path / "visit.json", b"new")
    assert "Windows error 3" in str(failed.value) and kernel32.calls == 1


@pytest.mark.skipif(sys.platform != "win32", reason="the real kernel32 exists on Windows only")
def test_the_real_kernel32_keeps_the_last_error() -> None:
    assert atomic._kernel32()._handle and atomic._last_error() >= 0


class LocklessFileLock:
    """filelock on a file system without locks: it raises NotImplementedError (some network shares)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def acquire(self) -> None:
        raise NotImplementedError("FileSystem does not appear to support flock; use SoftFileLock instead")


def test_a_data_folder_that_cannot_lock_is_refused_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, run_cli: Callable
) -> None:
    monkeypatch.setattr(store_module, "FileLock", LocklessFileLock)
    with pytest.raises(StoreError) as refused:
        Store.open(tmp_path / "share")
    assert refused.value.code == "cannot_lock"
    shown = run_cli("--lang", "en", "--data-dir", tmp_path / "share", "sites", "import", sample_register())
    assert shown.code == 1 and "cannot lock files" in shown.err and "Internal error" not in shown.err
