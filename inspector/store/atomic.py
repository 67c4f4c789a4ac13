"""Writing a file so that a crash or a power cut leaves either the old bytes or the new, never half.

The bytes go to a temporary file in the same folder, are flushed and fsynced, and the temporary
file replaces the target in one rename. On POSIX the folder is fsynced too, so the rename itself
survives a power cut; on Windows a directory cannot be opened for fsync, so the rename is done
with MoveFileEx(MOVEFILE_WRITE_THROUGH), which returns only once the rename is on disk, and is
tried again for a short while when another program holds the file open for a moment.
"""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

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


REPLACE_RETRY_DELAYS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8)
"""Seconds between attempts at a replace that another program blocks for a moment: about 2 s in all."""
_PASSING_WINDOWS_ERRORS = frozenset({5, 32, 33})
"""ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION: what MoveFileEx answers while
a reader (the command line, an antivirus, the search indexer) holds the target open; it passes."""
_MOVEFILE_REPLACE_EXISTING, _MOVEFILE_WRITE_THROUGH = 0x1, 0x8


def _windows_replace_write_through(source: Path, target: Path) -> None:
    """MoveFileEx, tried again for a short while when another program holds a file open; any other
    failure, or one that lasts, raises with the error code of this very call."""
    move = _kernel32().MoveFileExW
    for delay in (*REPLACE_RETRY_DELAYS, None):
        if move(str(source), str(target), _MOVEFILE_REPLACE_EXISTING | _MOVEFILE_WRITE_THROUGH):
            return
        code = _last_error()
        if delay is None or code not in _PASSING_WINDOWS_ERRORS:
            raise _windows_error(code, source, target)
        time.sleep(delay)


@functools.cache
def _kernel32() -> Any:
    import ctypes

    # use_last_error: ctypes keeps each call's GetLastError, before anything else can overwrite it
    return ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]


def _last_error() -> int:
    import ctypes

    return ctypes.get_last_error()  # type: ignore[attr-defined]


def _windows_error(code: int, source: Path, target: Path) -> OSError:
    import ctypes

    described = ctypes.FormatError(code).strip() if hasattr(ctypes, "FormatError") else ""
    return OSError(None, f"Windows error {code}: {described}".rstrip(": "), str(source), code, str(target))


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
