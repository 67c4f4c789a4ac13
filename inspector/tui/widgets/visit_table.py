"""A table of visits (or of rectifications) whose rows are keyed by the visit's uuid (or the rectification's id)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.widgets import DataTable


class VisitTable(DataTable[str]):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]

    def fill(self, columns: Sequence[str], rows: Sequence[tuple[str, Sequence[str]]]) -> None:
        """Replace the whole table; rows are (key, cells). Several rows may share a key."""
        self.clear(columns=True)
        self.add_columns(*columns)
        for number, (uuid, cells) in enumerate(rows):
            self.add_row(*cells, key=f"{uuid}#{number}")

    @property
    def selected_key(self) -> str | None:
        """The key (a visit's uuid, a rectification's id) of the highlighted row."""
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return key.partition("#")[0] if key else None
