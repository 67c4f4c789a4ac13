"""Every word a template shows is in the catalogue, in both languages (the catalogue's own test
reads only Python files), and every page extends the one frame with its landmarks."""

from __future__ import annotations

import re
from pathlib import Path

from inspector.core.rectifications import RectificationState
from inspector.i18n import catalogue
from inspector.web import county
from inspector.web.exports import BOARD_COLUMNS
from inspector.web.sessions import WEB_ROLES

TEMPLATES = Path(__file__).parents[2] / "inspector" / "web" / "templates"
LITERAL = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")


def test_every_literal_key_of_the_templates_is_in_the_catalogue() -> None:
    found = {key for path in TEMPLATES.glob("*.html") for key in LITERAL.findall(path.read_text(encoding="utf-8"))}
    used = {key for key in found if not key.endswith(".")}  # "web.col." ~ name: composed, checked below
    assert used, "the templates take their words from the catalogue"
    assert sorted(used - set(catalogue())) == []


def test_every_key_the_templates_compose_is_in_the_catalogue() -> None:
    composed = {
        *(f"web.light.{light}" for light in ("overdue", "soon", "open", "closed")),
        *(f"web.window.{window}" for window in county.WINDOWS),
        *(f"web.sort.{sort}" for sort in county.SORTS),
        *(f"web.col.{column}" for column in (*BOARD_COLUMNS, "light", "due", "team")),
        *(f"web.role.{role.value}" for role in WEB_ROLES),
        *(f"vocab.rectificationstate.{state.value}" for state in RectificationState),
    }
    assert sorted(composed - set(catalogue())) == []


def test_every_page_is_in_the_frame() -> None:
    for path in TEMPLATES.glob("*.html"):
        if path.name in ("base.html",) or path.name.startswith("_"):
            continue
        text = path.read_text(encoding="utf-8")
        assert text.startswith('{% extends "base.html" %}'), path.name
        assert "<h1>" in text, path.name
    frame = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    assert '<main id="main"' in frame and 'class="skip"' in frame and "<nav" in frame
    assert "http://" not in frame and "https://" not in frame  # nothing loaded from elsewhere
