"""The domain core imports no UI, HTTP, storage or document library; plain commands skip the TUI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

FORBIDDEN_IN_CORE = (
    "textual",
    "httpx",
    "tinydb",
    "docx",
    "starlette",
    "sqlalchemy",
    "openpyxl",
    "xlsxwriter",
    "inspector.store",
)
HEAVY_FOR_COMMANDS = ("textual", "docx", "httpx", "starlette", "sqlalchemy", "openpyxl", "xlsxwriter")


def modules_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_core_imports_no_adapter_library() -> None:
    loaded = modules_after(
        "import inspector.core.visits, inspector.core.checklists, inspector.core.sites, inspector.core.canonical"
    )
    leaked = [
        name for name in loaded for banned in FORBIDDEN_IN_CORE if name == banned or name.startswith(banned + ".")
    ]
    assert leaked == []


@pytest.mark.parametrize("command", [["--help"], ["visits", "list"], ["checklists", "validate"]])
def test_plain_commands_do_not_import_the_tui(command: list[str], tmp_path) -> None:
    code = (
        "import contextlib, io\nfrom inspector.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    try:\n        main({['--data-dir', str(tmp_path), *command]!r})\n"
        "    except SystemExit:\n        pass"
    )
    loaded = modules_after(code)
    assert [name for name in HEAVY_FOR_COMMANDS if name in loaded] == []
