"""The screen's keys on its last line, fitted to the width: one widget drawing one line.

Textual's footer is a container with a widget per key, composed again whenever the screen says its
keys may have changed and measured once laid out: on home's start its eight widgets took ~40 ms of
~300 (styles, layout and a frame of their own). This bar draws the same line from the screen's
active bindings, the width they take counted in terminal cells, and draws again only when what it
shows changes.

When the keys run past the width, the palette key (^P, also in the help) goes first; if they still
do, keys lose their words one at a time from the last, help's never, so F1 says where they are.
Clicking a key presses it; the key under the mouse is highlighted, and its tooltip shown.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

HELP_ACTION = "help"
SEPARATOR = "▏"
"""Between the keys and the palette key at the right end, which leaves a cell after it: as Textual's
footer draws them."""


@dataclass(frozen=True)
class ShownKey:
    """A key as the bar shows it."""

    key: str
    """What clicking it presses."""
    display: str
    """The key as written on the bar: F5, ^P."""
    description: str
    action: str
    enabled: bool = True
    tooltip: str = ""

    @property
    def width(self) -> int:
        return cell_len(self.display) + (1 + cell_len(self.description) if self.description else 0)


@dataclass(frozen=True)
class Fitted:
    """The keys that fit a width: at the left, one cell apart, and the palette key at the right end."""

    keys: tuple[ShownKey, ...]
    palette: ShownKey | None

    def spans(self, width: int) -> list[tuple[int, ShownKey]]:
        """Where each key starts on the line, the palette key's after its separator."""
        spans, x = [], 0
        for key in self.keys:
            spans.append((x, key))
            x += key.width + 1
        if self.palette is not None:
            spans.append((width - self.palette.width - 1, self.palette))
        return spans


def fit(keys: tuple[ShownKey, ...], palette: ShownKey | None, width: int) -> Fitted:
    """The keys as they fit ``width``: the palette key left out first, then the words of the last
    keys (help's kept). When nothing more can go, the keys as squeezed as they get (cut at the end)."""

    def fits(candidate: Fitted) -> bool:
        room = width - (len(SEPARATOR) + candidate.palette.width + 1 if candidate.palette else 0)
        return sum(key.width for key in candidate.keys) + len(candidate.keys) - 1 <= room

    fitted = Fitted(keys, palette)
    if fits(fitted) or width <= 0:
        return fitted
    fitted = Fitted(keys, None)
    worded = [index for index, key in enumerate(keys) if key.description and key.action != HELP_ACTION]
    for index in reversed(worded):
        if fits(fitted):
            break
        fitted = Fitted(
            tuple(replace(key, description="") if at == index else key for at, key in enumerate(fitted.keys)), None
        )
    return fitted


class KeyBar(Widget, can_focus=False):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .key-bar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyBar > .key-bar--hover {
        background: $block-hover-background;
    }
    KeyBar > .key-bar--separator {
        color: $foreground 20%;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-bar--key",
        "key-bar--description",
        "key-bar--hover",
        "key-bar--separator",
    }
    ALLOW_SELECT = False

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: Fitted | None = None
        """What the line last drawn showed."""
        self._hovered: ShownKey | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        """The screen's keys may have changed (focus moved, a list filled): drawn again when they did."""
        if self.is_attached and screen is self.screen and self.fitted() != self._shown:
            self.refresh()

    def offered(self) -> tuple[tuple[ShownKey, ...], ShownKey | None]:
        """The screen's keys to show (one per action, the first bound to it) and the palette's key."""
        app = self.app
        keys: dict[str, ShownKey] = {}
        palette = None
        for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items():
            shown = ShownKey(
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                enabled,
                tooltip or binding.tooltip,
            )
            if key == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE:
                palette = shown
            elif binding.show:
                keys.setdefault(binding.action, shown)
        return tuple(keys.values()), palette

    def fitted(self) -> Fitted:
        return fit(*self.offered(), self.size.width)

    def render(self) -> Text:
        width = self.size.width
        self._shown = fitted = self.fitted()
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        words_style = self.get_component_rich_style("key-bar--description", partial=True)
        hover = self.get_component_rich_style("key-bar--hover", partial=True)
        line = Text(no_wrap=True, overflow="crop", end="")
        for x, key in fitted.spans(width):
            if key is fitted.palette:
                line.append(" " * (x - len(SEPARATOR) - line.cell_len))
                line.append(SEPARATOR, self.get_component_rich_style("key-bar--separator"))
            elif line.cell_len:
                line.append(" ")
            extra = (hover if key == self._hovered else Style()) + Style(dim=not key.enabled)
            line.append(key.display, key_style + extra)
            if key.description:
                line.append(f" {key.description}", words_style + extra)
        return line

    def key_at(self, x: int) -> ShownKey | None:
        shown = self._shown or self.fitted()
        return next((key for start, key in shown.spans(self.size.width) if start <= x < start + key.width), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover(self.key_at(event.x))

    def on_leave(self) -> None:
        self._hover(None)

    def _hover(self, key: ShownKey | None) -> None:
        if key != self._hovered:
            self._hovered = key
            self.tooltip = key.tooltip or None if key else None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self.key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
