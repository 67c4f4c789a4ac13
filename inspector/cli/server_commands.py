"""``inspector serve`` and ``inspector server users|publish-checklists|publish-register``.

These run on the bureau's machine and work on the server's database directly (``--data-dir``,
``--db``). Starlette, SQLAlchemy and uvicorn are imported inside the handlers only.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector.cli import backup_commands, board_commands, forwarding_commands, reminder_commands, round_commands
from inspector.cli.common import EXIT_ERROR, CommandError, emit_json, existing_file, safe_url, say, say_error
from inspector.i18n import t
from inspector.i18n.foreign import os_error_text

if TYPE_CHECKING:
    from inspector.server.db import Database

ROLES = ("inspector", "lead", "admin", "viewer")


def register(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser("serve", help=t("cli.serve.help"), description=t("cli.serve.help"))
    serve.add_argument("--host", default="127.0.0.1", help=t("cli.serve.host"))
    serve.add_argument("--port", type=int, default=8443, help=t("cli.serve.port"))
    _database_options(serve)
    serve.add_argument("--tls-cert", type=Path, metavar="FILE.pem", help=t("cli.serve.tls_cert"))
    serve.add_argument("--tls-key", type=Path, metavar="FILE.pem", help=t("cli.serve.tls_key"))
    serve.add_argument("--rate", type=float, default=50.0, help=t("cli.serve.rate"))
    forwarding_commands.add_serve_options(serve)
    serve.set_defaults(handler=run_serve)

    server = subparsers.add_parser("server", help=t("cli.server.help"), description=t("cli.server.help"))
    commands = server.add_subparsers(dest="server_command", required=True, metavar=t("cli.command"))
    users = commands.add_parser("users", help=t("cli.server.users.help"))
    user_commands = users.add_subparsers(dest="users_command", required=True, metavar=t("cli.command"))
    add = user_commands.add_parser("add", help=t("cli.server.users.add.help"))
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=ROLES, help=t("cli.server.users.role"))
    add.add_argument("--days", type=int, default=365, help=t("cli.server.users.days"))
    add.add_argument("--json", action="store_true", help=t("cli.opt.json"))
    _database_options(add)
    add.set_defaults(handler=run_users_add)
    listing = user_commands.add_parser("list", help=t("cli.server.users.list.help"))
    listing.add_argument("--json", action="store_true", help=t("cli.opt.json"))
    _database_options(listing)
    listing.set_defaults(handler=run_users_list)
    revoke = user_commands.add_parser("revoke", help=t("cli.server.users.revoke.help"))
    revoke.add_argument("name", metavar="NAME")
    _database_options(revoke)
    revoke.set_defaults(handler=run_users_revoke)
    passwd = user_commands.add_parser("passwd", help=t("cli.server.users.passwd.help"))
    passwd.add_argument("name", metavar="NAME")
    _database_options(passwd)
    passwd.set_defaults(handler=run_users_passwd)
    checklists = commands.add_parser("publish-checklists", help=t("cli.server.publish_checklists.help"))
    checklists.add_argument("folder", type=Path, metavar="DIR")
    _database_options(checklists)
    checklists.set_defaults(handler=run_publish_checklists)
    register_csv = commands.add_parser("publish-register", help=t("cli.server.publish_register.help"))
    register_csv.add_argument("file", type=Path, metavar="FILE.csv")
    _database_options(register_csv)
    register_csv.set_defaults(handler=run_publish_register)
    profile = commands.add_parser(
        "profile", help=t("cli.server.profile.help"), description=t("cli.server.profile.help")
    )
    profile_commands = profile.add_subparsers(dest="profile_command", required=True, metavar=t("cli.command"))
    show = profile_commands.add_parser("show", help=t("cli.profile.show.help"))
    show.add_argument("--json", action="store_true", help=t("cli.opt.json"))
    _database_options(show)
    show.set_defaults(handler=run_server_profile_show)
    change = profile_commands.add_parser("set", help=t("cli.server.profile.set.help"))
    change.add_argument("key", metavar="KEY", help=t("cli.profile.key"))
    change.add_argument("value", metavar="VALUE", help=t("cli.profile.value"))
    _database_options(change)
    change.set_defaults(handler=run_server_profile_set)
    forwarding_commands.register_status(commands, _database_options, _open_database)
    backup_commands.register(commands, _database_options, lambda args: _config(args).database_url)
    board_commands.register(commands, _database_options, _open_database)
    round_commands.register(commands, _database_options, _open_database)
    reminder_commands.register_server(commands, _database_options, _open_database)


def _database_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", help=t("cli.serve.db"))


def server_root(args: argparse.Namespace) -> Path:
    """The server's folder: ``--data-dir``, else its own user data folder (apart from a laptop's)."""
    if args.data_dir:
        return Path(args.data_dir).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("inspector-server", appauthor=False))


def _config(args: argparse.Namespace, **extra: Any) -> Any:
    try:
        from inspector.server.app import ServerConfig
    except ImportError as error:  # installed without the server extra
        raise CommandError(t("server.extra_missing", module=error.name or "?")) from None
    from inspector.server.db import sqlite_url

    root = server_root(args)
    root.mkdir(parents=True, exist_ok=True)
    url = args.db or sqlite_url(root / "bureau.sqlite3")
    return ServerConfig(database_url=url, photo_dir=root / "photos", **extra)


def _open_database(args: argparse.Namespace) -> Database:
    config = _config(args)  # first: it says so when the server extra is missing
    from inspector.core.clock import now, to_iso
    from inspector.server.db import Database, NewerSchema, migrate

    database = Database(config.database_url)
    try:
        migrate(database, applied_at=to_iso(now()))
    except NewerSchema as error:
        database.dispose()
        raise CommandError(t("server.newer_schema", found=error.found)) from None
    except Exception as error:  # SQLAlchemy's errors: a URL or a file it cannot open
        database.dispose()
        raise CommandError(t("server.db_unusable", url=safe_url(config.database_url), reason=str(error))) from None
    return database


def run_serve(args: argparse.Namespace) -> int:
    if bool(args.tls_cert) != bool(args.tls_key):
        raise CommandError(t("server.tls_pair"))
    for path in (args.tls_cert, args.tls_key):
        if path is not None and not path.is_file():
            raise CommandError(t("server.tls_missing", path=path))
    _open_database(args).dispose()  # migrates, and says now what is wrong with the database
    from inspector.server.app import serve

    forward = forwarding_commands.forward_settings(args)
    config = _config(args, rate_per_second=args.rate, burst=max(10, int(args.rate * 10)), forward=forward)
    scheme = "https" if args.tls_cert else "http"
    say(t("server.starting", url=f"{scheme}://{args.host}:{args.port}", db=safe_url(config.database_url)))
    serve(config, host=args.host, port=args.port, tls_cert=args.tls_cert, tls_key=args.tls_key)
    return 0


def _account_error(error: Exception) -> CommandError:
    code = getattr(error, "code", "unknown")
    return CommandError(t(f"server.account.{code}", **getattr(error, "params", {})))


def run_users_add(args: argparse.Namespace) -> int:
    from inspector.server.accounts import AccountError, Role, add_account

    with _open_database(args) as database:
        try:
            account, token = add_account(database, args.name, Role(args.role), valid_days=args.days)
        except AccountError as error:
            raise _account_error(error) from None
    if args.json:
        emit_json({"name": account.name, "role": account.role.value, "expires_at": account.expires_at, "token": token})
        return 0
    say(
        t(
            "server.users.added",
            name=account.name,
            role=t(f"server.role.{account.role.value}"),
            expires=account.expires_at,
        )
    )
    say(t("server.users.token_once"))
    say(token)
    return 0


def run_users_list(args: argparse.Namespace) -> int:
    from inspector.core.clock import now
    from inspector.server.accounts import list_accounts

    with _open_database(args) as database:
        accounts = list_accounts(database)
    moment = now()
    if args.json:
        emit_json([account.to_dict(moment) for account in accounts])
        return 0
    if not accounts:
        say(t("server.users.none"))
    for account in accounts:
        state = t(f"server.state.{account.state(moment)}")
        role = t(f"server.role.{account.role.value}")
        say(f"{account.id:>4}  {account.name}  {role}  {state}  {account.expires_at[:10]}")
    return 0


def run_users_revoke(args: argparse.Namespace) -> int:
    from inspector.server.accounts import AccountError, revoke_account

    with _open_database(args) as database:
        try:
            count = revoke_account(database, args.name)
        except AccountError as error:
            raise _account_error(error) from None
    say(t("server.users.revoked", name=args.name, count=count))
    return 0


def _read_password() -> str:
    """From the keyboard (twice, unseen) or the first line of a pipe: never from the command line."""
    import getpass
    import sys

    if sys.stdin.isatty():
        first = getpass.getpass(t("server.users.password_prompt"))
        if getpass.getpass(t("server.users.password_again")) != first:
            raise CommandError(t("server.users.password_differs"))
        return first
    return sys.stdin.readline().rstrip("\r\n")


def run_users_passwd(args: argparse.Namespace) -> int:
    from inspector.server.accounts import AccountError, set_password

    password = _read_password()
    with _open_database(args) as database:
        try:
            count = set_password(database, args.name, password)
        except AccountError as error:
            raise _account_error(error) from None
    say(t("server.users.password_set", name=args.name, count=count))
    return 0


def _publish(args: argparse.Namespace, publish: Any, items: list[Any]) -> tuple[int, int]:
    from inspector.server.errors import ApiError

    created = already = 0
    with _open_database(args) as database:
        for item in items:
            try:
                stored = publish(database, item)
            except ApiError as error:
                raise CommandError(t("server.publish.refused", code=error.code, detail=error.detail)) from None
            created += stored.created
            already += not stored.created
    return created, already


def run_publish_checklists(args: argparse.Namespace) -> int:
    from inspector.checklist_files.validate import validate_files
    from inspector.cli.checklist_commands import problem_line
    from inspector.core.canonical import canonical_bytes
    from inspector.server.records import publish_checklist

    if not args.folder.exists():
        raise CommandError(t("server.publish.no_such_path", path=args.folder))
    checklists, problems = validate_files([args.folder])
    for problem in problems:
        say_error(problem_line(problem))
    if problems:
        say_error(t("cli.checklists.failed", count=len(problems)))
        return EXIT_ERROR
    created, already = _publish(
        args,
        lambda database, c: publish_checklist(database, None, c.id, c.version, canonical_bytes(c.to_dict())),
        checklists,
    )
    say(t("server.publish.checklists_done", created=created, already=already))
    return 0


def run_publish_register(args: argparse.Namespace) -> int:
    from inspector.cli.site_commands import row_problem_line
    from inspector.core.canonical import canonical_bytes
    from inspector.server.records import publish_register
    from inspector.services.register import parse_register

    try:
        raw = existing_file(args.file).read_bytes()
    except OSError as error:
        raise CommandError(t("server.publish.cannot_read", path=args.file, reason=os_error_text(error))) from None
    sites, problems = parse_register(raw)
    for problem in problems:
        say_error(row_problem_line(args.file, problem))
    if problems:
        say_error(t("cli.sites.import.refused", count=len(problems)))
        return EXIT_ERROR
    body = canonical_bytes({"sites": [site.to_dict() for site in sites]})
    created, _ = _publish(args, lambda database, data: publish_register(database, None, data), [body])
    say(t("server.publish.register_done" if created else "server.publish.register_same", count=len(sites)))
    return 0


def run_server_profile_show(args: argparse.Namespace) -> int:
    from inspector.cli.document_commands import show_profile
    from inspector.server.records import bureau_profile

    with _open_database(args) as database:
        show_profile(bureau_profile(database), as_json=args.json)
    return 0


def run_server_profile_set(args: argparse.Namespace) -> int:
    """One field of the bureau's profile, published to every laptop with the next sync."""
    from inspector.cli.document_commands import say_profile_saved
    from inspector.core.profile import with_value
    from inspector.server.records import bureau_profile, publish_profile

    with _open_database(args) as database:
        profile = with_value(bureau_profile(database), args.key, args.value)
        publish_profile(database, None, profile)
    say_profile_saved(profile, args.key)
    say(t("cli.server.profile.published"))
    return 0
