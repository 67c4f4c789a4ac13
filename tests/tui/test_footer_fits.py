"""At 80 columns every main screen's footer shows its keys whole, before the palette's, in both languages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator

import pytest
from textual.pilot import Pilot
from textual.widgets._footer import FooterKey

from inspector.i18n import set_language
from inspector.tui.app import InspectorApp
from inspector.tui.session import Session
from tests.tui.conftest import SMALL, drive
from tests.tui.test_snapshots import SCREENS


@pytest.fixture(params=["zh", "en"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    set_language(request.param)
    yield request.param
    set_language("zh")


@pytest.mark.parametrize("reach", list(SCREENS.values()), ids=list(SCREENS))
def test_the_footer_keys_end_before_the_palette_key(
    session: Session, language: str, reach: Callable[[Pilot], Awaitable[None]]
) -> None:
    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        await reach(pilot)
        keys = list(app.screen.query(FooterKey))
        palette = [key for key in keys if key.has_class("-command-palette")]
        others = [key for key in keys if key not in palette]
        assert palette and others
        assert max(key.region.right for key in others) <= palette[0].region.x, [
            (key.key_display, key.description) for key in others
        ]

    drive(session, steps, size=SMALL)
