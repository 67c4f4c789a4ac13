"""Inspection rounds on a real server on loopback: drawn and verified from the command line, a
hand-edited record refused by verify, a redraw a new version; each account receives only its own
assignments, only from shortly before the period; a laptop's visit started from one carries its round."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

import inspector
from inspector.core.clock import fixed_clock, from_iso, set_clock
from inspector.core.rounds import RoundRecord, assignments_of
from inspector.core.vocabulary import Result
from inspector.server.accounts import Role
from inspector.server.db import round_versions
from inspector.services.rounds import assignments, due, round_due_text, start_from_assignment
from inspector.services.visits import record_answer, sign_off_visit, start_visit
from inspector.store.store import Store
from inspector.sync.client import BureauClient
from tests.documents.conftest import Docx
from tests.server.harness import FAST_RETRY, FAST_TIMEOUT, Bureau
from tests.server.test_crashes import _sync

REGISTER = Path(inspector.__file__).parent / "demo_data" / "register.csv"
# six inspectors from six townships; 李四 declared a conflict with one elderly-care home
INSPECTORS = {
    "zhang": ("张三", "鲁阳街道", ""),
    "li": ("李四", "露峰街道", "LS-EC-003"),
    "wang": ("王五", "张官营镇", ""),
    "zhao": ("赵六", "梁洼镇", ""),
    "qian": ("钱七", "下汤镇", ""),
    "sun": ("孙八", "赵村镇", "尧山镇"),
}


@pytest.fixture
def drawn(run_cli: Callable, bureau: Bureau, tmp_path: Path) -> tuple[Bureau, RoundRecord, dict[str, str]]:
    """A bureau with the demo register published, six inspectors enrolled, and a round drawn."""
    assert run_cli(*bureau.server_cli("publish-register", REGISTER)).code == 0
    tokens = {account: bureau.enrol(account, Role.LEAD) for account in INSPECTORS}
    register = tmp_path / "inspectors.csv"
    lines = ["account,name,township,conflicts"] + [
        f"{account},{name},{township},{conflict}" for account, (name, township, conflict) in INSPECTORS.items()
    ]
    register.write_text("\n".join(lines) + "\n", encoding="utf-8")
    created = run_cli(
        *bureau.server_cli(
            "rounds", "create", "2026年12月养老机构双随机抽查", "--from", "2026-12-01", "--to", "2026-12-20",
            "--kinds", "养老机构", "--count", "6", "--team-size", "2", "--weighting", "risk",
            "--inspectors", register, "--by", "局办公室", "--json",
        )
    )  # fmt: skip
    assert created.code == 0, created.err
    return bureau, RoundRecord.from_dict(json.loads(created.out)), tokens


def test_a_round_is_drawn_verified_and_redrawn_only_with_a_reason(run_cli: Callable, drawn, tmp_path: Path) -> None:
    bureau, record, _ = drawn
    assert len(record.assignments) == 6 and record.version == 1
    assert all(assignment.site.kind.value == "elderly_care" for assignment in record.assignments)
    checked = run_cli(*bureau.server_cli("rounds", "verify", record.round_id[:8]))
    assert checked.code == 0 and "核验通过" in checked.out
    # anyone can verify the exported record without the server
    exported = tmp_path / "round.json"
    exported.write_text(run_cli(*bureau.server_cli("rounds", "show", record.round_id, "--json")).out, encoding="utf-8")
    assert run_cli("server", "rounds", "verify", "--file", exported).code == 0
    # a redraw without a reason is refused; with one, it is version 2 naming version 1's seal
    silent = run_cli(*bureau.server_cli("rounds", "redraw", record.round_id, "--reason", " "))
    assert silent.code == 1 and "理由" in silent.err
    again = run_cli(*bureau.server_cli("rounds", "redraw", record.round_id, "--reason", "王五借调"))
    assert again.code == 0, again.err
    assert "第 2 版" in again.out
    chain = run_cli("--lang", "en", *bureau.server_cli("rounds", "verify", record.round_id))
    assert chain.code == 0 and chain.out.count("chain holds") == 2
    closed = run_cli(*bureau.server_cli("rounds", "close", record.round_id, "--by", "admin-user", "-o", tmp_path))
    assert closed.code == 0, closed.err
    late = run_cli(*bureau.server_cli("rounds", "redraw", record.round_id, "--reason", "再抽一次"))
    assert late.code == 1 and "已结束" in late.err


def test_a_sealed_round_edited_by_hand_fails_verify(run_cli: Callable, drawn) -> None:
    bureau, record, _ = drawn
    body = record.to_dict()
    outsider = next(account for account in INSPECTORS if account not in body["assignments"][0]["team"])
    body["assignments"][0]["team"][0] = outsider
    with bureau.database.writing() as conn:
        conn.execute(
            update(round_versions)
            .where(round_versions.c.round_id == record.round_id)
            .values(body=json.dumps(body, ensure_ascii=False))
        )
    failed = run_cli(*bureau.server_cli("rounds", "verify", record.round_id))
    assert failed.code == 1 and "核验不通过" in failed.err
    assert "封存 不符" in failed.out


def test_too_few_eligible_inspectors_is_refused_clearly(run_cli: Callable, drawn, tmp_path: Path) -> None:
    bureau, _, _ = drawn
    few = tmp_path / "few.csv"
    few.write_text("account,name,township,conflicts\nzhang,张三,鲁阳街道,\nli,李四,露峰街道,\n", encoding="utf-8")
    refused = run_cli(
        *bureau.server_cli(
            "rounds", "create", "全县乡镇民政所抽查", "--from", "2026-12-01", "--to", "2026-12-20",
            "--kinds", "township", "--share", "100", "--inspectors", few,
        )
    )  # fmt: skip
    assert refused.code == 1
    assert "无法为" in refused.err and "只有 1 人可派" in refused.err and "Traceback" not in refused.err


def test_each_account_receives_only_its_own_assignments(drawn) -> None:
    """A hostile caller holding another team's valid token learns nothing of other teams' sites."""
    bureau, record, tokens = drawn
    for account, token in tokens.items():
        with _client(bureau, token) as client:
            received = client.assignments().assignments
        mine = {assignment.site.id for assignment in assignments_of(record, account)}
        assert {item.site_id for item in received} == mine
        assert all(INSPECTORS[account][0] in item.team for item in received)
    # the accounts in no team, of every role, receive nothing at all
    for role in Role:
        with bureau.client(role.value) as client:
            assert client.assignments().assignments == []


def test_assignments_arrive_only_shortly_before_the_period(run_cli: Callable, drawn, tmp_path: Path) -> None:
    bureau, _, tokens = drawn
    register = tmp_path / "inspectors.csv"
    later = run_cli(
        *bureau.server_cli(
            "rounds", "create", "2027年1月抽查", "--from", "2027-01-10", "--to", "2027-01-31",
            "--kinds", "elderly_care", "--count", "6", "--inspectors", register, "--json",
        )
    )  # fmt: skip
    assert later.code == 0, later.err
    for token in tokens.values():
        with _client(bureau, token) as client:
            assert {item.round_name for item in client.assignments().assignments} <= {"2026年12月养老机构双随机抽查"}


def test_a_laptop_syncs_its_assignments_and_starts_a_visit_of_the_round(drawn, laptop: Callable[..., Path]) -> None:
    bureau, record, tokens = drawn
    account = record.assignments[0].team[0]
    root = laptop("team")
    assert _sync(root, bureau.url, tokens[account]) == "synced"
    with Store.open(root) as store:
        held = assignments(store)
        assert {status.assignment.site_id for status in held} == {
            assignment.site.id for assignment in assignments_of(record, account)
        }
        assert f"本轮待检 {len(held)} 家（12月1日～12月20日）" in round_due_text(due(store))
    set_clock(fixed_clock(from_iso("2026-12-02T09:00:00+08:00")))
    with Store.open(root) as store:
        visit = start_from_assignment(store, record.round_id, record.assignments[0].site.id, lead="张三")
        assert store.load_visit(visit.uuid).round_id == record.round_id
        assert store.load_visit(visit.uuid).to_dict()["round_id"] == record.round_id
        started = {status.assignment.site_id: status.visit_uuid for status in assignments(store)}
        assert started[record.assignments[0].site.id] == visit.uuid
        # any visit started at a site the team was drawn for (the new-visit screen's way) carries the round
        mine = [a.site.id for a in assignments_of(record, account) if a.site.id != record.assignments[0].site.id]
        if mine:
            assert start_visit(store, mine[0], lead="张三").round_id == record.round_id
        elsewhere = next(site.id for site in store.sites() if site.id not in {a.site.id for a in record.assignments})
        assert start_visit(store, elsewhere, lead="张三").round_id == ""


def _client(bureau: Bureau, token: str) -> BureauClient:
    return BureauClient(bureau.url, token, retry=FAST_RETRY, timeout=FAST_TIMEOUT)


def test_a_closed_round_is_published_as_a_document_and_a_workbook(
    run_cli: Callable, drawn, laptop: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One assigned site visited (one problem found), the others not: the 公示 and the xlsx say so."""
    bureau, record, tokens = drawn
    first = record.assignments[0]
    root = laptop("team")
    assert _sync(root, bureau.url, tokens[first.team[0]]) == "synced"
    set_clock(fixed_clock(from_iso("2026-12-02T09:00:00+08:00")))
    with Store.open(root) as store:
        visit = start_from_assignment(store, record.round_id, first.site.id, lead="张三")
        for number, item in enumerate(visit.checklist.items):
            failed = number == 0
            note = "消毒记录缺失" if failed else ""
            record_answer(
                store, visit.uuid, item.id, by="张三", result=Result.FAIL if failed else Result.PASS, note=note
            )
        sign_off_visit(store, visit.uuid, by="张三")
    assert _sync(root, bureau.url, tokens[first.team[0]]) == "synced"
    monkeypatch.setenv("INSPECTOR_NOW", "2026-12-21T10:00:00+08:00")  # the command's clock: after the period
    closed = run_cli(*bureau.server_cli("rounds", "close", record.round_id, "--by", "admin-user", "-o", tmp_path))
    assert closed.code == 0, closed.err
    document = Docx(next(tmp_path.glob("抽查结果公示_*.docx")).read_bytes())
    text = document.text
    assert re.search(r"鲁民督公〔2026〕1号", text) and "2026年12月21日" in text
    assert "2026年12月养老机构双随机抽查" in text.replace("\n", "")
    for assignment in record.assignments:
        assert assignment.site.name in text
    assert "发现问题1个，已责令整改" in text and text.count("未检查") == len(record.assignments) - 1
    assert not any(name in text for name, _, _ in INSPECTORS.values())  # the public notice names no inspector
    sheet = load_workbook(next(tmp_path.glob("抽查结果汇总_*.xlsx"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "单位名称", "所在乡镇")
    assert [row[1] for row in rows[1:]] == [assignment.site.name for assignment in record.assignments]
    assert rows[1][7] == 1 and rows[1][5].date() == date(2026, 12, 2) and rows[2][6] == "未检查"
    # closed again: made again, under the same number
    again = run_cli(*bureau.server_cli("rounds", "close", record.round_id, "--by", "admin-user", "-o", tmp_path))
    assert again.code == 0 and "鲁民督公〔2026〕1号" in again.out


def test_the_laptop_commands_list_and_start_assignments(
    run_cli: Callable, drawn, laptop: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    bureau, record, tokens = drawn
    first = record.assignments[0]
    root = laptop("team")
    assert _sync(root, bureau.url, tokens[first.team[0]]) == "synced"
    listed = run_cli("--data-dir", root, "assignments", "list")
    assert listed.code == 0 and first.site.name in listed.out and "待检" in listed.out
    # before the period: refused, saying when it begins
    early = run_cli("--data-dir", root, "assignments", "start", record.round_id[:8], first.site.id, "--lead", "张三")
    assert early.code == 1 and "2026-12-01" in early.err
    monkeypatch.setenv("INSPECTOR_NOW", "2026-12-02T09:00:00+08:00")
    started = run_cli("--data-dir", root, "assignments", "start", record.plan.name, first.site.id, "--lead", "张三")
    assert started.code == 0, started.err
    assert "检查中" in run_cli("--data-dir", root, "assignments", "list").out
    unknown = run_cli("--data-dir", root, "assignments", "start", record.plan.name, "LS-TW-001", "--lead", "张三")
    assert unknown.code == 1 and "LS-TW-001" in unknown.err
