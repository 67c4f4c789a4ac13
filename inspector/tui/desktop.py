"""Opening a file or a folder with what the desktop uses for it (Explorer, Finder, the file manager).

Windows has ``os.startfile``; macOS the ``open`` command; elsewhere ``xdg-open`` when installed.
The program does not wait for it. ``False`` means nothing could open it: the caller shows the path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def open_with_desktop(path: Path) -> bool:
    """Ask the desktop to open ``path``; True when it was asked, False when it cannot be."""
    if not path.exists():
        return False
    try:
        if sys.platform == "win32":
            os.startfile(path)  # type: ignore[attr-defined]  # Windows only
            return True
        opener = shutil.which("open" if sys.platform == "darwin" else "xdg-open")
        if opener is None:
            return False
        subprocess.Popen(  # a fixed program and a path, no shell
            [opener, str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        return False
    return True
