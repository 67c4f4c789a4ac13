"""Charts drawn on the server as SVG: no script, nothing fetched, readable with the page's table.

Each chart is horizontal bars, one group per category with a bar per series; every bar carries
its number as text (never colour alone) and a <title>, and the SVG has a role and a label.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

SERIES_CLASSES = ("bar-a", "bar-b", "bar-c")
LABEL_WIDTH = 150
BAR_AREA = 420
BAR_HEIGHT = 14
GROUP_GAP = 10
NUMBER_ROOM = 50
LEGEND_HEIGHT = 28


def grouped_bars(groups: Sequence[tuple[str, Sequence[int]]], series: Sequence[str], title: str) -> Markup:
    """Bars for ``groups`` (a label and one value per series), scaled to the largest value."""
    largest = max((value for _, values in groups for value in values), default=0) or 1
    group_height = BAR_HEIGHT * len(series) + GROUP_GAP
    width = LABEL_WIDTH + BAR_AREA + NUMBER_ROOM
    height = LEGEND_HEIGHT + group_height * max(1, len(groups))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    x = LABEL_WIDTH
    for index, name in enumerate(series):
        css = SERIES_CLASSES[index % len(SERIES_CLASSES)]
        parts.append(f'<rect class="{css}" x="{x}" y="6" width="12" height="12"/>')
        parts.append(f'<text x="{x + 16}" y="16">{escape(name)}</text>')
        x += 24 + 14 * len(name) + 20
    for row, (label, values) in enumerate(groups):
        top = LEGEND_HEIGHT + row * group_height
        middle = top + BAR_HEIGHT * len(series) / 2 + 4
        parts.append(
            f'<text class="label" x="{LABEL_WIDTH - 8}" y="{middle:.0f}" text-anchor="end">{escape(label)}</text>'
        )
        for index, value in enumerate(values):
            css = SERIES_CLASSES[index % len(SERIES_CLASSES)]
            length = round(BAR_AREA * value / largest)
            y = top + index * BAR_HEIGHT
            parts.append(
                f'<rect class="{css}" x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT - 2}">'
                f"<title>{escape(label)} · {escape(series[index])}: {value}</title></rect>"
            )
            parts.append(f'<text x="{LABEL_WIDTH + length + 4}" y="{y + BAR_HEIGHT - 3}">{value}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def no_preview(text: str) -> bytes:
    """What stands in for a thumbnail when the file is not an image we can read."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="120" viewBox="0 0 160 120">'
        '<rect width="160" height="120" fill="#eeeeee" stroke="#767676"/>'
        f'<text x="80" y="64" text-anchor="middle" font-size="14" fill="#333333">{escape(text)}</text></svg>'
    ).encode()
