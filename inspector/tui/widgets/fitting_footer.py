"""A footer that fits its width: it never runs past the screen, and F1 (help) always shows.

When the keys run past the width, the palette key (^P, also in the help) goes first; if they still
do, keys lose their words one at a time from the last, help's never, so F1 says where they are.

Textual's footer composes its keys again whenever the screen says its bindings may have changed
(every focus change, every table filled) and on every resize: on the home screen's start, six
times, each a frame of its own drawn after the lists were filled. This one composes again only
when the keys it would show, or its width, are not those it last fitted.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

HELP_ACTION = "help"
MAX_LAYOUT_WAITS = 10


class FittingFooter(Footer):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        # Textual's footer shows no key until the screen first says its bindings changed, then composes
        # again: a frame more. These keys are composed from the start, and again only if they differ.
        self.set_reactive(Footer._bindings_ready, True)
        self._layout_waits = 0
        self._squeeze = 0
        """0: all shown; 1: no palette key; 1 + n: the last n keys without their words."""
        self._composed: Hashable = None
        """The keys (``_keys_shown``) last composed."""
        self._width = 0
        """The width the keys were last composed for (0: not laid out yet)."""
        self._compose_queued = False

    def _keys_shown(self) -> Hashable:
        """What the keys composed now would say and do: composing again for the same is a wasted frame."""
        return tuple(
            (binding.key, binding.action, binding.description, binding.tooltip, enabled, tooltip, id(binding.group))
            for _, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show or binding.action == "command_palette"
        )

    def _worded_actions(self) -> list[str]:
        """The actions whose key shows words, in the footer's order, help's left out."""
        actions = [active.binding.action for active in self.screen.active_bindings.values() if active.binding.show]
        return [action for action in dict.fromkeys(actions) if action != HELP_ACTION]

    def compose(self) -> ComposeResult:
        keys = self._keys_shown()
        if keys != self._composed:  # a squeeze fits the keys it was measured on, not others
            self._squeeze = 0
        self._composed = keys
        actions = self._worded_actions()
        wordless = set(actions[len(actions) - max(self._squeeze - 1, 0) :])
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                if self._squeeze and widget.has_class("-command-palette"):
                    continue
                if widget.action in wordless:
                    widget.description = ""
            yield widget
        self._width = self.size.width
        self._layout_waits = 0
        self.call_after_refresh(self._fit)

    def bindings_changed(self, screen: Screen) -> None:
        """The screen's keys may have changed (focus moved, a list filled): composed again once the
        screen is drawn, when they did (however often it was said meanwhile)."""
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._compose_queued:
            self._compose_queued = True
            self.call_after_refresh(self._compose_for_keys)

    async def _compose_for_keys(self) -> None:
        """Composed again when the keys differ from those composed (then whole: see ``compose``)."""
        self._compose_queued = False
        if not self.is_attached:  # its screen was closed meanwhile (a dialog answered)
            return
        if self._keys_shown() != self._composed:
            await self.recompose()

    async def on_resize(self, event: events.Resize) -> None:
        """Another width: start again from the whole footer (``compose`` then squeezes as needed). The
        first width, the one the keys were composed without, only needs them fitted."""
        if not self._width and not self._squeeze:
            self._width = event.size.width
            self._layout_waits = 0
            self.call_after_refresh(self._fit)
            return
        if event.size.width == self._width:
            return
        self._squeeze = 0
        await self.recompose()

    def _overflows(self) -> bool:
        """Whether a key runs past the footer, or into the palette key docked at its right."""
        keys = list(self.query(FooterKey))
        palette = [key for key in keys if key.has_class("-command-palette")]
        end = palette[0].region.x if palette else self.region.right
        return any(key.region.right > end for key in keys if key not in palette)

    async def _fit(self) -> None:
        if not self.region.width:  # not shown: a resize comes when it is
            return
        if any(not key.region.width for key in self.query(FooterKey)):
            # Keys mounted by a recompose are not always laid out by the next refresh on their own:
            # ask for a layout, or this would wait for one forever, spinning the CPU while idle.
            self._layout_waits += 1
            if self._layout_waits <= MAX_LAYOUT_WAITS:
                self.refresh(layout=True)
                self.call_after_refresh(self._fit)
            return
        if self._overflows() and self._squeeze <= len(self._worded_actions()):
            self._squeeze += 1
            await self.recompose()
