"""Canonical JSON and its SHA-256: the seal of a signed-off visit and the hash of a checklist.

Canonical means: keys sorted, no insignificant white space, UTF-8, non-ASCII kept as is.
The values hashed are only str, int, bool, None, lists and dicts (no floats), so the bytes
are the same on every machine and Python version.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_bytes(value: Any) -> bytes:
    return json.dumps(
        value,
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        allow_nan=False,
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_hash(value: Any) -> str:
    return sha256_hex(canonical_bytes(value))
