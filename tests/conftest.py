"""Fixtures shared by every part of the suite: data dirs, stores, demo data, the CLI."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from inspector.cli import main
from inspector.core.clock import BUREAU_TZ, fixed_clock, set_clock, to_iso
from inspector.i18n import set_language
from inspector.services.demo import fill_demo
from inspector.store.store import Store

DEMO_TODAY = datetime(2026, 11, 28, 16, 30, tzinfo=BUREAU_TZ)
"""The fixed 'today' of demo data in tests, so dates and snapshots never drift."""


@pytest.fixture(autouse=True)
def demo_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[datetime]:
    """Every test runs on the demo's day, whatever the machine's date: in this process (``now``)
    and in every program a test starts (``INSPECTOR_NOW``). A test that needs another day sets it."""
    monkeypatch.setenv("INSPECTOR_NOW", to_iso(DEMO_TODAY))
    previous = set_clock(fixed_clock(DEMO_TODAY))
    yield DEMO_TODAY
    set_clock(previous)


@pytest.fixture(autouse=True)
def buffered_output_as_on_a_fresh_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The programs a test starts write through buffers, as on a fresh clone: a machine setting
    PYTHONUNBUFFERED hid a lost line (the kill-and-resume child) and an exit status of 120 (``| head``)."""
    monkeypatch.delenv("PYTHONUNBUFFERED", raising=False)


@pytest.fixture(autouse=True)
def documents_without_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    """Documents are laid out by LibreOffice (the 版记's even page, --pdf) only in the tests that
    render (tests/documents/test_render.py): elsewhere each notice would cost seconds."""
    monkeypatch.setenv("INSPECTOR_SOFFICE", "")


@pytest.fixture(autouse=True)
def chinese_by_default(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("INSPECTOR_LANG", raising=False)
    monkeypatch.delenv("INSPECTOR_HOME", raising=False)
    set_language("zh")
    yield
    set_language("zh")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def demo_store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "demo") as opened:
        fill_demo(opened, today=DEMO_TODAY)
        yield opened


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``inspector ARGS`` in-process and capture what it printed."""

    def run(*args: str | Path) -> CliResult:
        capsys.readouterr()
        code = main([str(arg) for arg in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
