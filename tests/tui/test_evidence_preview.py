"""The evidence dialog previews the file highlighted: name, size, pixels, date taken and the picture in half blocks."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import ExifTags, Image
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DirectoryTree, Input, OptionList

from inspector.services.visits import record_answer, visits_in_progress
from inspector.tui.app import InspectorApp
from inspector.tui.screens.evidence_dialog import EvidenceDialog
from inspector.tui.session import Session
from inspector.tui.widgets.photo_preview import PhotoPreview, half_blocks, read_photo
from tests.tui.conftest import LARGE, drive, settle
from tests.tui.test_flow import resume_latest

RED, BLUE = (220, 20, 20), (20, 40, 220)


def two_colour_photo(path: Path, size: tuple[int, int], *, taken: str | None = None, orientation: int = 1) -> Path:
    """Red above, blue below; ``taken`` and ``orientation`` written in its EXIF as a camera does."""
    width, height = size
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, width, height // 2))
    exif = Image.Exif()
    if taken:
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
    exif[ExifTags.Base.Orientation] = orientation
    image.save(path, "JPEG" if path.suffix == ".jpg" else "PNG", exif=exif.tobytes())
    return path


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "相机"
    folder.mkdir()
    two_colour_photo(folder / "现场.jpg", (400, 300), taken="2026:11:27 09:15:00")
    two_colour_photo(folder / "门口.png", (40, 80))
    (folder / "说明.txt").write_text("不是照片", encoding="utf-8")
    (folder / "扫描.pdf").write_bytes(b"%PDF-1.7\n a scan")
    return folder


def colours(text: Text) -> list[tuple[tuple[int, int, int], tuple[int, int, int]]]:
    """(upper, lower) colour of every half-block cell, row by row."""
    cells = []
    for span in text.spans:
        style = span.style
        if text.plain[span.start : span.end] == "▀" and not isinstance(style, str):
            cells.append((style.color.get_truecolor()[:3], style.bgcolor.get_truecolor()[:3]))
    return cells


def near(colour: tuple[int, int, int], expected: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 40 for a, b in zip(colour, expected, strict=True))  # JPEG shifts colours a little


def test_a_photo_is_read_for_its_size_pixels_and_date_taken(photos: Path) -> None:
    facts = read_photo(photos / "现场.jpg")
    assert (facts.name, facts.kind, facts.pixels, facts.taken) == ("现场.jpg", "JPEG", (400, 300), "2026-11-27 09:15")
    assert facts.size == (photos / "现场.jpg").stat().st_size
    assert facts.picture is not None and max(facts.picture.size) <= 160


def test_a_photo_taken_on_its_side_is_measured_and_drawn_upright(tmp_path: Path) -> None:
    # stored 80 wide and 40 high, red at the top; EXIF 6: the camera was turned, the picture is seen 40 x 80
    facts = read_photo(two_colour_photo(tmp_path / "竖拍.jpg", (80, 40), orientation=6))
    assert facts.pixels == (40, 80) and facts.taken is None
    assert facts.picture is not None and facts.picture.height > facts.picture.width


def test_half_blocks_put_the_upper_pixel_over_the_lower_and_keep_the_shape(photos: Path) -> None:
    picture = read_photo(photos / "现场.jpg").picture
    assert picture is not None
    drawn = half_blocks(picture, width=20, height=10)
    rows = drawn.plain.split("\n")
    # 400 x 300 in 20 columns: 15 pixel rows, drawn two to a row (8 rows), not stretched to the 10 given
    assert len(rows[0]) == 20 and 7 <= len(rows) <= 8
    cells = colours(drawn)
    assert near(cells[0][0], RED) and near(cells[0][1], RED)
    assert near(cells[-1][0], BLUE) and near(cells[-1][1], BLUE)


async def open_dialog(pilot: Pilot, start: Path) -> EvidenceDialog:
    app = pilot.app
    app.push_screen(EvidenceDialog(app.session, start))  # type: ignore[attr-defined]
    await settle(pilot)
    dialog = app.screen
    assert isinstance(dialog, EvidenceDialog)
    return dialog


def shown(dialog: EvidenceDialog) -> str:
    preview = dialog.query_one(PhotoPreview)
    return "\n".join(preview.lines()) + "\n" + preview.render().plain


@pytest.mark.parametrize("size", [(80, 24), LARGE])
def test_a_typed_path_is_previewed_before_it_is_added(session: Session, photos: Path, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        dialog = await open_dialog(pilot, photos)
        assert "预览" in shown(dialog)  # nothing highlighted yet: it says what the pane is for
        dialog.query_one("#evidence-path", Input).value = str(photos / "现场.jpg")
        await settle(pilot)
        text = shown(dialog)
        assert "现场.jpg" in text and "400x300 像素" in text and "拍摄于 2026-11-27 09:15" in text
        drawn = dialog.query_one(PhotoPreview).render()
        assert "▀" in drawn.plain and colours(drawn)
        preview = dialog.query_one(PhotoPreview)
        assert max(len(row) for row in drawn.plain.split("\n")) <= preview.content_size.width
        assert len(drawn.plain.split("\n")) <= preview.content_size.height
        dialog.query_one("#evidence-path", Input).value = str(photos / "说明.txt")
        await settle(pilot)
        assert "不是照片或扫描件" in shown(dialog) and "▀" not in shown(dialog)
        dialog.query_one("#evidence-path", Input).value = str(photos / "扫描.pdf")
        await settle(pilot)
        assert "PDF 扫描件" in shown(dialog)

    drive(session, steps, size=size)


def test_the_file_highlighted_in_the_folder_tree_is_previewed(session: Session, photos: Path) -> None:
    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        dialog = await open_dialog(pilot, photos)
        tree = dialog.query_one(DirectoryTree)
        for _ in range(50):  # the tree lists the folder on its own worker
            if tree.root.children:
                break
            await pilot.pause()
        node = next(child for child in tree.root.children if child.data and child.data.path.name == "门口.png")
        tree.focus()
        tree.move_cursor(node)
        await settle(pilot)
        text = shown(dialog)
        assert "门口.png" in text and "40x80 像素" in text and "照片未记录拍摄时间" in text

    drive(session, steps)


def test_attached_evidence_is_previewed_from_its_stored_copy_under_its_own_name(session: Session, photos: Path) -> None:
    draft = visits_in_progress(session.store)[0]

    async def steps(pilot: Pilot, app: InspectorApp) -> None:
        runner = await resume_latest(pilot)
        item_id = runner.item_id
        assert item_id is not None
        record_answer(session.store, draft.uuid, item_id, add_evidence=[photos / "现场.jpg"])
        runner.visit = session.store.load_visit(draft.uuid)
        await pilot.press("f3")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, EvidenceDialog)
        dialog.query_one("#evidence-attached", OptionList).focus()
        await settle(pilot)
        text = shown(dialog)
        assert "现场.jpg" in text and "400x300 像素" in text and "拍摄于 2026-11-27 09:15" in text

    drive(session, steps)
