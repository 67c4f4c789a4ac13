"""What the API answers when it refuses: a status, a stable code, and the details that explain it.

The codes are the API's words; the laptop translates them (``sync.reason.<code>`` in the catalogue).
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    def __init__(self, status: int, code: str, /, headers: dict[str, str] | None = None, **detail: Any) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "detail": self.detail}


ERROR_CODES: dict[str, str] = {
    "token_missing": "no Authorization: Bearer token",
    "token_unknown": "the token is not enrolled",
    "token_revoked": "the token was revoked",
    "token_expired": "the token has expired",
    "role_forbidden": "the account's role may not do this",
    "not_owner": "this visit belongs to another account: only it or an admin may add a version",
    "rate_limited": "too many requests for this token, or failed authentications from this address; retry after Retry-After seconds",
    "too_large": "the body is larger than this endpoint accepts",
    "bad_length": "Content-Length is not a number",
    "bad_json": "the body is not strict JSON (UTF-8; no NaN, Infinity, number out of range, lone surrogate, NUL; not nested too deep): detail.field, detail.reason",
    "bad_body": "a field of the body breaks its schema: detail.field names it, detail.reason says how",
    "storage_full": "the server's storage is full: nothing was stored; send again later",
    "bad_request": "a path or query parameter is malformed",
    "not_canonical": "the visit's bytes are not its canonical JSON",
    "visit_mismatch": "the body's uuid, version or status does not match the path",
    "seal_mismatch": "the seal is not the SHA-256 of the sealed payload",
    "bad_visit": "the body is not a signed-off visit record",
    "photos_missing": "upload these photos first",
    "base_missing": "the version this amendment supersedes is not on the server",
    "stale_base": "the amendment supersedes a seal other than the server's previous version",
    "different_bytes": "this uuid and version is already stored with other bytes",
    "hash_mismatch": "the bytes received do not hash to the sha256 in the path",
    "bad_event": "the event breaks a rule of rectification events (detail.field names the field, detail.rule the rule)",
    "event_forbidden": "this account may not record this step on this rectification",
    "rectification_missing": "the rectification is not on the server (its visit is not uploaded yet)",
    "visit_missing": "the re-inspection visit this event reports is not on the server yet",
    "state_forbids": "the rectification's state does not allow this step (detail.rule)",
    "bad_checklist": "the checklist does not read or breaks a rule",
    "bad_register": "the register does not read or a site breaks a rule",
    "not_found": "no such record",
    "bad_number_request": "a number block needs a series (kind:year, the year within one of now) and a size",
    "request_reused": "this request id was used by another account or for another series",
}
