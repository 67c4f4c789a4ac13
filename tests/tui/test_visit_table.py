"""A visit table shows its cells as they are written: users' words are never read as markup."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult

from inspector.tui.widgets.visit_table import VisitTable


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield VisitTable(id="table")


def test_square_brackets_in_a_cell_are_shown() -> None:
    async def run() -> list[str]:
        app = OneTable()
        async with app.run_test(size=(60, 6)) as pilot:
            table = app.query_one(VisitTable)
            table.fill(["单位", "备注"], [("v1", ["[急]鲁山县敬老院", "[bold]消毒记录[/bold]缺失"])])
            await pilot.pause()
            return [strip.text for strip in table.render_lines(table.region.reset_offset)]

    lines = asyncio.run(run())
    assert any("[急]鲁山县敬老院" in line and "[bold]消毒记录[/bold]缺失" in line for line in lines), lines
