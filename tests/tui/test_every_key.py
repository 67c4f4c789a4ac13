"""Every key a footer shows, pressed on every screen: the app never crashes, and each key does
something (the screen changes, another opens, a message comes) or the footer shows it greyed out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.binding import Binding
from textual.pilot import Pilot

from inspector.tui.app import InspectorApp
from inspector.tui.session import Session
from tests.tui.conftest import SMALL, drive, settle
from tests.tui.test_snapshots import SCREENS

Reach = Callable[[Pilot], Awaitable[None]]


def home_section(steps_right: int) -> Reach:
    """Home with one of its sections shown and its list focused, as Shift+Tab, → …, ↓ gets there."""

    async def reach(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("shift+tab", *["right"] * steps_right, "down")
        await settle(pilot)

    return reach


async def help_dialog(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("f1")
    await settle(pilot)


REACHED: dict[str, Reach] = {
    "home_in_progress": home_section(0),
    "home_recent": home_section(1),
    "home_rectifications": home_section(2),
    "home_outbox": home_section(3),
    **{name: reach for name, reach in SCREENS.items() if name not in {"home", "runner_light"}},
    "help": help_dialog,
}


def footer_keys(app: InspectorApp) -> list[tuple[Binding, bool]]:
    """What the footer shows (a dialog has none: what it would show), one key per action."""
    shown: dict[str, tuple[Binding, bool]] = {}
    for key, active in app.screen.active_bindings.items():
        if active.binding.show and active.binding.description:
            shown.setdefault(active.binding.action, (Binding(key, active.binding.action), active.enabled))
    return list(shown.values())


async def back_to(pilot: Pilot, reach: Reach) -> None:
    """Back to home, closing whatever the last key opened, and to the screen again."""
    app = pilot.app
    while len(app.screen_stack) > 1:
        app.pop_screen()
        await settle(pilot)
    await reach(pilot)


@pytest.mark.parametrize("name", list(REACHED))
def test_every_key_the_footer_shows_works(session: Session, name: str) -> None:
    reach = REACHED[name]

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await reach(pilot)
        keys = footer_keys(app)
        assert keys, name
        for number, (binding, enabled) in enumerate(keys):
            if number:  # each key from the screen as reached, not as the key before left it
                await back_to(pilot, reach)
            before = (app.export_screenshot(), list(app.screen_stack), len(app._notifications))
            await pilot.press(binding.key)
            await settle(pilot)
            assert app.is_running and app._exception is None, (name, binding.key, app._exception)
            after = (app.export_screenshot(), list(app.screen_stack), len(app._notifications))
            assert after != before or not enabled, f"{name}: {binding.key} ({binding.action}) did nothing"

    drive(session, steps, size=SMALL)
