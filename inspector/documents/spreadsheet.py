"""Workbooks for bureau staff, who live in Excel and WPS: one writer for every .xlsx the program makes
(the export, the web console's county list, a round's results).

Why XlsxWriter and not openpyxl: at 10,000 visits the export holds ~1.1 million cells; openpyxl's
write-only mode makes a cell object and an lxml element for each, XlsxWriter formats each
straight into the sheet's XML (1.14 million cells: 16.9 s against 8.2 s, side by side) and leaves
out the empty ones. Its ``constant_memory`` mode writes each sheet to a temporary file a row at a
time, so a workbook's memory does not grow with its rows. Column widths are set before the rows
(a streamed sheet cannot widen a column afterwards).

A large workbook can be written by a second process (``aside=True``): formatting a million cells
is as much work as reading the years of visits they come from, and with the writing in another
process the two go on at once on a laptop's second core (at 10,000 visits the export takes the
longer of the two instead of their sum). Rows go to it in batches through a pipe, whose small
buffer holds the reader back when the writer falls behind, so neither side's memory grows with
the rows; the finished workbook's bytes come back to be written where the caller said.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import multiprocessing
import signal
from collections.abc import Callable, Sequence
from datetime import datetime
from types import TracebackType
from typing import IO, Any

from inspector.core.clock import now

BATCH_ROWS = 500
"""Rows sent to the writing process at a time: few enough messages, a batch small in memory."""


def display_width(text: str) -> int:
    """Columns wide enough to read: a Chinese character takes two widths of a Latin one."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


class _Book:
    """The workbook itself, written by XlsxWriter in this process."""

    def __init__(self, handle: IO[bytes], created: datetime) -> None:
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
        self.workbook.set_properties({"created": created})  # the program's clock, not the library's
        self.bold = self.workbook.add_format({"bold": True})
        self.sheets: list[tuple[Any, itertools.count[int]]] = []

    def add(self, name: str, headers: Sequence[str], widths: Sequence[int]) -> int:
        sheet = self.workbook.add_worksheet(name)
        for index, width in enumerate(widths):
            sheet.set_column(index, index, min(60, width + 2))
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, headers, self.bold)
        self.sheets.append((sheet, itertools.count(1)))
        return len(self.sheets) - 1

    def append(self, sheet: int, row: Sequence[Any]) -> None:
        worksheet, rows = self.sheets[sheet]
        worksheet.write_row(next(rows), 0, row)

    def close(self) -> None:
        self.workbook.close()

    def abort(self) -> None:
        """Nothing to stop: the caller drops what was written."""


def _write_aside(connection: Any, created: datetime) -> None:
    """The writing process: builds the workbook from the messages, sends back its bytes or why not."""
    # Ctrl+C reaches every process of the terminal: the caller stops this one (and says so) itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        buffer = io.BytesIO()
        book = _Book(buffer, created)
        while True:
            message = connection.recv()
            if message[0] == "rows":
                for sheet, row in message[1]:
                    book.append(sheet, row)
            elif message[0] == "add":
                book.add(*message[1:])
            else:
                book.close()
                connection.send(("done",))
                connection.send_bytes(buffer.getbuffer())
                return
    except EOFError:  # the caller gave up (its export was refused): nothing to say to anyone
        return
    except Exception as error:
        with contextlib.suppress(OSError):  # the caller gone too: nobody left to tell
            connection.send(("failed", getattr(error, "errno", None), f"{type(error).__name__}: {error}"))


class _BookAside:
    """The same workbook written by another process: what ``_Book`` is asked is sent to it."""

    def __init__(self, handle: IO[bytes], created: datetime) -> None:
        # spawned, as on Windows: forking a process that may hold threads (the app's workers) is unsafe
        context = multiprocessing.get_context("spawn")
        self.handle = handle
        self.connection, child_end = context.Pipe()
        self.process = context.Process(
            target=_write_aside, args=(child_end, created), name="inspector-xlsx", daemon=True
        )
        self.process.start()
        child_end.close()
        self.pending: list[tuple[int, Sequence[Any]]] = []
        self.sheets = 0

    def add(self, name: str, headers: Sequence[str], widths: Sequence[int]) -> int:
        self._flush()
        self._send(("add", name, list(headers), list(widths)))
        self.sheets += 1
        return self.sheets - 1

    def append(self, sheet: int, row: Sequence[Any]) -> None:
        self.pending.append((sheet, row))
        if len(self.pending) >= BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            self._send(("rows", self.pending))
            self.pending = []

    def _send(self, message: tuple[Any, ...]) -> None:
        try:
            self.connection.send(message)
        except OSError:  # the writer is gone: say why if it could
            raise self._failure() from None

    def close(self) -> None:
        self._flush()
        self._send(("close",))
        try:
            reply = self.connection.recv()
            if reply[0] != "done":
                raise OSError(reply[1], reply[2])
            self.handle.write(self.connection.recv_bytes())
        except EOFError:
            raise self._failure() from None
        finally:
            self.connection.close()
            self.process.join()

    def _failure(self) -> OSError:
        try:
            if self.connection.poll(5):
                reply = self.connection.recv()
                if reply[0] == "failed":
                    return OSError(reply[1], reply[2])
        except (OSError, EOFError):
            pass
        self.process.join(5)
        return OSError(None, f"the workbook's writing process stopped (exit code {self.process.exitcode})")

    def abort(self) -> None:
        self.connection.close()
        self.process.kill()
        self.process.join()


class XlsxSheets:
    """A workbook streamed into ``handle``, one sheet per ``add``: a bold header row, the panes frozen
    under it, columns as wide as ``widths`` say (in Latin character widths), dates shown as dates;
    text is kept as text (a note starting with "=" is not a formula, one with "www." not a link).

    ``aside``: written by a second process (for a large workbook; used as a context manager, which
    stops that process when the caller fails mid-way)."""

    def __init__(self, handle: IO[bytes], *, aside: bool = False) -> None:
        self.book = (_BookAside if aside else _Book)(handle, now())

    def add(self, name: str, headers: Sequence[str], widths: Sequence[int]) -> Callable[[Sequence[Any]], None]:
        """A new sheet with its header row; returns what appends a row to it."""
        sheet = self.book.add(name, headers, widths)
        return lambda row: self.book.append(sheet, row)

    def close(self) -> None:
        self.book.close()

    def __enter__(self) -> XlsxSheets:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if error is not None:
            self.book.abort()
