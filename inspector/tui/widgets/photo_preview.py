"""A photo's preview in the terminal: its name, size, pixels and date taken, and the picture in half blocks.

Each cell shows two pixels, one above the other: "▀" in the upper pixel's colour on the lower
one's. The file is read on a worker thread, a JPEG decoded straight at a reduced scale, so going
through a folder of 12 MP phone photos stays quick; only a small copy is kept, scaled again to the
space the preview has whenever it is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual import work
from textual.widget import Widget
from textual.worker import get_current_worker

from inspector.core.evidence import HEAD_BYTES, evidence_format
from inspector.i18n import t

if TYPE_CHECKING:
    from PIL.Image import Exif, Image

KEPT_PIXELS = (160, 160)
"""The decoded copy kept for drawing: more than a terminal's preview pane ever shows."""
_EXIF_IFD = 0x8769
_DATE_TIME_ORIGINAL = 36867
_DATE_TIME = 306
_ORIENTATION = 0x0112
_QUARTER_TURNS = (5, 6, 7, 8)


@dataclass(frozen=True)
class PhotoFacts:
    """What the preview says about a file; ``picture`` is None when there is nothing to draw."""

    name: str
    size: int
    kind: str | None
    """The format its first bytes name (``evidence_format``): None when it is no photo or scan."""
    pixels: tuple[int, int] | None = None
    taken: str | None = None
    picture: Image | None = None


def read_photo(path: Path, name: str | None = None) -> PhotoFacts:
    """The facts of the file at ``path`` (shown as ``name``); an image Pillow cannot decode has no pixels.

    Raises OSError when the file cannot be read at all.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = name or path.name
    size = path.stat().st_size
    with open(path, "rb") as reader:
        kind = evidence_format(reader.read(HEAD_BYTES))
    if kind is None or kind == "PDF":
        return PhotoFacts(name, size, kind)
    try:
        with Image.open(path) as image:
            exif = image.getexif()
            width, height = image.size
            if exif.get(_ORIENTATION) in _QUARTER_TURNS:  # shown upright, so as wide as it is tall
                width, height = height, width
            image.draft("RGB", KEPT_PIXELS)  # JPEG: decoded at 1/2 … 1/8 scale, far quicker
            picture = ImageOps.exif_transpose(image).convert("RGB")
            picture.thumbnail(KEPT_PIXELS)
    except (UnidentifiedImageError, Image.DecompressionBombError, ValueError, OSError):
        return PhotoFacts(name, size, kind)
    return PhotoFacts(name, size, kind, (width, height), _taken(exif), picture)


def _taken(exif: Exif) -> str | None:
    """When the photo was taken, from its EXIF (the camera's own time, no zone): "2026-11-28 10:12"."""
    raw = exif.get_ifd(_EXIF_IFD).get(_DATE_TIME_ORIGINAL) or exif.get(_DATE_TIME)
    if not isinstance(raw, str) or len(raw) < 16:
        return None
    date, _, time = raw.strip().partition(" ")
    return f"{date.replace(':', '-')} {time[:5]}" if len(date) == 10 else None


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def half_blocks(picture: Image, width: int, height: int) -> Text:
    """``picture`` scaled to fit ``width`` cells by ``height`` rows, two pixels a cell, upper over lower."""
    from PIL import Image as PILImage

    scale = min(width / picture.width, 2 * height / picture.height)
    columns = max(1, round(picture.width * scale))
    rows = max(2, round(picture.height * scale) // 2 * 2)
    small = picture.resize((columns, rows), PILImage.Resampling.BOX)
    pixels = small.load()
    text = Text(no_wrap=True, overflow="crop")
    for row in range(0, rows, 2):
        if row:
            text.append("\n")
        for column in range(columns):
            upper, lower = pixels[column, row], pixels[column, row + 1]
            text.append("▀", Style(color=Color.from_rgb(*upper), bgcolor=Color.from_rgb(*lower)))
    return text


class PhotoPreview(Widget):
    """Shows the facts and the picture of the file last asked for (``show``), or a hint when none."""

    DEFAULT_CSS = """
    PhotoPreview {
        height: 1fr;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.facts: PhotoFacts | None = None
        self.problem: str | None = None

    def show(self, path: Path | None, name: str | None = None) -> None:
        """Preview the file at ``path`` (under ``name``, a stored copy's original name); None clears."""
        self.facts, self.problem = None, None
        self.refresh()
        if path is not None:
            self._read(path, name)

    @work(thread=True, exclusive=True, group="photo-preview")
    def _read(self, path: Path, name: str | None) -> None:
        try:
            facts, problem = read_photo(path, name), None
        except OSError as error:
            facts, problem = None, t("tui.preview.unreadable", name=name or path.name, reason=error.strerror or error)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._shown, facts, problem)

    def _shown(self, facts: PhotoFacts | None, problem: str | None) -> None:
        self.facts, self.problem = facts, problem
        self.refresh()

    def lines(self) -> list[str]:
        """The words shown above the picture."""
        facts = self.facts
        if facts is None:
            return [self.problem or t("tui.preview.none")]
        lines = [facts.name]
        if facts.kind is None:
            return [*lines, size_text(facts.size), t("tui.preview.not_photo")]
        if facts.kind == "PDF":
            return [*lines, t("tui.preview.scan", size=size_text(facts.size))]
        if facts.pixels is None:
            return [*lines, size_text(facts.size), t("tui.preview.undecodable", kind=facts.kind)]
        width, height = facts.pixels
        lines.append(t("tui.preview.pixels", size=size_text(facts.size), width=width, height=height))
        lines.append(t("tui.preview.taken", taken=facts.taken) if facts.taken else t("tui.preview.no_date"))
        return lines

    def render(self) -> Text:
        text = Text("\n".join(self.lines()), no_wrap=True, overflow="ellipsis")
        if self.facts is not None and self.facts.picture is not None:
            width, height = self.content_size.width, self.content_size.height - len(self.lines())
            if width > 0 and height > 0:
                text.append("\n")
                text.append_text(half_blocks(self.facts.picture, width, height))
        return text
