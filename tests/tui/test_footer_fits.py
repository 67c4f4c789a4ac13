"""At 80 columns every main screen's footer shows its keys whole, before the palette's, in both languages;
at 60 columns it still ends within the screen and shows F1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.pilot import Pilot
from textual.widgets._footer import FooterKey

from inspector.i18n import set_language
from inspector.tui.app import InspectorApp
from inspector.tui.session import Session
from inspector.tui.widgets.fitting_footer import FittingFooter
from tests.tui.conftest import SMALL, drive, settle
from tests.tui.test_snapshots import SCREENS


@pytest.fixture(params=["zh", "en"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    set_language(request.param)
    yield request.param
    set_language("zh")


NARROW = (60, 20)


@pytest.mark.parametrize(
    ("name", "size"),
    [*((name, SMALL) for name in SCREENS), *((name, NARROW) for name in SCREENS)],
    ids=[*(f"{name}-80x24" for name in SCREENS), *(f"{name}-60x20" for name in SCREENS)],
)
def test_the_footer_keys_fit_and_end_before_the_palette_key(
    session: Session, language: str, name: str, size: tuple[int, int]
) -> None:
    """Every screen's footer is a ``FittingFooter``: at 80 columns each key shows with its words, at 60 F1 stays."""

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await SCREENS[name](pilot)
        await settle(pilot)
        assert isinstance(app.screen.query_one("Footer"), FittingFooter)
        keys = list(app.screen.query(FooterKey))
        palette = [key for key in keys if key.has_class("-command-palette")]
        others = [key for key in keys if key not in palette]
        shown = [(key.key_display, key.description) for key in others]
        assert others and max(key.region.right for key in keys) <= size[0], shown
        assert any(key.action == "help" for key in others), shown
        if palette:
            assert max(key.region.right for key in others) <= palette[0].region.x, shown
        if size == SMALL:
            assert all(key.description for key in others), shown
            shown_actions = {key.action for key in others}
            offered = {active.binding.action for active in app.screen.active_bindings.values() if active.binding.show}
            assert offered <= shown_actions, offered - shown_actions

    drive(session, steps, size=size)


def test_an_idle_screen_stops_fitting_its_footer(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once laid out, a footer is left alone: no check re-queued on every refresh, spinning the CPU while idle."""
    fits: list[str] = []
    fit = FittingFooter._fit

    async def counted(footer: FittingFooter) -> None:
        fits.append(footer.screen.__class__.__name__)
        await fit(footer)

    monkeypatch.setattr(FittingFooter, "_fit", counted)

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await pilot.press("f5")  # the runner over home: home's footer, recomposed unseen, waits for no layout
        await settle(pilot)
        before = len(fits)
        for _ in range(20):
            await pilot.pause()
        assert len(fits) == before, fits[before:][:5]
        await pilot.press("escape")  # back home, whose footer still fits
        await settle(pilot)
        assert app.screen.__class__.__name__ == "HomeScreen"
        keys = list(app.screen.query(FooterKey))
        assert keys and max(key.region.right for key in keys) <= NARROW[0]

    drive(session, steps, size=NARROW)


def test_a_footer_squeezed_for_more_keys_widens_again_when_they_go(session: Session) -> None:
    """The board's footer is first fitted while its table loads (nothing focused: the screen's Enter key
    shows too); once the table takes focus that key goes, and the palette key must come back."""
    set_language("en")

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await SCREENS["board"](pilot)
        footer = app.screen.query_one(FittingFooter)
        app.screen.set_focus(None)
        await settle(pilot)
        squeezed = {key.action for key in app.screen.query(FooterKey) if not key.has_class("-command-palette")}
        assert "detail" in squeezed and not app.screen.query(".-command-palette")
        app.screen.query_one("#rect-board").focus()
        await settle(pilot)
        assert footer.is_attached and app.screen.query(".-command-palette")

    try:
        drive(session, steps, size=NARROW)
    finally:
        set_language("zh")
