"""``inspector server backup`` and ``inspector server restore``: ``server_commands`` puts these on its parsers."""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable
from pathlib import Path

from inspector.cli.common import CommandError, safe_url, say
from inspector.i18n import t

DatabaseUrl = Callable[[argparse.Namespace], str]


def register(
    commands: argparse._SubParsersAction,
    database_options: Callable[[argparse.ArgumentParser], None],
    database_url: DatabaseUrl,
) -> None:
    backup = commands.add_parser("backup", help=t("cli.server.backup.help"), description=t("cli.server.backup.help"))
    backup.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help=t("cli.server.backup.output"))
    database_options(backup)
    backup.set_defaults(handler=functools.partial(run_backup, database_url=database_url))
    restore = commands.add_parser(
        "restore", help=t("cli.server.restore.help"), description=t("cli.server.restore.help")
    )
    restore.add_argument("file", type=Path, metavar="FILE", help=t("cli.server.restore.file"))
    restore.add_argument("--replace", action="store_true", help=t("cli.server.restore.replace"))
    database_options(restore)
    restore.set_defaults(handler=functools.partial(run_restore, database_url=database_url))


def run_backup(args: argparse.Namespace, *, database_url: DatabaseUrl) -> int:
    from inspector.server.backup import BackupError, backup

    url = database_url(args)
    try:
        backup(url, args.output)
    except BackupError as error:
        raise CommandError(t(f"server.backup.{error.code}", **error.params)) from None
    say(t("server.backup.done", db=safe_url(url), path=args.output))
    return 0


def run_restore(args: argparse.Namespace, *, database_url: DatabaseUrl) -> int:
    from inspector.server.backup import BackupError, restore

    if not args.replace:
        raise CommandError(t("server.backup.needs_replace"))
    url = database_url(args)
    try:
        restore(url, args.file)
    except BackupError as error:  # a refused restore changes nothing: say so, the clerk's first worry
        raise CommandError(
            f"{t(f'server.backup.{error.code}', **error.params)}\n{t('server.restore.untouched')}"
        ) from None
    say(t("server.backup.restored", db=safe_url(url), path=args.file))
    return 0
