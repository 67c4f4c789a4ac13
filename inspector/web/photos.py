"""Photos for the browser: the original as stored, and a small JPEG thumbnail made once on the server.

Thumbnails live beside the photos (``thumbnails/ab/<sha256>.jpg``), written atomically; a photo
is never changed, so a thumbnail never goes stale. A file Pillow cannot read (a scan as PDF, a
damaged upload, an image too large to decode safely) has no thumbnail: the page links to it.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from inspector.server.records import PhotoFolder
from inspector.store.atomic import atomic_write_bytes

THUMBNAIL_SIZE = (320, 240)
Image.MAX_IMAGE_PIXELS = 80_000_000
"""Above this a file is refused rather than decoded (a 'decompression bomb'): phones take 50 MP at most."""

MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp", "BMP": "image/bmp"}
UNREADABLE = (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError)


def media_type(path: Path) -> str | None:
    """The image type a browser may show inline, or None (then the file is offered as a download)."""
    try:
        with Image.open(path) as image:
            return MEDIA_TYPES.get(image.format or "")
    except UNREADABLE:
        return None


def thumbnail(photos: PhotoFolder, sha256: str) -> bytes | None:
    """The photo's thumbnail (made on first request), or None when it is not an image we can read."""
    target = photos.root / "thumbnails" / sha256[:2] / f"{sha256}.jpg"
    if target.is_file():
        return target.read_bytes()
    try:
        with Image.open(photos.path(sha256)) as image:
            image.draft("RGB", THUMBNAIL_SIZE)  # JPEG decodes straight at a smaller scale
            small = ImageOps.exif_transpose(image).convert("RGB")
            small.thumbnail(THUMBNAIL_SIZE)
            buffer = io.BytesIO()
            small.save(buffer, "JPEG", quality=80)
    except UNREADABLE:
        return None
    data = buffer.getvalue()
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(target, data)
    return data
