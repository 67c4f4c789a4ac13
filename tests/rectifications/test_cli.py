"""The commands, run in-process through ``inspector.cli.main`` on a copy of the demo data."""

from __future__ import annotations

import json
from pathlib import Path

from inspector.core.clock import local_date, now
from inspector.core.rectifications import RectificationState
from inspector.services import rectifications as services
from inspector.store.store import Store


def ids(demo_dir: Path, site_id: str) -> list[str]:
    with Store.open(demo_dir, readonly=True) as store:
        return [view.id for view in services.rectification_views(store) if view.record.site_id == site_id]


def test_list_overdue_and_json(run_cli, demo_dir: Path) -> None:
    listed = run_cli("--data-dir", demo_dir, "rectifications", "list", "--overdue")
    assert listed.code == 0 and "婚姻登记处" in listed.out and "逾期" in listed.out
    rows = json.loads(run_cli("--data-dir", demo_dir, "rectifications", "list", "--overdue", "--json").out)
    assert rows and all(row["overdue"] and row["days_overdue"] > 0 for row in rows)
    assert rows == sorted(rows, key=lambda row: row["due"])
    everything = json.loads(run_cli("--data-dir", demo_dir, "rectifications", "list", "--json").out)
    assert len(everything) > len(rows) or all(row["overdue"] for row in everything)


def test_list_filters_by_site_state_and_area(run_cli, demo_dir: Path) -> None:
    by_site = json.loads(run_cli("--data-dir", demo_dir, "rectifications", "list", "--site", "LS-MR-001", "--json").out)
    assert by_site and {row["site_id"] for row in by_site} == {"LS-MR-001"}
    state = run_cli("--data-dir", demo_dir, "rectifications", "list", "--state", "feedback_received", "--json")
    assert {row["state"] for row in json.loads(state.out)} == {"feedback_received"}
    area = run_cli("--data-dir", demo_dir, "rectifications", "list", "--area", "物资储备", "--json")
    assert {row["area"] for row in json.loads(area.out)} == {"stockpiles"}
    nothing = run_cli("--data-dir", demo_dir, "rectifications", "list", "--site", "不存在的单位")
    assert nothing.code == 0 and "没有符合条件" in nothing.out


def test_feedback_then_show_with_history(run_cli, demo_dir: Path, tmp_path: Path) -> None:
    target = ids(demo_dir, "LS-MR-001")[0]
    short = f"{target[:8]}/{target.split('/')[1]}"
    photo = tmp_path / "整改后.jpg"
    photo.write_bytes(b"after")
    recorded = run_cli(
        "--data-dir", demo_dir, "rectifications", "feedback", short,
        "--measures", "已张贴值班表，落实带班领导", "--responsible", "赵主任",
        "--date", "2026-11-27", "--status", "done", "--evidence", photo,
    )  # fmt: skip
    assert recorded.code == 0 and "已反馈" in recorded.out, recorded.err
    shown = run_cli("--data-dir", demo_dir, "rectifications", "show", short)
    assert "已张贴值班表，落实带班领导" in shown.out and "赵主任" in shown.out and "整改后.jpg" in shown.out
    assert "处理记录" in shown.out and "整改反馈" in shown.out
    as_json = json.loads(run_cli("--data-dir", demo_dir, "rectifications", "show", target, "--json").out)
    assert as_json["state"] == "feedback_received" and as_json["events"][0]["kind"] == "feedback"


def test_bad_input_is_one_clear_line(run_cli, demo_dir: Path) -> None:
    target = ids(demo_dir, "LS-MR-001")[0]
    bad_date = run_cli(
        "--data-dir", demo_dir, "rectifications", "feedback", target,
        "--measures", "x", "--responsible", "y", "--date", "2026-02-30",
    )  # fmt: skip
    assert bad_date.code == 1 and "2026-02-30" in bad_date.err and "Traceback" not in bad_date.err
    empty = run_cli(
        "--data-dir", demo_dir, "rectifications", "feedback", target, "--measures", " ", "--responsible", "y"
    )
    assert empty.code == 1 and empty.err.strip() == "请填写整改措施"
    unknown = run_cli("--data-dir", demo_dir, "rectifications", "show", "ffffffff/none")
    assert unknown.code == 1 and "没有找到整改事项" in unknown.err
    english = run_cli("--data-dir", demo_dir, "--lang", "en", "rectifications", "show", "ffffffff/none")
    assert "no rectification" in english.err


def test_reinspection_from_the_command_line(run_cli, demo_dir: Path) -> None:
    first, second = ids(demo_dir, "LS-MR-001")
    started = run_cli("--data-dir", demo_dir, "rectifications", "reinspect", "LS-MR-001", "--lead", "张建国")
    assert started.code == 0, started.err
    assert "发现问题" in started.out and "（2 项）" in started.out
    with Store.open(demo_dir, readonly=True) as store:
        visit_uuid = next(s.uuid for s in store.visit_summaries() if store.load_visit(s.uuid).reinspects)
    ok = run_cli("--data-dir", demo_dir, "rectifications", "verify", visit_uuid[:8], first, "pass")
    bad = run_cli(
        "--data-dir", demo_dir, "rectifications", "verify", visit_uuid[:8], second, "fail",
        "--note", "值班表仍未上墙", "--deadline-days", "5",
    )  # fmt: skip
    assert ok.code == 0 and bad.code == 0, ok.err + bad.err
    done = run_cli("--data-dir", demo_dir, "rectifications", "complete", visit_uuid[:8])
    assert done.code == 0 and "已销号" in done.out and "待整改" in done.out, done.err
    closed = json.loads(run_cli("--data-dir", demo_dir, "rectifications", "show", first, "--json").out)
    assert closed["state"] == RectificationState.CLOSED.value
    reopened = json.loads(run_cli("--data-dir", demo_dir, "rectifications", "show", second, "--json").out)
    assert reopened["state"] == "open" and reopened["due"] > local_date(now()).isoformat()


def test_verify_refuses_an_item_outside_the_reinspection(run_cli, demo_dir: Path) -> None:
    run_cli("--data-dir", demo_dir, "rectifications", "reinspect", "LS-MR-001", "--lead", "张建国")
    with Store.open(demo_dir, readonly=True) as store:
        visit_uuid = next(s.uuid for s in store.visit_summaries() if store.load_visit(s.uuid).reinspects)
    elsewhere = ids(demo_dir, "LS-EC-002")[0]
    refused = run_cli("--data-dir", demo_dir, "rectifications", "verify", visit_uuid[:8], elsewhere, "pass")
    assert refused.code == 1 and "不在本次复查中" in refused.err


def test_list_on_an_empty_data_dir(run_cli, tmp_path: Path) -> None:
    listed = run_cli("--data-dir", tmp_path / "none", "rectifications", "list")
    assert listed.code == 0 and "没有符合条件" in listed.out
    assert not (tmp_path / "none").exists()
