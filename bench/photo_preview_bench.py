"""The evidence dialog's preview (issue 12): how long a phone photo takes to be previewed.

A 12 MP and a 48 MP JPEG (noise, so the decoder has real work), a 12 MP PNG, with EXIF: the time
``read_photo`` takes (JPEG decoded at a reduced scale with ``draft``) and the drawing of its half
blocks for an 80x24 and a 120x40 dialog. The preview is read on a worker thread; this says how
soon after a highlight the picture appears.

    python bench/photo_preview_bench.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import ExifTags, Image

from bench.results import write_section
from inspector.tui.widgets.photo_preview import half_blocks, read_photo

RUNS = 7
PHOTOS = (
    ("12 MP JPEG", (4000, 3000), "JPEG"),
    ("48 MP JPEG", (8000, 6000), "JPEG"),
    ("12 MP PNG", (4000, 3000), "PNG"),
)
PANES = (("80x24 pane", 26, 8), ("120x40 pane", 40, 20))


def photo(folder: Path, size: tuple[int, int], kind: str) -> Path:
    path = folder / f"photo-{size[0]}.{kind.lower()}"
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2026:11:27 09:15:00"
    Image.effect_noise(size, 64).convert("RGB").save(path, kind, exif=exif.tobytes())
    return path


def median_ms(action: object) -> float:
    samples = []
    for _ in range(RUNS):
        began = time.perf_counter()
        action()  # type: ignore[operator]
        samples.append(time.perf_counter() - began)
    return statistics.median(samples) * 1000


def main() -> None:
    lines = ["| photo | file | read (facts + small copy) | " + " | ".join(name for name, *_ in PANES) + " |"]
    lines.append("|---|---:|---:|" + "---:|" * len(PANES))
    with tempfile.TemporaryDirectory() as temp:
        for name, size, kind in PHOTOS:
            path = photo(Path(temp), size, kind)
            facts = read_photo(path)
            assert facts.picture is not None and facts.pixels == size
            read = median_ms(lambda path=path: read_photo(path))
            picture = facts.picture
            drawn = [median_ms(lambda w=w, h=h, p=picture: half_blocks(p, w, h)) for _, w, h in PANES]
            megabytes = path.stat().st_size / 1024 / 1024
            lines.append(
                f"| {name} | {megabytes:.1f} MB | {read:.0f} ms | " + " | ".join(f"{ms:.1f} ms" for ms in drawn) + " |"
            )
    body = f"Median of {RUNS} runs each.\n\n" + "\n".join(lines)
    write_section("Evidence preview (issue 12)", body)
    print(body)


if __name__ == "__main__":
    main()
