"""The bureau server's client: one reused httpx client, explicit timeouts, retries with backoff.

Retries (through stamina: exponential backoff with jitter) cover what may pass by itself: a lost
connection, a timeout, 429 (after its Retry-After) and 5xx. Every upload is idempotent on the
server, so sending again after a cut is always safe. A certificate that does not verify is never
retried and never bypassed: the county's own CA is given with ``ca_file``.

A response counts as the server's only when it carries the server's mark, and the preflight
(``hello``) checks an HMAC over a fresh nonce keyed by the token's hash: a captive portal's
"200 OK" page is recognised as not the server.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
import msgspec
import stamina

from inspector import wire
from inspector.sync.errors import Refused, SyncError

API = "/api/v1"
SERVICE = "inspector-bureau"
MARKER_HEADER = "Inspector-Server"
T = TypeVar("T")
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=10.0)


@dataclass(frozen=True)
class Receipt:
    """The server's answer to an upload: its record (with ``seq``), and whether this call made it."""

    record: dict[str, Any]
    created: bool


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    total_seconds: float = 90.0
    wait_initial: float = 0.5
    wait_max: float = 10.0
    wait_jitter: float = 1.0


@dataclass(frozen=True)
class ServerInfo:
    """What the preflight learned: who the token belongs to and what the server accepts."""

    name: str
    role: str
    expires_at: str
    server_time: str
    limits: dict[str, int] = field(default_factory=dict)
    epoch: str = ""
    """Which life of the server's database this is: it changes when the database is restored."""


class _RetryableAnswer(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def _certificate_failed(error: BaseException) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _retry_after(response: httpx.Response, cap: float) -> float | bool:
    value = response.headers.get("retry-after", "")
    return min(float(value), cap) if value.isdigit() else True


_JSON = {"Content-Type": "application/json"}
ITEM_FORBIDDEN = frozenset({"not_owner", "event_forbidden"})
"""403s that refuse one item (another account's record), not the account's role: the run goes on."""


def _is_ours(response: httpx.Response) -> bool:
    return response.headers.get(MARKER_HEADER, "").split("/")[0] == SERVICE


def _item_answer(result: wire.ItemResult) -> Receipt | Refused:
    if result.status in (200, 201) and result.receipt is not None:
        return Receipt(msgspec.to_builtins(result.receipt), created=result.status == 201)
    return Refused(result.error or f"http_{result.status}", result.status, result.detail or {})


def _path(*segments: str | int) -> str:
    """A path under the API, every segment percent-encoded: an id may hold ``/ ? # %``, spaces or
    Chinese, and must reach the server as one segment, unchanged."""
    return "".join("/" + quote(str(segment), safe="") for segment in segments)


def token_fingerprint(token: str) -> str:
    """The token's SHA-256, as the server keeps it: the key of the preflight's proof."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class BureauClient:
    """One server, one token, one connection pool. Use as a context manager, or ``close()``."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        ca_file: Path | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.retry = retry or RetryPolicy()
        verify: ssl.SSLContext | bool = True
        if ca_file is not None:
            try:
                verify = ssl.create_default_context(cafile=str(ca_file))
            except (OSError, ssl.SSLError) as error:
                raise SyncError("bad_ca_file", path=str(ca_file), reason=str(error)) from None
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token}", "User-Agent": "inspector-sync"},
            timeout=timeout,
            verify=verify,
            transport=transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> BureauClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the calls ---------------------------------------------------------------------------

    def hello(self) -> ServerInfo:
        nonce = secrets.token_urlsafe(24)
        response = self._call("GET", "/hello", params={"nonce": nonce})
        self._raise_for(response)
        data = self._answer(response, wire.Hello)
        expected = hmac.new(bytes.fromhex(token_fingerprint(self._token)), nonce.encode(), hashlib.sha256).hexdigest()
        if data.service != SERVICE or not hmac.compare_digest(data.proof, expected):
            raise SyncError("unknown_server", url=self.base_url)
        return ServerInfo(
            name=data.name,
            role=data.role,
            expires_at=data.expires_at,
            server_time=data.server_time,
            limits=data.limits,
            epoch=data.epoch,
        )

    def upload_visit(self, uuid: str, version: int, body: bytes) -> Receipt:
        return self._put(_path("visits", uuid, version), body, "application/json")

    def upload_visits(self, items: list[tuple[str, int, bytes]]) -> list[Receipt | Refused]:
        """Upload several versions in one request; one answer per item, in order.

        Each version's bytes go into the request exactly as stored, with their SHA-256, so the
        server checks that what it keeps is byte for byte what the laptop holds.
        """
        batch = wire.VisitBatch(
            [
                wire.VisitItem(uuid, version, hashlib.sha256(body).hexdigest(), msgspec.Raw(body))
                for uuid, version, body in items
            ]
        )
        response = self._call("POST", "/visits", content=wire.encode(batch), headers=_JSON)
        self._raise_for(response)
        results = self._answer(response, wire.BatchResults).results
        if len(results) != len(items):
            raise SyncError("unknown_server", url=self.base_url)
        return [_item_answer(result) for result in results]

    def has_photo(self, sha256: str) -> bool:
        response = self._call("HEAD", _path("photos", sha256))
        if response.status_code == 404 and _is_ours(response):
            return False
        self._raise_for(response)
        return True

    def put_photo(self, sha256: str, data: bytes) -> Receipt:
        return self._put(_path("photos", sha256), data, "application/octet-stream")

    def photo(self, sha256: str) -> bytes:
        """A stored photo's bytes (a finding's evidence, fetched when it is looked at)."""
        response = self._call("GET", _path("photos", sha256))
        self._raise_for(response)
        return response.content

    def put_event(self, event_id: str, body: bytes) -> Receipt:
        return self._put(_path("events", event_id), body, "application/json")

    def feed(self, since: int, limit: int = 200) -> dict[str, Any]:
        response = self._call("GET", "/feed", params={"since": since, "limit": limit})
        self._raise_for(response)
        # its shape checked, decoded once; the entries are applied one by one, as plain dicts
        page = self._answer(response, wire.FeedPage)
        return {
            "entries": [msgspec.structs.asdict(entry) for entry in page.entries],
            "next": page.next,
            "more": page.more,
        }

    def number_block(self, request_id: str, series: str, size: int) -> dict[str, Any]:
        """A block of document numbers; the same ``request_id`` is answered with the same block."""
        body = json.dumps({"series": series, "size": size}).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        response = self._call("PUT", f"/number-blocks/{request_id}", content=body, headers=headers)
        self._raise_for(response)
        return self._json(response)

    def assignments(self) -> wire.AssignmentList:
        """This account's own assignments in the inspection rounds (双随机), nobody else's."""
        response = self._call("GET", "/assignments")
        self._raise_for(response)
        return self._answer(response, wire.AssignmentList)

    # -- plumbing ----------------------------------------------------------------------------

    def _put(self, path: str, body: bytes, content_type: str) -> Receipt:
        response = self._call("PUT", path, content=body, headers={"Content-Type": content_type})
        self._raise_for(response)
        return Receipt(self._json(response), created=response.status_code == 201)

    def _retryable(self, error: Exception) -> bool | float:
        if isinstance(error, _RetryableAnswer):
            return _retry_after(error.response, self.retry.wait_max)
        if isinstance(error, httpx.TransportError):
            return not _certificate_failed(error)
        return False

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        policy = self.retry
        try:
            for attempt in stamina.retry_context(
                on=self._retryable,
                attempts=policy.attempts,
                timeout=policy.total_seconds,
                wait_initial=policy.wait_initial,
                wait_max=policy.wait_max,
                wait_jitter=policy.wait_jitter,
            ):
                with attempt:
                    response = self._http.request(method, API + path, **kwargs)
                    # a full disk does not pass in seconds: said at once, not retried
                    if response.status_code == 429 or (response.status_code >= 500 and response.status_code != 507):
                        raise _RetryableAnswer(response)
        except _RetryableAnswer as error:
            return error.response
        except httpx.TimeoutException:
            raise SyncError("timeout", url=self.base_url) from None
        except httpx.TransportError as error:
            if _certificate_failed(error):
                raise SyncError("cert_untrusted", url=self.base_url) from None
            raise SyncError("offline", url=self.base_url) from None
        return response

    def _raise_for(self, response: httpx.Response) -> None:
        status = response.status_code
        if not _is_ours(response):
            if status >= 500:
                raise SyncError("server_error", status=status)
            raise SyncError("unknown_server", url=self.base_url)
        if status < 300:
            return
        code, detail = self._error_of(response)
        if status == 401:
            raise SyncError("auth_refused", reason=code)
        if status == 403 and code not in ITEM_FORBIDDEN:
            raise SyncError("forbidden", reason=code)
        if status == 429:
            raise SyncError("rate_limited")
        if status == 507:
            raise SyncError("storage_full")
        if status >= 500:
            raise SyncError("server_error", status=status)
        raise Refused(code, status, detail)

    @staticmethod
    def _error_of(response: httpx.Response) -> tuple[str, dict[str, Any]]:
        try:
            data = response.json()
        except ValueError:
            return f"http_{response.status_code}", {}
        if not isinstance(data, dict):
            return f"http_{response.status_code}", {}
        detail = data.get("detail")
        return str(data.get("error") or f"http_{response.status_code}"), detail if isinstance(detail, dict) else {}

    def _answer(self, response: httpx.Response, model: type[T]) -> T:
        """The answer as its wire model; anything else is not our server speaking."""
        try:
            return wire.read(response.content, model)
        except wire.WireError:
            raise SyncError("unknown_server", url=self.base_url) from None

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            raise SyncError("unknown_server", url=self.base_url) from None
        if not isinstance(data, dict):
            raise SyncError("unknown_server", url=self.base_url)
        return data
