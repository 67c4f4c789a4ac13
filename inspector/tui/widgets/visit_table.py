"""A table of visits (or of rectifications) whose rows are keyed by the visit's uuid (or the rectification's id)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Size
from textual.widgets import DataTable

CELL_PADDING = 2
"""A DataTable cell's padding: one cell on each side."""


def columns_that_fit(
    headers: Mapping[str, str], rows: Sequence[Mapping[str, str]], room: int, droppable: Sequence[str]
) -> list[str]:
    """The columns (the keys of ``headers``, in order) whose widest cells fit ``room`` cells, the
    ``droppable`` ones left out in their order until they do (or none is left to leave out)."""
    columns = list(headers)
    for dropped in droppable:
        if sum(column_width(headers[column], (row[column] for row in rows)) for column in columns) <= room:
            break
        columns.remove(dropped)
    return columns


def column_width(header: str, cells: Iterable[str]) -> int:
    """A column's width on screen: its widest cell (or header), with the cell padding."""
    return max([cell_len(header), *(cell_len(cell) for cell in cells)]) + CELL_PADDING


class VisitTable(DataTable[Text]):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self._filled: tuple[object, ...] = ()
        self._laid_out: tuple[Size, Size, Size] | None = None
        """The size, container size and own virtual size the scrollbars were last updated for."""

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        """Textual's scroll view updates (and so draws again) its scrollbars whenever the virtual size
        a layout passes differs from its own; a data table's never matches (it sizes itself from its
        columns), so every layout of the screen, even of a list in a section not shown, wrote this
        table's scrollbar to the terminal again: two frames after home was filled. Updated here
        only when the size, the container's or the table's own virtual size changed."""
        laid_out = (size, container_size, self.virtual_size)
        if laid_out == self._laid_out and self._size == size:
            return False
        self._laid_out = laid_out
        return super()._size_updated(size, virtual_size, container_size, layout)

    def fill(
        self, columns: Sequence[str], rows: Sequence[tuple[str, Sequence[str]]], *, keep: str | None = None
    ) -> None:
        """Replace the whole table; rows are (key, cells). Several rows may share a key.

        The cursor goes to the first row of key ``keep`` when there is one (the row the user was on,
        after the table is filled again), else to the first row. Filled again with the same rows (a
        resize that changes no column, the lists read again), the table is left as it is.
        """
        content = (tuple(columns), tuple((key, tuple(cells)) for key, cells in rows))
        if content == self._filled:
            return
        self._filled = content
        self.clear(columns=True)
        self.add_columns(*columns)
        for number, (uuid, cells) in enumerate(rows):
            # As Text, not str: a DataTable reads a str cell as Rich markup, so a site's name or a
            # note with "[...]" in it lost those words on screen (and each cell was parsed again).
            self.add_row(*(Text(cell, no_wrap=True, end="") for cell in cells), key=f"{uuid}#{number}")
        self._measure_new_rows()
        kept = next((number for number, (uuid, _) in enumerate(rows) if uuid == keep), None)
        if kept is not None:
            self.move_cursor(row=kept)

    def _measure_new_rows(self) -> None:
        """Measure the rows just added now, not when the app is next idle (``DataTable._on_idle``):
        measured then, they are drawn a frame later than the table, so home's first frame showed
        its list empty and a second frame, ~30 ms later, filled it."""
        if self._require_update_dimensions:
            self._require_update_dimensions = False
            new_rows = self._new_rows.copy()
            self._new_rows.clear()
            self._update_dimensions(new_rows)

    def fill_fitting(
        self, headers: Mapping[str, str], rows: Sequence[tuple[str, Mapping[str, str]]], droppable: Sequence[str]
    ) -> None:
        """Fill with the columns of ``headers`` that fit the table's width (``columns_that_fit``); rows
        are (key, cells by column). The row the user was on stays highlighted."""
        columns = columns_that_fit(headers, [cells for _, cells in rows], self.room, droppable)
        self.fill(
            [headers[column] for column in columns],
            [(key, [cells[column] for column in columns]) for key, cells in rows],
            keep=self.selected_key,
        )

    @property
    def room(self) -> int:
        """The width for cells, a vertical scrollbar's kept free (it comes with many rows). Before the
        table is first laid out, the screen's: the tables of this app span it."""
        width = self.scrollable_content_region.width or self.screen.size.width
        return width - self.styles.scrollbar_size_vertical

    @property
    def selected_key(self) -> str | None:
        """The key (a visit's uuid, a rectification's id) of the highlighted row."""
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return key.partition("#")[0] if key else None
