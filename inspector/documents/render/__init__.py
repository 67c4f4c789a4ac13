"""Rendering a document to PDF with LibreOffice headless, to look at it and to test its layout.

Not needed to make documents: only tests and people checking the layout call this. LibreOffice
gets its own profile folder and HOME (it writes a profile there), and a private fontconfig file
(``fonts.conf`` beside this module) that maps the government font names to free fonts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

FONTS_CONF = Path(__file__).with_name("fonts.conf")
CONVERT_TIMEOUT_S = 180


def soffice() -> str | None:
    """The LibreOffice program, or None where it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(document: Path, out_dir: Path, *, work_dir: Path) -> Path:
    """Convert ``document`` to PDF in ``out_dir``; ``work_dir`` holds LibreOffice's own profile."""
    program = soffice()
    if program is None:
        raise FileNotFoundError("LibreOffice (soffice) is not installed")
    home = work_dir / "home"
    home.mkdir(parents=True, exist_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HOME": str(home), "FONTCONFIG_FILE": str(FONTS_CONF)}
    command = [
        program,
        f"-env:UserInstallation={(work_dir / 'profile').resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out_dir),
        str(document),
    ]
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=CONVERT_TIMEOUT_S)
    pdf = out_dir / f"{document.stem}.pdf"
    if not pdf.exists():
        raise FileNotFoundError(f"LibreOffice made no PDF of {document}")
    return pdf
