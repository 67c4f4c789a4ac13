"""An answer the store acknowledged survives kill -9; no file is ever left unreadable; no signed-off
version is ever lost to the server."""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import pytest

from tests.crash_harness import prepare, run_signing_trial, run_trial

TRIALS = int(os.environ.get("INSPECTOR_CRASH_TRIALS", "30"))
SIGNING_TRIALS = max(3, TRIALS // 5)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX; Windows uses TerminateProcess")
def test_kill_9_while_saving_loses_no_acknowledged_answer(tmp_path: Path) -> None:
    uuid = prepare(tmp_path)
    rng = random.Random(20261128)
    acknowledged = 0
    for _ in range(TRIALS):
        result = run_trial(tmp_path, uuid, rng)
        assert result.unreadable == [] and result.problems == []
        assert result.lost == 0
        acknowledged += result.acknowledged
    # the kills must have landed while answers were being written, or the test proves nothing
    assert acknowledged > TRIALS


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX; Windows uses TerminateProcess")
def test_a_kill_between_sign_off_and_queueing_loses_no_version_after_an_amendment(tmp_path: Path) -> None:
    prepare(tmp_path)
    assert run_signing_trial(tmp_path, random.Random(1), in_window=True) == []


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX; Windows uses TerminateProcess")
def test_kill_9_while_signing_off_and_amending_loses_no_version(tmp_path: Path) -> None:
    prepare(tmp_path)
    rng = random.Random(20261201)
    for _ in range(SIGNING_TRIALS):
        assert run_signing_trial(tmp_path, rng) == []
