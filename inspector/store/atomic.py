"""Writing a file so that a crash or a power cut leaves either the old bytes or the new, never half.

The bytes go to a temporary file in the same folder, are flushed and fsynced, and the temporary
file replaces the target in one rename. On POSIX the folder is fsynced too, so the rename itself
survives a power cut; on Windows a directory cannot be opened for fsync, so the rename is done
with MoveFileEx(MOVEFILE_WRITE_THROUGH), which returns only once the rename is on disk.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sys
from pathlib import Path

TEMP_SUFFIX = ".tmp"


TEMP_NAME_MAX_BYTES = 64
"""A longer name is replaced by its hash in a temporary name: a legal long name (a photo's 239
bytes of Chinese) plus the suffix would pass the 255-byte limit of ext4 (NTFS: 255 characters)."""


def temp_path_for(target: Path) -> Path:
    """A fresh temporary name beside ``target``, of bounded length: ``.<name>.<random>.tmp``, the
    name being a hash of ``target``'s when that is long (swept at start-up either way)."""
    name = target.name
    if len(name.encode("utf-8")) > TEMP_NAME_MAX_BYTES:
        name = hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]
    return target.with_name(f".{name}.{secrets.token_hex(6)}{TEMP_SUFFIX}")


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
    temp = temp_path_for(target)
    try:
        with open(temp, "xb") as handle:
            handle.write(data)
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
