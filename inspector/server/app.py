"""The bureau's HTTP API (Starlette). Routes, their roles and their body limits are one table
(``OPERATIONS``), from which both the router and the OpenAPI document are built, so the two
cannot drift apart.

Every call but the OpenAPI document is authenticated by a bearer token; the role, the rate limit
and the declared Content-Length are checked before the body is read. Blocking work (the
database, fsync) runs in worker threads.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import logging
import math
import os
import re
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inspector import wire
from inspector.core.clock import local_date, now, to_iso
from inspector.server import numbers, records
from inspector.server.accounts import Account, Role, account_for_token
from inspector.server.db import Database, current_epoch, migrate
from inspector.server.errors import ApiError
from inspector.server.forwarding import Forwarder, ForwardSettings, WakeOnUpload

API_VERSION = 1
SERVICE = "inspector-bureau"
MARKER_HEADER = "Inspector-Server"
MARKER_VALUE = f"{SERVICE}/{API_VERSION}"
PREFIX = "/api/v1"
NONCE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
MAX_TOKEN_LENGTH = 200
NUMBER_REQUEST_LIMIT = 1024
"""A request for a number block is a few words."""
MAX_BUCKETS = 100_000
EVENT_ID = re.compile(wire.ID_PATTERN)
CHECKLIST_ID = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")

log = logging.getLogger("inspector.server")

ALL_ROLES = frozenset(Role)
LEAD = frozenset({Role.LEAD})
ADMIN = frozenset({Role.ADMIN})
LEAD_OR_ADMIN = frozenset({Role.LEAD, Role.ADMIN})


@dataclass(frozen=True)
class Limits:
    """Largest body each kind of upload may have, in bytes."""

    visit: int = 8 * 1024 * 1024
    visit_batch: int = 32 * 1024 * 1024
    photo: int = 50 * 1024 * 1024
    event: int = 256 * 1024
    checklist: int = 2 * 1024 * 1024
    register: int = 20 * 1024 * 1024


@dataclass(frozen=True)
class ServerConfig:
    database_url: str
    photo_dir: Path
    rate_per_second: float = 50.0
    burst: int = 500
    failed_auth_per_second: float = 1.0
    """Failed authentications a client address may make, after ``failed_auth_burst`` at once."""
    failed_auth_burst: int = 60
    limits: Limits = field(default_factory=Limits)
    forward: ForwardSettings | None = None
    """Forward everything received to a higher-level server (a county to its province)."""


class RateLimiter:
    """A token bucket per account: ``burst`` calls at once, then ``rate`` a second.

    Kept in memory: one server process is one bucket set (enough for one county's laptops).
    """

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: dict[Hashable, tuple[float, float]] = {}

    def wait_needed(self, key: Hashable, *, count: bool = True) -> float:
        """0 when the call may go ahead (and it is counted, unless ``count`` is False), else the
        seconds until it could."""
        moment = time.monotonic()
        tokens, last = self._buckets.get(key, (float(self.burst), moment))
        tokens = min(float(self.burst), tokens + (moment - last) * self.rate)
        if tokens < 1:
            self._buckets[key] = (tokens, moment)
            return (1 - tokens) / self.rate
        self._buckets[key] = (tokens - count, moment)
        if len(self._buckets) > MAX_BUCKETS:  # a flood of addresses: the full buckets are forgotten
            self._buckets = {k: v for k, v in self._buckets.items() if v[0] < self.burst - 1}
        return 0.0


Handler = Callable[[Request, Account], Awaitable[Response]]


@dataclass(frozen=True)
class Operation:
    """One method on one path: who may call it, how large a body it takes, what it may answer."""

    path: str
    method: str
    name: str
    summary: str
    roles: frozenset[Role]
    answers: dict[int, str]
    max_body: Callable[[Limits], int] | None = None
    body_type: str = "application/json"
    query: tuple[str, ...] = ()
    request: type | None = None
    """The body's wire model (``inspector.wire``), for the document; the handler reads with it."""
    answer: type | None = None
    """The success answer's wire model."""


def _state(request: Request) -> AppState:
    return request.app.state.inspector


@dataclass
class AppState:
    config: ServerConfig
    database: Database
    photos: records.PhotoFolder
    limiter: RateLimiter
    failed_auth: RateLimiter
    """Failed authentications per client address: guessing tokens is slowed down, and logged."""


# -- reading requests --------------------------------------------------------------------------


def _is_number(text: str, digits: int) -> bool:
    """ASCII digits only ('²' and '١٢' are digits to str.isdigit, not to us), at most ``digits``."""
    return text.isascii() and text.isdigit() and len(text) <= digits


def _declared_length(request: Request, limit: int) -> None:
    """Refuse an announced body that is too large before reading a byte of it."""
    length = request.headers.get("content-length")
    if length is None:
        return
    if not _is_number(length, 18):
        raise ApiError(400, "bad_length")
    if int(length) > limit:
        raise ApiError(413, "too_large", limit=limit)


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, counted as it arrives (a chunked body announces no length)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "too_large", limit=limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _int_query(request: Request, name: str, default: int, minimum: int = 0, maximum: int = wire.MAX_SEQ) -> int:
    text = request.query_params.get(name)
    if text is None:
        return default
    if not _is_number(text, 18) or not minimum <= int(text) <= maximum:
        raise ApiError(400, "bad_request", parameter=name)
    return int(text)


def _version(request: Request) -> int:
    """A version from the path: checked here rather than by the router, so a bad one is a 400, not a 404."""
    text = request.path_params["version"]
    if not _is_number(text, 9) or int(text) < 1:
        raise ApiError(400, "bad_request", parameter="version")
    return int(text)


def _stored(stored: records.Stored) -> JSONResponse:
    return JSONResponse(stored.receipt, status_code=201 if stored.created else 200)


async def _authenticate(request: Request) -> Account:
    """The caller's account. An address that failed too often lately is answered 429 before its
    token is even looked at, so a guesser learns nothing faster than the limit allows."""
    address = request.client.host if request.client else ""
    failures = _state(request).failed_auth
    wait = failures.wait_needed(address, count=False)
    if wait:
        log.warning("too many failed authentications from %s: refused for %d s", address, math.ceil(wait))
        raise ApiError(429, "rate_limited", headers={"Retry-After": str(math.ceil(wait))})
    try:
        return _account_of(request)
    except ApiError:
        failures.wait_needed(address)
        raise


def _account_of(request: Request) -> Account:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "token_missing")
    if len(token) > MAX_TOKEN_LENGTH:
        raise ApiError(401, "token_unknown")
    # one indexed read, done on the event loop: cheaper than a hop to a worker thread and back
    account = account_for_token(_state(request).database, token)
    if account is None:
        raise ApiError(401, "token_unknown")
    state = account.state(now())
    if state != "active":
        raise ApiError(401, f"token_{state}")
    return account


# -- handlers ----------------------------------------------------------------------------------


async def hello(request: Request, account: Account) -> Response:
    """The preflight: proves this is the bureau server that enrolled the token (an HMAC keyed by
    the token's hash over the caller's nonce), which no captive portal can answer."""
    nonce = request.query_params.get("nonce", "")
    if not NONCE.match(nonce):
        raise ApiError(400, "bad_request", parameter="nonce")
    proof = hmac.new(bytes.fromhex(account.token_sha256), nonce.encode("ascii"), hashlib.sha256).hexdigest()
    limits = _state(request).config.limits
    with _state(request).database.reading() as conn:
        epoch = current_epoch(conn)
    return JSONResponse(
        {
            "service": SERVICE,
            "api": API_VERSION,
            "proof": proof,
            "name": account.name,
            "role": account.role.value,
            "expires_at": account.expires_at,
            "server_time": to_iso(now()),
            "limits": limits.__dict__,
            # changes when the database is restored from a backup: laptops then send again
            "epoch": epoch,
        }
    )


async def put_visit(request: Request, account: Account) -> Response:
    uuid = records.check_uuid(request.path_params["uuid"])
    version = _version(request)
    body = await _read_body(request, _state(request).config.limits.visit)
    state = _state(request)
    return _stored(await run_in_threadpool(records.store_visit, state.database, account, uuid, version, body))


async def post_visits(request: Request, account: Account) -> Response:
    body = await _read_body(request, _state(request).config.limits.visit_batch)
    results = await run_in_threadpool(records.store_visits, _state(request).database, account, body)
    return JSONResponse({"results": results})


async def get_visit(request: Request, account: Account) -> Response:
    uuid = records.check_uuid(request.path_params["uuid"])
    body = await run_in_threadpool(records.visit_bytes, _state(request).database, uuid, _version(request))
    return Response(body, media_type="application/json")


async def list_visits(request: Request, account: Account) -> Response:
    since = _int_query(request, "since", 0)
    limit = _int_query(request, "limit", records.MAX_FEED_PAGE, 1, records.MAX_FEED_PAGE)
    return JSONResponse(await run_in_threadpool(records.list_visits, _state(request).database, since, limit))


async def head_photo(request: Request, account: Account) -> Response:
    state = _state(request)
    sha256 = records.check_sha256(request.path_params["sha256"])
    if not await run_in_threadpool(records.photo_known, state.database, state.photos, sha256):
        raise ApiError(404, "not_found")
    return Response(status_code=200)


async def get_photo(request: Request, account: Account) -> Response:
    await head_photo(request, account)
    return FileResponse(
        _state(request).photos.path(request.path_params["sha256"]), media_type="application/octet-stream"
    )


async def put_photo(request: Request, account: Account) -> Response:
    state = _state(request)
    sha256 = records.check_sha256(request.path_params["sha256"])
    limit = state.config.limits.photo
    staging = state.photos.staging_path()
    digest = hashlib.sha256()
    size = 0
    try:
        with open(staging, "xb") as out:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise ApiError(413, "too_large", limit=limit)
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            await run_in_threadpool(os.fsync, out.fileno())
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    stored = await run_in_threadpool(
        records.record_photo, state.database, state.photos, account, sha256, staging, digest.hexdigest()
    )
    return _stored(stored)


async def put_event(request: Request, account: Account) -> Response:
    event_id = request.path_params["event_id"]
    if len(event_id) > wire.MAX_ID or not EVENT_ID.match(event_id):
        raise ApiError(400, "bad_request", parameter="event_id")
    body = await _read_body(request, _state(request).config.limits.event)
    return _stored(await run_in_threadpool(records.store_event, _state(request).database, account, event_id, body))


async def get_feed(request: Request, account: Account) -> Response:
    since = _int_query(request, "since", 0)
    limit = _int_query(request, "limit", 200, 1, records.MAX_FEED_PAGE)
    page = await run_in_threadpool(records.feed_page, _state(request).database, since, limit, role=account.role)
    return JSONResponse(page)


async def put_checklist(request: Request, account: Account) -> Response:
    body = await _read_body(request, _state(request).config.limits.checklist)
    checklist_id, version = request.path_params["checklist_id"], _version(request)
    if not CHECKLIST_ID.match(checklist_id):
        raise ApiError(400, "bad_request", parameter="checklist_id")
    stored = await run_in_threadpool(
        records.publish_checklist, _state(request).database, account, checklist_id, version, body
    )
    return _stored(stored)


async def put_register(request: Request, account: Account) -> Response:
    body = await _read_body(request, _state(request).config.limits.register)
    return _stored(await run_in_threadpool(records.publish_register, _state(request).database, account, body))


async def put_number_block(request: Request, account: Account) -> Response:
    request_id = records.check_uuid(request.path_params["request_id"])
    body = records.read_body(await _read_body(request, NUMBER_REQUEST_LIMIT), wire.NumberBlockRequest)
    database = _state(request).database
    granted = await run_in_threadpool(numbers.grant_block, database, account, request_id, body)
    return Response(wire.encode(granted), media_type="application/json")


async def get_assignments(request: Request, account: Account) -> Response:
    from inspector.server.rounds import assignments_for

    database = _state(request).database
    found = await run_in_threadpool(assignments_for, database, account, local_date(now()))
    return Response(wire.encode(found), media_type="application/json")


HANDLERS: dict[str, Handler] = {
    "hello": hello,
    "put_visit": put_visit,
    "post_visits": post_visits,
    "get_visit": get_visit,
    "list_visits": list_visits,
    "head_photo": head_photo,
    "get_photo": get_photo,
    "put_photo": put_photo,
    "put_event": put_event,
    "get_feed": get_feed,
    "put_checklist": put_checklist,
    "put_register": put_register,
    "put_number_block": put_number_block,
    "get_assignments": get_assignments,
}

_STORED = {200: "already stored: the original receipt", 201: "stored: the receipt"}
OPERATIONS: tuple[Operation, ...] = (
    Operation(
        f"{PREFIX}/hello",
        "GET",
        "hello",
        "Preflight: who am I, and proof that this is the server that enrolled the token",
        ALL_ROLES,
        {200: "the server's identity and proof"},
        query=("nonce",),
        answer=wire.Hello,
    ),
    Operation(
        f"{PREFIX}/visits",
        "GET",
        "list_visits",
        "Receipts of stored visits after a sequence number",
        ADMIN,
        {200: "a page of receipts"},
        query=("since", "limit"),
        answer=wire.VisitPage,
    ),
    Operation(
        f"{PREFIX}/visits",
        "POST",
        "post_visits",
        "Upload up to 100 signed-off versions at once: {visits: [{uuid, version, sha256, visit}]}; each "
        "item is answered as the single upload would answer it (status, then receipt or error)",
        LEAD_OR_ADMIN,
        {200: "one result per item, in order"},
        max_body=lambda limits: limits.visit_batch,
        request=wire.VisitBatch,
        answer=wire.BatchResults,
    ),
    Operation(
        f"{PREFIX}/visits/{{uuid}}/{{version}}",
        "PUT",
        "put_visit",
        "Upload a signed-off visit version: its sealed canonical bytes",
        LEAD_OR_ADMIN,
        {
            **_STORED,
            409: "photos missing, base missing or stale, or other bytes under this version",
            422: "not a signed-off visit, not canonical, or a wrong seal",
        },
        max_body=lambda limits: limits.visit,
        request=wire.SealedVisit,
        answer=wire.VisitReceipt,
    ),
    Operation(
        f"{PREFIX}/visits/{{uuid}}/{{version}}",
        "GET",
        "get_visit",
        "The stored bytes of a visit version",
        ADMIN,
        {200: "the sealed bytes", 404: "no such visit version"},
        answer=wire.SealedVisit,
    ),
    Operation(
        f"{PREFIX}/photos/{{sha256}}",
        "HEAD",
        "head_photo",
        "Is this photo stored?",
        LEAD_OR_ADMIN,
        {200: "stored", 404: "not stored"},
    ),
    Operation(
        f"{PREFIX}/photos/{{sha256}}",
        "GET",
        "get_photo",
        "A stored photo's bytes (a lead's laptop fetches a finding's evidence when it is looked at)",
        LEAD_OR_ADMIN,
        {200: "the photo", 404: "not stored"},
    ),
    Operation(
        f"{PREFIX}/photos/{{sha256}}",
        "PUT",
        "put_photo",
        "Upload a photo under its SHA-256 (re-hashed on receipt)",
        LEAD,
        {**_STORED, 422: "the bytes do not hash to the path's sha256"},
        max_body=lambda limits: limits.photo,
        body_type="application/octet-stream",
        answer=wire.PhotoReceipt,
    ),
    Operation(
        f"{PREFIX}/events/{{event_id}}",
        "PUT",
        "put_event",
        "Upload a rectification event (kept once under its id, then in the feed)",
        LEAD_OR_ADMIN,
        {
            **_STORED,
            403: "the account may not record this step on this rectification",
            409: "photos, rectification or re-inspection visit missing; the state forbids the step; other bytes under this id",
            422: "the event breaks a rule (detail.field, detail.rule)",
        },
        max_body=lambda limits: limits.event,
        request=wire.EventBody,
        answer=wire.FeedReceipt,
    ),
    Operation(
        f"{PREFIX}/feed",
        "GET",
        "get_feed",
        "The change feed after a sequence number: checklists, the register; for leads and admins the county's rectification records and events",
        ALL_ROLES,
        {200: "a page of entries"},
        query=("since", "limit"),
        answer=wire.FeedPage,
    ),
    Operation(
        f"{PREFIX}/checklists/{{checklist_id}}/{{version}}",
        "PUT",
        "put_checklist",
        "Publish a checklist version",
        ADMIN,
        {**_STORED, 409: "other content under this version", 422: "not a valid checklist"},
        max_body=lambda limits: limits.checklist,
        answer=wire.FeedReceipt,
    ),
    Operation(
        f"{PREFIX}/register",
        "PUT",
        "put_register",
        "Publish the register of sites",
        ADMIN,
        {**_STORED, 422: "not a valid register"},
        max_body=lambda limits: limits.register,
        request=wire.RegisterBody,
        answer=wire.FeedReceipt,
    ),
    Operation(
        f"{PREFIX}/number-blocks/{{request_id}}",
        "PUT",
        "put_number_block",
        "A block of document numbers (号段) for this laptop: {series: 'notice:2026', size}; the same "
        "request id gets the same block",
        LEAD,
        {200: "the block: {series, first, last}", 409: "the request id is another's", 422: "a bad series or size"},
        max_body=lambda _limits: NUMBER_REQUEST_LIMIT,
        request=wire.NumberBlockRequest,
        answer=wire.NumberBlock,
    ),
    Operation(
        f"{PREFIX}/assignments",
        "GET",
        "get_assignments",
        "The caller's own assignments in the inspection rounds (双随机): only the sites drawn for a team "
        "the caller is in, only from shortly before each round's period, never another team's",
        ALL_ROLES,
        {200: "the caller's assignments"},
        answer=wire.AssignmentList,
    ),
)

# What any authenticated operation may answer besides its own statuses.
COMMON_ANSWERS: dict[int, str] = {
    400: "a malformed parameter or body",
    401: "no token, or an unknown, revoked or expired one",
    403: "the account's role may not do this",
    429: "too many requests, or too many failed authentications from this address; see Retry-After",
}
BODY_ANSWERS: dict[int, str] = {
    413: "the body is too large (refused before it is read)",
    422: "a field of the body breaks its schema (bad_body: detail.field, detail.reason)",
    507: "the server's storage is full (storage_full): nothing was stored, send again later",
}


def operation_answers(operation: Operation) -> dict[int, str]:
    extra = BODY_ANSWERS if operation.max_body else {}
    return dict(sorted({**COMMON_ANSWERS, **extra, **operation.answers}.items()))


def _guarded(operations: dict[str, Operation]) -> Callable[[Request], Awaitable[Response]]:
    """Auth, role, rate limit and declared size, in that order, before the handler reads anything."""

    async def endpoint(request: Request) -> Response:
        # Starlette answers HEAD on a GET route: it is the same operation without the body
        operation = operations.get(request.method) or operations["GET"]
        account = await _authenticate(request)
        if account.role not in operation.roles:
            raise ApiError(403, "role_forbidden", role=account.role.value)
        wait = _state(request).limiter.wait_needed(account.id)
        if wait:
            raise ApiError(429, "rate_limited", headers={"Retry-After": str(math.ceil(wait))})
        if operation.max_body:
            _declared_length(request, operation.max_body(_state(request).config.limits))
        try:
            return await HANDLERS[operation.name](request, account)
        except ClientDisconnect:
            # the laptop went away mid-upload (a dropped network): nothing was stored, nobody to answer
            log.info("client left during %s %s", request.method, request.url.path)
            return Response(status_code=400)
        except RecursionError:  # a body nested deeper than any reader of it may recurse
            raise ApiError(400, "bad_json", field="$", reason="nested too deep") from None
        except Exception as error:
            if _storage_full(error):
                log.error("storage full: %s %s refused: %s", request.method, request.url.path, error)
                raise ApiError(507, "storage_full") from None
            raise

    return endpoint


def _storage_full(error: BaseException) -> bool:
    """The disk (or the database's) is full: ENOSPC from a file, SQLite's "database or disk is
    full", PostgreSQL's disk_full (SQLSTATE 53100), however deeply wrapped."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno == errno.ENOSPC:
            return True
        if getattr(seen, "sqlstate", None) == "53100" or "database or disk is full" in str(seen):
            return True
        seen = getattr(seen, "orig", None) or seen.__cause__ or seen.__context__
    return False


class _Rest(Convertor[str]):
    """The rest of the path, whatever it holds (the "path" convertor stops at a line break)."""

    regex = r"[\s\S]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("rest", _Rest())


def _routes() -> list[Route]:
    by_path: dict[str, dict[str, Operation]] = {}
    for operation in OPERATIONS:
        by_path.setdefault(operation.path, {})[operation.method] = operation
    routes = []
    for path, operations in by_path.items():
        # an event id may hold '/' (sent as %2F, which the router sees decoded), or anything else: it
        # takes the path's rest, and the handler answers what it may not hold with a 400 (not a 404)
        routed = path.replace("{event_id}", "{event_id:rest}")
        routes.append(Route(routed, _guarded(operations), methods=list(operations)))
    routes.append(Route("/openapi.json", openapi_document, methods=["GET"]))
    return routes


async def to_the_console(request: Request) -> Response:
    """A browser pointed at the server finds the staff's console (``inspector/web``)."""
    return RedirectResponse("/web/", status_code=303)


async def openapi_document(request: Request) -> Response:
    from inspector.server.openapi import build_document

    return JSONResponse(build_document())


# -- answers -----------------------------------------------------------------------------------


async def _api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    headers = dict(error.headers)
    if error.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if error.status >= 400:
        log.info("refused %s %s: %s %s", request.method, request.url.path, error.status, error.code)
    if request.method == "HEAD":
        return Response(status_code=error.status, headers=headers)
    return JSONResponse(error.body(), status_code=error.status, headers=headers)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "bad_request")
    return await _api_error(request, ApiError(error.status_code, code, headers=dict(error.headers or {})))


class MarkResponses:
    """Stamp every answer with the server's name, so the client can tell it from a captive portal's."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (MARKER_HEADER.lower().encode(), MARKER_VALUE.encode())]
            await send(message)

        await self.app(scope, receive, marked)


def create_app(config: ServerConfig) -> Starlette:
    """The app over a migrated database; blocking start-up work happens here, once."""
    from starlette.middleware import Middleware

    database = Database(config.database_url)
    migrate(database, applied_at=to_iso(now()))
    photos = records.PhotoFolder(config.photo_dir)
    photos.sweep()
    middleware = [Middleware(MarkResponses)]
    forwarder = Forwarder(database, photos, config.forward) if config.forward else None
    if forwarder is not None:
        uploads = (f"{PREFIX}/visits", f"{PREFIX}/events/")
        middleware.append(Middleware(WakeOnUpload, forwarder=forwarder, paths=uploads))
    from inspector.web.console import create_console  # the staff's browser console, same process and database

    console = Mount("/web", app=create_console(database, photos))
    app = Starlette(
        routes=[*_routes(), Route("/", to_the_console, methods=["GET"]), console],
        middleware=middleware,
        exception_handlers={ApiError: _api_error, HTTPException: _http_error},
        lifespan=forwarder.lifespan if forwarder is not None else None,
    )
    app.state.inspector = AppState(
        config,
        database,
        photos,
        RateLimiter(config.rate_per_second, config.burst),
        RateLimiter(config.failed_auth_per_second, config.failed_auth_burst),
    )
    return app


def serve(
    config: ServerConfig,
    *,
    host: str,
    port: int,
    tls_cert: Path | None = None,
    tls_key: Path | None = None,
    log_level: str = "info",
) -> None:
    import uvicorn

    uvicorn.run(
        create_app(config),
        host=host,
        port=port,
        ssl_certfile=str(tls_cert) if tls_cert else None,
        ssl_keyfile=str(tls_key) if tls_key else None,
        log_level=log_level,
        server_header=False,
    )
