"""Schema versions of a data dir and the steps between them.

``MIGRATIONS[n]`` upgrades a data dir from version n to n + 1 in place, each file rewritten
atomically, so a crash mid-migration leaves every file readable and the migration can run again
(every step must be idempotent). The store writes the new version into meta.json only after
all steps have run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

SCHEMA_VERSION = 1

MIGRATIONS: dict[int, Callable[[Path], None]] = {}


def migrate(
    root: Path,
    from_version: int,
    to_version: int = SCHEMA_VERSION,
    steps: dict[int, Callable[[Path], None]] = MIGRATIONS,
) -> None:
    for version in range(from_version, to_version):
        steps[version](root)
