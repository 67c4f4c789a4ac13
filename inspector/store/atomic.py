"""Writing a file so that a crash or a power cut leaves either the old bytes or the new, never half.

The bytes go to a temporary file in the same folder, are flushed and fsynced, and the temporary
file replaces the target in one rename. On POSIX the folder is fsynced too, so the rename itself
survives a power cut; on Windows a directory cannot be opened for fsync, so the rename is done
with MoveFileEx(MOVEFILE_WRITE_THROUGH), which returns only once the rename is on disk.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

TEMP_SUFFIX = ".tmp"


def temp_path_for(target: Path) -> Path:
    """A fresh temporary name beside ``target``: ``.<name>.<random>.tmp`` (swept at start-up)."""
    return target.with_name(f".{target.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}")


def is_temp_file(path: Path) -> bool:
    return path.name.startswith(".") and path.name.endswith(TEMP_SUFFIX)


def fsync_directory(folder: Path) -> None:
    if sys.platform == "win32":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def durable_replace(source: Path, target: Path) -> None:
    """Rename ``source`` over ``target`` and make the rename itself durable."""
    if sys.platform == "win32":
        _windows_replace_write_through(source, target)
    else:
        os.replace(source, target)
        fsync_directory(target.parent)


def _windows_replace_write_through(source: Path, target: Path) -> None:
    import ctypes

    replace_existing, write_through = 0x1, 0x8
    move = ctypes.windll.kernel32.MoveFileExW  # type: ignore[attr-defined]
    if not move(str(source), str(target), replace_existing | write_through):
        raise ctypes.WinError()  # type: ignore[attr-defined]


def atomic_write_bytes(target: Path, data: bytes) -> None:
    """Replace ``target`` with ``data`` atomically and durably."""
    atomic_write_with(target, lambda handle: handle.write(data))


def atomic_write_with(target: Path, write: Callable[[BinaryIO], object]) -> None:
    """Replace ``target`` atomically and durably with what ``write`` writes to the open file
    (a large file, streamed, is never whole in memory)."""
    temp = temp_path_for(target)
    try:
        with open(temp, "xb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        durable_replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def atomic_write_text(target: Path, text: str) -> None:
    atomic_write_bytes(target, text.encode("utf-8"))


def write_new_file(target: Path, data: bytes) -> bool:
    """Write ``target`` once, durably; False (and nothing written) when it already exists.

    For content-addressed and frozen files (evidence, sealed visits): once there, they never change.
    """
    if target.exists():
        return False
    atomic_write_bytes(target, data)
    return True
