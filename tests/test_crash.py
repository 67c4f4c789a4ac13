"""What the store acknowledged (answers, rectification events, receipts) survives kill -9, and so
does every visit through a kill mid-rebuild of the index; no file is ever left unreadable; no
signed-off version is ever lost to the server."""

from __future__ import annotations

import os
import random
import sys
import uuid as uuid_module
from dataclasses import replace
from pathlib import Path

import pytest

from inspector.store.store import Store
from tests.crash_harness import (
    prepare,
    prepare_journals,
    run_journal_trial,
    run_rebuild_trial,
    run_signing_trial,
    run_trial,
)

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
def test_kill_9_while_recording_events_and_receipts_loses_none(tmp_path: Path) -> None:
    prepare_journals(tmp_path)
    rng = random.Random(20261201)
    acknowledged = 0
    for _ in range(TRIALS):
        result = run_journal_trial(tmp_path, rng)
        assert result.unreadable == [] and result.problems == []
        assert result.lost == 0
        acknowledged += result.acknowledged
    assert acknowledged > TRIALS
    # the outbox was compacted and its receipts archived along the way
    assert (tmp_path / "outbox-sent.jsonl").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX; Windows uses TerminateProcess")
def test_kill_9_during_an_index_rebuild_never_hides_a_visit(tmp_path: Path) -> None:
    uuid = prepare(tmp_path)
    with Store.open(tmp_path) as store:
        template = store.load_visit(uuid)
        for _ in range(150):
            store.save_visit(replace(template, uuid=str(uuid_module.uuid4())))
    rng = random.Random(20261202)
    for _ in range(TRIALS):
        result = run_rebuild_trial(tmp_path, rng)
        assert result.unreadable == [] and result.problems == []
        assert result.lost == 0, "a visit file the index does not list after a kill mid-rebuild"


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
