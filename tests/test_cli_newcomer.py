"""The command line as a newcomer meets it: options in either place, the demo's folder, argparse
in the user's language, and messages about files that name the file or folder in one language."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from inspector.cli import build_parser

REGISTER_HEADER = "编号,类型,乡镇,名称\n"


@pytest.fixture
def demo_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo's own folder (the user data folder's ``inspector-demo``), here in tmp_path."""
    folder = tmp_path / "demo-folder"
    monkeypatch.setattr("inspector.paths.demo_data_dir", lambda: folder)
    return folder


# -- global options before or after the command ------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["--data-dir", "X", "--lang", "en", "visits", "list"],
        ["visits", "list", "--data-dir", "X", "--lang", "en"],
        ["visits", "--data-dir", "X", "list", "--lang", "en"],
        ["--lang", "en", "visits", "list", "--data-dir=X"],
    ],
)
def test_global_options_are_taken_before_or_after_the_command(argv: list[str]) -> None:
    args = build_parser().parse_args(argv)
    assert (args.data_dir, args.lang, args.demo) == ("X", "en", False)


def test_an_option_after_the_command_wins_over_one_before() -> None:
    args = build_parser().parse_args(["--data-dir", "A", "rectifications", "list", "--data-dir", "B"])
    assert args.data_dir == "B"


def test_every_command_takes_the_global_options_after_its_name() -> None:
    """Walk every command of the parser down to its last word: each has --data-dir, --demo and --lang."""

    def commands(parser: argparse.ArgumentParser, words: tuple[str, ...]):
        yield words, parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    yield from commands(child, (*words, name))

    found = dict(commands(build_parser(), ()))
    assert len(found) > 30 and ("server", "users", "add") in found
    for words, parser in found.items():
        assert {"--data-dir", "--demo", "--lang"} <= set(parser._option_string_actions), words


def test_demo_and_list_with_options_after_the_command(tmp_path: Path, run_cli) -> None:
    made = run_cli("demo", "--no-open", "--lang", "en", "--data-dir", tmp_path)
    assert made.code == 0 and "Demo data made" in made.out
    listing = run_cli("visits", "list", "--data-dir", tmp_path, "--json")
    assert listing.code == 0 and len(json.loads(listing.out)) == 5


def test_the_language_after_the_command_words_the_help_too(run_cli, capsys) -> None:
    with pytest.raises(SystemExit):
        run_cli("visits", "list", "--help", "--lang", "en")
    assert "print JSON, for scripts" in capsys.readouterr().out


# -- --demo ------------------------------------------------------------------------------------


def test_demo_works_on_the_demos_own_folder_on_every_command(demo_dir: Path, run_cli) -> None:
    made = run_cli("demo", "--no-open")
    assert made.code == 0 and (demo_dir / "visits").is_dir()
    assert "inspector visits list --demo" in made.out  # what to type next, said where the newcomer looks
    before = json.loads(run_cli("--demo", "visits", "list", "--json").out)
    after = json.loads(run_cli("visits", "list", "--demo", "--json").out)
    assert len(before) == len(after) == 5
    rectifications = run_cli("rectifications", "list", "--demo", "--json")
    assert rectifications.code == 0 and json.loads(rectifications.out)
    assert run_cli("sites", "list", "--demo").out.count("\n") >= 50


def test_demo_and_data_dir_together_are_refused(tmp_path: Path, run_cli, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        run_cli("--demo", "visits", "list", "--data-dir", tmp_path)
    assert stopped.value.code == 2 and "--demo 与 --data-dir 只能选一个" in capsys.readouterr().err


@pytest.mark.parametrize(
    "command", [["visits", "list"], ["visits", "list", "--json"], ["rectifications", "list"], ["sites", "list"]]
)
def test_an_empty_folder_points_to_the_demo_when_it_has_visits(
    tmp_path: Path, demo_dir: Path, run_cli, command: list[str]
) -> None:
    run_cli("demo", "--no-open")
    result = run_cli("--data-dir", tmp_path / "real", *command)
    assert result.code == 0
    assert "--demo" in result.err and "5 次检查" in result.err
    assert "--demo" not in result.out  # stdout stays the data (JSON for scripts)
    assert "--demo" not in run_cli("--demo", *command).err  # nothing to say once there


def test_no_mention_of_the_demo_when_there_is_none(tmp_path: Path, demo_dir: Path, run_cli) -> None:
    result = run_cli("--data-dir", tmp_path / "real", "visits", "list")
    assert result.code == 0 and result.err == ""


# -- argparse in the user's language -----------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "chinese", "english"),
    [
        (
            ["visits"],
            "inspector visits：错误：缺少必需的参数：命令",
            "inspector visits: error: the following arguments are required: command",
        ),
        (
            ["visits", "list", "--bogus"],
            "inspector：错误：无法识别的参数：--bogus",
            "inspector: error: unrecognized arguments: --bogus",
        ),
        (
            ["vists"],
            "inspector：错误：参数 命令：无效的选择 'vists'（可选：",
            "inspector: error: argument command: invalid choice: 'vists' (choose from",
        ),
        (
            ["rectifications", "list", "--state", "x"],
            "：错误：参数 --state：无效的选择 'x'",
            ": error: argument --state: invalid choice: 'x'",
        ),
        (
            ["visits", "list", "--data-dir"],
            "：错误：参数 --data-dir：需要一个值",
            ": error: argument --data-dir: expected one argument",
        ),
        (
            ["rectifications", "list", "--area", "x"],
            "：错误：参数 --area：无效的选择 'x'（可选：mechanism (机制建立), disinfection (卫生消杀)",
            ": error: argument --area: invalid choice: 'x' (choose from mechanism (机制建立), disinfection (卫生消杀)",
        ),
        (
            ["serve", "--port", "x"],
            "：错误：参数 --port：无效的 int 值：'x'",
            ": error: argument --port: invalid int value: 'x'",
        ),
    ],
)
def test_argparse_speaks_the_users_language(run_cli, capsys, argv: list[str], chinese: str, english: str) -> None:
    for language, expected in (("zh", chinese), ("en", english)):
        with pytest.raises(SystemExit) as stopped:
            run_cli("--lang", language, *argv)
        err = capsys.readouterr().err
        assert stopped.value.code == 2
        assert err.startswith("用法：inspector" if language == "zh" else "usage: inspector")
        assert expected in err, err


def test_help_headings_are_chinese(run_cli, capsys) -> None:
    with pytest.raises(SystemExit):
        run_cli("sites", "import", "-h")
    out = capsys.readouterr().out
    assert out.startswith("用法：inspector sites import")
    for heading in ("位置参数", "选项", "显示本帮助并退出", "通用选项"):
        assert heading in out
    for english in ("usage:", "positional arguments", "options:", "show this help"):
        assert english not in out


# -- files named, in one language --------------------------------------------------------------


@pytest.mark.parametrize("command", [["export", "-o"], ["export", "--format", "csv", "-o"], ["sites", "export", "-o"]])
def test_writing_into_a_missing_folder_names_the_folder_in_one_language(
    tmp_path: Path, run_cli, command: list[str]
) -> None:
    run_cli("--data-dir", tmp_path / "data", "demo", "--no-open")
    target = tmp_path / "没有的文件夹" / "导出.xlsx"
    chinese = run_cli("--data-dir", tmp_path / "data", *command, target)
    assert chinese.code == 1
    assert chinese.err.strip() == f"找不到文件夹 {target.parent}，无法写入 {target}。请先建立该文件夹，或换一个位置。"
    english = run_cli("--lang", "en", "--data-dir", tmp_path / "data", *command, target)
    assert english.err.strip().startswith(f"There is no folder {target.parent} to write {target} in")
    assert not target.parent.exists()


def test_an_os_error_is_said_in_the_users_language(tmp_path: Path, run_cli) -> None:
    run_cli("--data-dir", tmp_path / "data", "demo", "--no-open")
    (tmp_path / "导出.xlsx").mkdir()  # a folder where the file should go: the OS refuses
    result = run_cli("--data-dir", tmp_path / "data", "export", "-o", tmp_path / "导出.xlsx")
    assert result.code == 1 and result.err.startswith(f"无法写入 {tmp_path / '导出.xlsx'}：")
    assert not any("a" <= char.lower() <= "z" for char in result.err.split("：", 1)[1])
