"""The command line: version, help, languages, demo, listing and showing visits, JSON for scripts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from inspector import __version__


def test_version_and_help(run_cli, capsys) -> None:
    with pytest.raises(SystemExit):
        run_cli("--version")
    assert __version__ in capsys.readouterr().out
    with pytest.raises(SystemExit):
        run_cli("--help")
    assert "数据目录" in capsys.readouterr().out


def test_help_lists_every_command_wherever_it_is_asked(run_cli, capsys) -> None:
    for asked in (["--help"], ["--data-dir", "x", "-h"], ["demo", "--help"]):
        with pytest.raises(SystemExit):
            run_cli(*asked)
        out = capsys.readouterr().out
        assert asked[0] == "demo" or all(
            command in out for command in ("demo", "checklists", "sync", "serve", "notice")
        )


@pytest.mark.parametrize(
    ("argv", "opens_the_app"),
    [
        ([], True),
        (["--data-dir", "sites"], True),
        (["--lang", "en", "demo", "--no-open"], True),
        (["--data-dir=d", "demo"], True),
        (["sites", "list"], False),
        (["--data-dir", "d", "sync"], False),
        (["--version"], False),
        (["-h"], False),
    ],
)
def test_only_opening_the_app_skips_the_other_commands_parsers(argv: list[str], opens_the_app: bool) -> None:
    from inspector.cli import _opens_the_app

    assert _opens_the_app(argv) is opens_the_app


def test_opening_the_app_imports_no_other_command(tmp_path: Path) -> None:
    """What the app's cold start saves: the other commands' modules are not imported to open it."""
    script = (
        "import sys\nfrom inspector.cli import main\nmain(['--data-dir', sys.argv[1], 'demo', '--no-open'])\n"
        "print(sorted(m for m in sys.modules if m.endswith('_commands')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, encoding="utf-8"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "['inspector.cli.app_commands']"


def test_help_in_english(run_cli, capsys) -> None:
    with pytest.raises(SystemExit):
        run_cli("--lang", "en", "--help")
    assert "data folder" in capsys.readouterr().out


def test_python_dash_m_and_the_console_script_both_run(tmp_path: Path) -> None:
    env = {**os.environ, "INSPECTOR_HOME": str(tmp_path), "INSPECTOR_LANG": "en"}
    # the script pip installed beside this interpreter: the README's .venv is not on PATH unless activated
    script = shutil.which("inspector", path=str(Path(sys.executable).parent))
    assert script is not None
    for command in ([sys.executable, "-m", "inspector", "visits", "list"], [script, "visits", "list"]):
        done = subprocess.run(command, capture_output=True, text=True, env=env, encoding="utf-8")
        assert done.returncode == 0 and "No visits yet." in done.stdout


def test_demo_fills_the_data_dir_once_and_lists_visits_in_every_state(tmp_path: Path, run_cli) -> None:
    first = run_cli("--data-dir", tmp_path, "demo", "--no-open")
    assert first.code == 0 and "已生成演示数据" in first.out
    again = run_cli("--data-dir", tmp_path, "demo", "--no-open")
    assert "未改动" in again.out
    listing = run_cli("--data-dir", tmp_path, "visits", "list", "--json")
    rows = json.loads(listing.out)
    assert {row["status"] for row in rows} == {"draft", "completed", "signed_off"}
    assert any(row["failed"] for row in rows)


def test_visits_show_by_prefix_with_the_seal_verified(tmp_path: Path, run_cli) -> None:
    run_cli("--data-dir", tmp_path, "demo", "--no-open")
    rows = json.loads(run_cli("--data-dir", tmp_path, "visits", "list", "--json").out)
    signed = next(row for row in rows if row["status"] == "signed_off" and row["failed"])
    shown = run_cli("--data-dir", tmp_path, "visits", "show", signed["uuid"][:8])
    assert shown.code == 0 and signed["seal"] in shown.out and "校验一致" in shown.out
    as_json = json.loads(run_cli("--data-dir", tmp_path, "visits", "show", signed["uuid"][:8], "--json").out)
    assert as_json["uuid"] == signed["uuid"]


def test_unknown_short_and_ambiguous_prefixes_are_one_clear_line(tmp_path: Path, run_cli) -> None:
    run_cli("--data-dir", tmp_path, "demo", "--no-open")
    unknown = run_cli("--data-dir", tmp_path, "visits", "show", "ffffffff")
    assert unknown.code == 1 and unknown.err.strip() == "找不到检查 ffffffff"
    short = run_cli("--data-dir", tmp_path, "visits", "show", "a")
    assert short.code == 1 and "太短" in short.err


def test_an_empty_data_dir_lists_nothing(tmp_path: Path, run_cli) -> None:
    result = run_cli("--data-dir", tmp_path / "new", "visits", "list")
    assert result.code == 0 and "还没有检查记录" in result.out
    assert not (tmp_path / "new").exists()


def test_inspector_home_is_the_default_data_dir(tmp_path: Path, run_cli, monkeypatch) -> None:
    monkeypatch.setenv("INSPECTOR_HOME", str(tmp_path))
    result = run_cli("sites", "import", Path(__file__).parents[1] / "inspector" / "demo_data" / "register.csv")
    assert result.code == 0 and (tmp_path / "register.json").exists()


def test_english_by_environment(tmp_path: Path, run_cli, monkeypatch) -> None:
    monkeypatch.setenv("INSPECTOR_LANG", "en")
    result = run_cli("--data-dir", tmp_path, "visits", "list")
    assert "No visits yet." in result.out


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path) -> None:
    """``inspector … | head``: the pipe closes early; no "internal error" and no traceback."""
    data = tmp_path / "data"
    subprocess.run(
        [sys.executable, "-m", "inspector", "--data-dir", str(data), "demo", "--no-open"],
        check=True,
        capture_output=True,
    )
    child = subprocess.Popen(
        [sys.executable, "-m", "inspector", "--data-dir", str(data), "rectifications", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # before it writes a line
    errors = child.stderr.read().decode("utf-8")
    assert child.wait(60) == 1
    assert errors == ""
