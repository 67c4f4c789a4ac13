"""At 80 columns every main screen's key bar shows its keys whole, before the palette's, in both languages;
at 60 columns it still ends within the screen and shows F1. It draws again only when its keys change,
and a click on a key presses it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot

from inspector.i18n import set_language
from inspector.tui.app import InspectorApp
from inspector.tui.screens.help import HelpDialog
from inspector.tui.session import Session
from inspector.tui.widgets.key_bar import SEPARATOR, KeyBar, ShownKey, fit
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
def test_the_keys_fit_and_end_before_the_palette_key(
    session: Session, language: str, name: str, size: tuple[int, int]
) -> None:
    """What each screen's bar draws: within the width, F1 always, every key with its words at 80 columns."""

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await SCREENS[name](pilot)
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        line = bar.render()
        shown = bar.fitted()
        described = [(key.display, key.description) for key in shown.keys]
        width = bar.size.width
        assert bar.region.right <= size[0] and line.cell_len <= width, line.plain
        assert shown.keys and any(key.action == "help" for key in shown.keys), described
        for start, key in shown.spans(width):  # drawn where a click finds it
            assert line.plain.startswith(key.display, _index_of_cell(line.plain, start)), (key, line.plain)
        if shown.palette is not None:
            keys_end = max(start + key.width for start, key in shown.spans(width) if key is not shown.palette)
            assert keys_end <= width - shown.palette.width - 1 - len(SEPARATOR), line.plain
        if size == SMALL:
            assert all(key.description for key in shown.keys), described
            offered = {active.binding.action for active in app.screen.active_bindings.values() if active.binding.show}
            assert offered <= {key.action for key in shown.keys}, offered

    drive(session, steps, size=size)


def _index_of_cell(text: str, cell: int) -> int:
    """The index in ``text`` of the character drawn at ``cell`` (a Chinese character takes two)."""
    for index in range(len(text) + 1):
        if cell_len(text[:index]) >= cell:
            return index
    return len(text)


def key(display: str, description: str, action: str | None = None) -> ShownKey:
    return ShownKey(display.lower(), display, description, action or display.lower())


KEYS = (key("F5", "继续检查"), key("F2", "新建检查"), key("F1", "帮助", "help"), key("F7", "同步"))
PALETTE = key("^P", "命令", "command_palette")


def test_the_palette_key_goes_first_then_the_last_keys_words_never_helps() -> None:
    whole = sum(k.width for k in KEYS) + len(KEYS) - 1
    assert fit(KEYS, PALETTE, whole + 2 + PALETTE.width) == fit(KEYS, PALETTE, 200)
    assert fit(KEYS, PALETTE, 200).palette == PALETTE
    without_palette = fit(KEYS, PALETTE, whole + 1 + PALETTE.width)
    assert without_palette.palette is None and without_palette.keys == KEYS
    squeezed = fit(KEYS, PALETTE, whole - 1)
    assert [k.description for k in squeezed.keys] == ["继续检查", "新建检查", "帮助", ""]
    tightest = fit(KEYS, PALETTE, 10)
    assert [k.description for k in tightest.keys] == ["", "", "帮助", ""]


def test_the_bar_draws_again_only_when_its_keys_change(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """The screen says its keys may have changed on every focus change and every list filled: the bar
    draws again only when what it shows differs, not a frame each time."""
    drawn: list[str] = []
    render = KeyBar.render

    def counted(bar: KeyBar):  # type: ignore[no-untyped-def]
        drawn.append(bar.screen.__class__.__name__)
        return render(bar)

    monkeypatch.setattr(KeyBar, "render", counted)

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        before = len(drawn)
        for _ in range(5):
            app.screen.bindings_updated_signal.publish(app.screen)
            await pilot.pause()
        assert len(drawn) == before, drawn[before:]
        await pilot.press("f5")  # the runner: other keys
        await settle(pilot)
        assert drawn[-1] == "RunnerScreen"

    drive(session, steps)


def test_the_key_under_the_mouse_stands_out_and_a_click_presses_it(session: Session) -> None:
    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        bar = app.screen.query_one(KeyBar)
        start = next(start for start, shown in bar.fitted().spans(bar.size.width) if shown.action == "help")
        at = _index_of_cell(bar.render().plain, start)
        before = bar.render().get_style_at_offset(app.console, at)
        await pilot.hover(KeyBar, offset=(start, 0))
        await pilot.pause()
        assert bar.render().get_style_at_offset(app.console, at) != before  # the key under the mouse stands out
        await pilot.click(KeyBar, offset=(start, 0))
        await settle(pilot)
        assert isinstance(app.screen, HelpDialog)

    drive(session, steps)


def test_a_bar_squeezed_for_more_keys_widens_again_when_they_go(session: Session) -> None:
    """The board's bar is first fitted while its table loads (nothing focused: the screen's Enter key
    shows too); once the table takes focus that key goes, and the palette key must come back."""
    set_language("en")

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await SCREENS["board"](pilot)
        bar = app.screen.query_one(KeyBar)
        app.screen.set_focus(None)
        await settle(pilot)
        squeezed = bar.fitted()
        assert "detail" in {k.action for k in squeezed.keys} and squeezed.palette is None
        assert "^p" not in bar.render().plain.lower()
        app.screen.query_one("#rect-board").focus()
        await settle(pilot)
        assert bar.fitted().palette is not None and "^p" in bar.render().plain.lower()

    try:
        drive(session, steps, size=NARROW)
    finally:
        set_language("zh")
