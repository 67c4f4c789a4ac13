"""One line naming a screen's sections, the shown one highlighted; a click or ←/→ picks another.

Each section may have a short name too (with its count, like the long one): the short names are
shown when the long ones would not fit the width, so no count is ever cut off.

The home screen's first frame is what the team waits for when they walk in. Textual's ``Tabs``
makes a widget of each tab and an animated underline beneath them, about 20 ms of a cold start
of a quarter of a second here; this draws the names as one line of text, from one widget.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

GAP = "  "


class SectionBar(Widget, can_focus=True):
    """The names of sections, each given as (id, label); ``active`` is the id of the one shown."""

    DEFAULT_CSS = """
    SectionBar {
        height: 1;
        padding: 0 1;
        & > .section-bar--section { color: $foreground 60%; }
        & > .section-bar--active { color: $foreground; text-style: bold; background: $primary-muted; }
        &:focus > .section-bar--active { color: $block-cursor-foreground; background: $block-cursor-background; }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"section-bar--section", "section-bar--active"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "step(-1)", show=False),
        Binding("right", "step(1)", show=False),
        Binding("down", "leave", show=False),
    ]

    active: reactive[str] = reactive("")

    class Changed(Message):
        """Another section was picked."""

        def __init__(self, bar: SectionBar, section: str) -> None:
            super().__init__()
            self.bar = bar
            self.section = section

        @property
        def control(self) -> SectionBar:
            return self.bar

    def __init__(self, sections: Sequence[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._labels = dict(sections)
        self._short = dict(sections)
        self.set_reactive(SectionBar.active, sections[0][0])

    def label(self, section: str) -> str:
        return self._labels[section]

    def set_label(self, section: str, text: str, short: str | None = None) -> None:
        self._labels[section] = text
        self._short[section] = short or text
        self.refresh()

    def _shown_labels(self) -> dict[str, str]:
        """The long names when they fit the width, else the short ones."""
        width = sum(cell_len(f" {text} ") for text in self._labels.values()) + cell_len(GAP) * (len(self._labels) - 1)
        return self._labels if width <= self.content_size.width else self._short

    def validate_active(self, section: str) -> str:
        return section if section in self._labels else self.active

    def watch_active(self) -> None:
        self.post_message(self.Changed(self, self.active))

    def render(self) -> Content:
        parts: list[str | tuple[str, object]] = []
        for section, text in self._shown_labels().items():
            if parts:
                parts.append(GAP)
            component = "section-bar--active" if section == self.active else "section-bar--section"
            parts.append((f" {text} ", self.get_visual_style(component)))
        return Content.assemble(*parts)  # type: ignore[arg-type]

    def section_at(self, x: int) -> str | None:
        """The section drawn at column ``x`` of the content, if any."""
        start = 0
        for section, text in self._shown_labels().items():
            end = start + cell_len(f" {text} ")
            if start <= x < end:
                return section
            start = end + cell_len(GAP)
        return None

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        section = self.section_at(offset.x) if offset is not None else None
        if section is not None:
            self.active = section

    def action_step(self, step: int) -> None:
        sections = list(self._labels)
        self.active = sections[(sections.index(self.active) + step) % len(sections)]

    def action_leave(self) -> None:
        """Down from the names goes into the section shown, as from a tab to its page."""
        self.screen.focus_next()
