"""The README's quick start works on a fresh Debian or Ubuntu and on Windows, and CI runs its test command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start(heading: str, language: str) -> list[str]:
    """The commands of the ``language`` code block in the section under ``heading``, comments left out."""
    section = re.split(r"\n#{2,3} ", README.split(heading, 1)[1], maxsplit=1)[0]
    block = re.search(rf"```{language}\n(.*?)```", section, re.DOTALL)
    assert block, f"no {language} block under {heading}"
    return [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]


SECTIONS = ("## 快速开始", "### Quick start")


@pytest.mark.parametrize("heading", SECTIONS)
def test_two_commands_each_for_a_shell_and_for_powershell(heading: str) -> None:
    for language in ("bash", "powershell"):
        demo, tests = quick_start(heading, language)
        assert demo.endswith("inspector demo") and "pip install -e ." in demo
        assert tests.endswith("python -m pytest -n auto") and "pip install -e '.[test]'" in tests


@pytest.mark.parametrize("heading", SECTIONS)
def test_pip_only_ever_installs_into_the_projects_venv(heading: str) -> None:
    """PEP 668: Debian's and Ubuntu's own Python refuses ``python3 -m pip install`` (externally managed)."""
    for language, venv_python in (("bash", ".venv/bin/python"), ("powershell", r".\.venv\Scripts\python")):
        for command in quick_start(heading, language):
            steps = re.split(r"&&|;", command)
            assert steps[0].strip() in ("python3 -m venv .venv", "py -m venv .venv")
            for step in steps[1:]:
                assert step.strip().startswith((venv_python, venv_python.replace("python", "inspector"))), step


def test_both_languages_give_the_same_commands() -> None:
    for language in ("bash", "powershell"):
        assert quick_start(SECTIONS[0], language) == quick_start(SECTIONS[1], language)


def test_ci_runs_exactly_the_readmes_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line for line in script.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert commands[-1] == quick_start(SECTIONS[0], "bash")[1]
    assert "python3-venv" in script  # what `python3 -m venv` needs on a fresh Debian
