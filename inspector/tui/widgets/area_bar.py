"""The five areas in a row, each with its progress; the current one stands out."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from inspector.core.visits import AreaProgress
from inspector.core.vocabulary import Area
from inspector.i18n import label


class AreaBar(Static):
    """机制建立 12/12  卫生消杀 3/11: a finished area in the success colour, the current one reversed."""

    def show(self, rows: list[AreaProgress], current: Area | None) -> None:
        parts: list[Content | str] = []
        for row in rows:
            if not row.total:
                continue
            text = f" {label(row.area)} {row.answered}/{row.total} "
            if row.area is current:
                style = "bold reverse"
            elif row.done:
                style = "$text-success"
            else:
                style = "$text-muted"
            parts.append(Content.styled(text, style))
        self.update(Content.assemble(*parts))
