"""``inspector serve --forward-to URL`` and ``inspector server forwarding status``: a county server
forwarding to its province. ``server_commands`` puts these on its own parsers.

The token is read from a file or from ``INSPECTOR_FORWARD_TOKEN``, never taken on the command
line, where ``ps`` would show it to everyone on the machine.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector.cli.common import CommandError, emit_json, say
from inspector.i18n import catalogue, t

if TYPE_CHECKING:
    from inspector.server.db import Database
    from inspector.server.forwarding import ForwardSettings

TOKEN_VARIABLE = "INSPECTOR_FORWARD_TOKEN"


def add_serve_options(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--forward-to", metavar="URL", help=t("cli.serve.forward_to"))
    serve.add_argument("--forward-token-file", type=Path, metavar="FILE", help=t("cli.serve.forward_token_file"))
    serve.add_argument("--forward-ca-file", type=Path, metavar="FILE.pem", help=t("cli.serve.forward_ca_file"))
    serve.add_argument(
        "--forward-every", type=float, default=30.0, metavar="SECONDS", help=t("cli.serve.forward_every")
    )


def register_status(
    commands: argparse._SubParsersAction,
    database_options: Callable[[argparse.ArgumentParser], None],
    open_database: Callable[[argparse.Namespace], Database],
) -> None:
    forwarding = commands.add_parser("forwarding", help=t("cli.server.forwarding.help"))
    forwarding_commands = forwarding.add_subparsers(dest="forwarding_command", required=True, metavar=t("cli.command"))
    status = forwarding_commands.add_parser("status", help=t("cli.server.forwarding.status.help"))
    status.add_argument("--json", action="store_true", help=t("cli.opt.json"))
    database_options(status)
    status.set_defaults(handler=functools.partial(run_status, open_database=open_database))
    for action in ("retry", "drop"):
        command = forwarding_commands.add_parser(action, help=t(f"cli.server.forwarding.{action}.help"))
        command.add_argument("item", metavar="KIND:SEQ", type=_parked_item, help=t("cli.server.forwarding.item"))
        command.add_argument("--target", metavar="URL", help=t("cli.server.forwarding.target_option"))
        database_options(command)
        command.set_defaults(handler=functools.partial(run_parked, action=action, open_database=open_database))


def _parked_item(text: str) -> tuple[str, int]:
    """``visit:12`` or ``event:34``, as ``forwarding status`` names a parked item."""
    kind, _, seq = text.strip().partition(":")
    if kind not in ("visit", "event") or not (seq.isascii() and seq.isdigit()):
        raise argparse.ArgumentTypeError(t("server.forwarding.bad_item", item=text))
    return kind, int(seq)


def run_parked(
    args: argparse.Namespace, *, action: str, open_database: Callable[[argparse.Namespace], Database]
) -> int:
    """An admin's word on a parked item: send it again at the next round, or forget it."""
    from inspector.server.forwarding import drop_parked, retry_parked

    kind, seq = args.item
    with open_database(args) as database:
        changed = (retry_parked if action == "retry" else drop_parked)(database, kind, seq, args.target)
    if not changed:
        raise CommandError(t("server.forwarding.no_such_parked", item=f"{kind}:{seq}"))
    say(t(f"server.forwarding.{action}_done", item=f"{kind}:{seq}", count=changed))
    return 0


def forward_settings(args: argparse.Namespace) -> ForwardSettings | None:
    """What ``serve`` forwards to, checked before the server starts; None without ``--forward-to``."""
    if not args.forward_to:
        if args.forward_token_file or args.forward_ca_file:
            raise CommandError(t("server.forwarding.needs_target"))
        return None
    if args.forward_every <= 0:
        raise CommandError(t("server.forwarding.bad_every", every=args.forward_every))
    from inspector.server.forwarding import ForwardSettings
    from inspector.services.sync import check_ca_file, server_url
    from inspector.sync.client import BureauClient, RetryPolicy
    from inspector.sync.errors import SyncError

    token = _token(args.forward_token_file)
    # the forwarder retries forever on its own: each call gives up sooner than a laptop's would
    retry = RetryPolicy(attempts=3, total_seconds=30.0)
    try:
        url = server_url(args.forward_to)
        ca_file = check_ca_file(args.forward_ca_file)
        BureauClient(url, token, ca_file=ca_file).close()  # a CA file it cannot use is said now
    except SyncError as error:
        raise CommandError(t(f"sync.error.{error.code}", **error.params)) from None
    say(t("server.forwarding.starting", url=url))
    return ForwardSettings(
        target=url,
        connect=lambda: BureauClient(url, token, ca_file=ca_file, retry=retry),
        every=args.forward_every,
    )


def _token(path: Path | None) -> str:
    if path is None:
        token = os.environ.get(TOKEN_VARIABLE, "").strip()
        if not token:
            raise CommandError(t("server.forwarding.no_token"))
        return token
    try:
        token = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise CommandError(t("server.forwarding.cannot_read_token", path=path, reason=reason)) from None
    if not token:
        raise CommandError(t("server.forwarding.empty_token", path=path))
    return token


def run_status(args: argparse.Namespace, *, open_database: Callable[[argparse.Namespace], Database]) -> int:
    from inspector.server.forwarding import forwarding_status

    with open_database(args) as database:
        states = forwarding_status(database)
    if args.json:
        emit_json(states)
        return 0
    if not states:
        say(t("server.forwarding.none"))
    for state in states:
        say(t("server.forwarding.target", target=state["target"]))
        say(t("server.forwarding.position", visits=state["visits_seq"], events=state["events_seq"]))
        say(t("server.forwarding.pending", visits=state["pending_visits"], events=state["pending_events"]))
        if state["last_forwarded_at"]:
            say(t("server.forwarding.last_forwarded", at=state["last_forwarded_at"]))
        else:
            say(t("server.forwarding.never_forwarded"))
        if state["last_error"]:
            say(t("server.forwarding.last_error", at=state["last_error_at"], reason=failure_text(state["last_error"])))
        for item in state["parked"]:
            say(parked_text(item))
    return 0


def parked_text(item: dict[str, Any]) -> str:
    """One parked item: what, why the province refused it, and how to name it to retry or drop it."""
    refusal = item["refusal"]
    return t(
        "server.forwarding.parked" + ("_retry" if item["retry"] else ""),
        kind=t(f"server.forwarding.kind.{item['kind']}"),
        key=item["key"],
        item=f"{item['kind']}:{item['seq']}",
        reason=refusal.get("code"),
        status=refusal.get("status"),
        detail=json.dumps(refusal.get("detail") or {}, ensure_ascii=False),
        at=item["parked_at"],
    )


def failure_text(failure: dict[str, Any]) -> str:
    """Why a forwarding round stopped, from what the forwarder recorded (a code and its params)."""
    code, params = failure.get("code", ""), dict(failure.get("params") or {})
    key = f"server.forwarding.error.{code}"
    if key in catalogue():
        try:
            return t(key, **params)
        except (KeyError, IndexError):
            pass
    return t("server.forwarding.error.other", code=code, params=params)
