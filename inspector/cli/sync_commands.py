"""``inspector login URL`` and ``inspector sync``: the laptop's side of the bureau server."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from inspector.cli.common import EXIT_ERROR, CommandError, emit_json, open_store, say, say_error
from inspector.i18n import t
from inspector.i18n.sync_text import report_lines, sync_error_text


def register(subparsers: argparse._SubParsersAction) -> None:
    login = subparsers.add_parser("login", help=t("cli.login.help"), description=t("cli.login.help"))
    login.add_argument("url", metavar="URL", help=t("cli.login.url"))
    login.add_argument("--ca-file", type=Path, metavar="FILE.pem", help=t("cli.login.ca_file"))
    login.set_defaults(handler=run_login)
    sync = subparsers.add_parser("sync", help=t("cli.sync.help"), description=t("cli.sync.help"))
    sync.add_argument("--json", action="store_true", help=t("cli.opt.json"))
    sync.set_defaults(handler=run_sync)


def _say_retry(attempt: int, wait: float) -> None:
    say_error(t("sync.retrying", attempt=attempt, wait=f"{wait:.1f}"))


def _read_token() -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(t("cli.login.token_prompt"))
    return sys.stdin.readline() if sys.stdin is not None else ""


def run_login(args: argparse.Namespace) -> int:
    from inspector.services.sync import check_ca_file, login, open_client, retries_announced, server_url
    from inspector.sync.errors import SyncError

    try:
        url = server_url(args.url)
        check_ca_file(args.ca_file)  # before the token is asked for
        token = _read_token().strip()
        if not token:
            raise CommandError(t("sync.error.empty_token"))
        with (
            retries_announced(_say_retry),
            open_store(args) as store,
            open_client(url, token, args.ca_file) as client,
        ):
            saved = login(store, client, url, token, args.ca_file)
    except SyncError as error:
        raise CommandError(sync_error_text(error)) from None
    say(t("sync.logged_in", name=saved.name, role=t(f"server.role.{saved.role}"), url=saved.url))
    return 0


def run_sync(args: argparse.Namespace) -> int:
    from inspector.services.sync import open_client, retries_announced, saved_login, sync
    from inspector.sync.errors import SyncError

    with open_store(args) as store:
        saved = saved_login(store)
        if saved is None:
            raise CommandError(t("sync.error.not_logged_in"))
        try:
            with retries_announced(_say_retry), open_client(saved.url, saved.token, saved.ca_file) as client:
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
    for line in report_lines(report):
        (say_error if line.problem else say)(line.text)
    return EXIT_ERROR if report.refused else 0
