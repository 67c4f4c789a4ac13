"""Thumbnails made on the server: small JPEGs, made once, and none for a file that is not an image."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from PIL import Image

from inspector.server.records import PhotoFolder
from inspector.web.photos import THUMBNAIL_SIZE, media_type, thumbnail


def _stored(folder: PhotoFolder, data: bytes) -> str:
    sha256 = hashlib.sha256(data).hexdigest()
    folder.path(sha256).parent.mkdir(parents=True, exist_ok=True)
    folder.path(sha256).write_bytes(data)
    return sha256


def test_a_phone_photo_gets_a_small_jpeg_made_once(tmp_path: Path) -> None:
    folder = PhotoFolder(tmp_path / "photos")
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), (30, 120, 200)).save(buffer, "JPEG", quality=90)
    sha256 = _stored(folder, buffer.getvalue())
    assert media_type(folder.path(sha256)) == "image/jpeg"
    made = thumbnail(folder, sha256)
    assert made is not None
    with Image.open(io.BytesIO(made)) as small:
        assert small.format == "JPEG" and small.width <= THUMBNAIL_SIZE[0] and small.height <= THUMBNAIL_SIZE[1]
        assert small.size == (320, 240)  # the photo's proportions kept
    kept = next((tmp_path / "photos" / "thumbnails").rglob("*.jpg"))
    kept.write_bytes(b"kept")  # the second request reads what the first one wrote
    assert thumbnail(folder, sha256) == b"kept"


def test_a_file_that_is_not_an_image_has_no_thumbnail(tmp_path: Path) -> None:
    folder = PhotoFolder(tmp_path / "photos")
    sha256 = _stored(folder, "整改报告.pdf 的内容".encode())
    assert media_type(folder.path(sha256)) is None
    assert thumbnail(folder, sha256) is None
    truncated = _stored(folder, b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    assert thumbnail(folder, truncated) is None
