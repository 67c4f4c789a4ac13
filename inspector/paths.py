"""Where things live: the data dir, the demo data dir, the built-in checklists and sample data."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

PACKAGE_DIR = Path(__file__).resolve().parent


def default_data_dir() -> Path:
    """``INSPECTOR_HOME`` if set, else the user's data directory (e.g. %LOCALAPPDATA%\\inspector)."""
    home = os.environ.get("INSPECTOR_HOME")
    if home:
        return Path(home).expanduser()
    return Path(platformdirs.user_data_dir("inspector", appauthor=False))


def demo_data_dir() -> Path:
    """The demo's own data dir, kept apart from real work."""
    return Path(platformdirs.user_data_dir("inspector-demo", appauthor=False))


def builtin_checklists_dir() -> Path:
    """The checklists shipped with the program: inside the wheel, or checklists/ of a source checkout."""
    installed = PACKAGE_DIR / "builtin_checklists"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "checklists"


def sample_register() -> Path:
    return PACKAGE_DIR / "demo_data" / "register.csv"
