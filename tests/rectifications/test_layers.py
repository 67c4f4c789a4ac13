"""The rectification rules stay pure; listing them loads no spreadsheet or UI library."""

from __future__ import annotations

from pathlib import Path

from tests.test_layers import FORBIDDEN_IN_CORE, HEAVY_FOR_COMMANDS, modules_after


def test_the_rules_import_no_adapter_library() -> None:
    loaded = modules_after("import inspector.core.rectifications")
    leaked = [
        name for name in loaded for banned in FORBIDDEN_IN_CORE if name == banned or name.startswith(banned + ".")
    ]
    assert leaked == []


def test_listing_rectifications_loads_no_heavy_library(demo_dir: Path) -> None:
    code = (
        "import contextlib, io\nfrom inspector.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main({['--data-dir', str(demo_dir), 'rectifications', 'list', '--overdue']!r})"
    )
    assert [name for name in HEAVY_FOR_COMMANDS if name in modules_after(code)] == []
