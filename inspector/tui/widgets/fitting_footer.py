"""A footer that fits its width: it never runs past the screen, and F1 (help) always shows.

When the keys run past the width, the palette key (^P, also in the help) goes first; if they still
do, the keys keep only their names, except help's, so that F1 says where the words are.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

HELP_ACTION = "help"
WITHOUT_PALETTE, KEYS_ONLY = 1, 2


class FittingFooter(Footer):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._squeeze = 0

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                if self._squeeze >= WITHOUT_PALETTE and widget.has_class("-command-palette"):
                    continue
                if self._squeeze >= KEYS_ONLY and widget.action != HELP_ACTION:
                    widget.description = ""
            yield widget
        self.call_after_refresh(self._fit)

    async def on_resize(self, event: events.Resize) -> None:
        """Another width: start again from the whole footer (``compose`` then squeezes as needed)."""
        self._squeeze = 0
        await self.recompose()

    async def _fit(self) -> None:
        if self.virtual_size.width > self.size.width and self._squeeze < KEYS_ONLY:
            self._squeeze += 1
            await self.recompose()
