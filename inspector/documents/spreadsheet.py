"""Workbooks for bureau staff, who live in Excel and WPS: one writer for every .xlsx the program makes
(the export, the web console's county list, a round's results).

Why XlsxWriter and not openpyxl: at 10,000 visits the export holds ~1.1 million cells; openpyxl's
write-only mode makes a cell object and an lxml element for each, XlsxWriter formats each
straight into the sheet's XML (1.14 million cells: 16.9 s against 8.2 s, side by side) and leaves
out the empty ones. Its ``constant_memory`` mode writes each sheet to a temporary file a row at a
time, so a workbook's memory does not grow with its rows. Column widths are set before the rows
(a streamed sheet cannot widen a column afterwards).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import IO, Any

from inspector.core.clock import now


def display_width(text: str) -> int:
    """Columns wide enough to read: a Chinese character takes two widths of a Latin one."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


class XlsxSheets:
    """A workbook streamed into ``handle``, one sheet per ``add``: a bold header row, the panes frozen
    under it, columns as wide as ``widths`` say (in Latin character widths), dates shown as dates;
    text is kept as text (a note starting with "=" is not a formula, one with "www." not a link)."""

    def __init__(self, handle: IO[bytes]) -> None:
        import xlsxwriter  # only the exports need it: plain commands stay fast

        self.workbook = xlsxwriter.Workbook(
            handle,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "default_date_format": "yyyy-mm-dd",
            },
        )
        self.workbook.set_properties({"created": now()})  # the program's clock, not the library's
        self.bold = self.workbook.add_format({"bold": True})

    def add(self, name: str, headers: Sequence[str], widths: Sequence[int]) -> Callable[[Sequence[Any]], None]:
        """A new sheet with its header row; returns what appends a row to it."""
        sheet = self.workbook.add_worksheet(name)
        for index, width in enumerate(widths):
            sheet.set_column(index, index, min(60, width + 2))
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, headers, self.bold)
        rows = itertools.count(1)

        def append(row: Sequence[Any]) -> None:
            sheet.write_row(next(rows), 0, row)

        return append

    def close(self) -> None:
        self.workbook.close()
