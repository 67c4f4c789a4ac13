"""What an evidence file may be: a photo or a scan, known by the first bytes of the file, not its name.

A file renamed ``.jpg`` is still a text file; a phone's HEIC photo has no ``.jpg`` at all. The
signatures below are the formats phones, cameras and scanners write.
"""

from __future__ import annotations

HEAD_BYTES = 16
"""How many bytes of a file ``evidence_format`` needs to see."""

_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\xff\xd8\xff", "JPEG"),
    (0, b"\x89PNG\r\n\x1a\n", "PNG"),
    (0, b"GIF87a", "GIF"),
    (0, b"GIF89a", "GIF"),
    (0, b"BM", "BMP"),
    (0, b"II*\x00", "TIFF"),
    (0, b"MM\x00*", "TIFF"),
    (0, b"%PDF-", "PDF"),
)
# HEIC/HEIF (iPhone, many Android phones): an ISO box "ftyp" at byte 4 naming an image brand
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif")


def evidence_format(head: bytes) -> str | None:
    """The image (or scanned PDF) format whose signature ``head`` starts with, or None."""
    for offset, signature, name in _SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "AVIF" if head[8:12] == b"avif" else "HEIC"
    return None
