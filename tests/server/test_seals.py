"""A signed-off visit altered by hand after sign-off: no notice, record, export or upload is made from
it; each refuses with a message naming the file, and the rest of the laptop's work goes on."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector.core.visits import rectifications
from inspector.core.vocabulary import VisitStatus
from inspector.i18n.sync_text import report_lines
from inspector.server.db import visits
from inspector.services import sync as sync_service
from inspector.store.store import Store
from tests.server.harness import Bureau
from tests.server.test_crashes import _sync


def a_visit_with_findings(root: Path) -> tuple[str, str]:
    """A signed-off visit with a failed item: its uuid and the note of that item."""
    with Store.open(root, readonly=True) as store:
        for summary in store.visit_summaries():
            if summary.status is VisitStatus.SIGNED_OFF:
                visit = store.load_visit(summary.uuid)
                found = [record for record in rectifications(visit) if record.note] if not visit.reinspects else []
                if found:
                    return visit.uuid, found[0].note
    raise AssertionError("the demo has a signed-off visit with a noted finding")


def alter(path: Path, old: str, new: str) -> None:
    """What a hand in a text editor does: change words in the file, nothing else."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def altered(laptop: Callable[..., Path]) -> tuple[Path, str, Path]:
    """A laptop whose visit file says, after sign-off, that a finding was something else."""
    root = laptop("a")
    uuid, note = a_visit_with_findings(root)
    visit_file = root / "visits" / f"{uuid}.json"
    alter(visit_file, json.dumps(note, ensure_ascii=False)[1:-1], "已当场整改完毕")
    return root, uuid, visit_file


@pytest.mark.parametrize("command", ["notice", "record"])
def test_no_document_from_an_altered_visit(
    command: str, altered: tuple[Path, str, Path], run_cli: Callable, tmp_path: Path
) -> None:
    root, uuid, visit_file = altered
    out = tmp_path / "out"
    out.mkdir()
    result = run_cli("--data-dir", root, command, uuid[:8], "-o", out / "文书.docx")
    assert result.code != 0
    assert str(visit_file) in result.err and "签发后被改动" in result.err
    assert list(out.iterdir()) == []


def test_no_export_from_an_altered_visit(altered: tuple[Path, str, Path], run_cli: Callable, tmp_path: Path) -> None:
    root, _, visit_file = altered
    for export_format in ("xlsx", "csv"):
        result = run_cli(
            "--data-dir", root, "export", "--format", export_format, "-o", tmp_path / f"报表.{export_format}"
        )
        assert result.code != 0 and str(visit_file) in result.err
    assert not [path for path in tmp_path.iterdir() if path.name.startswith("报表")]


def test_an_altered_frozen_copy_is_named_too(laptop: Callable[..., Path], run_cli: Callable, tmp_path: Path) -> None:
    root = laptop("a")
    uuid, note = a_visit_with_findings(root)
    frozen = root / "sealed" / f"{uuid}.v1.json"
    alter(frozen, json.dumps(note, ensure_ascii=False)[1:-1], "已当场整改完毕")
    result = run_cli("--data-dir", root, "notice", uuid[:8], "-o", tmp_path / "通知.docx")
    assert result.code != 0 and str(frozen) in result.err
    assert not (tmp_path / "通知.docx").exists()


def test_sync_holds_an_altered_visit_and_sends_the_rest(laptop: Callable[..., Path], bureau: Bureau) -> None:
    root = laptop("a")
    uuid, note = a_visit_with_findings(root)
    frozen = root / "sealed" / f"{uuid}.v1.json"  # what an upload sends
    alter(frozen, json.dumps(note, ensure_ascii=False)[1:-1], "已当场整改完毕")
    with Store.open(root) as store, bureau.client() as client:
        report = sync_service.sync(store, client)
        held = [item for item in report.refused if item.code == sync_service.SEAL_BROKEN]
        assert [item.key for item in held] == [f"{uuid}.v1"]
        assert held[0].detail == {"file": str(frozen)}
        lines = [line.text for line in report_lines(report)]
        assert any(str(frozen) in line and "签发后被改动" in line for line in lines), lines
        assert report.visits_sent > 0  # the others went
    with bureau.database.reading() as conn:
        assert uuid not in set(conn.execute(select(visits.c.uuid)).scalars())
    assert _sync(root, bureau.url, bureau.tokens["lead"]) == "synced"  # still held, never sent
