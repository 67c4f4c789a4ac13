"""Reading a workbook the way bureau staff do: LibreOffice Calc, headless, every sheet to CSV."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

# every sheet to its own CSV (the last token, -1), comma-separated (44), quoted (34), UTF-8 (76)
ALL_SHEETS_AS_UTF8_CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def calc_sheets(workbook: Path, folder: Path) -> dict[str, list[list[str]]]:
    """Each sheet as Calc reads it, by sheet name; a fresh profile keeps parallel runs apart."""
    profile = (folder / "lo-profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            ALL_SHEETS_AS_UTF8_CSV,
            "--outdir",
            str(folder),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    prefix = f"{workbook.stem}-"
    sheets = {}
    for path in sorted(folder.glob(f"{prefix}*.csv")):
        with path.open(encoding="utf-8", newline="") as reader:
            sheets[path.stem.removeprefix(prefix)] = list(csv.reader(reader))
    return sheets
