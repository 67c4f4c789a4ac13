"""The bureau staff's web console: a Starlette app mounted at ``/web`` in the server's own process.

Pages are Jinja2 templates and plain HTML forms (no JavaScript needed). Every page but the
sign-in asks for a live session (``sessions.py``); every POST carries the session's CSRF token;
only roles allowed the console get in, and only admins issue numbered documents. Reading the
database happens in worker threads, as in the API. The API under ``/api/v1`` is untouched: its
tokens open no page here and a session cookie opens nothing there.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from inspector.core.clock import local_date, now
from inspector.core.rectifications import RectificationState
from inspector.core.vocabulary import Area, Result, Severity, SiteKind
from inspector.server.accounts import account_for_password
from inspector.server.db import Database
from inspector.server.errors import ApiError
from inspector.server.records import PhotoFolder, check_sha256, check_uuid, photo_known
from inspector.web import charts, county, exports, photos
from inspector.web.sessions import (
    LANGUAGE_COOKIE,
    SESSION_COOKIE,
    SESSION_HOURS,
    SIGNIN_COOKIE,
    WEB_ROLES,
    Session,
    SignInBrake,
    end_session,
    same_token,
    session_for,
    start_session,
)
from inspector.web.words import LANGUAGES, Words

HERE = Path(__file__).parent
MAX_FORM_BYTES = 16 * 1024
MAX_NAME = 100
MAX_PASSWORD = 200
SECURITY_HEADERS = {
    # nothing from elsewhere, no inline script; inline <svg> charts are markup, not script
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


@dataclass
class ConsoleState:
    database: Database
    photos: PhotoFolder
    templates: Jinja2Templates
    index: county.VisitIndex = field(default_factory=county.VisitIndex)
    memo: county.BoardMemo = field(default_factory=county.BoardMemo)
    brake: SignInBrake = field(default_factory=SignInBrake)


class Refused(Exception):
    """A page's answer other than the page: a status and the message key saying why."""

    def __init__(self, status: int, key: str, **params: Any) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.params = params


def _state(request: Request) -> ConsoleState:
    return request.app.state.console


def _words(request: Request) -> Words:
    chosen = request.cookies.get(LANGUAGE_COOKIE, "zh")
    return Words(chosen if chosen in LANGUAGES else "zh")


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _today() -> date:
    return local_date(now())


def _render(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    words = _words(request)
    response = _state(request).templates.TemplateResponse(
        request,
        template,
        {"words": words, "t": words.t, "label": words.label, "session": None, **context},
        status_code=status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def _form(request: Request) -> dict[str, str]:
    """An urlencoded form, its size checked as it arrives (a multipart body is not a form of ours)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise Refused(413, "web.error.bad_form")
    if not body:  # nothing sent: a form without any field (and so without its CSRF token)
        return {}
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        raise Refused(400, "web.error.bad_form")
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20))
    except (UnicodeDecodeError, ValueError):
        raise Refused(400, "web.error.bad_form") from None


async def _session(request: Request) -> Session | None:
    return await run_in_threadpool(session_for, _state(request).database, request.cookies.get(SESSION_COOKIE))


Page = Callable[[Request, Session], Awaitable[Response]]


def signed_in(page: Page, *, writes: bool = False) -> Callable[[Request], Awaitable[Response]]:
    """A page for a live session (else to the sign-in page); a POST must carry its CSRF token."""

    async def endpoint(request: Request) -> Response:
        session = await _session(request)
        if session is None:
            if request.method != "GET":
                raise Refused(403, "web.error.signed_out")
            return RedirectResponse(f"/web/signin?{urlencode({'next': _local_path(request)})}", status_code=303)
        if request.method == "POST":
            form = await _form(request)
            if not same_token(form.get("csrf"), session.csrf_token):
                raise Refused(403, "web.error.csrf")
            request.state.form = form
        if writes and not session.may_write:
            raise Refused(403, "web.error.role", role=session.account.role.value)
        request.state.session = session
        return await page(request, session)

    return endpoint


def _local_path(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def _safe_next(target: str | None) -> str:
    """Only a path of the console itself: never another site (an open redirect)."""
    if target and target.startswith("/web/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/web/board"


# -- signing in and out ------------------------------------------------------------------------


async def signin_page(request: Request) -> Response:
    return _signin_form(request, next_path=_safe_next(request.query_params.get("next")))


def _signin_form(request: Request, *, next_path: str, error: str = "", name: str = "", status: int = 200) -> Response:
    token = secrets.token_urlsafe(32)
    response = _render(request, "signin.html", status, csrf=token, next_path=next_path, error=error, name=name)
    response.set_cookie(
        SIGNIN_COOKIE, token, max_age=600, path="/web", httponly=True, samesite="strict", secure=_secure(request)
    )
    return response


async def signin(request: Request) -> Response:
    form = await _form(request)
    if not same_token(form.get("csrf"), request.cookies.get(SIGNIN_COOKIE)):
        raise Refused(403, "web.error.csrf")
    name, password = form.get("name", "").strip()[:MAX_NAME], form.get("password", "")[:MAX_PASSWORD]
    next_path = _safe_next(form.get("next"))
    state = _state(request)
    client = f"ip:{request.client.host if request.client else '?'}"
    keys = (f"name:{name}", client)
    if state.brake.blocked(*keys):
        return _signin_form(request, next_path=next_path, error="web.signin.slow_down", name=name, status=429)
    account = await run_in_threadpool(account_for_password, state.database, name, password)
    if account is None:
        state.brake.failed(*keys)
        return _signin_form(request, next_path=next_path, error="web.signin.failed", name=name, status=401)
    if account.role not in WEB_ROLES:
        return _signin_form(request, next_path=next_path, error="web.signin.role", name=name, status=403)
    session_id, _ = await run_in_threadpool(start_session, state.database, account)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=SESSION_HOURS * 3600,
        path="/web",
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
    response.delete_cookie(SIGNIN_COOKIE, path="/web")
    return response


async def signout(request: Request, session: Session) -> Response:
    await run_in_threadpool(end_session, _state(request).database, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/web/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/web", httponly=True, samesite="lax", secure=_secure(request))
    return response


async def choose_language(request: Request) -> Response:
    """A preference, not an action on data: a plain link may set it."""
    chosen = request.query_params.get("to", "zh")
    response = RedirectResponse(_safe_next(request.query_params.get("next")), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        chosen if chosen in LANGUAGES else "zh",
        max_age=365 * 86400,
        path="/web",
        samesite="lax",
        secure=_secure(request),
    )
    return response


async def home(request: Request) -> Response:
    return RedirectResponse("/web/board", status_code=303)


# -- the board ---------------------------------------------------------------------------------


def _choice(request: Request, name: str, allowed: set[str]) -> str:
    value = request.query_params.get(name, "")
    return value if value in allowed else ""


def _day(request: Request, name: str) -> date | None:
    text = request.query_params.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Refused(400, "web.error.bad_date", field=name, value=text[:20]) from None


def _page_number(request: Request) -> int:
    text = request.query_params.get("page", "1")
    return int(text) if text.isdigit() and len(text) < 7 else 1


def board_filter(request: Request) -> county.BoardFilter:
    query = request.query_params
    return county.BoardFilter(
        township=query.get("township", "")[:100],
        site_id=query.get("site", "")[:40],
        kind=_choice(request, "kind", {kind.value for kind in SiteKind}),
        area=_choice(request, "area", {area.value for area in Area}),
        severity=_choice(request, "severity", {severity.value for severity in Severity}),
        state=_choice(request, "state", {state.value for state in RectificationState}),
        team=query.get("team", "")[:100],
        window=_choice(request, "window", set(county.WINDOWS)),
        due_from=_day(request, "due_from"),
        due_to=_day(request, "due_to"),
        sort=_choice(request, "sort", set(county.SORTS)) or "due",
        descending=query.get("order") == "desc",
        page=_page_number(request),
    )


def _query_with(request: Request, **changes: Any) -> str:
    """This page's query with some parameters changed (sorting, paging links)."""
    values = dict(request.query_params)
    values.update({key: str(value) for key, value in changes.items()})
    return urlencode({key: value for key, value in values.items() if value not in ("", None)})


async def board(request: Request, session: Session) -> Response:
    state = _state(request)
    chosen = board_filter(request)
    today = _today()
    page = await run_in_threadpool(county.board_page, state.database, state.index, chosen, today)
    choices = await run_in_threadpool(
        state.memo.get, state.database, "choices", lambda: county.board_choices(state.database)
    )
    return _render(
        request,
        "board.html",
        session=session,
        page=page,
        chosen=chosen,
        choices=choices,
        today=today,
        kinds=list(SiteKind),
        areas=list(Area),
        severities=list(Severity),
        states=list(RectificationState),
        windows=county.WINDOWS,
        sorts=county.SORTS,
        query_with=lambda **changes: _query_with(request, **changes),
        export_query=_query_with(request, page=""),
    )


# -- a site, a visit, a photo ------------------------------------------------------------------


async def site(request: Request, session: Session) -> Response:
    site_id = request.path_params["site_id"][:40]
    today = _today()
    found = await run_in_threadpool(county.site_page, _state(request).database, site_id, today)
    if found is None:
        raise Refused(404, "web.error.no_site", site=site_id)
    lights = {view.id: county.light_of(view.state, view.due, today) for view in found.findings}
    latest = {listed.uuid: listed.versions[-1] for listed in found.visits}
    return _render(request, "site.html", session=session, site=found, lights=lights, latest=latest, today=today)


async def visit(request: Request, session: Session) -> Response:
    try:
        uuid = check_uuid(request.path_params["uuid"])
    except ApiError:
        raise Refused(404, "web.error.no_visit") from None
    version_text = request.path_params["version"]
    if not version_text.isdigit() or len(version_text) > 9:
        raise Refused(404, "web.error.no_visit")
    try:
        found = await run_in_threadpool(county.visit_page, _state(request).database, uuid, int(version_text))
    except county.UnreadableVisit as error:
        raise Refused(422, "web.error.unreadable_visit", reason=str(error)[:200]) from None
    if found is None:
        raise Refused(404, "web.error.no_visit")
    items = []
    answers = found.visit.answers
    for item in found.visit.checklist.items:
        items.append((item, answers.get(item.id)))
    return _render(request, "visit.html", session=session, page=found, items=items, areas=list(Area), Result=Result)


async def _known_photo(request: Request) -> str:
    try:
        sha256 = check_sha256(request.path_params["sha256"])
    except ApiError:
        raise Refused(404, "web.error.no_photo") from None
    state = _state(request)
    if not await run_in_threadpool(photo_known, state.database, state.photos, sha256):
        raise Refused(404, "web.error.no_photo")
    return sha256


async def photo(request: Request, session: Session) -> Response:
    sha256 = await _known_photo(request)
    path = _state(request).photos.path(sha256)
    media_type = await run_in_threadpool(photos.media_type, path)
    headers = {"Cache-Control": "private, max-age=86400", **SECURITY_HEADERS}
    if media_type is None:  # not an image a browser shows: a download, never rendered as a page
        return FileResponse(path, media_type="application/octet-stream", filename=f"{sha256[:12]}.bin", headers=headers)
    return FileResponse(path, media_type=media_type, headers=headers)


async def thumbnail(request: Request, session: Session) -> Response:
    sha256 = await _known_photo(request)
    data = await run_in_threadpool(photos.thumbnail, _state(request).photos, sha256)
    if data is None:
        return Response(charts.no_preview(_words(request).t("web.photo.no_preview")), media_type="image/svg+xml")
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=86400"})


# -- statistics --------------------------------------------------------------------------------


async def stats(request: Request, session: Session) -> Response:
    state = _state(request)
    found = await run_in_threadpool(
        state.memo.get, state.database, "statistics", lambda: county.county_statistics(state.database, state.index)
    )
    words = _words(request)
    month_chart = charts.grouped_bars(
        [(month, [found.visits_by_month[month], found.findings_by_month[month]]) for month in found.months],
        [words.t("web.stats.visits"), words.t("web.stats.findings")],
        words.t("web.stats.by_month"),
    )
    kind_chart = charts.grouped_bars(
        [
            (words.label(kind), [found.visits_by_kind[kind], found.findings_by_kind[kind]])
            for kind in SiteKind
            if found.visits_by_kind[kind]
        ],
        [words.t("web.stats.visits"), words.t("web.stats.findings")],
        words.t("web.stats.by_kind"),
    )
    return _render(
        request,
        "stats.html",
        session=session,
        stats=found,
        areas=list(Area),
        kinds=[kind for kind in SiteKind if found.visits_by_kind[kind]],
        month_chart=month_chart,
        kind_chart=kind_chart,
    )


# -- downloads ---------------------------------------------------------------------------------


def _download(data: bytes, file_name: str, media_type: str) -> Response:
    """An attachment under its Chinese name (RFC 6266's filename*, which every current browser reads)."""
    disposition = f"attachment; filename*=UTF-8''{quote(file_name)}"
    return Response(
        data, media_type=media_type, headers={"Content-Disposition": disposition, "Cache-Control": "no-store"}
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def exports_page(request: Request, session: Session) -> Response:
    today = _today()
    return _render(
        request,
        "exports.html",
        session=session,
        start=today.replace(day=1),
        end=today,
    )


async def county_xlsx(request: Request, session: Session) -> Response:
    state = _state(request)
    chosen = replace(board_filter(request), page=1)
    words = _words(request)
    today = _today()

    def build() -> bytes:
        kinds = {site: words.label(kind) for site, kind in state.index.site_kinds(state.database).items()}
        return exports.county_workbook(county.board_items(state.database, state.index, chosen, today), kinds, words)

    data = await run_in_threadpool(build)
    return _download(data, words.t("web.export.xlsx_file", date=today.isoformat()), XLSX)


async def chase_docx(request: Request, session: Session) -> Response:
    state = _state(request)
    document = await run_in_threadpool(exports.chase_list, state.database, state.index, _today())
    return _download(document.data, document.file_name, DOCX)


async def bulletin_docx(request: Request, session: Session) -> Response:
    state = _state(request)
    form = request.state.form
    try:
        start, end = date.fromisoformat(form.get("start", "")), date.fromisoformat(form.get("end", ""))
    except ValueError:
        raise Refused(400, "web.error.bad_period") from None
    if start > end:
        raise Refused(400, "web.error.bad_period")
    try:
        document = await run_in_threadpool(
            partial(exports.county_bulletin, by_account=session.account.id),
            state.database,
            state.index,
            start,
            end,
            _today(),
        )
    except exports.NothingToReport:
        raise Refused(404, "web.error.no_visits", start=start.isoformat(), end=end.isoformat()) from None
    return _download(document.data, document.file_name, DOCX)


# -- answers -----------------------------------------------------------------------------------


async def _refused(request: Request, error: Exception) -> Response:
    assert isinstance(error, Refused)
    return _error_page(request, error.status, error.key, error.params)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    key = "web.error.not_found" if error.status_code == 404 else "web.error.bad_request"
    return _error_page(request, error.status_code, key, {})


def _error_page(request: Request, status: int, key: str, params: dict[str, Any]) -> Response:
    session = getattr(request.state, "session", None)
    return _render(request, "error.html", status, session=session, message=_words(request).t(key, **params))


class SecurityHeaders:
    """The same headers on every answer of the console, error pages and files included."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [
                    (name.lower().encode(), value.encode())
                    for name, value in SECURITY_HEADERS.items()
                    if name.lower().encode() not in present
                ]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


def create_console(database: Database, photo_folder: PhotoFolder) -> Starlette:
    """The console over the server's database and photos (what ``server.app.create_app`` mounts)."""
    from starlette.middleware import Middleware

    templates = Jinja2Templates(directory=str(HERE / "templates"))
    routes = [
        Route("/", home, methods=["GET"]),
        Route("/signin", signin_page, methods=["GET"]),
        Route("/signin", signin, methods=["POST"]),
        Route("/signout", signed_in(signout), methods=["POST"]),
        Route("/language", choose_language, methods=["GET"]),
        Route("/board", signed_in(board), methods=["GET"]),
        Route("/sites/{site_id}", signed_in(site), methods=["GET"]),
        Route("/visits/{uuid}/{version}", signed_in(visit), methods=["GET"]),
        Route("/photos/{sha256}", signed_in(photo), methods=["GET"]),
        Route("/photos/{sha256}/thumbnail", signed_in(thumbnail), methods=["GET"]),
        Route("/stats", signed_in(stats), methods=["GET"]),
        Route("/exports", signed_in(exports_page), methods=["GET"]),
        Route("/exports/county.xlsx", signed_in(county_xlsx), methods=["GET"]),
        Route("/exports/chase.docx", signed_in(chase_docx), methods=["GET"]),
        Route("/exports/bulletin.docx", signed_in(bulletin_docx, writes=True), methods=["POST"]),
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    console = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={Refused: _refused, HTTPException: _http_error},
    )
    console.state.console = ConsoleState(database, photo_folder, templates)
    return console
