"""LibreOffice hanging or failing: its processes are ended, and the document is still made."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from inspector.core.errors import DomainError
from inspector.documents import render
from inspector.documents.gongwen import OWN_EVEN_PAGE
from inspector.documents.render import RenderFailed, even_pages, to_pdf
from inspector.i18n import t
from inspector.services.documents import issue_notice
from inspector.store.store import Store
from tests.documents.conftest import signed_with_failures

pytestmark = pytest.mark.skipif(os.name == "nt", reason="the stand-in LibreOffice is a shell script")


def stand_in(tmp_path: Path, body: str) -> Path:
    """A program named like LibreOffice: ``body`` is its shell script."""
    program = tmp_path / "bin" / "soffice"
    program.parent.mkdir()
    program.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return program


def alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return False
    return "\nState:\tZ" not in status.read_text(encoding="utf-8")  # a zombie has ended


@pytest.fixture
def hanging(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A launcher whose worker (its child, as soffice.bin is soffice's) never finishes."""
    pid_file = tmp_path / "worker.pid"
    program = stand_in(tmp_path, f"sleep 300 &\necho $! > {pid_file}\nwait")
    monkeypatch.setenv(render.SOFFICE_VARIABLE, str(program))
    monkeypatch.setattr(render, "CONVERT_TIMEOUT_S", 1)
    return pid_file


def test_a_hanging_libreoffice_is_ended_with_the_worker_it_started(hanging: Path, tmp_path: Path) -> None:
    document = tmp_path / "a.docx"
    document.write_bytes(b"not read")
    with pytest.raises(RenderFailed, match="did not finish"):
        to_pdf(document, tmp_path / "pdf", work_dir=tmp_path / "work")
    worker = int(hanging.read_text(encoding="utf-8"))
    for _ in range(50):  # the kill is delivered at once; reaping the worker may take a moment
        if not alive(worker):
            break
        time.sleep(0.1)
    assert not alive(worker)


def test_the_document_is_laid_out_as_without_libreoffice_when_it_hangs(hanging: Path, tmp_path: Path) -> None:
    asked: list[int] = []

    def build(pages_before: int) -> bytes:
        asked.append(pages_before)
        return f"document {pages_before}".encode()

    settled = even_pages(build, tmp_path)
    assert settled.docx == f"document {OWN_EVEN_PAGE}".encode()
    assert settled.pdf is None and settled.pages is None
    assert asked == [0, OWN_EVEN_PAGE]


def test_a_failing_libreoffice_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = stand_in(tmp_path, "echo 'Error: source file could not be loaded' >&2\nexit 1")
    monkeypatch.setenv(render.SOFFICE_VARIABLE, str(program))
    document = tmp_path / "a.docx"
    document.write_bytes(b"not read")
    with pytest.raises(RenderFailed, match="source file could not be loaded"):
        to_pdf(document, tmp_path / "pdf", work_dir=tmp_path / "work")


def test_a_notice_asked_with_its_pdf_is_not_written_when_libreoffice_hangs(hanging: Path, demo: Store) -> None:
    target = demo.root.parent / "notice.docx"
    with pytest.raises(DomainError) as raised:
        issue_notice(demo, signed_with_failures(demo).uuid, target, pdf=True)
    assert raised.value.code == "document.pdf_failed"
    assert not target.exists()
    assert "LibreOffice" in t(f"error.{raised.value.code}", **raised.value.params)
