"""The five areas in a row, each with its progress; the current one stands out.

Always one line: when the names and counts do not fit the width, the spaces around them go
first, then the names of the areas other than the current one (their counts stay).
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import Static

from inspector.core.visits import AreaProgress
from inspector.core.vocabulary import Area
from inspector.i18n import label


class AreaBar(Static):
    """机制建立 12/12  卫生消杀 3/11: a finished area in the success colour, the current one reversed."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._rows: list[AreaProgress] = []
        self._current: Area | None = None

    def show(self, rows: list[AreaProgress], current: Area | None) -> None:
        self._rows = [row for row in rows if row.total]
        self._current = current
        self.refresh()

    def _parts(self, *, padded: bool, names_of_others: bool) -> list[tuple[str, str]]:
        parts = []
        for row in self._rows:
            named = names_of_others or row.area is self._current
            text = f"{label(row.area)} {row.answered}/{row.total}" if named else f"{row.answered}/{row.total}"
            if row.area is self._current:
                style = "bold reverse"
            elif row.done:
                style = "$text-success"
            else:
                style = "$text-muted"
            parts.append((f" {text} " if padded else text, style))
        return parts

    def render(self) -> Content:
        width = self.content_size.width
        for padded, names_of_others in ((True, True), (False, True), (False, False)):
            parts = self._parts(padded=padded, names_of_others=names_of_others)
            gap = "" if padded else " "
            if sum(cell_len(text) for text, _ in parts) + cell_len(gap) * (len(parts) - 1) <= width:
                break
        separated: list[Content] = []
        for text, style in parts:
            if separated and gap:
                separated.append(Content(gap))
            separated.append(Content.styled(text, style))
        return Content.assemble(*separated)
