"""``inspector login URL`` and ``inspector sync``: the laptop's side of the bureau server."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from urllib.parse import urlsplit

from inspector.cli.common import EXIT_ERROR, CommandError, emit_json, open_store, say, say_error
from inspector.i18n import catalogue, t

LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def register(subparsers: argparse._SubParsersAction) -> None:
    login = subparsers.add_parser("login", help=t("cli.login.help"), description=t("cli.login.help"))
    login.add_argument("url", metavar="URL", help=t("cli.login.url"))
    login.add_argument("--ca-file", type=Path, metavar="FILE.pem", help=t("cli.login.ca_file"))
    login.set_defaults(handler=run_login)
    sync = subparsers.add_parser("sync", help=t("cli.sync.help"), description=t("cli.sync.help"))
    sync.add_argument("--json", action="store_true", help=t("cli.opt.json"))
    sync.set_defaults(handler=run_sync)


def sync_error_text(error: Exception) -> str:
    """The message for a SyncError; an authentication refusal names its reason."""
    code = getattr(error, "code", "")
    params = dict(getattr(error, "params", {}))
    if code == "auth_refused":
        return t(f"sync.auth.{params.get('reason', 'token_unknown')}")
    key = f"sync.error.{code}"
    return t(key, **params) if key in catalogue() else t("sync.error.other", code=code)


def refusal_text(code: str) -> str:
    key = f"sync.reason.{code}"
    return t(key) if key in catalogue() else t("sync.reason.other", code=code)


def _announce_retries() -> None:
    """Say in the user's words that a call is retried, instead of stamina's log line."""
    from stamina.instrumentation import RetryDetails, set_on_retry_hooks

    def announce(details: RetryDetails) -> None:
        say_error(t("sync.retrying", attempt=details.retry_num, wait=f"{details.wait_for:.1f}"))

    set_on_retry_hooks([announce])


def _read_token() -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(t("cli.login.token_prompt"))
    return sys.stdin.readline() if sys.stdin is not None else ""


def _check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CommandError(t("sync.error.bad_url", url=url))
    # the token crosses the network: in the clear only to this machine itself
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        raise CommandError(t("sync.error.plain_http", url=url))
    return url.strip().rstrip("/")


def run_login(args: argparse.Namespace) -> int:
    from inspector.services.sync import login
    from inspector.sync.client import BureauClient
    from inspector.sync.errors import SyncError

    url = _check_url(args.url)
    if args.ca_file is not None and not args.ca_file.is_file():
        raise CommandError(t("sync.error.bad_ca_file", path=args.ca_file, reason=t("sync.no_such_file")))
    token = _read_token().strip()
    _announce_retries()
    if not token:
        raise CommandError(t("sync.error.empty_token"))
    with open_store(args) as store:
        try:
            with BureauClient(url, token, ca_file=args.ca_file) as client:
                saved = login(store, client, url, token, args.ca_file)
        except SyncError as error:
            raise CommandError(sync_error_text(error)) from None
    say(t("sync.logged_in", name=saved.name, role=t(f"server.role.{saved.role}"), url=saved.url))
    return 0


def run_sync(args: argparse.Namespace) -> int:
    from inspector.services.sync import saved_login, sync
    from inspector.sync.client import BureauClient
    from inspector.sync.errors import SyncError

    with open_store(args) as store:
        saved = saved_login(store)
        if saved is None:
            raise CommandError(t("sync.error.not_logged_in"))
        _announce_retries()
        try:
            with BureauClient(saved.url, saved.token, ca_file=Path(saved.ca_file) if saved.ca_file else None) as client:
                report = sync(store, client)
        except SyncError as error:
            raise CommandError(sync_error_text(error)) from None
    if args.json:
        emit_json(
            {
                **{key: value for key, value in report.__dict__.items() if key != "refused"},
                "refused": [item.__dict__ for item in report.refused],
            }
        )
        return EXIT_ERROR if report.refused else 0
    say(
        t(
            "sync.report.pushed",
            visits=report.visits_sent,
            already=report.visits_already,
            photos=report.photos_sent,
            events=report.events_sent,
        )
    )
    say(
        t(
            "sync.report.pulled",
            checklists=report.checklists_added,
            added=report.sites_added,
            changed=report.sites_changed,
            events=report.events_received,
        )
    )
    if report.held_for_role:
        say(t("sync.report.held_for_role", count=report.held_for_role))
    for item in report.refused:
        say_error(t("sync.report.refused_item", key=item.key, reason=refusal_text(item.code)))
    if report.refused:
        say_error(t("sync.report.refused", count=len(report.refused)))
        return EXIT_ERROR
    return 0
